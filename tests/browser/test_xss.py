"""Hostile text in every field an editor can fill stays text: in Chromium no dialog opens,
no script runs and the policy blocks nothing (nothing got through as markup), on every
page that shows it, in the chart's hover labels, the seating diagram and the exports."""

import pytest
from playwright.sync_api import expect

from events.models import CollectionEntry, Country, Office

from ..factories import (
    ArrangementFactory,
    CitationFactory,
    CollectionFactory,
    EventFactory,
    LeaderFactory,
    ParticipationFactory,
    PlaceFactory,
    SeatFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CORPUS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>go</a>",
    "</script><b>",
    "\u202eevil",
    "{{ 7|add:7 }}",
]
HOSTILE = " ".join(CORPUS)  # 197 characters: fits every name field


@pytest.fixture
def hostile(site):
    country = Country.objects.create(iso_code="XX", name=HOSTILE[:100])
    leader = LeaderFactory(
        name=HOSTILE, slug="hostile", native_name=HOSTILE, native_language="en", aliases=HOSTILE, country=country
    )
    Office.objects.create(leader=leader, title=HOSTILE, country=country, start_date="2020-01-01", note=HOSTILE)
    source = SourceFactory(title=HOSTILE, outlet=HOSTILE, author=HOSTILE, full_text=f"Said: {HOSTILE}", note=HOSTILE)
    place = PlaceFactory(name=HOSTILE, city=HOSTILE, country=country)
    event = EventFactory(
        title=HOSTILE, slug="hostile-event", summary=HOSTILE, date_note=HOSTILE, place=place, start_date="2024-06-01"
    )
    CitationFactory(event=event, source=source, quote=HOSTILE, note=HOSTILE)
    ParticipationFactory(event=event, leader=leader)
    arrangement = ArrangementFactory(event=event, name=HOSTILE, note=HOSTILE)
    seat = SeatFactory(arrangement=arrangement, leader=leader, position=0, is_host=True)
    CitationFactory(event=None, seat=seat, source=source, quote=HOSTILE)
    collection = CollectionFactory(title=HOSTILE, slug="hostile-collection", introduction=HOSTILE)
    CollectionEntry.objects.create(collection=collection, event=event)
    return site


PAGES = [
    "/",
    "/timeline/?leader=hostile",
    "/timeline/?q=svg",
    "/timeline/?leader=hostile&event=hostile-event",
    "/events/hostile-event/",
    "/leaders/",
    "/leaders/hostile/",
    "/collections/hostile-collection/",
    "/embed/timeline/?leader=hostile",
    "/leaders/options/?find=script",
]


def test_hostile_text_is_shown_as_text_everywhere(page, hostile, csp_violations):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in PAGES:
        page.goto(hostile + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__xss") is None, path
        assert page.locator("img[src=x], svg[onload], a[href^='javascript']").count() == 0, path
    page.goto(hostile + "/events/hostile-event/")
    expect(page.locator("h1")).to_contain_text("<script>window.__xss=1;alert(1)</script>")

    # The chart's hover label: plotly reads it as HTML, so it must arrive escaped.
    page.goto(hostile + "/timeline/?leader=hostile")
    page.wait_for_function("() => document.querySelector('#timeline-chart .scatterlayer .point')")
    point = page.locator("#timeline-chart .scatterlayer .point").first.bounding_box()
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
    expect(page.locator(".hoverlayer")).to_contain_text("<script>")

    # The seating diagram's hover label, on the one seat.
    page.goto(hostile + "/events/hostile-event/")
    page.wait_for_function("() => document.querySelector('[data-plotly]')?._fullLayout")
    page.locator("[data-plotly]").first.scroll_into_view_if_needed()
    seat = page.evaluate(
        """() => {
            const gd = document.querySelector('[data-plotly]');
            const t = gd.data.findIndex(trace => trace.mode && trace.mode.includes('markers') && trace.x.length);
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
            const x = xa.l2p(gd.data[t].x[0]), y = ya.l2p(gd.data[t].y[0]);
            return {x: box.left + xa._offset + x, y: box.top + ya._offset + y};
        }"""
    )
    page.mouse.move(seat["x"], seat["y"])
    expect(page.locator(".hoverlayer .hovertext")).to_contain_text("<img src=x")

    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []
    assert csp_violations == [], "nothing hostile reached the page as a script for the policy to block"


def test_exports_carry_hostile_text_as_data(page, hostile):
    page.goto(hostile + "/")
    for path, kind in [
        ("/timeline/export.json?leader=hostile", "application/json"),
        ("/timeline/export.timelinejs.json?leader=hostile", "application/json"),
        ("/timeline/export.csv?leader=hostile", "text/csv"),
    ]:
        response = page.request.get(hostile + path)
        assert response.headers["content-type"].startswith(kind)
        assert response.headers["x-content-type-options"] == "nosniff", "never sniffed into HTML"
        assert "window.__xss" in response.text(), "the text is kept, as data"
