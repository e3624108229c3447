"""Django for a benchmark that runs on its own: our settings, and a scratch SQLite
database under bench/data unless DATABASE_URL names another."""

import os
import sys
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
