"""Time from navigation to the chart drawn, in headless Chromium, for 1k/10k/100k events:
newsdash against two peers, vis-timeline and TimelineJS, on the same events in the same run.

    make bench-browser                      # 1k, 10k and 100k: the PostgreSQL databases bench/server.py fills
    .venv/bin/python bench/browser.py 1000 10000

newsdash: each database served by gunicorn (2 workers, DEBUG=0, collected static
files, Redis) on loopback, after a few warm-up requests; /timeline/ loaded cold, with a
new browser context (empty HTTP cache) and an empty server cache. Drawn: the first mark
of the server's SVG drawing of the chart, on screen before plotly.js loads. Interactive,
reported beside it: plotly.js has drawn its first point over that drawing.

Every time is taken in the page, for newsdash and the peers alike: from the start of
navigation to the first animation frame that holds the mark (WATCH), so the test
driver's polling and messages add nothing.

Peers: the same published events, from our own exports fetched from that gunicorn
(/timeline/export.json as vis-timeline items: id, content = title, start, and end when
the date is a month or a year; /timeline/export.timelinejs.json as is, for TimelineJS),
saved to a temporary directory. Each peer's page (bench/peers/) loads the library from
node_modules and fetches its data over HTTP, like our page, from a stdlib server on
127.0.0.1:8798. Drawn, for vis-timeline: the first `.vis-item` in the timeline; for
TimelineJS: the first marker of its time navigation (`.tl-timenav .tl-timemarker`),
which it builds and lays out in the same task that shows the timeline.

Every run is cold (a new context) and ends at drawn or after 60 s, reported as "no
chart within 60 s". newsdash: 5 runs; each peer: 3, or only 1 when the first took
over 20 s. One browser for all runs; Chromium resolves no host but 127.0.0.1, so
nothing leaves loopback. Writes bench/results/browser.md and browser.json.
"""

import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from chromium import FLAGS  # noqa: E402
from loopback import bench_database, static_server, wait_until_free  # noqa: E402
from report import write_results  # noqa: E402
from server import BENCH_REDIS, HTTP_PORT, gunicorn  # noqa: E402

