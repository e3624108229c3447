"""Browser tests: Playwright driving Debian's Chromium against the live server.

In CI (CI=true) a missing Chromium fails the run; elsewhere these tests are
skipped with the command that enables them.
"""

import os
import sys
from pathlib import Path

import pytest

from ..conftest import CHROMIUM, require_chromium

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
sys.path.insert(0, str(ROOT / "bench"))
from chromium import FLAGS  # noqa: E402  (shared with the benchmarks)

# Playwright's sync API runs an event loop; Django's ORM must be allowed beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_chromium("the browser tests")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": FLAGS}


@pytest.fixture
def site(live_server, django_db_serialized_rollback, dataset):
    """The live server with the parade story loaded."""
    return live_server.url


@pytest.fixture
def offline(page, site):
    """Fails the test if the page asks anything of a host other than ours."""
    outside = []

    def guard(route):
        if route.request.url.startswith(site) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    yield page
    assert outside == [], f"the page reached the network: {outside}"


def axe_violations(page):
    # From our own origin, as the Content Security Policy allows scripts only from there.
    url = page.url.split("/", 3)[:3]
    axe_url = "/".join(url) + "/__axe__.js"
    page.route(axe_url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url=axe_url)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in serious]


@pytest.fixture
def csp_violations(page):
    """What the Content Security Policy blocked on the page, as the browser reports it."""
    reported = []
    page.on("console", lambda message: "Content Security Policy" in message.text and reported.append(message.text))
    page.add_init_script(
        """document.addEventListener('securitypolicyviolation', event => console.error(
            'Content Security Policy blocked ' + event.blockedURI + ' (' + event.violatedDirective + ')'));"""
    )
    return reported


def title_of(slug):
    """An event's title as the shipped dataset has it (the tests need not repeat it)."""
    from events.models import Event

    return Event.objects.get(slug=slug).title
