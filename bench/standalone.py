"""Django for a benchmark that runs on its own: our settings, and a scratch SQLite
database under bench/data unless DATABASE_URL names another."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdash.settings")
    data = ROOT / "bench" / "data"
    data.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data / database}")
    import django

    django.setup()


def dataset_client():
    """The migrated database with our dataset loaded, and a test client for it."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_dataset", verbosity=0)
    return Client()


def timed_get(client, url):
    """The test client's response for ``url``, and how long it took in milliseconds."""
    started = time.perf_counter()
    response = client.get(url)
    return response, (time.perf_counter() - started) * 1000
