"""Backup and restore: the round trip loses nothing, history, accounts and the admin's log
included, and the newsroom works at once; any text the database holds comes back; a failed
backup leaves no file that could pass for one; bad files are refused."""

import datetime
import errno
import gzip
import importlib
import logging
import types

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from events.management.commands import backup
from events.models import Citation, Country, Event, LaneCount, Leader, Source

from .factories import SourceFactory
from .test_admin import event_form
from .test_importer import LONG, LONG_DATE, analysed, review_post
from .test_undo import FormFields

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-editor-password"
LOGIN = "/admin/login/?next=/admin/"


def dump(path):
    call_command("backup", str(path))
    with gzip.open(path, "rt") as backup_file:
        return backup_file.read()


@pytest.fixture(autouse=True)
def forget_content_types():
    """A flush gives content types new ids: the next test must not find the old ones cached."""
    yield
    ContentType.objects.clear_cache()


def empty_migrated_database():
    """What `migrate` leaves in a new database: content types, permissions and the Editors group."""
    call_command("flush", "--noinput")  # its post_migrate signal makes content types and permissions again
    editors = importlib.import_module("events.migrations.0002_editors_group")
    editors.create_editors_group(apps, types.SimpleNamespace(connection=connection))
    assert not Event.objects.exists()


def form_of(client, url):
    """The fields of the form on the page, as the browser would send them."""
    page = client.get(url)
    assert page.status_code == 200
    parser = FormFields()
    parser.feed(page.content.decode())
    return parser.fields


def test_a_backup_restored_into_an_empty_database_gives_back_everything(dataset, django_user_model, tmp_path):
    django_user_model.objects.create_user("ana", password=PASSWORD, is_staff=True)
    event = Event.objects.get(slug="beijing-military-parade-2025")
    event.title = "Victory Day parade in Beijing"
    event.save()  # a second version in the history
    citations = Citation.objects.count()
    before = dump(tmp_path / "before.jsonl.gz")
    counts_before = sorted(LaneCount.objects.values_list("lanes", "lane", "year", "count"), key=str)
    histories = Event.history.count()

    empty_migrated_database()
    call_command("restore", str(tmp_path / "before.jsonl.gz"))

    assert dump(tmp_path / "after.jsonl.gz") == before, "the same records, field for field"
    assert Event.history.count() == histories
    restored = Event.objects.get(slug="beijing-military-parade-2025")
    assert restored.history.first().title == "Victory Day parade in Beijing"
    assert restored.history.last().title != "Victory Day parade in Beijing", "the earlier version is back too"
    assert Citation.objects.count() == citations > 0
    assert sorted(LaneCount.objects.values_list("lanes", "lane", "year", "count"), key=str) == counts_before


def test_a_newsroom_used_through_the_admin_comes_back_whole_and_works_at_once(
    dataset, editor, django_user_model, tmp_path, caplog
):
    """Logins, edits, a revert, an article import and a lockout, then a backup restored into a
    new database: the same records field for field, and editors carry on where they were."""
    django_user_model.objects.create_user("departed").delete()  # a gap in the accounts' ids
    call_command("create_editor", "ana", password=PASSWORD)
    client = Client()
    assert client.post(LOGIN, {"username": "editor", "password": PASSWORD}).status_code == 302

    # An edit through the admin's form, then a revert to the version before it from the history page.
    event = Event.objects.get(slug="beijing-military-parade-2025")
    change = reverse("admin:events_event_change", args=[event.pk])
    assert client.post(change, form_of(client, change) | {"title": "Victory Day parade"}).status_code == 302
    original = event.history.earliest()
    revert = reverse("admin:events_event_simple_history", args=[event.pk, original.history_id])
    assert client.post(revert, form_of(client, revert)).status_code == 302
    assert Event.objects.get(pk=event.pk).title == original.title
    assert client.post(reverse("admin:events_country_add"), {"name": "Iceland", "iso_code": "IS"}).status_code == 302

    # An article imported through the admin: a source, drafts and citations.
    article = {"text": LONG.read_text(encoding="utf-8"), "date": "2025-09-01", "outlet": "Example Wire"}
    imported = client.post(
        "/admin/events/source/import/", review_post(analysed(LONG, LONG_DATE), **article, stage="apply")
    )
    assert imported.status_code == 302

    # Ten wrong passwords lock the editor out (django-axes); the lock is passing, not backed up.
    stranger = Client()
    for _ in range(10):
        locked = stranger.post(LOGIN, {"username": "editor", "password": "wrong"})
    assert locked.status_code == 429

    assert LogEntry.objects.filter(user=editor).count() >= 3, "the admin's log names the editor"
    accounts = sorted(django_user_model.objects.values_list("pk", "username", "password", "last_login"))
    editors_permissions = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    before = dump(tmp_path / "before.jsonl.gz")

    empty_migrated_database()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newsdash.admin"):
        call_command("restore", str(tmp_path / "before.jsonl.gz"))
    assert not [record for record in caplog.records if record.name == "newsdash.admin"], (
        "old admin changes are not logged again as if made now"
    )

    assert dump(tmp_path / "after.jsonl.gz") == before, "the same records, field for field"
    assert sorted(django_user_model.objects.values_list("pk", "username", "password", "last_login")) == accounts, (
        "each account keeps its id, so the admin's log still points at it"
    )
    assert set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)) == editors_permissions
    assert Source.objects.filter(outlet="Example Wire").exists()
    assert Event.history.filter(history_user__username="editor").exists()

    # The newsroom works at once: the locked-out editor logs in, adds a country and an event.
    client = Client()
    assert client.post(LOGIN, {"username": "editor", "password": PASSWORD}).status_code == 302
    added = client.post(reverse("admin:events_country_add"), {"name": "Kazakhstan", "iso_code": "KZ"})
    assert added.status_code == 302
    people = {
        "source": SourceFactory(),
        "kim": Leader.objects.get(slug="kim-jong-un"),
        "xi": Leader.objects.get(slug="xi-jinping"),
        "putin": Leader.objects.get(slug="vladimir-putin"),
    }
    added = client.post(reverse("admin:events_event_add"), event_form(**people))
    assert added.status_code == 302, added.content.decode()[:2000]
    assert Country.objects.get(iso_code="KZ").history.get().history_user == editor
    assert Event.objects.get(slug="beijing-parade").citations.count() == 1
    assert LogEntry.objects.filter(object_repr="Kazakhstan", user__username="editor").exists()


