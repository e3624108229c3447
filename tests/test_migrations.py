"""Migrations that change data: records made before them come out right."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("events", "0005_text_limits")]
AFTER = [("events", "0006_history_derived_fields")]


@pytest.fixture(autouse=True)
def back_to_the_latest_migration():
    """Each test leaves the schema where it found it: the tests after it need every table."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_history_made_before_0006_gets_its_search_text_and_period_end():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    country = old.get_model("events", "Country").objects.create(name="North Korea", iso_code="KP")
    common = {"history_date": timezone.now(), "history_type": "+"}
    old.get_model("events", "HistoricalEvent").objects.create(
        id=1,
        title="Kim Jong-un assumes power",
        slug="power",
        kind="accession",
        start_date=datetime.date(2011, 1, 1),
        start_precision="year",
        summary="In LATE 2011.",
        status="published",
        created=timezone.now(),
        **common,
    )
    old.get_model("events", "HistoricalLeader").objects.create(
        id=1, name="Kim Jong-un", slug="kim", aliases="Kim Jong Un\n", country_id=country.pk, **common
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    event = new.get_model("events", "HistoricalEvent").objects.get()
    assert event.search_text == "kim jong un assumes power in late 2011"
    assert event.period_end == datetime.date(2011, 12, 31)
    assert new.get_model("events", "HistoricalLeader").objects.get().search_names == "|kim jong un|kim jong un|"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_0007_gives_events_and_their_history_their_participants_names():
    before, after = [("events", "0006_history_derived_fields")], [("events", "0007_search_text_names")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    country = old.get_model("events", "Country").objects.create(name="North Korea", iso_code="KP")
    kim = old.get_model("events", "Leader").objects.create(
        name="Kim Jong-un", slug="kim", search_names="|kim jong un|김정은|", country=country
    )
    fields = {"title": "Beijing parade", "slug": "parade", "kind": "parade", "start_date": datetime.date(2025, 9, 3)}
    fields |= {"summary": "", "status": "published", "created": timezone.now(), "search_text": "beijing parade"}
    event = old.get_model("events", "Event").objects.create(**fields)
    old.get_model("events", "Participation").objects.create(event=event, leader=kim)
    common = {"history_date": timezone.now(), "history_type": "+"}
    old.get_model("events", "HistoricalEvent").objects.create(id=event.pk, **fields, **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    expected = "beijing parade | kim jong un 김정은"
    assert new.get_model("events", "Event").objects.get().search_text == expected
    assert new.get_model("events", "HistoricalEvent").objects.get().search_text == expected