CHROMIUM_FLAGS = [*FLAGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
TIMEOUT_MS = 60_000
NEWSDASH_RUNS = 5
PEER_RUNS = 3
SLOW_MS = 20_000  # a peer's first run slower than this is its only run
DRAWN = {
    # The server's drawing (events/svg.py) is on screen before plotly.js has loaded; plotly.js then draws over it.
    "newsdash": "#timeline-chart .chart-static .mark, "
    "#timeline-chart .scatterlayer .point, #timeline-chart .barlayer .point",
    "vis-timeline": "#timeline .vis-item",
    "TimelineJS": "#timeline .tl-timenav .tl-timemarker",
}
# plotly.js has drawn (events one by one, or counts as bars): hover, click and zoom work
INTERACTIVE = "#timeline-chart .scatterlayer .point, #timeline-chart .barlayer .point"
PEERS = {"vis-timeline": "vis-timeline.html", "TimelineJS": "timelinejs.html"}
PEER_PACKAGES = {"vis-timeline": "vis-timeline", "TimelineJS": "@knight-lab/timelinejs"}
NODE_MODULES = ROOT / "node_modules"


# In the page, from its first moment: each animation frame, before it is painted, looks for the
# selectors; the first frame that holds one is when it reaches the screen. Timed from the start of
# navigation (performance.now()), so neither the test driver's polling nor its messages count.
WATCH = """(selectors) => {
    window.__seen = {};
    function look() {
        for (const selector of selectors) {
            if (selector in window.__seen || !document.querySelector(selector)) continue;
            window.__seen[selector] = performance.now();
        }
        if (Object.keys(window.__seen).length < selectors.length) requestAnimationFrame(look);
    }
    requestAnimationFrame(look);
}"""


def time_to_drawn(browser, url, selector, runs, before_run=None, slow_ms=None, then=None):
    """Milliseconds from navigation to the frame that first shows selector, one cold context a run;
    None for a run that timed out, which ends the series. With slow_ms, a first run slower than that
    is the only one. With ``then``, a second selector: also (timings, timings to that one)."""
    selectors = [selector] + ([then] if then else [])
    done = f"() => window.__seen && Object.keys(window.__seen).length === {len(selectors)}"
    timings, later = [], []
    for run in range(runs):
        if before_run:
            before_run()
        context = browser.new_context()
        context.add_init_script(f"({WATCH})({json.dumps(selectors)})")
        page = context.new_page()
        try:
            page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
            page.wait_for_function(done, timeout=TIMEOUT_MS)
            seen = page.evaluate("() => window.__seen")
            timings.append(seen[selector])
            if then:
                later.append(seen[then])
        except PlaywrightTimeout:
            timings.append(None)
        context.close()
        if timings[-1] is None or (run == 0 and slow_ms and timings[0] > slow_ms):
            break
    return (timings, later) if then else timings


def summary(timings, events):
    drawn = [ms for ms in timings if ms is not None]
    return {
        "events": events,
        "ms": timings,
        "median": statistics.median(drawn) if drawn and len(drawn) == len(timings) else None,
        "max": max(drawn) if drawn else None,
    }


def fetch(url):
    with urllib.request.urlopen(url, timeout=600) as response:
        return json.load(response)


def vis_items(export):
    """One vis-timeline item per event: a point for a day, a range over a month or a year."""
    items = []
    for index, event in enumerate(export["events"]):
        item = {"id": index, "content": event["title"], "start": event["start"]}
        if event["end"] != event["start"]:
            item["end"] = event["end"]
        items.append(item)
    return items


def measure_newsdash(browser, n, data):
    """Time our page and save both exports under data/<n>/ for the peers."""
    import redis

    store = redis.Redis.from_url(BENCH_REDIS)
    wait_until_free(HTTP_PORT)
    with gunicorn(bench_database(n)) as base:
        # A started server with an empty cache: a few requests at once first, so that no run pays
        # for a worker's first imports and compiled templates.
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: urllib.request.urlopen(f"{base}/timeline/", timeout=600).read(), range(4)))
        timings, interactive = time_to_drawn(
            browser, f"{base}/timeline/", DRAWN["newsdash"], NEWSDASH_RUNS, store.flushdb, then=INTERACTIVE
        )
        export = fetch(f"{base}/timeline/export.json")
        timelinejs = fetch(f"{base}/timeline/export.timelinejs.json")
    store.flushdb()
    folder = data / str(n)
    folder.mkdir()
    (folder / "vis.json").write_text(json.dumps(vis_items(export)))
    (folder / "timelinejs.json").write_text(json.dumps(timelinejs))
    return summary(timings, len(export["events"])) | {"interactive": summary(interactive, 0)}, {
        "vis-timeline": (f"/data/{n}/vis.json", len(export["events"])),
        "TimelineJS": (f"/data/{n}/timelinejs.json", len(timelinejs["events"])),
    }


def version(package):
    return json.loads((NODE_MODULES / package / "package.json").read_text())["version"]


def cell_ms(result):
    if result["median"] is not None:
        runs = len(result["ms"])
        return f"{result['median']:,.0f}" + (" (1 run)" if runs == 1 else "")
    if result["max"] is not None:  # drawn at first, then a later run timed out
        return f"{result['max']:,.0f}, then no chart within 60 s"
    return "no chart within 60 s"


