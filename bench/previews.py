"""How long a link preview image takes: its first drawing (our own SVG through resvg) and
every later request (from the cache), on the parade dataset.

Run with `make bench-previews`. Writes bench/results/previews.md and prints it.
"""

import os
import platform
import statistics
import sys
import time

from standalone import ROOT, dataset_client, setup, timed_get

setup("previews.sqlite3")

from django.core.cache import cache  # noqa: E402

PREVIEWS = [
    ("timeline, one leader", "/preview/timeline.png?leader=kim-jong-un"),
    ("event with seating", "/preview/events/beijing-military-parade-2025.png"),
    ("leader", "/preview/leaders/xi-jinping.png"),
]
RUNS = 5


def main():
    client = dataset_client()
    rows = []
    for name, url in PREVIEWS:
        drawn, served = [], []
        for _ in range(RUNS):
            cache.clear()
            response, ms = timed_get(client, url)
            drawn.append(ms)
            if response["Cache-Control"] == "no-store":
                sys.exit(f"{url} sent the generic image: drawing failed (see the log)")
            served.append(timed_get(client, url)[1])
        rows.append(
            f"| {name} | {statistics.median(drawn):.0f} | {max(drawn):.0f} | {statistics.median(served):.1f} "
            f"| {len(response.content) / 1024:.0f} |"
        )
    text = "\n".join(
        [
            "# Link preview images: drawing and serving",
            "",
            f"{time.strftime('%Y-%m-%d')}, {platform.node()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; `make bench-previews`. {RUNS} runs each, in-process, ms.",
            "",
            "| preview | first request p50 (drawn) | slowest | cached p50 | PNG KB |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "A first request works out the view and draws the 1200x630 PNG from our own SVG through",
            "resvg, with no browser (a timeline, a leader's timeline, an event's card with its rostrum);",
            "only a view of counts still goes through kaleido and Chromium. Pages only link to it, so",
            "no page waits for it. Later requests are served from the cache until the data changes.",
            "",
        ]
    )
    (ROOT / "bench" / "results" / "previews.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
