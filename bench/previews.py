"""How long a link preview image takes: its first drawing (our own SVG through resvg) and
every later request (from the cache): timelines, cards and a leader's on the parade dataset,
and views too dense to draw one by one (counted per period) on 10,000 generated events.

Run with `make bench-previews`. Writes bench/results/previews.md and prints it.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time

from standalone import ROOT

PARADE = [
    ("timeline, one leader", "/preview/timeline.png?leader=kim-jong-un"),
    ("event with seating", "/preview/events/beijing-military-parade-2025.png"),
    ("leader", "/preview/leaders/xi-jinping.png"),
]
COUNTED_EVENTS = 10_000
COUNTED = [
    (f"timeline counted, every event ({COUNTED_EVENTS:,})", "/preview/timeline.png"),
    ("timeline counted, by country since 2000", "/preview/timeline.png?lanes=country&from=2000"),
]
RUNS = 9


def measure(client, cases):
    from django.core.cache import cache
    from standalone import timed_get

    rows = []
    for name, url in cases:
        drawn, cpu, served = [], [], []
        for _ in range(RUNS):
            cache.clear()
            started = time.thread_time()
            response, ms = timed_get(client, url)
            cpu.append((time.thread_time() - started) * 1000)
            drawn.append(ms)
            if response.status_code != 200 or response["Cache-Control"] == "no-store":
                sys.exit(f"{url} sent no image of its own: drawing failed (see the log)")
            served.append(timed_get(client, url)[1])
        rows.append(
            f"| {name} | {statistics.median(drawn):.0f} | {statistics.median(cpu):.0f} | {max(drawn):.0f} "
            f"| {statistics.median(served):.1f} "
            f"| {len(response.content) / 1024:.0f} |"
        )
    return rows


def counted_rows():
    """The counted views, in a process of their own: their database is another (generated)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from generate import generate

    from events.models import Event

    call_command("migrate", verbosity=0)
    if Event.objects.count() != COUNTED_EVENTS:
        generate(COUNTED_EVENTS)
    settings.ALLOWED_HOSTS = ["testserver"]
    return measure(Client(), COUNTED)


def main():
    from standalone import dataset_client, setup

    setup("previews.sqlite3")
    rows = measure(dataset_client(), PARADE)
    counted = subprocess.run(
        [sys.executable, __file__, "--counted"],
        env=os.environ | {"DATABASE_URL": f"sqlite:///{ROOT / 'bench' / 'data' / 'previews-counted.sqlite3'}"},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    rows += json.loads(counted.stdout.splitlines()[-1])
    text = "\n".join(
        [
            "# Link preview images: drawing and serving",
            "",
            f"{time.strftime('%Y-%m-%d')}, {platform.node()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; `make bench-previews`. {RUNS} runs each, in-process, ms; load average "
            f"{os.getloadavg()[0]:.1f} at the end (the machine's other work slows the wall clock, not the CPU).",
            "",
            "| preview | first request p50 (drawn) | its CPU p50 | slowest | cached p50 | PNG KB |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            "A first request works out the view (read once: its drawing is kept beside the page's result)",
            "and draws the 1200x630 PNG from our own SVG through resvg, with no browser:",
            "a timeline of events, or of their counts per lane and period when there are too many to",
            f"draw one by one (the last two, on {COUNTED_EVENTS:,} generated events), a leader's",
            "timeline, an event's card with its rostrum. Pages only link to it, so no page waits for",
            "it. Later requests are served from the cache until the data changes. CPU: the request's",
            "own thread's time (SQLite and resvg run in it), which a busy machine does not inflate.",
            "",
        ]
    )
    (ROOT / "bench" / "results" / "previews.md").write_text(text)
    print(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--counted"]:
        from standalone import setup

        setup("previews-counted.sqlite3")
        print(json.dumps(counted_rows()))
    else:
        main()
