"""Requests meant to take the site down or lock editors out: bodies too large to read,
articles built to be slow to parse, lockouts by strangers and tampered admin choices.
Each gets a 4xx or a form error that says why, quickly, never a 500."""

import html
import io
import select
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from events import article
from events.models import Participation, Source

from .factories import CollectionFactory, EventFactory, LeaderFactory, SourceFactory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from pgcluster import production_server  # noqa: E402

LOGIN = "/admin/login/?next=/admin/"
IMPORT = "/admin/events/source/import/"


# Bodies

MB = 2**20


class Sender(io.RawIOBase):
    """A client with an endless body: counts the bytes the server reads."""

    def __init__(self):
        self.taken = 0

    def read(self, size=-1):
        size = 64 * 1024 if size is None or size < 0 else size
        self.taken += size
        return b"x" * size


def test_a_body_over_5_mb_is_refused_from_its_length_before_any_of_it_is_read(client):
    body = Sender()
    response = client.generic(
        "POST",
        "/admin/login/",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(100 * MB),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert response.content.decode() == (
        "Request too large: it sends 100 MB, and newsdash accepts at most 5 MB. Nothing was read or saved."
    )
    assert body.taken == 0


@pytest.mark.django_db
def test_a_file_in_a_form_counts_towards_the_limit(client):
    """Django's own limit leaves files out: a 6 MB "file" posted to the login page was read."""
    upload = SimpleUploadedFile("big.bin", b"x" * (6 * MB))
    response = client.post(LOGIN, {"username": "ana", "password": "guess", "file": upload})
    assert response.status_code == 413
    assert "it sends 6 MB, and newsdash accepts at most 5 MB" in response.content.decode()


def chunked(client, body, url="/admin/login/", **extra):
    """A body sent without a length (Transfer-Encoding: chunked), as gunicorn passes it on."""
    return client.generic(
        "POST",
        url,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body, "wsgi.input_terminated": True},
        **extra,
    )


def test_a_chunked_body_is_read_only_up_to_the_limit(client):
    body = Sender()
    response = chunked(client, body, CONTENT_TYPE="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "it sends more than 5 MB, and newsdash accepts at most 5 MB" in response.content.decode()
    assert body.taken == 5 * MB + 1


@pytest.mark.django_db
def test_a_chunked_body_within_the_limit_is_read_as_any_other(client, editor):
    form = urlencode({"username": editor.username, "password": "a-long-editor-password"}).encode()
    response = chunked(client, io.BytesIO(form), LOGIN, CONTENT_TYPE="application/x-www-form-urlencoded")
    assert response.status_code == 302, "logged in: Django alone would have seen an empty form"
    assert response["Location"] == "/admin/"


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory, collected_static):
    """The production server; the refusals below answer before any database is asked."""
    url = f"sqlite:///{tmp_path_factory.mktemp('gunicorn') / 'db.sqlite3'}"
    with production_server(url, workers=1, collect=False) as base:
        yield urlsplit(base).port


def answer_while_sending(port, head, chunk, most):
    """Sends ``head`` then ``chunk`` again and again, up to ``most`` bytes, until the server
    answers: returns the answer's first line and how many body bytes were sent by then."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head)
        while sent < most:
            if select.select([connection], [], [], 0)[0]:
                break
            try:
                connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        ready, _, _ = select.select([connection], [], [], 10)
        assert ready, "no answer"
        return connection.recv(65536).split(b"\r\n", 1)[0].decode(), sent


def test_gunicorn_answers_a_100_mb_chunked_body_413_without_reading_it_all(gunicorn):
    head = (
        b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nCookie: csrftoken=" + b"a" * 32 + b"\r\n\r\n"
    )
    data = b"x" * 65536
    start = time.monotonic()
    status, sent = answer_while_sending(gunicorn, head, b"10000\r\n" + data + b"\r\n", 100 * MB)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert sent < 20 * MB, f"the server read on to {sent / MB:.0f} MB"
    assert time.monotonic() - start < 10


def test_gunicorn_answers_a_100_mb_content_length_413_at_once(gunicorn):
    head = (
        b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 104857600\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\n\r\n"
    )
    status, sent = answer_while_sending(gunicorn, head, b"x" * 65536, 100 * MB)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert sent < 20 * MB


# Articles built to be slow to parse


@pytest.mark.django_db
def test_an_article_file_over_2_mb_says_its_size_and_the_limit(editor_client):
    upload = SimpleUploadedFile("article.txt", b"Xi Jinping met Kim Jong Un. " * 121_429)  # 3.4 MB
    response = editor_client.post(IMPORT, {"file": upload, "stage": "analyse"})
    assert response.status_code == 200
    assert "The file is 3.4 MB; the limit is 2 MB." in html.unescape(response.content.decode())
    assert not Source.objects.exists()


def import_page(editor_client, markup):
    """The response, and the seconds of work (this thread's CPU time, as the reading's own
    limit counts them: waits for a core on a busy machine are not the page's doing)."""
    upload = SimpleUploadedFile("page.html", markup.encode())
    start = time.thread_time()
    response = editor_client.post(IMPORT, {"file": upload, "stage": "analyse"})
    return response, time.thread_time() - start


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("markup", "says"),
    [
        # 200,000 nested elements (1.4 MB): the old reading took minutes, past the worker's 30 s.
        ("<b>" * 200_000 + "Xi met Kim." + "</b>" * 200_000, "nests its HTML elements more than 256 deep"),
        ("<i>Xi</i>" * 200_000, "has more than 30,000 HTML elements"),
        # Tiny, but each of 84 nested tables' cells holds the ones within: every depth allowed,
        # and minutes of work.
        (
            "<html><body>" + "<table><tr><td>" * 84 + "<p>Xi met Kim.</p>" * 100 + "</td></tr></table>" * 84,
            "Reading this page took more than 3 seconds",
        ),
    ],
)
def test_a_page_built_to_be_slow_to_read_is_refused_within_5_seconds(editor_client, markup, says):
    response, seconds = import_page(editor_client, markup)
    assert seconds < 5
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert says in content
    assert "paste the article's text instead" in content
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_a_deep_but_ordinary_page_is_still_read(editor_client):
    section = "<div>" * 200 + "<p>Xi Jinping met Kim Jong Un in Beijing.</p>" + "</div>" * 200
    response, seconds = import_page(editor_client, "<html><body>" + section * 50 + "</body></html>")
    assert seconds < 5
    assert "paste the article's text instead" not in html.unescape(response.content.decode())
    assert "Xi Jinping met Kim Jong Un in Beijing." in html.unescape(response.content.decode())


