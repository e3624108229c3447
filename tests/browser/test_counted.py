"""A view too dense to draw one by one, in a real browser: its counts per period, and a
click on one zooms into that period, where the events are drawn one by one again."""

import re

import pytest
from playwright.sync_api import expect

from events import explorer

from .test_explorer import chart_state

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_clicking_a_count_zooms_into_its_period_and_shows_its_events(offline, site, monkeypatch):
    monkeypatch.setattr(explorer, "DETAIL_LIMIT", 5)
    page = offline
    page.goto(f"{site}/timeline/?leader=kim-il-sung&leader=kim-jong-un")
    expect(page.locator("#results")).to_contain_text("Too many events to draw one by one")
    periods = chart_state(page)["slugs"]
    assert "1959-01-01..1959-12-31" in periods, "periods, not events"
    assert all(".." in period for period in periods)
    bar = page.locator("#timeline-chart .barlayer .point").first
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".hoverlayer")).to_contain_text("1 event")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"view=1959-01-0\d\.\.1959-12-3\d"))
    expect(page.locator("#results")).not_to_contain_text("Too many events")
    page.wait_for_function(
        "() => (document.getElementById('timeline-chart').data || []).some(t => t.type === 'scatter')"
    )
    assert chart_state(page)["slugs"] == ["beijing-military-parade-1959"], "the year's event, drawn one by one"
