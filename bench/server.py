"""Server figures at scale: p50/p95 time, SQL queries and bytes per request, for
1k, 10k and 100k synthetic events, on SQLite and on PostgreSQL.

    make bench-server                      # SQLite and PostgreSQL, 1k/10k/100k
    .venv/bin/python bench/server.py --sizes 1000 10000 --databases sqlite

Each size gets its own database (bench/data/*.sqlite3, or newsdash_bench_<N> on
the PostgreSQL server at 127.0.0.1:5432), filled once by bench/generate.py.
"Cold" clears the cache before every request; "warm" repeats a cached one.
Writes bench/results/server.md and server.json.
"""

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from report import write_results

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432/"
URLS = [
    ("timeline", "/timeline/", {}),
    ("timeline, filtered", "/timeline/?kind=summit&kind=parade&from=1990&to=2010&lanes=kind", {}),
    ("timeline, zoomed", "/timeline/?view=2001-01-01..2001-06-30", {}),
    ("timeline, search", "/timeline/?q=summit", {}),
    ("chart fragment (htmx)", "/timeline/?lanes=country", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}),
    ("export.json, one leader", "/timeline/export.json?leader=leader-7", {}),
    ("export.csv, one leader", "/timeline/export.csv?leader=leader-7", {}),
    ("event page", "/events/event-20/", {}),
    ("leader page", "/leaders/leader-7/", {}),
]


def database_url(kind, n):
    if kind == "sqlite":
        (ROOT / "bench" / "data").mkdir(exist_ok=True)
        return f"sqlite:///{ROOT / 'bench' / 'data' / f'bench-{n}.sqlite3'}"
    return f"{PG}newsdash_bench_{n}"


def ensure_database(kind, n):
    """Create and fill the database for N events, unless a previous run did."""
    url = database_url(kind, n)
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(PG + "postgres", autocommit=True) as connection:
            name = f"newsdash_bench_{n}"
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "newsdash_bench_{n}"')
    marker = ROOT / "bench" / "data" / f"filled-{kind}-{n}"
    if not marker.exists():
        env = os.environ | {"DATABASE_URL": url}
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(n)], check=True, env=env)
        marker.parent.mkdir(exist_ok=True)
        marker.write_text("filled\n")
    return url


def measure(url, runs):
    """Run in a child process so each database gets fresh Django settings."""
    code = f"""
import gzip, json, os, statistics, sys, time
sys.path.insert(0, {str(ROOT)!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "newsdash.settings"
import django
django.setup()
from django.conf import settings
settings.ALLOWED_HOSTS = ["testserver"]
settings.DEBUG = False
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
call_command("migrate", verbosity=0)  # a database filled by an older run gets new indexes
client = Client()
client.get("/leaders/")
results = []
for name, path, headers in {URLS!r}:
    cold = []
    for _ in range({runs}):
        cache.clear()
        start = time.perf_counter()
        response = client.get(path, **headers)
        cold.append((time.perf_counter() - start) * 1000)
    warm = []
    for _ in range({runs}):
        start = time.perf_counter()
        client.get(path, **headers)
        warm.append((time.perf_counter() - start) * 1000)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    count = len(queries)
    body = response.content
    p95 = lambda values: sorted(values)[max(0, round(0.95 * len(values)) - 1)]
    results.append(dict(name=name, path=path, status=response.status_code, queries=count,
        cold_p50=statistics.median(cold), cold_p95=p95(cold), warm_p50=statistics.median(warm), warm_p95=p95(warm),
        kb=len(body) / 1024, kb_gz=len(gzip.compress(body, 6)) / 1024))
print(json.dumps(results))
"""
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=os.environ | {"DATABASE_URL": url}
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


HTTP_PORT = 8799
BENCH_REDIS = "redis://127.0.0.1:6379/14"