def test_markdown_built_to_be_slow_reads_in_a_moment():
    start = time.thread_time()
    article.read("[" * 199_000)  # each bracket a link's possible start: 2 s and more, read in full
    assert time.thread_time() - start < 1


def test_a_text_over_the_limit_is_refused_before_it_is_parsed():
    start = time.thread_time()
    with pytest.raises(article.Unreadable, match="a source holds at most 200,000"):
        article.read("[" * 600_000)
    assert time.thread_time() - start < 1


# Lockouts


def log_in(client, address, password="wrong", username="ana", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


@pytest.fixture
def ana(django_user_model):
    return django_user_model.objects.create_user("ana", password="ana-s-long-password", is_staff=True)


@pytest.mark.django_db
def test_ten_failures_from_one_address_do_not_lock_the_editor_out_elsewhere(client, ana):
    for _ in range(9):
        assert log_in(client, "203.0.113.9").status_code == 200
    assert log_in(client, "203.0.113.9").status_code == 429
    assert log_in(client, "203.0.113.9", "ana-s-long-password").status_code == 429, "the guesser stays locked"
    elsewhere = log_in(client, "198.51.100.7", "ana-s-long-password")
    assert elsewhere.status_code == 302, "ana, from her own address, logs in"


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_a_made_up_forwarded_address_does_not_escape_the_throttle(client, ana, proxies):
    """Each guess claims another address in X-Forwarded-For. Straight to gunicorn the header
    is ignored; behind one proxy only its last entry counts, the one the proxy wrote."""

    def attempt(claimed, real, password="wrong"):
        if proxies:  # the proxy connects, and appends the address it was reached from
            return log_in(client, "127.0.0.1", password, HTTP_X_FORWARDED_FOR=f"{claimed}, {real}")
        return log_in(client, real, password, HTTP_X_FORWARDED_FOR=claimed)

    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        statuses = [attempt(f"10.9.8.{n}", "203.0.113.9").status_code for n in range(11)]
        assert statuses == [200] * 9 + [429, 429]
        assert attempt("10.9.8.1", "198.51.100.7", "ana-s-long-password").status_code == 302


# Tampered admin choices


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"page": "abc"}, 404),
        ({"page": "99999999999999999999"}, 404),
        ({"page": "-1"}, 404),
        ({"field_name": "role"}, 403),  # not an autocomplete field
        ({"field_name": "nothing"}, 403),
        ({"model_name": "nothing"}, 403),
        ({"app_label": "auth"}, 403),
        ({"term": "kim\x00"}, 400),
    ],
)
def test_a_tampered_autocomplete_query_is_a_4xx(editor_client, query, status):
    LeaderFactory()
    params = {"app_label": "events", "model_name": "participation", "field_name": "leader", "term": "", **query}
    assert editor_client.get("/admin/autocomplete/", params).status_code == status


@pytest.mark.django_db
def test_source_autocomplete_pages_in_title_order(editor_client):
    """Its list counts citations (a GROUP BY), which drops Meta's ordering: pages would repeat or skip."""
    for title in ["Zeta Wire", "Alpha Post", "Mid Times"]:
        SourceFactory(title=title)
    params = {"app_label": "events", "model_name": "citation", "field_name": "source", "term": ""}
    results = editor_client.get("/admin/autocomplete/", params).json()["results"]
    assert [result["text"] for result in results] == ["Alpha Post", "Mid Times", "Zeta Wire"]


INVALID = "Select a valid choice. That choice is not one of the available choices."
TAMPERED = [
    ("abc", INVALID),
    ("1.5", INVALID),
    ("99999999999999999999", INVALID),  # past any key: SQLite and PostgreSQL both overflowed
    ("-99999999999999999999", INVALID),
    ("9223372036854775808", INVALID),
    ("\x00", "Null characters are not allowed."),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "says"), TAMPERED)
def test_a_tampered_autocomplete_choice_is_a_form_error(editor_client, value, says):
    event = EventFactory()
    response = editor_client.post(
        reverse("admin:events_participation_add"),
        {"event": event.pk, "leader": value, "role": "guest", "citations-TOTAL_FORMS": 0, "citations-INITIAL_FORMS": 0},
    )
    assert response.status_code == 200
    assert f'<ul class="errorlist" id="id_leader_error"><li>{says}</li></ul>' in response.content.decode()
    assert not Participation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "says"), TAMPERED)
def test_a_tampered_choice_in_an_inline_is_a_form_error(editor_client, value, says):
    collection = CollectionFactory()
    response = editor_client.post(
        reverse("admin:events_collection_change", args=[collection.pk]),
        {
            "title": collection.title,
            "slug": collection.slug,
            "introduction": "",
            "status": collection.status,
            "entries-TOTAL_FORMS": "1",
            "entries-INITIAL_FORMS": "0",
            "entries-0-event": value,
            "entries-0-order": "0",
        },
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not collection.entries.exists()
