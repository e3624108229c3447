"""Every writer leaves the derived data (each event's search text, the counts per lane and
year, the cache's data version) as saving its rows one by one would: the dataset, a restored
backup, an imported article and the benchmark's generator, which all write in bulk."""

import importlib.util
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction

from events import cache, counts, importing
from events.models import Event, LaneCount, Status

from .test_backup import dump, empty_migrated_database
from .test_importer import LONG, LONG_DATE, analysed

GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"


def derived():
    """What a writer keeps in step: each event's search text, and every count."""
    texts = dict(Event.objects.values_list("slug", "search_text"))
    rows = LaneCount.objects.values_list("lanes", "lane", "year", "count", "first_day", "last_day")
    return texts, sorted(rows, key=str)


def saved_row_by_row():
    """The same, from every event saved again on its own (its search text worked out afresh from
    its participants) and the counts counted afresh; nothing of it is kept."""
    with transaction.atomic():
        Event.objects.update(search_text="")
        for event in Event.objects.all():
            event.save()
        counts.rebuild()
        again = derived()
        transaction.set_rollback(True)
    return again


def assert_as_saved_row_by_row():
    texts, rows = derived()
    assert texts, "events were written"
    assert rows, "published events were counted"
    assert (texts, rows) == saved_row_by_row()
    return texts, rows


@pytest.mark.django_db
def test_the_dataset_loads_with_search_text_and_counts_as_saved_row_by_row():
    version = cache.data_version()
    call_command("load_dataset", verbosity=0)
    texts, rows = assert_as_saved_row_by_row()
    assert "kim jong un" in texts["beijing-military-parade-2025"], "a participant's name finds the parade"
    assert ("kind", "parade", None, 2) in [row[:4] for row in rows]
    assert cache.data_version() != version, "cached pages are renewed"


@pytest.mark.django_db
def test_an_imported_article_gives_its_drafts_their_participants_names(dataset):
    analysis = analysed(LONG, LONG_DATE)
    choices = importing.Choices.suggested(analysis)
    for n, proposal in enumerate(analysis.events):  # every dated proposal a new draft
        if proposal.date.date:
            choices.events[n] = importing.NEW
    version = cache.data_version()
    drafts = importing.apply(analysis, choices).events
    assert len(drafts) > 3
    texts, _ = assert_as_saved_row_by_row()
    assert any(
        "xi jinping" in texts[draft.slug] for draft in drafts if draft.participations.filter(leader__name="Xi Jinping")
    )
    assert cache.data_version() != version


@pytest.mark.django_db
def test_the_benchmark_generator_writes_search_text_and_counts_as_saved_row_by_row():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    version = cache.data_version()
    generate.generate(60)
    texts, _ = assert_as_saved_row_by_row()
    assert len(texts) == 60
    assert Event.objects.filter(status=Status.PUBLISHED, search_text__contains=" | ").count() > 50
    assert cache.data_version() != version


@pytest.fixture
def forget_content_types():
    """A flush gives content types new ids: the next test must not find the old ones cached."""
    yield
    ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_backup_has_search_text_and_counts_as_saved_row_by_row(dataset, tmp_path, forget_content_types):
    # A backup made before a participant's name was in the event's search text.
    Event.objects.filter(slug="beijing-military-parade-2025").update(search_text="military parade")
    dump(tmp_path / "backup.jsonl.gz")
    empty_migrated_database()
    version = cache.data_version()
    call_command("restore", str(tmp_path / "backup.jsonl.gz"), verbosity=0)
    texts, _ = assert_as_saved_row_by_row()
    assert "kim jong un" in texts["beijing-military-parade-2025"]
    assert cache.data_version() != version
