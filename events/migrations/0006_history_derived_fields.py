"""History keeps the derived search and period fields, so a pinned link can
filter and search the past; earlier records get them computed here."""

from django.db import migrations, models

from events import dates
from events.models import folded_names, normalise_name


def fill(apps, schema_editor):
    HistoricalEvent = apps.get_model("events", "HistoricalEvent")
    HistoricalLeader = apps.get_model("events", "HistoricalLeader")
    db = schema_editor.connection.alias  # not the router's: reads would go to a replica
    for record in HistoricalEvent.objects.using(db).iterator():
        record.search_text = normalise_name(f"{record.title} {record.summary}")
        if record.end_date:
            record.period_end = dates.period_end(record.end_date, record.end_precision)
        else:
            record.period_end = dates.period_end(record.start_date, record.start_precision)
        record.save(update_fields=["search_text", "period_end"])
    for record in HistoricalLeader.objects.using(db).iterator():
        record.search_names = folded_names(record.name, record.native_name, record.aliases)
        record.save(update_fields=["search_names"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_text_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalevent",
            name="period_end",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="historicalleader",
            name="search_names",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
