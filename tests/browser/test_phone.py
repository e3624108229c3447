"""Every public page on a phone (375 px, Chromium): nothing axe calls serious or critical, no
sideways scroll of the page, every table as cards, and plotly's toolbar clear of the legend and
the lane names (on a wide screen too)."""

import pytest

from events.models import SeatingArrangement

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = 375
PARADE = "beijing-military-parade-2025"
# More fields than a request may carry (DATA_UPLOAD_MAX_NUMBER_FIELDS): the 400 page.
TOO_MANY_FIELDS = "&".join(f"f{i}=1" for i in range(5001))

STATES = {
    "home": "/",
    "timeline": "/timeline/",
    "timeline, an event open": f"/timeline/?event={PARADE}",
    "timeline, a leader's events": "/timeline/?leader=kim-jong-un",
    "timeline, a search": "/timeline/?q=kim",
    "timeline, zoomed": "/timeline/?view=2018-01-01..2019-12-31",
    "timeline, no events": "/timeline/?q=nothing-is-called-this",
    "timeline, a link with problems": "/timeline/?from=banana&leader=nobody",
    "event": f"/events/{PARADE}/",
    "leader": "/leaders/kim-jong-un/",
    "leaders": "/leaders/",
    "source": "/sources/kim-jong-un-to-attend-beijing-parade/",
    "collection": "/collections/kim-jong-un-and-china/",
    "seating comparison": "/seating/compare/?a={seating}&b={seating}",
    "seating comparison, nothing chosen": "/seating/compare/",
    "seating comparison, a bad choice": "/seating/compare/?a=x&b={seating}",
    "embed": "/embed/timeline/",
    "embed, a leader's events": "/embed/timeline/?leader=kim-jong-un",
    "not found": "/events/no-such-event/",
    "refused": f"/timeline/?{TOO_MANY_FIELDS}",
}
CHARTED = [
    "home",
    "timeline",
    "timeline, an event open",
    "event",
    "leader",
    "collection",
    "seating comparison",
    "embed",
]

CHARTS = "[data-timeline], [data-plotly]"

# The toolbar's box, and those of the legend's entries and the lane names, a chart at a time.
COVERED = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
  const box = element => { const r = element.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const bar = plot.querySelector('.modebar');
  const meets = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const names = [...plot.querySelectorAll('.legend .traces, .ytick text')]
    .filter(element => element.getBoundingClientRect().width > 0);
  return {chart: plot.id, names: names.length,
          covered: names.filter(name => meets(box(bar), box(name))).map(name => name.textContent)};
})"""


def url_of(site, state):
    return site + STATES[state].format(seating=SeatingArrangement.objects.filter(event__slug=PARADE).get().pk)


def draw_with_plotly(page):
    """Reach for the charts, as a reader does (plotly.js loads then on a touch screen); wait for every drawing."""
    page.evaluate(
        "charts => document.querySelector(charts).dispatchEvent(new Event('pointerdown', {bubbles: true}))", CHARTS
    )
    page.wait_for_function(
        "charts => [...document.querySelectorAll(charts)].every(chart => chart._fullLayout)", arg=CHARTS
    )
    page.wait_for_timeout(200)  # the labels are fitted after plotly's drawing


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": PHONE, "height": 812}, has_touch=True, is_mobile=True)
    yield context.new_page()
    context.close()


def assert_fits(page, state):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE, f"{state}: the page scrolls sideways ({width}px wide)"


@pytest.mark.parametrize("state", STATES)
def test_a_phone_reader_meets_no_serious_barrier_and_no_sideways_scroll(phone, site, state):
    phone.goto(url_of(site, state))
    assert_fits(phone, state)
    assert axe_violations(phone) == []
    if phone.locator(CHARTS).count():
        draw_with_plotly(phone)
        assert_fits(phone, state)
        assert axe_violations(phone) == [], "once plotly.js has drawn the charts too"


@pytest.mark.parametrize("state", ["event", "leaders", "seating comparison", "timeline, an event open"])
def test_every_table_is_cards_on_a_phone(phone, site, state):
    phone.goto(url_of(site, state))
    tables = phone.locator("main table")
    assert tables.count(), "the page has a table"
    for table in tables.all():
        # Each cell a line of the card: its name, then every part of its value beside the name.
        misplaced = table.evaluate(
            """table => [...table.querySelectorAll('tbody td')].filter(cell => {
                const left = cell.getBoundingClientRect().left + 64;
                return getComputedStyle(cell, '::before').content === 'none'
                    || getComputedStyle(cell.closest('tr')).display !== 'block'
                    || [...cell.children].some(part => part.getBoundingClientRect().left < left)
                    || cell.getBoundingClientRect().height < 16;  // an empty value keeps its name's line
            }).map(cell => cell.textContent.trim().slice(0, 40))"""
        )
        assert misplaced == [], "each value beside its name, a row a card"
        assert table.evaluate("table => table.parentElement.scrollWidth <= table.parentElement.clientWidth")


@pytest.mark.parametrize("width", [PHONE, 1280])
@pytest.mark.parametrize("state", CHARTED)
def test_the_charts_toolbar_covers_neither_legend_nor_lane_names(page, site, state, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url_of(site, state))
    draw_with_plotly(page)
    page.locator(".js-plotly-plot").first.hover()
    charts = page.evaluate(COVERED)
    assert charts, "plotly.js drew the charts"
    assert all(chart["names"] for chart in charts), f"each chart has a legend or lane names: {charts}"
    assert [chart for chart in charts if chart["covered"]] == []
