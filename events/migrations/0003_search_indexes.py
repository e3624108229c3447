"""Indexes for the explorer's filters.

The full-text indexes exist on PostgreSQL only (SQLite has no GIN); their
expressions match what ``EventQuerySet.search`` asks for, so the planner can use them.
"""

from django.db import migrations, models

FULL_TEXT = [
    ("event_search_text_fts", "events_event", "search_text"),
    ("leader_search_names_fts", "events_leader", "search_names"),
]


def create_full_text_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in FULL_TEXT:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, COALESCE({column}, '')))"
        )


def drop_full_text_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in FULL_TEXT:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("events", "0002_editors_group")]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["status", "kind", "start_date"], name="event_status_kind_start"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["status", "start_precision", "start_date"], name="event_status_precision"),
        ),
        migrations.RunPython(create_full_text_indexes, drop_full_text_indexes),
    ]
