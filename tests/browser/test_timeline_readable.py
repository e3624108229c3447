"""The timeline as a reader sees it in Chromium: titled marks, none hiding another, whole axes,
on a wide screen (plotly's chart) and on a phone (the server's drawing, until touched)."""

import datetime

import pytest
from playwright.sync_api import expect

from ..factories import EventFactory, LeaderFactory, ParticipationFactory
from .conftest import title_of
from .test_chart_edges import drawn_events, press

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Every mark and every label shown, as boxes; the chart's own box; the date labels' boxes.
BOXES = """() => {
  const chart = document.getElementById('timeline-chart');
  const box = element => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = element => element.style.visibility !== 'hidden' && element.getBoundingClientRect().width > 0;
  const marks = [...chart.querySelectorAll('.chart-static .mark, .scatterlayer path.point')].filter(shown);
  const labels = [...chart.querySelectorAll('.chart-static .label, .scatterlayer .textpoint text')].filter(shown);
  const ticks = [...chart.querySelectorAll('.chart-static .tick, .xtick text')].filter(shown);
  return {chart: box(chart), marks: marks.map(box), labels: labels.map(box), ticks: ticks.map(box),
          titles: labels.map(label => label.textContent)};
}"""


def overlap(a, b):
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def assert_readable(drawn):
    things = [("mark", box) for box in drawn["marks"]] + [("label", box) for box in drawn["labels"]]
    for i, (kind, box) in enumerate(things):
        for other_kind, other in things[i + 1 :]:
            assert not overlap(box, other), f"a {kind} at {box} overlaps a {other_kind} at {other}"
    bottom = drawn["chart"][3]
    assert drawn["ticks"], "the dates are labelled"
    assert all(tick[3] <= bottom + 0.5 for tick in drawn["ticks"]), "no date label is cut off at the bottom"


def open_timeline(page, url, width, plotly):
    """The chart's boxes: plotly's drawing, or the server's (plotly.js kept from loading)."""
    page.unroute("**/plotly*")
    if not plotly:
        page.route("**/plotly*", lambda route: route.abort())
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    if plotly:
        page.wait_for_function("() => document.querySelector('#timeline-chart')._fullLayout")
        page.wait_for_timeout(200)  # the labels are fitted after plotly's drawing
    drawn = page.evaluate(BOXES)
    assert page.locator("#timeline-chart .chart-static").count() == (0 if plotly else 1)
    return drawn


def test_the_default_view_shows_titled_marks_none_overlapping(page, site):
    drawn = open_timeline(page, f"{site}/timeline/", 1280, plotly=True)
    assert_readable(drawn)
    assert len(drawn["marks"]) >= 18, "every event in view has its own mark, once per lane"
    assert len(drawn["labels"]) >= 8, drawn["titles"]
    assert "Kim Jong-un assumes power in No…" in drawn["titles"]


def test_on_a_phone_the_servers_drawing_is_readable_too(page, site):
    drawn = open_timeline(page, f"{site}/timeline/", 375, plotly=False)
    assert_readable(drawn)
    assert len(drawn["marks"]) >= 18


def test_a_dense_view_stacks_every_event_and_hides_only_labels(page, site):
    kim = LeaderFactory(name="Kim Dense")
    for i in range(24):
        ParticipationFactory(
            leader=kim, event=EventFactory(title=f"Dense {i}", start_date=datetime.date(2024, 3, i % 28 + 1))
        )
    for width, plotly in [(1280, True), (375, False)]:
        drawn = open_timeline(page, f"{site}/timeline/?leader={kim.slug}", width, plotly)
        assert_readable(drawn)
        assert len(drawn["marks"]) == 24, "every event keeps a visible mark"


