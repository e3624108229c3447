"""Seating diagrams in a real browser: hover, the viewpoint switch, legible names, the admin preview."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ArrangementFactory, CitationFactory, EventFactory, LeaderFactory, SeatFactory, SourceFactory

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PARADE = "/events/beijing-military-parade-2025/"


def seat_x(page, leader):
    page.wait_for_function("() => document.querySelector('[data-plotly]')?._fullLayout")
    return page.evaluate(
        """(leader) => {
            const gd = document.querySelector('[data-plotly]');
            for (const trace of gd.data) {
                const i = (trace.customdata || []).indexOf(leader);
                if (i >= 0) return trace.x[i];
            }
        }""",
        leader,
    )


def test_hovering_a_seat_reads_the_sources_words(offline, site):
    page = offline
    page.goto(site + PARADE)
    seat_x(page, "Kim Jong-un")
    page.locator("[data-plotly]").first.scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
            const gd = document.querySelector('[data-plotly]');
            const t = gd.data.findIndex(trace => (trace.customdata || []).includes('Kim Jong-un'));
            const i = gd.data[t].customdata.indexOf('Kim Jong-un');
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
            return {
                x: box.left + xa._offset + xa.l2p(gd.data[t].x[i]),
                y: box.top + ya._offset + ya.l2p(gd.data[t].y[i]),
            };
        }"""
    )
    page.mouse.move(point["x"], point["y"])
    hover = page.locator(".hoverlayer .hovertext")
    expect(hover).to_contain_text("immediately to Xi Jinping's left")
    expect(hover).to_contain_text("Kremlin officials have indicated")


def test_the_viewpoint_switch_flips_the_rostrum_and_the_url(offline, site):
    page = offline
    page.goto(site + PARADE)
    assert seat_x(page, "Kim Jong-un") > 0 > seat_x(page, "Vladimir Putin")
    page.get_by_role("link", name="as the host faces the audience").click()
    expect(page).to_have_url(re.compile(r"seating=host"))
    expect(page.locator("#seating .gtitle")).to_contain_text("Seen from behind Xi Jinping")
    assert seat_x(page, "Kim Jong-un") < 0 < seat_x(page, "Vladimir Putin")
    page.reload()
    assert seat_x(page, "Kim Jong-un") < 0


@pytest.mark.parametrize("width", [375, 1440])
def test_names_on_a_long_rostrum_do_not_overlap(browser, site, width):
    event = EventFactory(slug="summit-of-27")
    arrangement = ArrangementFactory(event=event, name="Long rostrum")
    source = SourceFactory()
    for i in range(27):
        leader = LeaderFactory(name=f"Head of State Number {i}")
        placed = SeatFactory(arrangement=arrangement, leader=leader, position=i - 13, is_host=i == 13)
        CitationFactory(event=None, seat=placed, source=source)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{site}/events/summit-of-27/")
    page.wait_for_function("() => document.querySelectorAll('[data-plotly] .annotation-text').length === 27")
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('[data-plotly] .annotation-text')].map(e => e.getBoundingClientRect())"
        ".map(r => [r.left, r.top, r.right, r.bottom])"
    )
    overlaps = [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
    ]
    assert overlaps == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.close()


def test_the_seating_pages_are_accessible(offline, site):
    page = offline
    page.goto(site + PARADE)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_the_admin_preview_follows_the_form_before_saving(page, site, django_user_model):
    django_user_model.objects.create_superuser("chief", password="a-long-chief-password")
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-chief-password")
    page.click("input[type=submit]")
    from events.models import SeatingArrangement

    arrangement = SeatingArrangement.objects.get(event__slug="beijing-military-parade-2025")
    page.goto(f"{site}/admin/events/seatingarrangement/{arrangement.pk}/change/")
    preview = page.locator("#seating-preview")
    page.wait_for_function("() => document.querySelector('#seating-preview [data-plotly]')?._fullLayout")
    expect(preview).not_to_contain_text("The host sits at position 0.")
    host = page.locator("input[name$='-is_host']:checked").get_attribute("name")
    host_position = page.locator(f"input[name='{host.replace('is_host', 'position')}']")
    host_position.fill("3")
    host_position.dispatch_event("change")
    expect(preview.locator(".errorlist")).to_contain_text("The host sits at position 0.")
    assert arrangement.seats.get(is_host=True).position == 0, "nothing saved"