def cell_ratio(peer, ours):
    if ours["median"] is None:
        return "–"
    if peer["median"] is None:
        return f"> {TIMEOUT_MS / ours['median']:.1f}×"
    return f"{peer['median'] / ours['median']:.1f}×"


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [1000, 10000, 100000]
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.node()}, {os.cpu_count()} cores, {platform.platform()}",
        "versions": {
            **{name: version(package) for name, package in PEER_PACKAGES.items()},
            "plotly.js": version("plotly.js-basic-dist-min"),
        },
        "runs": {"newsdash": NEWSDASH_RUNS, "peers": PEER_RUNS, "peer_single_run_over_ms": SLOW_MS},
        "timeout_ms": TIMEOUT_MS,
        "drawn": DRAWN,
        "results": [],
    }
    with tempfile.TemporaryDirectory() as data, sync_playwright() as playwright:
        data = Path(data)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        report["versions"]["chromium"] = browser.version
        routes = {f"/node_modules/{package}/": NODE_MODULES / package for package in PEER_PACKAGES.values()}
        routes |= {"/data/": data, "/": ROOT / "bench" / "peers"}  # "/" last: the first matching prefix serves
        with static_server(routes) as peers:
            for n in sizes:
                ours, exports = measure_newsdash(browser, n, data)
                row = {"size": n, "newsdash": ours}
                for name, page in PEERS.items():
                    path, events = exports[name]
                    url = f"{peers}/{page}?data={path}"
                    row[name] = summary(time_to_drawn(browser, url, DRAWN[name], PEER_RUNS, slow_ms=SLOW_MS), events)
                report["results"].append(row)
                print(f"{n}: " + ", ".join(f"{k} {cell_ms(row[k])} ms" for k in DRAWN), file=sys.stderr)
        browser.close()
    versions = report["versions"]
    lines = [
        "# Browser: navigation to chart drawn, newsdash and peers",
        "",
        f"{report['date']} · {report['machine']} · Chromium {versions['chromium']} · plotly.js "
        f"{versions['plotly.js']}, vis-timeline {versions['vis-timeline']}, TimelineJS {versions['TimelineJS']}.",
        "",
        "newsdash: PostgreSQL, gunicorn 2 workers (started and answering), Redis; cold (new browser context, "
        f"empty server cache), {NEWSDASH_RUNS} runs; drawn = the first mark of the chart the server draws as SVG "
        "(events/svg.py), on screen before plotly.js loads; interactive = the first Plotly point, once plotly.js "
        "has drawn over it (hover, click and zoom work). Every time is taken in the page: from the start of navigation "
        "to the first animation frame that holds the mark. Peers: the same published events from our exports "
        "(export.json as vis-timeline items, export.timelinejs.json), each page and its data served from a "
        f"loopback static server; cold, {PEER_RUNS} runs (1 when the first took over {SLOW_MS // 1000} s); drawn = "
        "the first `.vis-item` / the first TimelineJS time-navigation marker. Median ms; a run is stopped at "
        f"{TIMEOUT_MS // 1000} s. Ratio: the peer's time over newsdash's, how many times faster newsdash draws.",
        "",
        "Not the same drawing: newsdash draws events one by one only when few are in view (events/explorer.py, "
        "DETAIL_LIMIT) and otherwise their counts per lane and period; the peers draw every event they are given.",
        "",
        "| events (published) | newsdash ms | vis-timeline ms | TimelineJS ms | vis-timeline / newsdash "
        "| TimelineJS / newsdash | newsdash interactive ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in report["results"]:
        ours, vis, tljs = row["newsdash"], row["vis-timeline"], row["TimelineJS"]
        published = f"{vis['events']:,}"
        if tljs["events"] != vis["events"]:
            published = f"vis-timeline {vis['events']:,}, TimelineJS {tljs['events']:,}"
        lines.append(
            f"| {row['size']:,} ({published}) | {cell_ms(ours)} | {cell_ms(vis)} | {cell_ms(tljs)} "
            f"| {cell_ratio(vis, ours)} | {cell_ratio(tljs, ours)} | {cell_ms(ours['interactive'])} |"
        )
    write_results("browser", lines, report)


if __name__ == "__main__":
    main()
