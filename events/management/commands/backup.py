"""Write the whole newsroom to one file: ``manage.py backup newsdash-2026-11-24.xml.gz``.

Everything an editor made or changed is in it: leaders, events, sources,
citations, seating, collections, their full change history, the admin's log,
accounts and groups. Left out: what is derived or passing (counts, sessions,
login attempts, content types and permissions, which migrations recreate).
``manage.py restore`` loads it into an empty database. XML, not JSON: Django's JSON
keeps times to the millisecond, XML to the microsecond, so nothing is rounded.
"""

import gzip

from django.core.management import BaseCommand, call_command

EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "events.lanecount",
]


def opener(path, mode):
    return gzip.open(path, mode + "t", encoding="utf-8") if str(path).endswith(".gz") else open(path, mode)


class Command(BaseCommand):
    help = "Dump the database to an XML file (gzip-compressed when the name ends in .gz)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        with opener(path, "w") as out:
            call_command(
                "dumpdata",
                *(f"--exclude={label}" for label in EXCLUDED),
                "--format=xml",
                "--natural-foreign",
                "--natural-primary",
                "--indent=1",
                stdout=out,
            )
        self.stdout.write(f"Backed up to {path}.")
