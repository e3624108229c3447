"""Citable links in a real browser: copied from the page, they still show what the reader saw."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from events.models import Event

from .conftest import title_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PINNED = r"as_of=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"


def test_a_copied_citable_link_shows_the_view_as_it_was(browser, site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site}/timeline/")
    page.fill("#leader-find", "kim il")
    page.get_by_label("Kim Il-sung").check()
    expect(page).to_have_url(re.compile(r"leader=kim-il-sung"))

    # The citable link follows the filter htmx applied, and so does the citation's text.
    page.get_by_text("Share, cite, embed or download this view").click()
    page.locator(".share").get_by_role("button", name="Copy citable link").click()
    expect(page.locator(".share .copy-status").nth(1)).to_have_text("Citable link copied.")
    pinned = page.evaluate("() => navigator.clipboard.readText()")
    assert re.fullmatch(rf"{re.escape(site)}/timeline/\?leader=kim-il-sung&{PINNED}", pinned), pinned
    page.get_by_text("Cite this page").click()
    expect(page.locator("[data-cite-text]").first).to_contain_text(pinned)

    event = Event.objects.get(slug="beijing-military-parade-1959")
    event.start_date = datetime.date(1960, 1, 1)
    event.save()

    later = context.new_page()
    later.goto(pinned)
    expect(later.locator("#view-summary")).to_have_text(re.compile(r"^1 event, 1959,"))
    expect(later.get_by_role("status").filter(has_text="Since this link was made")).to_contain_text("1 date corrected")
    later.get_by_text("What changed").click()
    expect(later.get_by_text(re.compile(r"1959 → .*1960"))).to_be_visible()
    later.get_by_role("link", name="See the current version").click()
    expect(later.locator("#view-summary")).to_have_text(re.compile(r"^1 event, 1960,"))
    context.close()


def test_an_embed_keeps_its_open_event_and_shares_the_full_page(browser, site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site}/embed/timeline/?leader=kim-il-sung")
    page.wait_for_function("() => document.querySelector('#timeline-chart')?._fullLayout")
    page.evaluate(
        "() => document.getElementById('timeline-chart').emit('plotly_click',"
        " {points: [{customdata: 'beijing-military-parade-1959'}]})"
    )
    expect(page.locator("#panel-title")).to_contain_text(title_of("beijing-military-parade-1959"))
    expect(page).to_have_url(re.compile(r"/embed/timeline/\?.*event=beijing-military-parade-1959"))
    full = f"{site}/timeline/?leader=kim-il-sung&event=beijing-military-parade-1959"
    expect(page.get_by_role("link", name="Open in newsdash")).to_have_attribute("href", full)
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator(".copy-status")).to_have_text("Link copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == full
    context.close()