def test_control_characters_in_stored_text_are_backed_up_and_restored_exactly(dataset, tmp_path):
    """An old database may hold a form feed or an escape in a source (XML 1.0 could not hold
    them); the history keeps them after the text is cleaned, and the backup must too."""
    # Every C0 control PostgreSQL text can hold (not NUL), DEL, C1 controls and Unicode's line breaks.
    awkward = "".join(map(chr, range(1, 32))) + "\x7f\x85\x9f\u2028\u2029\r\r\n\ufeff" + "\U0001f600"
    source = Source.objects.get(slug="kim-jong-un-putin-to-attend-parade")
    source.full_text = f"Page one.\x0cPage two \x1b[1mbold\x1b[0m.{awkward}"
    source.note = awkward
    source.save()
    source.full_text = "Page one. Page two bold."
    source.save()  # the control characters live on in the history
    stored = sorted(Source.history.values_list("history_id", "full_text", "note"))
    before = dump(tmp_path / "before.jsonl.gz")

    empty_migrated_database()
    call_command("restore", str(tmp_path / "before.jsonl.gz"))

    assert sorted(Source.history.values_list("history_id", "full_text", "note")) == stored
    assert Source.objects.get(slug="kim-jong-un-putin-to-attend-parade").note == awkward
    assert dump(tmp_path / "after.jsonl.gz") == before


