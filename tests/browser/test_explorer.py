"""The explorer in a real browser: filtering, sharing, the panel, keyboard, phone, accessibility."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, title_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def chart_state(page):
    """What the reader sees in the chart: its events and its visible date range."""
    page.wait_for_function("() => document.querySelector('#timeline-chart')?._fullLayout")
    return page.evaluate(
        """() => {
            const gd = document.getElementById('timeline-chart');
            const slugs = new Set(gd.data.flatMap(trace => trace.customdata || []));
            return {slugs: [...slugs].sort(), range: gd.layout.xaxis.range.map(v => String(v).slice(0, 10))};
        }"""
    )


def test_filtering_swaps_the_chart_and_the_url_follows(offline, site):
    page = offline
    page.goto(f"{site}/timeline/")
    before = chart_state(page)
    page.fill("#leader-find", "kim il")
    page.get_by_label("Kim Il-sung").check()
    expect(page).to_have_url(re.compile(r"leader=kim-il-sung"))
    expect(page.locator("#view-summary")).to_have_text("1 event, 1959, lanes by leader, filtered to Kim Il-sung")
    expect(page.locator("#announcer")).to_have_text("1 event, 1959, lanes by leader, filtered to Kim Il-sung")
    after = chart_state(page)
    assert after["slugs"] == ["beijing-military-parade-1959"]
    assert len(before["slugs"]) > 13, "every event in view, not only the 1959 parade's"

    page.reload()
    assert chart_state(page) == after
    expect(page.get_by_label("Kim Il-sung")).to_be_checked()

    page.go_back()
    expect(page).to_have_url(f"{site}/timeline/")
    assert chart_state(page)["slugs"] == before["slugs"]


def test_clicking_a_marker_opens_the_event_in_the_panel(offline, site):
    page = offline
    page.goto(f"{site}/timeline/?leader=kim-il-sung")
    chart_state(page)
    box = page.locator("#timeline-chart .scatterlayer .point").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#panel-title")).to_have_text(title_of("beijing-military-parade-1959"))
    expect(page).to_have_url(re.compile(r"event=beijing-military-parade-1959"))
    expect(page.locator("#event-panel")).to_contain_text("attended a similar military parade in Beijing in 1959")


def test_a_shared_link_opens_the_same_view_in_a_fresh_browser(browser, site):
    sender = browser.new_context().new_page()
    sender.goto(f"{site}/timeline/?lanes=country&from=2018")
    chart_state(sender)
    # Zoom from the keyboard, then step back in time: the URL keeps the range, and
    # the server sends what the new range holds once the zoom settles.
    sender.evaluate(
        "() => document.addEventListener('htmx:afterSettle', () => { window.settled = true; }, {once: true})"
    )
    sender.get_by_role("button", name="1 year").focus()
    sender.keyboard.press("Enter")
    sender.get_by_role("button", name="Earlier").click()
    sender.wait_for_function(
        """() => {
            const range = document.getElementById('timeline-chart').layout.xaxis.range.map(v => String(v).slice(0, 10));
            return new URL(location.href).searchParams.get('view') === range.join('..');
        }"""
    )
    sender.wait_for_function("() => window.settled && document.querySelector('#timeline-chart')._fullLayout")
    shared = sender.url
    seen = chart_state(sender)
    assert len(seen["slugs"]) < 13, "the table and chart follow the zoom"
    start, end = (int(day[:4]) for day in seen["range"])
    assert end - start <= 1, "a one-year window"
    sender.context.close()

    receiver = browser.new_context().new_page()
    receiver.goto(shared)
    assert chart_state(receiver) == seen
    expect(receiver.locator('input[name="lanes"][value="country"]')).to_be_checked()
    receiver.context.close()


def test_the_keyboard_reaches_an_event_and_focus_follows(offline, site):
    page = offline
    page.goto(f"{site}/timeline/?leader=kim-il-sung")
    link = page.get_by_role("link", name=title_of("beijing-military-parade-1959"))
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel-title")).to_be_focused()
    expect(page).to_have_url(re.compile(r"event=beijing-military-parade-1959"))


def test_the_copy_link_button_copies_the_view(browser, site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site}/timeline/?leader=xi-jinping")
    page.get_by_text("Share, cite, embed or download this view").click()
    page.get_by_role("button", name="Copy link", exact=True).click()
    expect(page.locator(".share .copy-status").first).to_have_text("Link copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{site}/timeline/?leader=xi-jinping"
    context.close()


def test_a_phone_sees_the_whole_page_without_sideways_scrolling(browser, site):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    for path in ["/", "/timeline/", "/events/beijing-military-parade-2025/", "/leaders/kim-jong-un/"]:
        page.goto(site + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide at 375px"
    page.close()


def test_the_chart_is_on_screen_before_plotly_and_a_phone_fetches_plotly_only_when_touched(browser, site):
    """The server draws the chart; on a touch screen plotly.js (400 KB) comes when the reader
    reaches for the chart, and then draws the same events over the server's drawing."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{site}/timeline/?leader=kim-jong-un")
    marks = page.locator("#timeline-chart .chart-static .mark")
    expect(marks.first).to_be_visible()
    drawn = marks.count()
    lanes = page.locator("#timeline-chart .chart-static .lane").all_text_contents()
    assert {"Kim Jong-un", "Xi Jinping"} <= set(lanes)
    expect(page.get_by_role("button", name="10 years")).to_be_visible()
    page.wait_for_timeout(500)
    assert not [url for url in fetched if "plotly" in url]
    assert page.evaluate("() => window.Plotly === undefined")

    page.locator("#timeline-chart").tap()
    chart_state(page)
    expect(page.locator("#timeline-chart .chart-static")).to_have_count(0)
    expect(page.locator("#timeline-chart .scatterlayer .point")).to_have_count(drawn)
    assert page.locator("#timeline-chart .ytick text").all_text_contents() == lanes, "the same lanes, top to bottom"
    context.close()


