"""Several app server processes, one data version: what an editor withdraws is gone from
every worker as soon as the save returns, with the default setup (no Redis).

The test runs gunicorn with two workers on a SQLite file, has both of them cache the
parade's pages, then unpublishes the event from a third process (as the admin's worker
would) and reads the pages again, many times, so both workers answer.
"""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from pgcluster import production_server  # noqa: E402

SLUG = "beijing-military-parade-2025"
TITLE = "80th anniversary of the end of World War II"
PAGES = [f"/events/{SLUG}/", "/timeline/export.json", "/leaders/kim-jong-un/", "/timeline/?q=parade"]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def server(tmp_path, collected_static):
    url = f"sqlite:///{tmp_path / 'newsroom.sqlite3'}"
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "SHARED_DIR")}
    env["DATABASE_URL"] = url
    for command in (["migrate", "--noinput", "-v0"], ["load_dataset", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    with production_server(url, workers=2, collect=False) as base:
        yield base, env


def test_an_unpublished_event_is_gone_from_every_worker_at_once(server):
    base, env = server
    for _ in range(12):  # each request on a new connection: both workers serve and cache each page
        for page in PAGES:
            status, body = get(base + page)
            assert status == 200
            assert TITLE in body
    script = (
        "from events.models import Event, Status\n"
        f"event = Event.objects.get(slug={SLUG!r})\n"
        "event.status = Status.DRAFT\n"
        "event.save()\n"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True)
    stale = []
    for _ in range(12):
        for page in PAGES:
            status, body = get(base + page)
            if page.startswith("/events/"):
                if status != 404:
                    stale.append(page)
            elif TITLE in body:
                stale.append(page)
    assert not stale, f"withdrawn content was still served: {stale}"
