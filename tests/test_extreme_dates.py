"""Events at the calendar's ends (1 January of year 1, 31 December 9999), dated to the day,
the month or the year: every public page lists and draws them, live and pinned, zoomed or not."""

import csv
import datetime
import io
import json
import re

import pytest
from django.utils import timezone

from events import explorer, previews
from events.models import CollectionEntry

from .factories import CitationFactory, CollectionFactory, EventFactory, LeaderFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

# (slug, start, precision, end, end precision, the date as the page shows it)
EXTREMES = {
    "past": [
        ("first-day", "0001-01-01", "day", None, "day", "1 Jan 1"),
        ("first-month", "0001-01-01", "month", None, "day", "January 1"),
        ("first-year", "0001-01-01", "year", None, "day", "1"),
    ],
    "future": [
        ("last-day", "9999-12-31", "day", None, "day", "31 Dec 9999"),
        ("last-month", "9999-12-01", "month", None, "day", "December 9999"),
        ("last-year", "9999-01-01", "year", None, "day", "9999"),
    ],
}
EXTREMES["both"] = [
    *EXTREMES["past"],
    *EXTREMES["future"],
    ("whole-calendar", "0001-01-01", "year", "9999-01-01", "year", "1 – 9999"),
]
# The zoom buttons' ranges at either end (a year, ten, a hundred, a week), as timeline.js asks for them.
VIEWS = [
    "0001-01-01..0001-12-31",
    "0001-01-01..0010-12-31",
    "0001-01-01..0100-12-31",
    "0001-01-01..0001-01-07",
    "9999-01-01..9999-12-31",
    "9990-01-01..9999-12-31",
    "9900-01-01..9999-12-31",
    "9999-12-25..9999-12-31",
]
FIGURE = re.compile(r'<script id="timeline-figure" type="application/json">(.*?)</script>', re.S)


@pytest.fixture(params=list(EXTREMES))
def far(request):
    """Published events at one end of the calendar, or at both, with one leader and a featured collection."""
    leader = LeaderFactory(name="Far Leader", slug="far-leader")
    collection = CollectionFactory(title="Far away", slug="far-away", featured=True)
    events = {}
    for order, (slug, start, precision, end, end_precision, shown) in enumerate(EXTREMES[request.param]):
        event = EventFactory(
            title=f"Event {slug}",
            slug=slug,
            start_date=datetime.date.fromisoformat(start),
            start_precision=precision,
            end_date=datetime.date.fromisoformat(end) if end else None,
            end_precision=end_precision,
        )
        ParticipationFactory(event=event, leader=leader)
        CitationFactory(event=event)
        CollectionEntry.objects.create(collection=collection, event=event, order=order)
        events[slug] = (event, shown)
    return events


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.content.decode()[:300])
    return response.content.decode()


def in_view(event, view):
    """Whether an event's period meets the zoomed range (all of them without one)."""
    if not view:
        return True
    first, last = (datetime.date.fromisoformat(day) for day in view.split(".."))
    return event.start_date <= last and event.period_end >= first


def assert_drawn(body, events, view=""):
    """Each event is a mark of the chart's figure; those whose whole period is in the range the
    chart opens on are marks inside it, and the server's drawing has every mark inside it."""
    figure = json.loads(FIGURE.search(body).group(1))["figure"]
    if not events:
        assert figure["data"] == []
        return
    low, high = figure["layout"]["xaxis"]["range"]
    marks = [
        (slug, x[:10])
        for trace in figure["data"]
        if trace["mode"].startswith("markers")
        for slug, x in zip(trace["customdata"], trace["x"], strict=True)
    ]
    assert {slug for slug, _ in marks} == {event.slug for event in events}
    inside = [slug for slug, x in marks if low <= x <= high]
    first, last = view.split("..") if view else (low, high)
    assert set(inside) >= {
        event.slug for event in events if first <= event.start_date.isoformat() and event.period_end.isoformat() <= last
    }, (low, high, marks)
    assert body.count('class="mark"') == len(inside), "the server's drawing has every mark in view"


def assert_listed(body, events):
    for event in events:
        assert f">{event.title}</a>" in body


