"""Load a ``manage.py backup`` file into an empty, migrated database, in one transaction."""

import gzip

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from events import counts
from events.cache import bump_data_version
from events.models import Event, Leader, Source

from .backup import opener


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database (run `migrate` first)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        for model in (Event, Leader, Source, get_user_model()):
            if model.objects.exists():
                raise CommandError(
                    f"The database already holds {model._meta.verbose_name_plural}: restore only into an empty one, "
                    "so nothing there is overwritten."
                )
        try:
            with opener(path, "r") as backup:
                data = backup.read()
        except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            objects = list(serializers.deserialize("xml", data, handle_forward_references=True))
        except Exception as error:  # whatever the parser trips on, the answer is the same
            raise CommandError(f"{path} is not a newsdash backup: {error}") from None
        if not objects:
            raise CommandError(f"{path} holds no records: it is not a newsdash backup.")
        try:
            with transaction.atomic():  # all or nothing
                for item in objects:
                    item.save()
                for item in objects:
                    if item.deferred_fields:
                        item.save_deferred_fields()
                counts.rebuild()
        except DatabaseError as error:
            raise CommandError(f"{path} could not be restored, and nothing was: {error}") from None
        bump_data_version()
        self.stdout.write(f"Restored {len(objects)} records from {path}.")