def test_a_zoom_button_pressed_before_plotly_has_loaded_still_zooms(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/timeline/")
    page.get_by_role("button", name="10 years").tap()
    expect(page).to_have_url(re.compile(r"view=\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d"))
    first, last = re.search(r"view=(\d{4})-(\d\d-\d\d)\.\.(\d{4})-(\d\d-\d\d)", page.url).group(1, 3)
    assert int(last) - int(first) == 10
    context.close()


def test_on_a_phone_a_filtered_view_is_drawn_by_the_server_too_with_its_zoom(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/timeline/")
    page.get_by_text("Filters").tap()
    page.fill("#leader-find", "kim il")
    page.get_by_label("Kim Il-sung").tap()
    expect(page.locator("#view-summary")).to_have_text("1 event, 1959, lanes by leader, filtered to Kim Il-sung")
    marks = page.locator("#timeline-chart .chart-static .mark")
    expect(marks.first).to_be_visible()
    slugs = set(marks.evaluate_all("marks => marks.map(mark => mark.dataset.slug)"))
    assert slugs == {"beijing-military-parade-1959"}, "the one event, in the lane of each leader there"
    expect(page.get_by_role("button", name="10 years")).to_be_visible()
    assert page.evaluate("() => window.Plotly === undefined")
    context.close()


def test_where_a_mouse_points_plotly_draws_at_once(offline, site):
    page = offline
    page.goto(f"{site}/timeline/")
    expect(page.locator("#timeline-chart .scatterlayer .point").first).to_be_attached()
    expect(page.locator("#timeline-chart .chart-static")).to_have_count(0)


@pytest.mark.parametrize(("width", "filters_open"), [(375, False), (1440, True)])
def test_nothing_moves_while_the_page_loads_and_the_chart_draws(browser, site, width, filters_open):
    """The chart's room is kept before plotly.js draws it, and the filters unfold only
    where they sit beside the chart: the layout does not shift under the reader."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.add_init_script(
        """window.__shift = 0;
        new PerformanceObserver(list => list.getEntries().forEach(shift => {
            if (!shift.hadRecentInput) window.__shift += shift.value;
        })).observe({type: 'layout-shift', buffered: true});"""
    )
    page.goto(f"{site}/timeline/")
    chart_state(page)
    page.wait_for_timeout(300)  # let any late shift be recorded
    assert page.evaluate("() => window.__shift") < 0.01
    assert page.evaluate("() => document.getElementById('filters-box').open") is filters_open
    page.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/timeline/?event=beijing-military-parade-2025",
        "/events/beijing-military-parade-2025/",
        "/leaders/kim-jong-un/",
        "/leaders/",
        "/collections/kim-jong-un-and-china/",
    ],
)
def test_no_serious_accessibility_violations(offline, site, path):
    page = offline
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
