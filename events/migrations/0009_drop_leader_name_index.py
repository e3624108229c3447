"""Drops the full-text index on leaders' names that 0003 made on PostgreSQL. No query reads it:
a leader is found by a substring of its names (``LeaderQuerySet.matching``, which a GIN index on
words cannot answer), and since 0007 an event's search finds its participants' names in the
event's own search text. It only cost every leader's save an index update."""

from django.db import migrations


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS leader_search_names_fts")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS leader_search_names_fts ON events_leader "
            "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_names, '')))"
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0008_withdrawal")]

    operations = [migrations.RunPython(drop_index, create_index)]
