"""Any query string or path segment gets an answer, never a 500: property-based, with
hypothesis. CI runs 1,000 examples an endpoint (HYPOTHESIS_PROFILE=ci); locally 100."""

import os
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

settings.register_profile(
    "ci", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/",
    "/timeline/",
    "/embed/timeline/",
    "/timeline/export.csv",
    "/timeline/export.json",
    "/timeline/export.timelinejs.json",
    "/leaders/",
    "/leaders/options/",
    "/leaders/kim-jong-un/",
    "/events/beijing-military-parade-2025/",
    "/collections/kim-jong-un-and-china/",
    "/seating/compare/",
    "/healthz",
    "/preview/timeline.png",
    "/preview/events/beijing-military-parade-2025.png",
    "/preview/leaders/kim-jong-un.png",
]
PATHS = ["/events/{}/", "/leaders/{}/", "/collections/{}/", "/preview/events/{}.png", "/preview/leaders/{}.png"]
PARAMS = ["q", "leader", "country", "kind", "precision", "from", "to", "lanes", "collection", "view", "page"]
PARAMS += ["event", "seating", "a", "b", "find", "as_of"]

# Every code point, control characters and NUL included, and strings that look almost right.
text = st.text(max_size=60) | st.sampled_from(
    ["", "0", "-1", "1e99", "9" * 40, "2025-02-30", "2025-13", "1959..", "..", "a..b", "2001-01-01..1990-01-01"]
    # Moments for as_of: valid, in the future, at the ends of the calendar, without a zone.
    + ["2026-01-01T00:00:00Z", "2025-09-03T12:00:00.5+09:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00+23:59"]
    + ["2026-01-01T00:00:00", "2026-01-01", "2026-W01-1T00:00Z"]
)
queries = st.lists(st.tuples(st.sampled_from(PARAMS) | st.text(max_size=10), text), max_size=6)
HEADERS = [{}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}]


def answered(response, url):
    assert response.status_code < 500, f"{url} answered {response.status_code}"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_query_string_makes_an_endpoint_fail(client, dataset, endpoint):
    @given(pairs=queries, raw=st.booleans(), htmx=st.sampled_from(HEADERS))
    def check(pairs, raw, htmx):
        query = "&".join(f"{key}={value}" for key, value in pairs) if raw else urlencode(pairs)
        url = f"{endpoint}?{query}"
        answered(client.get(url, **htmx), url)

    check()


@pytest.mark.parametrize("pattern", PATHS)
def test_no_path_segment_makes_a_page_fail(client, dataset, pattern):
    @given(segment=st.text(min_size=1, max_size=80))
    def check(segment):
        url = pattern.format(quote(segment, safe=""))
        answered(client.get(url), url)

    check()


@pytest.mark.parametrize(
    "url",
    [
        "/timeline/?leader=%00",
        "/timeline/export.csv?q=a%00b",
        "/leaders/options/?find=%00",
        "/timeline/?leader=%00&leader=kim-jong-un",  # not only the last of repeated values
    ],
)
def test_a_nul_character_in_a_link_is_refused_with_a_reason(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_numbers_that_are_digits_only_to_unicode_are_not_arrangement_numbers(client, dataset):
    response = client.get("/seating/compare/", {"a": "²", "b": "1"})
    assert response.status_code == 400
    assert "“²” is not an arrangement number." in response.content.decode()
