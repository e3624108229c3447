"""What a pinned link costs: the same pages live and pinned (``?as_of=``), cold, at
10k and 100k events, after a few edits made since the pinned moment.

    make bench-pinned
    .venv/bin/python bench/pinned.py --sizes 10000 --databases sqlite

Each run works on a copy of the database bench/server.py fills (bench/generate.py),
so its edits never reach that one. Writes bench/results/pinned.md and pinned.json.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from server import PG, ensure_database  # noqa: E402

PAGES = [
    ("timeline", "/timeline/"),
    ("timeline, search", "/timeline/?q=summit"),
    ("timeline, one leader", "/timeline/?leader=leader-7"),
    ("event page", "/events/event-20/"),
    ("leader page", "/leaders/leader-7/"),
]
RUNS = 7


def copy_of(kind, n):
    """A scratch copy of the filled database for N events."""
    source = ensure_database(kind, n)
    if kind == "sqlite":
        scratch = ROOT / "bench" / "data" / f"pinned-{n}.sqlite3"
        shutil.copyfile(source.removeprefix("sqlite:///"), scratch)
        return f"sqlite:///{scratch}"
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "newsdash_pinned_{n}"')
        connection.execute(f'CREATE DATABASE "newsdash_pinned_{n}" TEMPLATE "newsdash_bench_{n}"')
    return f"{PG}newsdash_pinned_{n}"


def child():
    """In a process of its own (one database's settings): edit, then time live and pinned."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdash.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from events import pinning
    from events.models import Event

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    moment = pinning.format_moment(timezone.now())
    time.sleep(0.01)
    # Since the moment: five events retitled, one redated, one deleted, one added.
    for event in Event.objects.order_by("pk")[:5]:
        event.title += " (edited)"
        event.save()
    redated = Event.objects.get(slug="event-20")
    redated.start_date = redated.start_date.replace(year=redated.start_date.year - 1)
    redated.save()
    Event.objects.filter(slug="event-21").get().delete()
    Event.objects.create(
        title="Added since", slug="added-since", kind="summit", start_date=redated.start_date, status="published"
    )
    client = Client()
    rows = []
    for name, path in PAGES:
        row = {"page": name}
        for mode, url in [("live", path), ("pinned", f"{path}{'&' if '?' in path else '?'}as_of={moment}")]:
            times = []
            for _ in range(RUNS):
                cache.clear()
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times.sort()
            print(name, mode, round(times[len(times) // 2]), file=sys.stderr, flush=True)
            row[mode] = {"p50": round(statistics.median(times)), "p95": round(times[-1]), "queries": len(queries)}
        rows.append(row)
    print(json.dumps({"database": connection.vendor, "events": Event.objects.count(), "rows": rows}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        return child()
    results = []
    for kind in arguments.databases:
        for n in arguments.sizes:
            url = copy_of(kind, n)
            env = os.environ | {"DATABASE_URL": url}
            out = subprocess.run(
                [sys.executable, __file__, "--child"], env=env, check=True, capture_output=True, text=True
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]) | {"size": n})
            if kind == "sqlite":
                Path(url.removeprefix("sqlite:///")).unlink()
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        "# Pinned links: live and pinned times of the same pages",
        "",
        f"{time.strftime('%Y-%m-%d')}, {machine}; `make bench-pinned`. Cold (cache cleared before each",
        f"request), in-process, {RUNS} runs: p50 / slowest in ms, and SQL queries. Since the pinned moment,",
        "five events were retitled, one redated, one deleted and one added.",
        "",
        "| database | events | page | live p50 | live max | pinned p50 | pinned max | queries live / pinned |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for row in result["rows"]:
            live, pinned = row["live"], row["pinned"]
            lines.append(
                f"| {result['database']} | {result['size']:,} | {row['page']} | {live['p50']} | {live['p95']} "
                f"| {pinned['p50']} | {pinned['p95']} | {live['queries']} / {pinned['queries']} |"
            )
    out = ROOT / "bench" / "results"
    (out / "pinned.md").write_text("\n".join(lines) + "\n")
    (out / "pinned.json").write_text(json.dumps(results, indent=2) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
