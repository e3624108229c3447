"""Load a ``manage.py backup`` file into an empty, migrated database, in one transaction.

Reads the JSON Lines backups ``backup`` writes, and the XML ones it wrote before.
"""

import collections

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from events import signals
from events.models import Event, Leader, Source

from .backup import opener


def load(backup):
    """Save the records as they are read, so that a record can name an earlier one by its
    natural key (an admin log entry its user); then fill in what named a later one.
    Returns how many records of each model were restored."""
    restored = collections.Counter()
    later = []
    backup_format = "xml" if backup.read(1) == "<" else "jsonl"
    backup.seek(0)
    for item in serializers.deserialize(backup_format, backup, handle_forward_references=True):
        item.save()
        restored[type(item.object)] += 1
        if item.deferred_fields:
            later.append(item)
    for item in later:
        item.save_deferred_fields()
    return restored


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
            with opener(path, "r") as backup, transaction.atomic():  # all or nothing
                # Migrations made the Editors group; the backup holds the groups as they were.
                Group.objects.all().delete()
                restored = load(backup)
                if not restored:
                    raise CommandError(f"{path} holds no records: it is not a newsdash backup.")
                # Records keep their ids: new ones must be numbered after them (PostgreSQL's sequences).
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), list(restored)):
                        cursor.execute(sql)
                # The receivers leave raw saves alone: the search text, counts and data version, once.
                signals.bulk_written()
        except CommandError:
            raise
        except DatabaseError as error:
            raise CommandError(f"{path} could not be restored, and nothing was: {error}") from None
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}, and nothing was restored: {error}") from None
        except Exception as error:  # whatever the parser trips on, the answer is the same
            raise CommandError(f"{path} is not a newsdash backup, and nothing was restored: {error}") from None
        self.stdout.write(f"Restored {restored.total()} records from {path}.")
