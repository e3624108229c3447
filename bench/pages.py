"""Page weight, SQL queries and in-process time for every public page.

Run with `make bench-pages` (SQLite) or `DATABASE_URL=... make bench-pages`.
Writes bench/results/pages.md and prints the same table.
"""

import gzip
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdash.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from standalone import dataset_client, timed_get  # noqa: E402

PAGES = [
    "/",
    "/timeline/",
    "/timeline/?leader=kim-jong-un&lanes=kind&from=2011&event=beijing-military-parade-2025",
    "/events/beijing-military-parade-2025/",
    "/leaders/",
    "/leaders/kim-jong-un/",
    "/collections/kim-jong-un-and-china/",
    "/embed/timeline/",
    "/timeline/export.csv",
    "/timeline/export.json",
    "/timeline/export.timelinejs.json",
]
RUNS = 30
# Every static file a page names: scripts, styles, the preload, and plotly.js that timeline.js fetches.
ASSET = re.compile(r'(?:\s(?:src|href)|data-plotly-src)="(/static/[^"]+)"')


def kb(size):
    return f"{size / 1024:.1f}"


def main():
    client = dataset_client()
    rows = []
    for url in PAGES:
        client.get(url)  # warm the template and URL caches
        times, cached_times = [], []
        for _ in range(RUNS):
            cache.clear()
            response, ms = timed_get(client, url)
            times.append(ms)
        for _ in range(RUNS):
            cached_times.append(timed_get(client, url)[1])
        cache.clear()
        reset_queries()  # the debug log is capped: a full one would count nothing
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        query_count = len(queries)  # now: later requests clear the log it reads
        body = response.content
        html = response["Content-Type"].startswith("text/html")
        assets = list(dict.fromkeys(ASSET.findall(body.decode()))) if html else []
        asset_bodies = [b"".join(client.get(asset).streaming_content) for asset in assets]
        raw = len(body) + sum(map(len, asset_bodies))
        packed = len(gzip.compress(body, 9)) + sum(len(gzip.compress(a, 9)) for a in asset_bodies)
        rows.append(
            [
                url,
                response.status_code,
                query_count,
                f"{statistics.median(times):.1f}",
                f"{statistics.quantiles(times, n=20)[18]:.1f}",
                f"{statistics.median(cached_times):.1f}",
                kb(len(body)),
                kb(len(gzip.compress(body, 9))),
                kb(raw),
                kb(packed),
            ]
        )
    header = [
        "page",
        "status",
        "queries",
        "p50 ms",
        "p95 ms",
        "cached p50 ms",
        "HTML KB",
        "HTML KB gz",
        "with assets KB",
        "gz KB",
    ]
    lines = [
        "# Public pages: weight, queries and in-process time",
        "",
        f"{time.strftime('%Y-%m-%d')}, {platform.node()}, Python {platform.python_version()}, "
        f"Django {django.get_version()}, database {connection.vendor}, {RUNS} runs a page (Django test client, "
        "no network), each with the cache cleared first; cached: the same page again. "
        "gz = gzip -9, as whitenoise serves static files.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
    ]
    text = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / f"pages-{connection.vendor}.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