def test_times_keep_their_microseconds(dataset, django_user_model, tmp_path):
    """Django's JSON keeps times to the millisecond; a backup keeps what the database keeps."""
    moment = datetime.datetime(2025, 9, 3, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    django_user_model.objects.create_user("ana", last_login=moment)
    call_command("backup", str(tmp_path / "backup.jsonl"))
    empty_migrated_database()
    call_command("restore", str(tmp_path / "backup.jsonl"))
    assert django_user_model.objects.get(username="ana").last_login == moment


def failing_disk(monkeypatch):
    """The disk fills up after a hundred records."""
    write = backup.Serializer.end_object
    written = []

    def end_object(self, obj):
        if len(written) == 100:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(obj)
        write(self, obj)

    monkeypatch.setattr(backup.Serializer, "end_object", end_object)
    return "No space left on device"


def losing_writer(monkeypatch):
    """Records go missing on the way to the file without an error: only reading it back tells."""
    write = backup.Serializer.end_object

    def end_object(self, obj):
        if isinstance(obj, Citation):
            self._current = None
        else:
            write(self, obj)

    monkeypatch.setattr(backup.Serializer, "end_object", end_object)
    return f"events.citation: 0 of {Citation.objects.count()}"


@pytest.mark.parametrize("fault", [failing_disk, losing_writer])
@pytest.mark.parametrize("name", ["newsdash.jsonl.gz", "newsdash.jsonl"])
def test_a_failed_backup_leaves_no_file_and_says_why(dataset, tmp_path, monkeypatch, fault, name):
    older = tmp_path / "older"
    older.mkdir()
    (older / name).write_bytes(b"yesterday's backup")
    reason = fault(monkeypatch)

    for target in (tmp_path / name, older / name):
        with pytest.raises(CommandError, match=f"The backup failed, so .* was not written: .*{reason}"):
            call_command("backup", str(target))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["older"], "no file and no temporary file"
    assert [path.name for path in older.iterdir()] == [name]
    assert (older / name).read_bytes() == b"yesterday's backup", "the last good backup is kept"


def test_a_backup_cannot_be_written_where_there_is_no_directory(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot write a backup beside"):
        call_command("backup", str(tmp_path / "missing" / "newsdash.jsonl.gz"))


def test_a_backup_made_before_as_xml_is_still_restored(dataset, editor_client, tmp_path):
    """Backups were XML until control characters broke them; those already made still restore,
    admin log included (it names its user by a natural key)."""
    country = Country.objects.get(iso_code="KP")
    change = reverse("admin:events_country_change", args=[country.pk])
    assert editor_client.post(change, form_of(editor_client, change) | {"name": "DPRK"}).status_code == 302
    with gzip.open(tmp_path / "old.xml.gz", "wt", encoding="utf-8") as out:
        call_command(
            "dumpdata",
            *(f"--exclude={label}" for label in backup.EXCLUDED),
            "--format=xml",
            "--natural-foreign",
            "--natural-primary",
            stdout=out,
        )
    entries, citations = LogEntry.objects.count(), Citation.objects.count()

    empty_migrated_database()
    call_command("restore", str(tmp_path / "old.xml.gz"))

    assert Country.objects.get(iso_code="KP").name == "DPRK"
    assert LogEntry.objects.filter(user__username="editor", object_repr="DPRK").count() == 1
    assert LogEntry.objects.count() == entries
    assert Citation.objects.count() == citations > 0


def test_restore_refuses_a_database_that_is_not_empty(dataset, tmp_path):
    dump(tmp_path / "backup.jsonl.gz")
    with pytest.raises(CommandError, match="restore only into an empty one"):
        call_command("restore", str(tmp_path / "backup.jsonl.gz"))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff binary",
        b'<django-objects version="1.0"><object model="events.nothing"></object></django-objects>',
        b'{"model": "events.nothing", "pk": 1, "fields": {}}\n',
        b'{"model": "events.country", "pk": 1, "fields": {"name": "North Korea", "iso_code": "KP"}}\n{"model": ',
    ],
)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path, content):
    path = tmp_path / "broken.jsonl"
    path.write_bytes(content)
    groups = list(Group.objects.values_list("pk", "name"))
    with pytest.raises(CommandError):
        call_command("restore", str(path))
    assert not Event.objects.exists()
    assert not Country.objects.exists(), "a half-read file leaves nothing behind"
    assert list(Group.objects.values_list("pk", "name")) == groups


def test_a_truncated_compressed_backup_is_refused_and_changes_nothing(dataset, tmp_path):
    dump(tmp_path / "backup.jsonl.gz")
    data = (tmp_path / "backup.jsonl.gz").read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    empty_migrated_database()
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("restore", str(tmp_path / "cut.jsonl.gz"))
    assert not Country.objects.exists()
    assert Group.objects.filter(name="Editors").exists()


def test_an_editor_is_told_which_control_character_to_remove(editor_client):
    add = reverse("admin:events_source_add")
    form = {"title": "Report", "slug": "report", "kind": "news", "full_text": "Page one.\r\nPage\x0ctwo."}
    response = editor_client.post(add, form)
    assert response.status_code == 200
    assert "Contains an invisible control character (U+000C form feed)" in response.content.decode()
    assert not Source.objects.exists()

    response = editor_client.post(reverse("admin:events_country_add"), {"name": "Mon\x1bgolia", "iso_code": "MN"})
    assert "(U+001B escape)" in response.content.decode()
    assert not Country.objects.exists()

    response = editor_client.post(add, form | {"full_text": "Page one.\r\nPage two.\ttabbed"})
    assert response.status_code == 302, "a textarea's CRLF line breaks and tabs are text"
    assert Source.objects.get().full_text == "Page one.\r\nPage two.\ttabbed"


def test_a_restore_renews_the_cached_pages_once_not_for_every_record(dataset, tmp_path, monkeypatch):
    """Renewing the cache's data version per restored record took 20 of 32 seconds for 9,383
    records (two writes to the shared cache each); once at the end is enough."""
    from events import cache

    citations = Citation.objects.count()
    dump(tmp_path / "backup.jsonl.gz")
    empty_migrated_database()
    renewals = []
    monkeypatch.setattr(cache, "new_version", lambda: renewals.append(1))
    call_command("restore", str(tmp_path / "backup.jsonl.gz"))
    assert Citation.objects.count() == citations > 0
    assert 1 <= len(renewals) <= 2, "readers see the restored data, and the cache is renewed once"
