"""Production settings, the Content Security Policy, request ids, /healthz, outages and login throttling."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import override_settings

from events.models import Event

from .factories import EventFactory

ROOT = Path(__file__).resolve().parent.parent
NONCE = re.compile(r"'nonce-([^']+)'")


def test_the_production_configuration_passes_the_deployment_checklist():
    # Without the browser tests' async switch, which has no place in production.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2Lz9" * 6,
        "ALLOWED_HOSTS": "news.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_an_app_server_keeps_what_it_loaded_at_start_out_of_the_garbage_collectors_passes():
    """Full collections over the loaded framework made one large page in ten 25 ms slower (bench/server.py)."""
    script = "import gc, newsdash.wsgi; print(gc.get_freeze_count())"
    env = os.environ | {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "localhost"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10_000


@pytest.mark.django_db
def test_scripts_run_only_from_our_files_or_with_the_pages_nonce(client, dataset):
    response = client.get("/timeline/")
    policy = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "'self'" in script_src
    nonce = NONCE.search(script_src).group(1)
    scripts = re.findall(r"<script src=[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), "every script tag carries this response's nonce"
    assert "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.django_db
def test_only_the_embed_may_be_framed_by_other_sites(client, dataset):
    assert "frame-ancestors *" in client.get("/embed/timeline/")["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in client.get("/events/beijing-military-parade-2025/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_keeps_a_sane_one_from_the_proxy(client):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/leaders/")["X-Request-ID"])
    assert client.get("/leaders/", HTTP_X_REQUEST_ID="proxy-42")["X-Request-ID"] == "proxy-42"
    hostile = client.get("/leaders/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", hostile)


@pytest.mark.django_db
def test_healthz_says_ok_when_the_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"] == {"database:default": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_503_and_why_when_the_cache_is_down(client):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("unavailable")
    assert response.json()["checks"]["database:default"] == "ok"


@pytest.mark.django_db
def test_a_page_that_cannot_reach_the_database_answers_a_friendly_503(client, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Event.objects, "get_queryset", down)
    with caplog.at_level(logging.ERROR, logger="newsdash"):
        response = client.get("/events/anything/", HTTP_X_REQUEST_ID="outage-1")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "cannot reach its database" in content
    assert "Traceback" not in content
    assert "connection refused" not in content, "no internals shown to the reader"
    record = next(record for record in caplog.records if "Database unavailable" in record.getMessage())
    assert record.request_id == "outage-1"


def test_every_admin_change_is_logged_with_its_request_id(editor_client, caplog):
    event = EventFactory(title="Parade", status="draft")
    with caplog.at_level(logging.INFO, logger="newsdash.admin"):
        editor_client.post(
            "/admin/events/event/", {"action": "unpublish", "_selected_action": [event.pk]}
        )  # already a draft: nothing to log
        event.status = "published"
        event.save()
        editor_client.post(
            "/admin/events/event/",
            {"action": "unpublish", "_selected_action": [event.pk]},
            HTTP_X_REQUEST_ID="edit-7",
        )
    records = [record for record in caplog.records if record.name == "newsdash.admin"]
    assert len(records) == 1
    assert "changed event" in records[0].getMessage()
    assert "Set to draft" in records[0].getMessage()
    assert records[0].request_id == "edit-7"


@pytest.mark.django_db
def test_an_account_locks_after_ten_failed_logins_and_says_so(client, editor, caplog):
    login = "/admin/login/?next=/admin/"
    for _ in range(9):
        response = client.post(login, {"username": editor.username, "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    with caplog.at_level(logging.WARNING, logger="axes"):
        locked = client.post(login, {"username": editor.username, "password": "wrong"})
    assert locked.status_code == 429
    assert "Account locked" in locked.content.decode()
    lockouts = [record.getMessage() for record in caplog.records if "Locking out" in record.getMessage()]
    assert len(lockouts) == 1
    assert "editor" in lockouts[0], "the log names the locked account"
    right_password = client.post(login, {"username": editor.username, "password": "a-long-editor-password"})
    assert right_password.status_code == 429, "even the right password waits out the lock"
    other = client.post(login, {"username": "someone-else", "password": "wrong"})
    assert other.status_code == 200, "the lock is on this account from this address, not on everyone"
    assert "Please enter the correct username and password" in other.content.decode()
