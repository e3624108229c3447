"""The timeline chart at its edges in Chromium: events at the calendar's ends (the zoom buttons stop
at 1 January of year 1 and 31 December 9999), and names with quotes, shown as typed."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from ..factories import EventFactory, LeaderFactory, ParticipationFactory, PlaceFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUOTED = 'Kim\'s "Victory" <b>parade</b>'


def far_leader(slug, day):
    leader = LeaderFactory(name=f"Leader {slug}", slug=slug)
    ParticipationFactory(leader=leader, event=EventFactory(title=f"Event {slug}", slug=f"event-{slug}", start_date=day))


def press(page, name):
    """Press a zoom button; return the view in the address bar once the server has sent what it holds."""
    page.evaluate(
        "() => { window.settled = false; document.addEventListener('htmx:afterSettle', () => "
        "{ window.settled = true; }, {once: true}); }"
    )
    page.get_by_role("button", name=name).click()
    page.wait_for_function("() => window.settled && document.querySelector('#timeline-chart')._fullLayout")
    expect(page.locator(".notices")).to_have_count(0)
    return re.search(r"view=([\d-]+)\.\.([\d-]+)", page.url).group(1, 2)


def drawn_events(page):
    return page.evaluate(
        "() => document.getElementById('timeline-chart').data.flatMap(trace => trace.customdata || [])"
    )


def test_the_zoom_buttons_stop_at_the_calendars_ends(page, site):
    far_leader("first", datetime.date(1, 1, 1))
    far_leader("last", datetime.date(9999, 12, 31))

    page.goto(f"{site}/timeline/?leader=first")
    page.wait_for_function("() => document.querySelector('#timeline-chart')._fullLayout")
    first, last = press(page, "100 years")
    assert first == "0001-01-01", "not before the first day a date can be"
    assert drawn_events(page) == ["event-first"]
    assert press(page, "Earlier") == (first, last), "already at the start"
    assert drawn_events(page) == ["event-first"]

    page.goto(f"{site}/timeline/?leader=last")
    page.wait_for_function("() => document.querySelector('#timeline-chart')._fullLayout")
    first, last = press(page, "Later")
    assert last == "9999-12-31", "not past the last day a date can be"
    assert drawn_events(page) == ["event-last"]
    first, last = press(page, "10 years")
    assert (first[:7], last) == ("9989-12", "9999-12-31")
    assert drawn_events(page) == ["event-last"]


def test_quotes_in_names_show_as_typed_in_the_chart(page, site):
    leader = LeaderFactory(name=QUOTED, slug="quoted")
    place = PlaceFactory(name=QUOTED)
    ParticipationFactory(leader=leader, event=EventFactory(title=QUOTED, slug="quoted-event", place=place))
    page.goto(f"{site}/timeline/?leader=quoted")
    page.wait_for_function("() => document.querySelector('#timeline-chart .scatterlayer .point')")
    assert page.locator("#timeline-chart .ytick text").all_text_contents() == [QUOTED]

    point = page.locator("#timeline-chart .scatterlayer .point").first.bounding_box()
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
    hover = page.locator(".hoverlayer .hovertext")
    expect(hover).to_contain_text(QUOTED)
    assert "&quot;" not in hover.text_content()
    assert "&#x27;" not in hover.text_content()