@contextlib.contextmanager
def gunicorn(url):
    """gunicorn with 2 workers on loopback, production settings and Redis, for one database."""
    env = os.environ | {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": BENCH_REDIS,
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback: no TLS proxy in front
        "SECURE_COOKIES": "0",
    }
    python = Path(sys.executable)
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    command = [python.parent / "gunicorn", "newsdash.wsgi", "-w", "2", "-b", f"127.0.0.1:{HTTP_PORT}"]
    server = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", HTTP_PORT), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start on port {HTTP_PORT}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{HTTP_PORT}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def over_http(url, runs, seconds):
    """The same requests through gunicorn (2 workers) on loopback, Redis as the shared
    cache; then a bounded wrk load on the cached timeline page."""
    import http.client

    import redis

    store = redis.Redis.from_url(BENCH_REDIS)
    with gunicorn(url) as base:
        results = []
        for name, path, headers in URLS:
            http_headers = {key[5:].replace("_", "-").title(): value for key, value in headers.items()}
            # A started server: each worker has served the page once (its code imported, its templates
            # compiled), as one that has been up a while has; the data cache is still flushed before each run.
            with ThreadPoolExecutor(4) as pool:
                request = urllib.request.Request(base + path, headers=http_headers)
                list(pool.map(lambda each: urllib.request.urlopen(each, timeout=120).read(), [request] * 4))
            timings = {"cold": [], "warm": []}
            for phase in ("cold", "warm"):
                for _ in range(runs):
                    if phase == "cold":
                        store.flushdb()
                    connection = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=120)
                    start = time.perf_counter()
                    connection.request("GET", path, headers=http_headers | {"Accept-Encoding": "gzip"})
                    response = connection.getresponse()
                    response.read()
                    timings[phase].append((time.perf_counter() - start) * 1000)
                    connection.close()
            results.append(
                {
                    "name": name,
                    **{
                        f"{phase}_{stat}": value
                        for phase, values in timings.items()
                        for stat, value in (("p50", statistics.median(values)), ("p95", p95(values)))
                    },
                }
            )
        load = None
        if shutil.which("wrk"):
            output = subprocess.run(
                ["wrk", "-t2", "-c16", f"-d{seconds}s", f"http://127.0.0.1:{HTTP_PORT}/timeline/"],
                capture_output=True,
                text=True,
                check=True,
                timeout=seconds + 30,
            ).stdout
            rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
            socket_errors = re.search(r"Socket errors: (.*)", output)
            load = {
                "requests_per_second": float(rate.group(1)) if rate else None,
                "non_2xx": int(errors.group(1)) if errors else 0,
                "socket_errors": socket_errors.group(1) if socket_errors else "none",
            }
    store.flushdb()
    return results, load


def p95(values):
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-http", action="store_true", help="Skip gunicorn and wrk.")
    parser.add_argument("--load-seconds", type=int, default=10)
    args = parser.parse_args()
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.node()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "runs": args.runs,
        "results": [],
    }
    for kind in args.databases:
        for n in args.sizes:
            started = time.perf_counter()
            url = ensure_database(kind, n)
            rows = measure(url, args.runs)
            http_rows, load = ([], None) if args.no_http else over_http(url, args.runs, args.load_seconds)
            report["results"].append({"database": kind, "events": n, "pages": rows, "http": http_rows, "load": load})
            print(f"{kind} {n}: measured in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    lines = [
        "# Server figures at scale",
        "",
        f"{report['date']} · {report['machine']} · Python {report['python']} · {args.runs} runs a page, in-process "
        "(Django test client). Cold: cache cleared before each request. gz: gzip -6 of the response.",
        "",
        "| database | events | request | status | queries | cold p50 ms | cold p95 ms | warm p50 ms | warm p95 ms "
        "| KB | KB gz |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in report["results"]:
        for page in result["pages"]:
            lines.append(
                f"| {result['database']} | {result['events']:,} | {page['name']} | {page['status']} "
                f"| {page['queries']} "
                f"| {page['cold_p50']:.0f} | {page['cold_p95']:.0f} | {page['warm_p50']:.1f} | {page['warm_p95']:.1f} "
                f"| {page['kb']:.0f} | {page['kb_gz']:.0f} |"
            )
    lines += [
        "",
        "## Over HTTP: gunicorn, 2 workers, loopback, Redis cache",
        "",
        "Cold: Redis flushed before each request, once each worker has served the page (code imported, templates "
        "compiled). Load: `wrk -t2 -c16` on the cached `/timeline/`.",
        "",
        "| database | events | request | cold p50 ms | cold p95 ms | cached p50 ms | cached p95 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in report["results"]:
        for page in result["http"]:
            lines.append(
                f"| {result['database']} | {result['events']:,} | {page['name']} | {page['cold_p50']:.0f} "
                f"| {page['cold_p95']:.0f} | {page['warm_p50']:.1f} | {page['warm_p95']:.1f} |"
            )
    loads = [r for r in report["results"] if r["load"]]
    if loads:
        lines += [
            "",
            "| database | events | cached /timeline/ requests/s | non-2xx | socket errors |",
            "|---|---|---|---|---|",
        ]
        for result in loads:
            load = result["load"]
            lines.append(
                f"| {result['database']} | {result['events']:,} | {load['requests_per_second']:.0f} "
                f"| {load['non_2xx']} | {load['socket_errors']} |"
            )
    write_results("server", lines, report)


if __name__ == "__main__":
    main()
