"""A bounded load test: 100 concurrent readers for 2 minutes against gunicorn and
PostgreSQL while an editor keeps saving changes through the admin.

    make loadtest                         # 100 connections, 120 s, the 10k bench database
    .venv/bin/python bench/loadtest.py --seconds 20 --connections 50

Readers: wrk on loopback, each request a timeline view from a fixed mix (some
cached, some not). The editor: a logged-in session that renames one event again
and again through the admin's change form. Afterwards every saved title must be
in the event's history and the last one in the database: 0 lost edits.
Writes bench/results/loadtest.md and prints it. Ends by itself.
"""

import argparse
import http.cookiejar
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from server import BENCH_REDIS, ensure_database, gunicorn  # noqa: E402

# Each wrk connection walks this list of timeline views; the figures at the end come from wrk's Lua hooks.
WRK_SCRIPT = """
local paths = {
  "/timeline/", "/timeline/?lanes=country", "/timeline/?lanes=kind", "/timeline/?q=summit",
  "/timeline/?view=2001-01-01..2001-06-30", "/leaders/leader-7/", "/events/event-20/",
  "/timeline/export.json?leader=leader-7",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('{"requests": %d, "non_2xx": %d, "socket_errors": %d, "p50_ms": %.1f, "p95_ms": %.1f, '
    .. '"p99_ms": %.1f, "seconds": %.1f}\\n', summary.requests, summary.errors.status, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.duration / 1e6))
end
"""


class FormFields(HTMLParser):
    """What a browser would submit from the page's form: checked boxes only, selected options."""

    def __init__(self):
        super().__init__()
        self.fields, self.select, self.textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and not name.startswith("_"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None


def form_fields(page):
    parser = FormFields()
    parser.feed(page)
    return dict(parser.fields)


class AdminSession:
    """One editor's browser: a cookie jar, the admin's forms with their CSRF token, and posts."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def form(self, url):
        page = self.opener.open(self.base + url, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return page, token

    def post(self, url, fields):
        request = urllib.request.Request(
            self.base + url, data=urllib.parse.urlencode(fields, doseq=True).encode(), headers={"Referer": self.base}
        )
        return self.opener.open(request, timeout=30)

    def login(self, username, password):
        _, token = self.form("/admin/login/")
        self.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )


class Editor(threading.Thread):
    """Logs in as a superuser and renames one event until told to stop."""

    def __init__(self, base, event_pk, password):
        super().__init__(daemon=True)
        self.session = AdminSession(base)
        self.event_pk, self.password = event_pk, password
        self.saved, self.failed, self.stop = [], [], threading.Event()

    def run(self):
        self.session.login("loadtest", self.password)
        url = f"/admin/events/event/{self.event_pk}/change/"
        n = 0
        while not self.stop.is_set():
            n += 1
            page, token = self.session.form(url)
            fields = form_fields(page)
            title = f"Load-test edit {n}"
            fields |= {"title": title, "csrfmiddlewaretoken": token, "_save": "Save"}
            try:
                reply = self.session.post(url, fields)
                if reply.url.endswith("/admin/events/event/"):
                    self.saved.append(title)
                else:
                    self.failed.append((title, "form shown again"))
            except OSError as error:
                self.failed.append((title, str(error)))
            time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--events", type=int, default=10000)
    args = parser.parse_args()
    url = ensure_database("postgresql", args.events)
    env = os.environ | {"DATABASE_URL": url}
    password = "load-test-password-" + str(os.getpid())
    setup = f"""
from django.contrib.auth import get_user_model
from events.models import Event
user, _ = get_user_model().objects.get_or_create(username="loadtest")
user.is_staff = user.is_superuser = True
user.set_password({password!r}); user.save()
from axes.utils import reset; reset(username="loadtest")
print(Event.objects.get(slug="event-20").pk)
"""
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    event_pk = int(
        subprocess.run(
            [*manage, "shell", "-c", setup], env=env, check=True, capture_output=True, text=True
        ).stdout.split()[-1]
    )
    script = ROOT / "bench" / "data" / "loadtest.lua"
    script.write_text(WRK_SCRIPT)
    import redis

    redis.Redis.from_url(BENCH_REDIS).flushdb()
    with gunicorn(url) as base:
        editor = Editor(base, event_pk, password)
        editor.start()
        threads = min(args.connections, 4)
        wrk = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        editor.stop.set()
        editor.join(timeout=60)
    readers = json.loads(wrk.stdout.strip().splitlines()[-1])
    check = f"""
from events.models import Event
event = Event.objects.get(pk={event_pk})
titles = set(event.history.values_list("title", flat=True))
saved = {editor.saved!r}
print(sum(title not in titles for title in saved), event.title == (saved[-1] if saved else event.title))
"""
    lost, last_kept = subprocess.run(
        [*manage, "shell", "-c", check], env=env, check=True, capture_output=True, text=True
    ).stdout.split()[-2:]
    lines = [
        "# Load test: readers and an editor at once",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.node()}, {os.cpu_count()} cores · PostgreSQL, "
        f"{args.events:,} events, gunicorn 2 workers, Redis · wrk -t{threads} -c{args.connections} "
        f"-d{args.seconds}s on loopback, 8 timeline, event, leader and export views in turn; an editor "
        "renaming one event through the admin every 0.5 s.",
        "",
        "| requests | requests/s | non-2xx | socket errors | p50 ms | p95 ms | p99 ms "
        "| edits saved | edits refused or failed | edits lost |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {readers['requests']:,} | {readers['requests'] / readers['seconds']:,.0f} | {readers['non_2xx']} | "
        f"{readers['socket_errors']} | {readers['p50_ms']} | {readers['p95_ms']} | {readers['p99_ms']} | "
        f"{len(editor.saved)} | {len(editor.failed)} | {lost}{'' if last_kept == 'True' else ' (last not kept)'} |",
    ]
    (ROOT / "bench" / "results" / "loadtest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if editor.failed:
        print("failed edits:", editor.failed[:5])


if __name__ == "__main__":
    main()
