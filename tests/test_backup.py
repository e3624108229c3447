"""Backup and restore: the round trip loses nothing, history included; bad files are refused."""

import gzip

import pytest
from django.core.management import CommandError, call_command

from events.models import Citation, Event, LaneCount

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def dump(path):
    call_command("backup", str(path))
    with gzip.open(path, "rt") as backup:
        return backup.read()


def test_a_backup_restored_into_an_empty_database_gives_back_everything(dataset, django_user_model, tmp_path):
    django_user_model.objects.create_user("ana", password="a-long-editor-password", is_staff=True)
    event = Event.objects.get(slug="beijing-military-parade-2025")
    event.title = "Victory Day parade in Beijing"
    event.save()  # a second version in the history
    before = dump(tmp_path / "before.xml.gz")
    counts_before = sorted(LaneCount.objects.values_list("lanes", "lane", "year", "count"), key=str)
    histories = Event.history.count()

    call_command("flush", "--noinput")
    assert not Event.objects.exists()
    call_command("restore", str(tmp_path / "before.xml.gz"))

    assert dump(tmp_path / "after.xml.gz") == before, "the same records, field for field"
    assert Event.history.count() == histories
    restored = Event.objects.get(slug="beijing-military-parade-2025")
    assert restored.history.first().title == "Victory Day parade in Beijing"
    assert restored.history.last().title != "Victory Day parade in Beijing", "the earlier version is back too"
    assert Citation.objects.count() == 68
    assert sorted(LaneCount.objects.values_list("lanes", "lane", "year", "count"), key=str) == counts_before


def test_restore_refuses_a_database_that_is_not_empty(dataset, tmp_path):
    dump(tmp_path / "backup.xml.gz")
    with pytest.raises(CommandError, match="restore only into an empty one"):
        call_command("restore", str(tmp_path / "backup.xml.gz"))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff binary",
        b'<django-objects version="1.0"><object model="events.nothing"></object></django-objects>',
    ],
)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(tmp_path, content):
    path = tmp_path / "broken.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("restore", str(path))
    assert not Event.objects.exists()
