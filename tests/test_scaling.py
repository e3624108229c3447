"""Scaling out: the cache shared through Redis, the read replica router, and the indexes."""

import os
import socket

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from events import pinning
from events.cache import cached, data_version
from events.models import Event
from newsdash.routers import ReplicaRouter

from .conftest import own_redis_database
from .factories import EventFactory, LeaderFactory, ParticipationFactory

REDIS = own_redis_database(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"


def redis_reachable():
    host, port = REDIS.split("//")[1].split("/")[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(
    not IN_CI and not redis_reachable(), reason=f"Redis at {REDIS} is not running: start redis-server to run this"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")
def test_redis_shares_the_cache_and_an_edit_invalidates_it():
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    with override_settings(CACHES={"default": redis, "shared": redis}):
        caches["default"].clear()
        calls = []

        def compute():
            calls.append(1)
            return Event.objects.count()

        before = data_version()
        assert cached("count", (), compute) == 0
        assert cached("count", (), compute) == 0
        assert len(calls) == 1, "the second read comes from Redis"
        EventFactory()
        assert data_version() != before
        assert cached("count", (), compute) == 1, "a saved event starts a new version"
        assert len(calls) == 2
        caches["default"].clear()


def test_the_router_reads_from_the_replica_and_writes_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Event) == "replica"
    assert router.db_for_write(Event) == "default"
    assert router.allow_migrate("default", "events")
    assert not router.allow_migrate("replica", "events")


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")
def test_reads_go_where_the_settings_say():
    """With DATABASE_REPLICA_URL (CI sets it for this file) reads use the replica, whose
    test database mirrors the primary's: committed writes show there."""
    expected = "replica" if "replica" in settings.DATABASES else "default"
    assert Event.objects.all().db == expected
    event = EventFactory()
    assert event._state.db == "default"
    assert Event.objects.get(pk=event.pk).title == event.title


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")
def test_a_pinned_view_reads_the_primary_where_it_made_its_snapshot(client):
    """A standby cannot create the temporary tables a pinned link reads: the primary serves it."""
    event = EventFactory(title="Before the edit")
    moment = timezone.now()
    event.title = "After the edit"
    event.save()
    with pinning.snapshot(moment):
        assert Event.objects.all().db == "default"
        assert Event.objects.get(pk=event.pk).title == "Before the edit"
    response = client.get("/timeline/", {"as_of": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")})
    assert "Before the edit" in response.content.decode()


POSTGRES = connection.vendor == "postgresql"


@pytest.mark.skipif(not POSTGRES, reason="EXPLAIN plans are checked on PostgreSQL: set DATABASE_URL to run them")
@pytest.mark.django_db(databases="__all__")
@pytest.mark.parametrize(
    ("name", "filtered", "index"),
    [
        ("date range", lambda qs: qs.published().overlapping("2018-01-01", "2019-12-31"), "event_status_"),
        ("kind", lambda qs: qs.published().of_kinds(["parade"]), "event_status_kind_start"),
        ("precision", lambda qs: qs.published().at_precisions(["year"]), "event_status_precision"),
        # One index answers a search for a title's words and a participant's names alike. Alone: on
        # 600 rows the planner may as well start from the status index and check the text after.
        ("text or a participant's name", lambda qs: qs.search("kim jong un"), "event_search_text_fts"),
        ("leader", lambda qs: qs.published().for_leaders(["kim-jong-un"]), "events_participation"),
        ("country", lambda qs: qs.published().in_countries(["KP"]), "events_leader_country_id"),
    ],
)
def test_every_explorer_filter_can_use_an_index(name, filtered, index):
    kim = LeaderFactory(slug="kim-jong-un", name="Kim Jong-un")
    ParticipationFactory(event=EventFactory(), leader=kim)
    kinds, precisions = Event.Kind.values, ["day", "month", "year"]
    Event.objects.bulk_create(
        Event(
            title=f"Event {i}",
            slug=f"spread-{i}",
            kind=kinds[i % len(kinds)],
            start_precision=precisions[i % 3],
            start_date=f"{1950 + i % 75}-01-01",
            period_end=f"{1950 + i % 75}-12-31",
            status="published",
            search_text=f" event {i} ",
        )
        for i in range(600)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")
        # On tables this small the planner would read everything, or walk the primary
        # key; forbidding both leaves the plans an index can offer.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            plan = filtered(Event.objects.using("default")).explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
            cursor.execute("SET enable_indexscan = on")
    assert index in plan, f"{name}: {plan}"
    assert "Seq Scan" not in plan, f"{name} reads a whole table: {plan}"


@pytest.mark.skipif(not POSTGRES, reason="full-text indexes exist on PostgreSQL only")
@pytest.mark.django_db(databases="__all__")
def test_the_only_full_text_index_is_the_one_search_reads():
    """Every save rewrites its table's full-text indexes: the one kept is the one a search is shown
    above to read (a leader's names reach it through each event's search text)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexdef ~ 'USING gin'"
        )
        assert {row[0] for row in cursor.fetchall()} == {"event_search_text_fts"}
