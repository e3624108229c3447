"""The Content Security Policy in a real browser: the dashboard works under it and it blocks nothing of ours."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import title_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_explorer_and_seating_work_under_the_policy_without_a_violation(page, site, csp_violations):
    page.goto(f"{site}/timeline/")
    page.wait_for_function("() => document.querySelector('#timeline-chart .scatterlayer .point')")
    page.get_by_role("radio", name="Kind of event").check()
    expect(page).to_have_url(re.compile(r"lanes=kind"))
    page.fill("#leader-find", "kim il")
    page.get_by_label("Kim Il-sung").check()
    expect(page).to_have_url(re.compile(r"leader=kim-il-sung"))
    page.get_by_role("link", name=title_of("beijing-military-parade-1959")).first.click()
    expect(page.locator("#panel-title")).to_have_text(title_of("beijing-military-parade-1959"))
    page.goto(f"{site}/events/beijing-military-parade-2025/")
    page.wait_for_function("() => document.querySelector('[data-plotly]')?._fullLayout")
    page.goto(f"{site}/embed/timeline/")
    page.wait_for_function("() => document.querySelector('#timeline-chart .scatterlayer .point')")
    assert csp_violations == []


def test_the_policy_blocks_an_injected_inline_script(page, site, csp_violations):
    """The policy is enforced, not just sent: a script slipped into the page does not run."""
    page.goto(f"{site}/timeline/")
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';
                   document.body.appendChild(s); }"""
    )
    assert page.evaluate("() => window.__ran === true") is False
    assert any("script-src" in message or "Content Security Policy" in message for message in csp_violations)
