"""Time from navigation to the chart drawn, in headless Chromium, for 1k/10k/100k events.

    make bench-browser                 # the PostgreSQL databases bench/server.py filled

Serves each database through gunicorn (2 workers, DEBUG=0, collected static files)
on loopback and loads /timeline/ cold: a new browser context (empty HTTP cache)
and an empty server cache. "Drawn" is when plotly.js has rendered the chart's
points. Writes bench/results/browser.md and browser.json.
"""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from server import BENCH_REDIS, ensure_database, gunicorn  # noqa: E402

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DRAWN = "() => document.querySelector('#timeline-chart .scatterlayer .point') !== null"


def time_to_drawn(browser, url, runs):
    import redis

    store = redis.Redis.from_url(BENCH_REDIS)
    timings = []
    for _ in range(runs):
        store.flushdb()
        context = browser.new_context()
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(DRAWN, timeout=60_000)
        timings.append((time.perf_counter() - start) * 1000)
        context.close()
    return timings


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [1000, 10000, 100000]
    runs = 5
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        version = browser.version
        for n in sizes:
            with gunicorn(ensure_database("postgresql", n)) as base:
                timings = time_to_drawn(browser, f"{base}/timeline/", runs)
            results.append({"events": n, "ms": timings, "median": statistics.median(timings), "max": max(timings)})
        browser.close()
    lines = [
        "# Browser: navigation to chart drawn",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.node()}, {os.cpu_count()} cores · Chromium {version} · "
        f"PostgreSQL, gunicorn 2 workers, Redis · cold: new browser context and empty server cache, {runs} runs.",
        "",
        "| events | median ms | worst ms |",
        "|---|---|---|",
        *(f"| {r['events']:,} | {r['median']:.0f} | {r['max']:.0f} |" for r in results),
    ]
    out = ROOT / "bench" / "results"
    (out / "browser.md").write_text("\n".join(lines) + "\n")
    (out / "browser.json").write_text(json.dumps({"chromium": version, "results": results}, indent=1) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
