"""Write the whole newsroom to one file: ``manage.py backup newsdash-2026-11-24.jsonl.gz``.

Everything an editor made or changed is in it: leaders, events, sources,
citations, seating, collections, their full change history, the admin's log,
accounts and groups (with their permissions). Left out: what is derived or passing
(counts, sessions, django-axes' login attempts and lockouts, which expire within the
hour and would lock an editor out of a restored newsroom; content types and
permissions, which migrations recreate: records name them by their natural keys).
``manage.py restore`` loads it into an empty database.

JSON Lines, one record a line, as Django's ``jsonl`` serializer writes them, with two
changes: times keep their microseconds (Django's JSON cuts them to milliseconds), and
text is written as ASCII with escapes, so any character the database can hold, control
characters included (XML 1.0 cannot hold them), comes back as it was, and no character
in a text can break a line. Every record keeps its id, so the admin's log and the
history still point at the rows they name.

The file appears only when it is complete: it is written beside the target under a
temporary name, read back and counted against the database, then renamed into place.
"""

import collections
import datetime
import gzip
import json
import os
import tempfile
from contextlib import contextmanager
from itertools import chain
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import BaseCommand, CommandError
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, router, transaction

EXCLUDED = {
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "events.lanecount",
}


def opener(path, mode, compressed=None):
    """A text file, gzip-compressed when the name ends in .gz (or ``compressed`` says so)."""
    if str(path).endswith(".gz") if compressed is None else compressed:
        return gzip.open(path, mode + "t", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


class Encoder(DjangoJSONEncoder):
    """Times to the microsecond, as the database keeps them."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs |= {"cls": Encoder, "ensure_ascii": True}


def backed_up_models():
    """The models a backup holds, each after the models its natural keys name."""
    every_app = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(every_app, allow_cycles=True)
        if not {model._meta.app_label, model._meta.label_lower} & EXCLUDED
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
    ]


def records(model):
    # A record names a user or content type by its natural key: fetched with the row, not row by row.
    named = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and hasattr(field.related_model, "natural_key")
    ]
    return model._base_manager.using(DEFAULT_DB_ALIAS).select_related(*named).order_by("pk").iterator()


@contextmanager
def snapshot():
    """The whole database as it stood at one moment, whatever editors save meanwhile,
    so that every reference in the backup finds its record."""
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield  # SQLite reads one snapshot within a transaction as it is


def fsync(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def counted(path, compressed):
    """How many records of each model the file holds, reading every line (and, compressed, its checksum)."""
    found = collections.Counter()
    with opener(path, "r", compressed) as backup:
        for line in backup:
            found[json.loads(line)["model"]] += 1
    return found


class Command(BaseCommand):
    help = "Dump the database to a JSON Lines file (gzip-compressed when the name ends in .gz)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        target = Path(path)
        compressed = target.name.endswith(".gz")
        try:
            # Readable by its owner only (mkstemp's mode): the backup holds password hashes.
            descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
            os.close(descriptor)
        except OSError as error:
            raise CommandError(f"Cannot write a backup beside {path}: {error}") from None
        try:
            with snapshot():
                models = backed_up_models()
                expected = collections.Counter(
                    {model._meta.label_lower: model._base_manager.using(DEFAULT_DB_ALIAS).count() for model in models}
                )
                with opener(temporary, "w", compressed) as out:
                    Serializer().serialize(
                        chain.from_iterable(records(model) for model in models),
                        stream=out,
                        use_natural_foreign_keys=True,
                    )
            found = counted(temporary, compressed)
            if found != expected:
                missing = ", ".join(
                    f"{label}: {found[label]} of {expected[label]}"
                    for label in sorted(set(expected) | set(found))
                    if found[label] != expected[label]
                )
                raise ValueError(f"the file read back does not hold every record ({missing})")
            fsync(temporary)
            os.replace(temporary, target)
            fsync(target.parent)  # the new name survives a power cut
        except Exception as error:  # whatever went wrong, no partial backup may pass for a whole one
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(f"The backup failed, so {path} was not written: {error}") from None
        self.stdout.write(f"Backed up {expected.total()} records to {path}.")
