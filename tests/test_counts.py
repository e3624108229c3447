"""The counts kept per lane and year stay what a fresh count of the events gives."""

import datetime

import pytest

from events import counts, explorer
from events.models import Event, LaneCount, Status

from .factories import CitationFactory, CountryFactory, EventFactory, LeaderFactory, ParticipationFactory
from .test_explorer import chart_of

pytestmark = pytest.mark.django_db


def kept():
    rows = LaneCount.objects.values_list("lanes", "lane", "year", "count", "first_day", "last_day")
    return sorted(rows, key=lambda row: (row[0], row[1], row[2] or 0))


def assert_in_step():
    before = kept()
    counts.rebuild()
    assert before == kept()


def test_every_kind_of_edit_keeps_the_counts_in_step():
    kim = LeaderFactory(name="Kim Jong-un", country=CountryFactory(iso_code="KP"))
    xi = LeaderFactory(name="Xi Jinping", country=CountryFactory(iso_code="CN"))
    parade = EventFactory(kind="parade", start_date="2025-09-03")
    ParticipationFactory(event=parade, leader=kim)
    talks = EventFactory(kind="talks", start_date="2018-03-26")
    both = ParticipationFactory(event=talks, leader=xi)
    ParticipationFactory(event=talks, leader=kim)
    assert ("leader", "Kim Jong-un", None, 2) in [row[:4] for row in kept()]
    assert_in_step()

    talks.start_date = datetime.date(2019, 1, 8)  # a date corrected into another year
    talks.save()
    assert_in_step()
    talks.kind = "summit"
    talks.save()
    assert_in_step()
    kim.name = "Kim Jong Un"
    kim.save()
    assert_in_step()
    xi.country = kim.country  # a leader moved to another country
    xi.save()
    assert_in_step()
    kim.country.name = "DPRK"
    kim.country.save()
    assert_in_step()
    both.delete()
    assert_in_step()
    parade.status = Status.DRAFT  # unpublished: no longer counted
    parade.save()
    assert ("kind", "parade") not in {row[:2] for row in kept()}
    assert_in_step()
    talks.delete()
    assert LaneCount.objects.count() == 0


def test_the_publish_action_counts_what_it_publishes(editor_client):
    """The action updates in bulk, which sends no signal; the counts still follow."""
    event = CitationFactory(event=EventFactory(kind="parade", status=Status.DRAFT)).event
    ParticipationFactory(event=event)
    editor_client.post("/admin/events/event/", {"action": "publish", "_selected_action": [event.pk]})
    assert counts.kept_stats()["count"] == 1
    assert_in_step()
    editor_client.post("/admin/events/event/", {"action": "unpublish", "_selected_action": [event.pk]})
    assert counts.kept_stats()["count"] == 0


@pytest.mark.parametrize("lanes", ["leader", "country", "kind"])
def test_counted_cells_match_counting_the_events(lanes):
    leaders = [LeaderFactory(country=CountryFactory(iso_code=code)) for code in ["KP", "CN", "RU", "US"]]
    for i in range(40):
        event = EventFactory(kind=["parade", "talks", "summit"][i % 3], start_date=f"{1950 + i}-05-01")
        for leader in leaders[: 1 + i % 4]:
            ParticipationFactory(event=event, leader=leader)
    EventFactory(status=Status.DRAFT, start_date="1990-01-01")
    assert counts.kept_density(lanes) == Event.objects.published().density("year", lanes)
    assert counts.kept_stats() == Event.objects.published().stats()
    assert counts.kept_density(lanes, top=2) == Event.objects.published().density("year", lanes, top=2)


def test_the_timeline_of_everything_is_counted_from_the_kept_rows(client, monkeypatch):
    monkeypatch.setattr(explorer, "DETAIL_LIMIT", 5)
    leader = LeaderFactory(name="Kim Jong-un")
    for year in range(1950, 2020, 5):
        ParticipationFactory(event=EventFactory(start_date=f"{year}-01-01"), leader=leader)
    LaneCount.objects.filter(lanes="leader", year=1950).update(count=99)  # marks what the chart reads
    everything = chart_of(client.get("/timeline/"))["figure"]["data"][0]["text"]
    assert everything[0] == "99", "the chart of everything reads the kept counts"
    narrowed = chart_of(client.get("/timeline/", {"from": "1950"}))["figure"]["data"][0]["text"]
    assert narrowed[0] == "1", "a narrowed view counts its events afresh"


def test_a_pinned_or_narrowed_view_counts_its_own_events_not_the_kept_rows():
    from events.query import TimelineQuery

    EventFactory(start_date="2025-09-03")
    LaneCount.objects.all().delete()  # the kept rows now say there is nothing
    events = Event.objects.published()
    assert counts.stats(TimelineQuery(), events)["count"] == 0, "every event now: the kept rows answer"
    pinned = TimelineQuery(moment=datetime.datetime.now(datetime.UTC))
    assert counts.stats(pinned, events)["count"] == 1
    assert counts.stats(TimelineQuery(q="parade"), events.search("parade"))["count"] == 0
    assert counts.density(pinned, events, "year") == events.density("year", pinned.lanes)
    assert counts.density(TimelineQuery(), events, "year") == []
