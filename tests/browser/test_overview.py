"""The overview strip under the timeline, in Chromium: every date of the view's events, the
range in view as a window the reader drags, resizes or moves with the keyboard."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import title_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def view_of(page):
    (view,) = parse_qs(urlsplit(page.url).query)["view"]
    return [datetime.date.fromisoformat(day) for day in view.split("..")]


def window_box(page):
    return page.locator(".overview-window").bounding_box()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_strip_shows_the_earlier_parade_and_dragging_the_window_moves_the_view(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/timeline/")
    page.locator(".overview").scroll_into_view_if_needed()
    track = page.locator(".overview-track").bounding_box()
    window = window_box(page)
    bars = page.locator(".overview-bars rect").evaluate_all("rects => rects.map(r => r.getBoundingClientRect().left)")
    assert min(bars) < window["x"], "1959, outside the range in view, is on the strip left of the window"
    assert window["x"] > track["x"] + track["width"] / 2, "the window sits over 2011-2025"
    expect(page.locator("#view-summary")).to_have_text(re.compile(r"^\d\d events"))

    # Dragged by its middle to the left, towards 1959.
    x, y = window["x"] + window["width"] / 2, window["y"] + window["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - track["width"] / 3, y, steps=5)
    page.mouse.up()
    page.wait_for_function("() => new URL(location.href).searchParams.get('view')")
    first, last = view_of(page)
    assert first.year < 2000, "the view moved back in time"
    assert 10 <= (last - first).days / 365.25 <= 25, "keeping its width"
    # The server draws the new range, and the window stays where it was left.
    expect(page.locator(".overview-window")).to_have_attribute("aria-valuenow", str(first.year))
    moved = window_box(page)
    assert moved["x"] < window["x"] - track["width"] / 4


def test_an_edge_resizes_and_a_tap_beside_the_window_centres_it_there(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/timeline/")
    page.locator(".overview").scroll_into_view_if_needed()
    track = page.locator(".overview-track").bounding_box()
    window = window_box(page)
    handle = page.locator('.overview-handle[data-edge="start"]').bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + 4, handle["y"] + handle["height"] / 2, steps=5)
    page.mouse.up()
    page.wait_for_function("() => new URL(location.href).searchParams.get('view')")
    first, last = view_of(page)
    assert first.year <= 1960, "the window's start dragged to the strip's start"
    assert last.year >= 2025, "its end stayed"
    expect(page.locator("#view-summary")).to_have_text(re.compile(r"^\d\d events"))

    page.goto(f"{site}/timeline/")
    page.locator(".overview").scroll_into_view_if_needed()
    track = page.locator(".overview-track").bounding_box()
    page.mouse.click(track["x"] + 10, track["y"] + track["height"] / 2)
    page.wait_for_function("() => new URL(location.href).searchParams.get('view')")
    first, last = view_of(page)
    assert first.year < 1959 < last.year, "the window centred on the tap"
    expect(page.locator(".events tbody")).to_contain_text(title_of("beijing-military-parade-1959"))
    assert window["width"] == pytest.approx(window_box(page)["width"], abs=2)


def test_the_keyboard_moves_and_widens_the_window_and_keeps_the_focus(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/timeline/")
    slider = page.get_by_role("slider", name="Dates in view")
    slider.focus()
    before = slider.get_attribute("aria-valuetext")
    page.keyboard.press("Home")
    page.wait_for_function("() => new URL(location.href).searchParams.get('view')")
    first, last = view_of(page)
    assert first.year <= 1960
    expect(slider).not_to_have_attribute("aria-valuetext", before)
    expect(slider).to_be_focused()  # after the results were drawn again

    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => !location.href.includes('{first.isoformat()}')")
    later_first, later_last = view_of(page)
    assert later_first > first, "→ moves the window later"
    assert later_last > last
    assert (later_last - later_first).days == pytest.approx((last - first).days, abs=2), "keeping its width"
    expect(slider).to_be_focused()

    page.keyboard.press("Shift+ArrowRight")
    page.wait_for_function(f"() => !location.href.includes('{later_first.isoformat()}')")
    wider_first, wider_last = view_of(page)
    assert wider_first < later_first, "Shift+→ widens it on both sides"
    assert wider_last > later_last