def test_the_open_event_panel_and_the_chart_share_the_width_only_when_an_event_is_open(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/timeline/")
    alone = page.locator("#timeline-chart").bounding_box()["width"]
    page.goto(f"{site}/timeline/?event=beijing-military-parade-2025")
    beside = page.locator("#timeline-chart").bounding_box()["width"]
    assert alone > beside + 200


def test_the_toolbar_offers_nothing_that_talks_to_another_host(page, site):
    open_timeline(page, f"{site}/timeline/", 1280, plotly=True)
    page.hover("#timeline-chart")
    titles = page.evaluate("() => [...document.querySelectorAll('.modebar-btn')].map(b => b.dataset.title)")
    assert "Download plot as a PNG" in titles
    assert not [title for title in titles if "Share" in title or "Cloud" in title or "Edit" in title], titles


def test_one_year_zooms_around_the_events_in_view_or_the_open_event(page, site):
    page.goto(f"{site}/timeline/")
    page.wait_for_function("() => document.querySelector('#timeline-chart')._fullLayout")
    first, last = press(page, "1 year")
    assert first[:4] in {"2024", "2025"}, (first, last)
    assert "beijing-military-parade-2025" in drawn_events(page), "the year around the events in view, not the future"
    page.goto(f"{site}/timeline/?event=kim-jong-un-beijing-visit-2019")
    page.wait_for_function("() => document.querySelector('#timeline-chart')._fullLayout")
    first, last = press(page, "10 years")
    assert (first[:4], last[:4]) == ("2014", "2024"), "ten years around the open event"


def test_a_tap_on_a_mark_opens_its_event_at_once_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/timeline/")
    mark = page.locator('#timeline-chart .chart-static .mark[data-slug="kim-jong-un-beijing-visit-2019"]').first
    mark.tap()
    expect(page.locator("#panel-title")).to_have_text(title_of("kim-jong-un-beijing-visit-2019"))
    assert "event=kim-jong-un-beijing-visit-2019" in page.url
    table = page.locator(".table-scroll")
    assert page.evaluate("element => element.scrollWidth <= element.clientWidth", table.element_handle()), (
        "the table is cards that fit the phone, not a table to scroll sideways"
    )
    labels = page.evaluate(
        "() => [...document.querySelector('table.events tbody tr').cells]"
        ".map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert labels == ['"Date"', '"Event"', '"Kind"', '"Place"', '"Leaders"'], "each value under its name"
    context.close()


def test_the_open_event_stands_out_and_escape_closes_it_back_to_where_it_was_opened(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/timeline/")
    page.wait_for_function("() => document.querySelector('#timeline-chart')._fullLayout")
    link = page.get_by_role("link", name=title_of("kim-jong-un-beijing-visit-2019"))
    link.click()
    expect(page.locator("#panel-title")).to_be_focused()
    selected = page.evaluate(
        "() => document.getElementById('timeline-chart').data"
        ".filter(trace => trace.selectedpoints && trace.selectedpoints.length)"
        ".flatMap(trace => trace.selectedpoints.map(i => trace.customdata[i]))"
    )
    assert set(selected) == {"kim-jong-un-beijing-visit-2019"}, "the open event is marked on the chart, in each lane"
    page.keyboard.press("Escape")
    expect(page.locator("#event-panel .panel-hint")).to_be_visible()
    expect(link).to_be_focused()
    assert "event=" not in page.url
    unselected = page.evaluate(
        "() => document.getElementById('timeline-chart').data.filter(trace => trace.selectedpoints).length"
    )
    assert unselected == 0, "nothing stands out once it is closed"


def test_the_embed_code_gives_a_frame_tall_enough_for_the_whole_chart(page, site):
    import html
    import re

    for query in ["", "?lanes=kind", "?leader=kim-il-sung"]:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{site}/timeline/{query}")
        code = html.unescape(page.locator("#embed-code").input_value())
        src, height = re.search(r'src="([^"]+)".*height="(\d+)"', code).groups()
        page.set_viewport_size({"width": 700, "height": int(height)})
        page.goto(src)
        page.wait_for_function("() => document.querySelector('#timeline-chart')._fullLayout")
        bottom = page.evaluate("() => document.getElementById('timeline-chart').getBoundingClientRect().bottom")
        assert bottom <= int(height), f"the chart ends at {bottom}px in a frame of {height}px ({query})"
