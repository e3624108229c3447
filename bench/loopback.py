"""Helpers shared by the browser benchmarks: a bench database migrated to the current
code, a wait for the gunicorn port, and a loopback static server for the peers' pages.

The static server maps URL prefixes to directories: bench/peers/ (our pages), the
peers' own files in node_modules (never copied into the repository) and the events
each peer gets, exported by newsdash and saved to a temporary directory.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER_PORT = 8798
sys.path.insert(0, str(ROOT / "bench"))

from server import ensure_database  # noqa: E402


def bench_database(n):
    """The PostgreSQL bench database for n events, filled once and migrated now: one filled by
    an older checkout lacks newer tables, which gunicorn alone would answer with a 500."""
    url = ensure_database("postgresql", n)
    env = os.environ | {"DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return url


def port_in_use(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_until_free(port, minutes=30):
    """Someone else (another benchmark) may hold the port: wait for it, never stop it."""
    deadline = time.monotonic() + minutes * 60
    while port_in_use(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"port {port} still busy after {minutes} minutes")
        print(f"port {port} is busy, waiting…", file=sys.stderr)
        time.sleep(10)


class PrefixHandler(SimpleHTTPRequestHandler):
    """Serves each URL prefix from its directory; anything else is a 404."""

    routes = {}

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, directory in self.routes.items():
            if path.startswith(prefix):
                target = (directory / path.removeprefix(prefix)).resolve()
                if target.is_relative_to(directory):
                    return str(target)
        return str(ROOT / "bench" / "peers" / "missing")

    def log_request(self, code="-", size="-"):
        if int(code) >= 400:  # only failures: a peer page missing one of its files would be an unfair run
            super().log_request(code, size)


@contextlib.contextmanager
def static_server(routes, port=PEER_PORT):
    """A threaded stdlib HTTP server on 127.0.0.1:port for routes {url prefix: directory}."""
    wait_until_free(port)
    handler = type("Handler", (PrefixHandler,), {"routes": {p: Path(d).resolve() for p, d in routes.items()}})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
