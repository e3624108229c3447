"""Lighthouse performance of /timeline/ on the 10k and 100k PostgreSQL bench databases,
mobile (Lighthouse's default: simulated slow 4G and 4x CPU slowdown, a touch screen) and
desktop (with a mouse, so plotly.js loads at once).

    make bench-lighthouse                   # 10k and 100k events
    .venv/bin/python bench/lighthouse.py 10000

Lighthouse from npm (node_modules, pinned in package.json) drives Debian's Chromium
(/usr/bin/chromium), headless. The page is served by gunicorn (2 workers, DEBUG=0,
Redis) on loopback with its server cache warm, as most visitors find it; cold server
times are in bench/results/server.md. Chromium resolves no host but 127.0.0.1, so
nothing leaves loopback. 5 runs a form factor; the run with the median score is
reported, with its metrics and the opportunities and diagnostics Lighthouse lists.
Writes bench/results/lighthouse.md and lighthouse.json.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from loopback import bench_database, wait_until_free  # noqa: E402
from report import write_results  # noqa: E402
from server import BENCH_REDIS, HTTP_PORT, gunicorn  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
RUNS = 5
# Headless Chromium has no pointing device, which a page reads as neither mouse nor touch screen:
# each form factor gets the input of its kind (Blink's pointer types: 2 coarse, 4 fine; hover: 1 none,
# 2 hover). With a mouse, newsdash fetches plotly.js at once, which the desktop score then includes.
POINTER = (
    "--chrome-flags=--blink-settings=primaryPointerType={0},availablePointerTypes={0},"
    "primaryHoverType={1},availableHoverTypes={1}"
)
FORM_FACTORS = {"mobile": [POINTER.format(2, 1)], "desktop": ["--preset=desktop", POINTER.format(4, 2)]}
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "Speed Index",
    "server-response-time": "server response",
}
# What an audit's items measure, in the order they are looked for.
FIGURES = [("wastedMs", "ms"), ("wastedBytes", "B wasted"), ("total", "ms"), ("duration", "ms"), ("timing", "ms")]


def lighthouse(url, flags):
    """One Lighthouse run's report. A run that fails (seen once in dozens) is tried once more, its error printed."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--no-enable-error-reporting",
        *(f"--chrome-flags={flag}" for flag in CHROME_FLAGS),
        *flags,
    ]
    env = os.environ | {"CHROME_PATH": "/usr/bin/chromium"}
    for _ in range(2):
        output = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
        if output.returncode == 0:
            return json.loads(output.stdout)
        print(f"lighthouse failed: {output.stderr.strip()[-2000:]}", file=sys.stderr)
    raise RuntimeError("lighthouse failed twice, see above")


def culprits(details):
    """Up to five things an audit blames (a URL path, an element's selector, an LCP phase or a kind of
    main-thread work), each with its figure."""
    tables = details.get("items", []) if details.get("type") == "list" else [details]
    named = []
    for table in tables:
        for item in table.get("items", []):
            url = item.get("url", "").removeprefix(f"http://127.0.0.1:{HTTP_PORT}")
            name = url or (item.get("node") or {}).get("selector") or item.get("phase") or item.get("groupLabel")
            figure = next((f"{item[key]:,.0f} {unit}" for key, unit in FIGURES if item.get(key) is not None), "")
            if name:
                named.append(f"{name} {figure}".strip())
    return named[:5]


def findings(report):
    """The diagnostics (opportunities among them) that cost points, the largest estimated saving first."""
    listed = []
    for ref in report["categories"]["performance"]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("group") != "diagnostics" or audit["score"] is None or audit["score"] >= 0.9:
            continue
        savings = audit.get("metricSavings") or {}
        listed.append(
            {
                "id": ref["id"],
                "title": audit["title"],
                "display": audit.get("displayValue", ""),
                "savings": savings,
                "culprits": culprits(audit.get("details") or {}),
            }
        )
    return sorted(listed, key=lambda item: -max((ms for key, ms in item["savings"].items() if key != "CLS"), default=0))


def summarise(report):
    audits = report["audits"]
    return {
        "score": round(report["categories"]["performance"]["score"] * 100),
        "metrics": {name: audits[key].get("numericValue") for key, name in METRICS.items()},
        "display": {name: audits[key].get("displayValue", "") for key, name in METRICS.items()}
        | {"server response": f"{audits['server-response-time']['numericValue']:,.0f} ms"},
        "findings": findings(report),
        "warnings": report.get("runWarnings", []),
        "lighthouse": report["lighthouseVersion"],
    }


def measure(n):
    import redis

    wait_until_free(HTTP_PORT)
    with gunicorn(bench_database(n)) as base:
        url = f"{base}/timeline/"
        redis.Redis.from_url(BENCH_REDIS).flushdb()
        # Warm the server cache for the variant Chromium asks for (gzip).
        urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate, br"})).read()
        results = {}
        for form_factor, flags in FORM_FACTORS.items():
            runs = [summarise(lighthouse(url, flags)) for _ in range(RUNS)]
            median = statistics.median_low(run["score"] for run in runs)
            chosen = next(run for run in runs if run["score"] == median)
            results[form_factor] = chosen | {"scores": [run["score"] for run in runs]}
            print(f"{n} {form_factor}: scores {results[form_factor]['scores']}", file=sys.stderr)
    return results


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [10000, 100000]
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.node()}, {os.cpu_count()} cores, {platform.platform()}",
        "runs": RUNS,
        "results": [{"events": n, **measure(n)} for n in sizes],
    }
    report["lighthouse"] = report["results"][0]["mobile"]["lighthouse"]
    report["chromium"] = subprocess.run(
        ["/usr/bin/chromium", "--version"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Lighthouse: /timeline/ performance",
        "",
        f"{report['date']} · {report['machine']} · Lighthouse {report['lighthouse']} · {report['chromium']}.",
        "",
        "PostgreSQL, gunicorn 2 workers, Redis, server cache warm. Mobile: Lighthouse's default (simulated slow 4G, "
        "4x CPU slowdown) and a touch screen, where the page shows the server's drawing of the chart and fetches "
        "plotly.js only when the reader touches it (Lighthouse does not); desktop: `--preset=desktop` and a mouse, "
        f"where plotly.js is fetched and draws at once. {RUNS} runs each; the median-score run is shown.",
        "",
        "| events | form factor | score | runs | FCP | LCP | TBT | CLS | Speed Index | server response |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in report["results"]:
        for form_factor in FORM_FACTORS:
            run = result[form_factor]
            shown = " | ".join(run["display"][name] for name in METRICS.values())
            scores = ", ".join(map(str, run["scores"]))
            lines.append(f"| {result['events']:,} | {form_factor} | **{run['score']}** | {scores} | {shown} |")
    for result in report["results"]:
        for form_factor in FORM_FACTORS:
            run = result[form_factor]
            lines += ["", f"## {result['events']:,} events, {form_factor}: what costs points", ""]
            lines += [
                f"- {item['title']}"
                + (f": {item['display']}" if item["display"] else "")
                + (f" ({'; '.join(item['culprits'])})" if item["culprits"] else "")
                for item in run["findings"]
            ] or ["- nothing below 0.9"]
            lines += [f"- warning: {warning}" for warning in run["warnings"]]
    write_results("lighthouse", lines, report)


if __name__ == "__main__":
    main()
