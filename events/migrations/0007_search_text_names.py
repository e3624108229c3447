"""An event's search text now holds its participants' names too (one full-text index answers a
search, see EventQuerySet.search). Past records in the history get the names of the event's
participants as they are now: the history keeps no participants per record."""

import collections

from django.db import migrations

from events.models import event_search_text


def fill(apps, schema_editor):
    db = schema_editor.connection.alias  # not the router's: reads would go to a replica
    names = collections.defaultdict(list)
    participants = apps.get_model("events", "Participation").objects.using(db).order_by("pk")
    for event, folded in participants.values_list("event_id", "leader__search_names").iterator():
        names[event].append(folded)
    for name in ("Event", "HistoricalEvent"):
        model = apps.get_model("events", name)
        records = model.objects.using(db).only("pk", "id", "title", "summary", "search_text")
        changed = []
        for record in records.iterator():
            text = event_search_text(record.title, record.summary, names[record.id])
            if text != record.search_text:
                record.search_text = text
                changed.append(record)
        model.objects.using(db).bulk_update(changed, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_history_derived_fields"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