@pytest.mark.parametrize("pinned", [False, True])
def test_every_page_lists_and_draws_events_at_the_calendars_ends(client, far, pinned):
    as_of = {"as_of": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")} if pinned else {}
    events = [event for event, _ in far.values()]

    for view in ["", *VIEWS]:
        shown = [event for event in events if in_view(event, view)]
        for lanes in ["", "country", "kind"]:
            params = {"view": view, "lanes": lanes, **as_of}
            body = get(client, "/timeline/", **params)
            assert "could not be used" not in body
            assert_listed(body, shown)
            assert_drawn(body, shown, view)
            assert_drawn(get(client, "/embed/timeline/", **params), shown, view)
        body = get(client, "/collections/far-away/", view=view, **as_of)
        assert_listed(body, shown)
        assert_drawn(body, shown, view)

    body = get(client, "/", **as_of)
    assert_listed(body, events)
    assert_drawn(body, events)
    body = get(client, "/leaders/far-leader/", **as_of)
    assert_listed(body, events)
    assert_drawn(body, events)
    for event, date in far.values():
        body = get(client, f"/events/{event.slug}/", **as_of)
        assert f"<h1>{event.title}</h1>" in body
        assert date in body


@pytest.mark.parametrize("pinned", [False, True])
def test_the_exports_carry_events_at_the_calendars_ends(client, far, pinned):
    as_of = {"as_of": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")} if pinned else {}
    rows = list(csv.DictReader(io.StringIO(get(client, "/timeline/export.csv", **as_of))))
    assert {row["slug"]: (row["start"], row["end"]) for row in rows} == {
        event.slug: (event.start_date.isoformat(), event.period_end.isoformat()) for event, _ in far.values()
    }
    exported = json.loads(get(client, "/timeline/export.json", **as_of))["events"]
    assert sorted(event["slug"] for event in exported) == sorted(far)
    timelinejs = json.loads(get(client, "/timeline/export.timelinejs.json", **as_of))["events"]
    assert {event["unique_id"]: event["start_date"]["year"] for event in timelinejs} == {
        event.slug: event.start_date.year for event, _ in far.values()
    }


def test_a_year_or_month_at_the_calendars_end_covers_its_whole_period(far):
    for event, _ in far.values():
        if event.slug in ("last-year", "last-month"):
            assert event.period_end == datetime.date(9999, 12, 31)
        if event.slug == "first-month":
            assert event.period_end == datetime.date(1, 1, 31)


@pytest.mark.parametrize("pinned", [False, True])
def test_link_previews_are_drawn_from_figures_with_the_events(client, far, pinned, monkeypatch):
    """Drawing (resvg) is not what is tested: the SVG it is given. A failure to build one would
    still answer 200, with the generic image."""
    drawn = []
    monkeypatch.setattr(previews, "rasterise", lambda image: drawn.append(image) or b"png")
    as_of = {"as_of": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")} if pinned else {}
    urls = ["/preview/timeline.png", "/preview/leaders/far-leader.png"]
    urls += [f"/preview/events/{slug}.png" for slug in far]
    for url in urls:
        response = client.get(url, as_of)
        assert response.status_code == 200, url
        assert response.content == b"png", f"{url} drew its own figure, not the generic image"
    timeline, leader, *cards = drawn
    for image in (timeline, leader):
        assert image.count('class="mark"') == len(far), "every event drawn"
        assert any(f">{event.title}</text>" in image for event, _ in far.values()), "titled where they fit"
    assert all(event.title in card for (event, _), card in zip(far.values(), cards, strict=True))


@pytest.mark.parametrize("view", ["", *VIEWS])
def test_counted_views_reach_the_calendars_ends(client, far, monkeypatch, view):
    """Past the detail limit the chart counts events per year, month or day: the last
    month and day of 9999 are buckets like any other."""
    monkeypatch.setattr(explorer, "DETAIL_LIMIT", 0)
    events = [event for event, _ in far.values() if in_view(event, view)]
    for lanes in ["", "country", "kind"]:
        body = get(client, "/timeline/", view=view, lanes=lanes)
        assert ("Too many events to draw one by one" in body) == bool(events)
        assert_listed(body, events)
        figure = json.loads(FIGURE.search(body).group(1))["figure"]
        buckets = [tuple(cell.split("..")) for trace in figure["data"] for cell in trace["customdata"]]
        for event in events:  # counted where it starts
            start = event.start_date.isoformat()
            assert any(first <= start <= last for first, last in buckets), (event.slug, buckets)
        assert all(first <= last for first, last in buckets)
