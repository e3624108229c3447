"""The explorer's pages and endpoints, as a reader and a shared link see them."""

import csv
import datetime
import io
import itertools
import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import cache, explorer
from events.models import Event, Status

from .factories import (
    CitationFactory,
    CollectionFactory,
    CountryFactory,
    EventFactory,
    LeaderFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db

HTMX_RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}
HTMX_PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "event-panel"}


def chart_of(response):
    """The figure the page hands to plotly.js."""
    match = re.search(
        r'<script id="timeline-figure" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no chart on the page"
    return json.loads(match.group(1))


def chart_slugs(response):
    return {slug for trace in chart_of(response)["figure"]["data"] for slug in trace.get("customdata") or []}


def table_slugs(response):
    """The events listed in the table under the chart (drawn one by one or counted per period)."""
    table = re.search(r'<table class="events">(.*?)</table>', response.content.decode(), re.S)
    assert table, "no table of events on the page"
    return set(re.findall(r'<td data-label="Event"><a href="[^"]*[?;]event=([a-z0-9-]+)', table.group(1)))


def test_the_timeline_shows_the_parade_story(client, dataset):
    response = client.get("/timeline/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "46 events, 1958–2025, lanes by leader" in content
    assert "beijing-military-parade-2025" in table_slugs(response)
    assert "National Day military parade in Beijing, with Kim Il-sung on the Tiananmen rostrum" in content
    # Too many to draw one by one across 67 years: zoomed into the parade's week, each is a mark.
    week = client.get("/timeline/", {"view": "2025-09-01..2025-09-05"})
    assert "beijing-military-parade-2025" in chart_slugs(week)


@pytest.mark.parametrize("spelling", ["Kim Jong Un", "Kim Jong-un", "kim jong un"])
def test_search_finds_every_spelling(client, dataset, spelling):
    response = client.get("/timeline/", {"q": spelling})
    slugs = table_slugs(response)
    assert "beijing-military-parade-2025" in slugs
    assert "kim-jong-un-assumes-power-2011" in slugs
    assert "lee-jae-myung-trump-talks-washington-2025" not in slugs


def test_filters_narrow_the_view_and_the_summary_says_how(client, dataset):
    response = client.get("/timeline/", {"leader": "kim-jong-un", "kind": "parade"})
    assert chart_slugs(response) == {"beijing-military-parade-2025"}
    assert "1 event, 2025, lanes by leader, filtered to Kim Jong-un, kinds: parade" in response.content.decode()

    assert chart_slugs(client.get("/timeline/", {"country": "SU"})) == {
        "khrushchev-soviet-premier-1958",
        "beijing-military-parade-1959",
    }
    months = client.get("/timeline/", {"from": "2018-05", "to": "2018-05"})
    assert chart_slugs(months) == {
        "kim-jong-un-dalian-visit-2018-05",
        "inter-korean-summit-2018-05-26",
        "kim-jong-un-trump-summits",  # dated by the year: it may include May
    }
    assert chart_slugs(client.get("/timeline/", {"precision": "year"})) == {
        "kim-jong-un-assumes-power-2011",
        "kim-jong-un-trump-summits",
        "kim-jong-un-new-cold-war-rhetoric-2023",
        "lee-jae-myung-trump-talks-washington-2025",
        "choe-ryong-hae-chinese-embassy-reception-2025",
    }


def test_a_year_long_event_meets_a_range_inside_its_year(client):
    EventFactory(slug="visits-2018", start_date=datetime.date(2018, 1, 1), start_precision="year")
    assert chart_slugs(client.get("/timeline/", {"from": "2018-06", "to": "2018-07"})) == {"visits-2018"}


def test_lanes_follow_the_link(client, dataset):
    figure = chart_of(client.get("/timeline/", {"lanes": "country", "leader": "kim-il-sung"}))["figure"]
    assert "North Korea" in figure["layout"]["yaxis"]["ticktext"]
    figure = chart_of(client.get("/timeline/", {"lanes": "kind", "leader": "kim-il-sung"}))["figure"]
    assert "Parade" in figure["layout"]["yaxis"]["ticktext"]


def test_the_zoomed_range_in_the_link_is_restored(client, dataset):
    figure = chart_of(client.get("/timeline/", {"view": "2017-01-01..2020-12-31"}))["figure"]
    assert figure["layout"]["xaxis"]["range"] == ["2017-01-01", "2020-12-31"]


def test_an_open_event_in_the_link_is_rendered_without_javascript(client, dataset):
    content = client.get("/timeline/", {"event": "beijing-military-parade-2025"}).content.decode()
    assert 'id="panel-title"' in content
    assert "Kremlin officials have indicated that Kim will be seated to the left of Xi Jinping" in content


def test_htmx_gets_only_the_results_and_the_address_bar_follows(client, dataset):
    response = client.get("/timeline/", {"leader": "xi-jinping"}, **HTMX_RESULTS)
    content = response.content.decode()
    assert "<html" not in content
    assert "filtered to Xi Jinping" in content
    assert response["HX-Push-Url"] == "/timeline/?leader=xi-jinping"
    assert "HX-Request" in response["Vary"]


def test_htmx_opens_an_event_in_the_panel(client, dataset):
    response = client.get("/timeline/", {"event": "beijing-military-parade-1959"}, **HTMX_PANEL)
    content = response.content.decode()
    assert '<table class="events">' not in content
    assert "National Day military parade in Beijing, with Kim Il-sung on the Tiananmen rostrum" in content
    assert response["HX-Push-Url"] == "/timeline/?event=beijing-military-parade-1959"


def test_drafts_never_reach_the_public(client):
    CitationFactory(event=EventFactory(slug="secret", title="Secret draft", status=Status.DRAFT))
    leader = LeaderFactory(slug="kim")
    ParticipationFactory(event=Event.objects.get(slug="secret"), leader=leader)
    ParticipationFactory(event=EventFactory(title="Public meeting"), leader=leader)  # so kim's page is public
    collection = CollectionFactory(slug="c")
    collection.entries.create(event=Event.objects.get(slug="secret"))
    for url in [
        "/",
        "/timeline/",
        "/timeline/?event=secret",
        "/embed/timeline/",
        "/leaders/kim/",
        "/collections/c/",
        "/timeline/export.csv",
        "/timeline/export.json",
        "/timeline/export.timelinejs.json",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Secret draft" not in response.content.decode(), url
        assert "/events/secret/" not in response.content.decode(), url


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-13-45"}, "is not a real date"),
        ({"to": "next week"}, "is not a date"),
        ({"from": "2025", "to": "2019"}, "“To” is before “From”"),
        ({"leader": ["kim-jong-un", "no-such-leader"]}, "No leader “no-such-leader”: it is ignored."),
        ({"country": "XX"}, "No country “XX”"),
        ({"kind": "coronation"}, "No kind of event “coronation”"),
        ({"lanes": "colour"}, "Lanes by"),
        ({"view": "yesterday..today"}, "The zoomed range"),
        ({"collection": "nope"}, "Collection"),
        ({"event": "no-such-event"}, "No published event “no-such-event”."),
    ],
)
def test_bad_link_values_are_reported_and_the_rest_still_works(client, dataset, params, message):
    response = client.get("/timeline/", params)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Parts of this link could not be used" in content
    assert message in content
    assert chart_slugs(response), "the rest of the view still opens"


def test_hostile_text_in_the_link_is_inert(client, dataset):
    hostile = "\"><script>alert(1)</script>' OR 1=1; DROP TABLE events_event; --"
    events = Event.objects.count()
    response = client.get("/timeline/", {"q": hostile, "leader": hostile})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in content
    assert Event.objects.count() == events


def test_ten_thousand_repeated_parameters_are_refused_not_fatal(client, dataset):
    response = client.get("/timeline/?" + "&".join(["leader=kim-jong-un"] * 10_000))
    assert response.status_code == 400


def test_many_repeated_values_are_capped_with_a_message(client, dataset):
    response = client.get("/timeline/", {"leader": ["kim-jong-un"] * 60})
    assert "Only the first 50 leader values are used." in response.content.decode()


def test_csv_export_follows_the_filter_and_neutralises_formulas(client, dataset):
    EventFactory(title='=HYPERLINK("http://evil")', slug="formula")
    response = client.get("/timeline/export.csv", {"q": "HYPERLINK"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["formula"]
    assert rows[0]["title"].startswith("'=HYPERLINK")

    rows = list(
        csv.DictReader(io.StringIO(client.get("/timeline/export.csv", {"leader": "kim-il-sung"}).content.decode()))
    )
    assert [(row["slug"], row["date"], row["precision"]) for row in rows] == [
        ("beijing-military-parade-1959", "1 Oct 1959", "day")
    ]


def test_json_export_describes_the_view(client, dataset):
    data = client.get("/timeline/export.json", {"leader": "kim-il-sung"}).json()
    assert data["view"] == "1 event, 1959, lanes by leader, filtered to Kim Il-sung"
    assert data["query"] == [["leader", "kim-il-sung"]]
    assert data["events"][0]["start"] == "1959-10-01"
    assert data["events"][0]["end"] == "1959-10-01"


def test_timelinejs_export_keeps_precision_and_escapes_text(client):
    EventFactory(title="<b>Parade</b>", start_date=datetime.date(1959, 1, 1), start_precision="year")
    data = client.get("/timeline/export.timelinejs.json").json()
    event = data["events"][0]
    assert event["start_date"] == {"year": 1959}
    assert event["text"]["headline"] == "&lt;b&gt;Parade&lt;/b&gt;"


@pytest.mark.parametrize("url", ["/timeline/export.csv", "/timeline/export.json", "/timeline/export.timelinejs.json"])
def test_exports_refuse_a_bad_query_with_a_400(client, url):
    response = client.get(url, {"from": "2025-13-45"})
    assert response.status_code == 400
    assert "is not a real date" in response.content.decode()


def test_the_embed_is_the_chart_alone_and_may_be_framed(client, dataset):
    response = client.get("/embed/timeline/", {"leader": "kim-il-sung"})
    assert "X-Frame-Options" not in response
    assert chart_slugs(response) == {"beijing-military-parade-1959"}
    assert "Open in newsdash" in response.content.decode()
    assert 'class="filters"' not in response.content.decode()


def test_the_timeline_offers_embed_code_and_data_links(client, dataset):
    content = client.get("/timeline/", {"leader": "kim-il-sung"}).content.decode()
    assert "&lt;iframe src=&quot;http://testserver/embed/timeline/?leader=kim-il-sung&quot;" in content or (
        '&lt;iframe src="http://testserver/embed/timeline/?leader=kim-il-sung"' in content
    )
    assert 'href="/timeline/export.csv?leader=kim-il-sung"' in content


def test_link_previews_describe_the_shared_view(client, dataset):
    content = client.get("/timeline/", {"leader": "kim-il-sung"}).content.decode()
    assert '<meta property="og:title" content="newsdash timeline">' in content
    assert (
        '<meta property="og:description" content="1 event, 1959, lanes by leader, filtered to Kim Il-sung">' in content
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in content
    image = 'content="http://testserver/preview/timeline.png?leader=kim-il-sung"'
    assert f'<meta property="og:image" {image}>' in content
    assert f'<meta name="twitter:image" {image}>' in content


def test_the_leader_page_shows_offices_timeline_and_who_they_met(client, dataset):
    content = client.get("/leaders/kim-jong-un/").content.decode()
    assert "김정은" in content
    assert "Kim Jong Un" in content
    assert "Leader of North Korea" in content
    assert "late 2011" in content
    assert re.search(r"Vladimir Putin</a>: 6 events together", content)
    assert re.search(r"Xi Jinping</a>: 8 events together", content)
    assert re.search(r"Donald Trump</a>: 5 events together", content)


def test_the_trump_dispute_shows_on_his_page(client, dataset):
    content = client.get("/leaders/donald-trump/").content.decode()
    assert "Disputed by" in content
    assert "former U.S.President Donald Trump" in content


def test_a_collection_page_has_its_introduction_and_timeline(client, dataset):
    response = client.get("/collections/the-3-september-2025-parade/")
    assert response.status_code == 200
    assert "beijing-military-parade-2025" in chart_slugs(response)
    assert "beijing-military-parade-1959" not in chart_slugs(response)


@pytest.mark.parametrize("url", ["/leaders/nobody/", "/collections/nothing/", "/events/nothing/"])
def test_unknown_slugs_are_404(client, url):
    assert client.get(url).status_code == 404


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_events(n, leaders, collection, start=0):
    events = Event.objects.bulk_create(
        [
            Event(
                title=f"Meeting {i}",
                slug=f"meeting-{i}",
                kind="meeting",
                start_date=f"{1950 + i % 70}-01-01",
                period_end=f"{1950 + i % 70}-01-01",
                status=Status.PUBLISHED,
            )
            for i in range(start, start + n)
        ]
    )
    from events import signals
    from events.models import CollectionEntry, Participation

    Participation.objects.bulk_create(
        [Participation(event=event, leader=leaders[i % len(leaders)]) for i, event in enumerate(events)]
    )
    CollectionEntry.objects.bulk_create([CollectionEntry(collection=collection, event=event) for event in events])
    signals.bulk_written(events)  # bulk inserts send no signal


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", 8),
        ("/timeline/", 5),
        # Every filter matches (leader-a is North Korean), so the table lists events and their participants.
        # With the event open in the panel: its details, and its participants' offices at the time.
        ("/timeline/?leader=leader-a&country=KP&kind=meeting&from=1950&q=meeting&event=meeting-1", 12),
        ("/embed/timeline/", 5),
        ("/leaders/leader-a/", 5),
        ("/collections/everything/", 6),
        ("/timeline/export.csv", 4),
        ("/timeline/export.json", 4),
        # The view's images read it once, as its page does (the drawing comes with the result).
        ("/preview/timeline.png", 5),
        ("/timeline/export.svg", 5),
    ],
)
def test_queries_do_not_grow_with_events(client, url, expected):
    """10 events or 1,000: every page and export takes the same number of queries."""
    north_korea = CountryFactory(iso_code="KP")
    leaders = [LeaderFactory(slug="leader-a", country=north_korea), LeaderFactory(slug="leader-b")]
    collection = CollectionFactory(slug="everything", featured=True)
    add_events(10, leaders, collection)
    few = queries_for(client, url)
    Event.objects.all().delete()
    add_events(1000, leaders, collection)
    many = queries_for(client, url)
    assert few == many == expected


@pytest.mark.parametrize("lanes", ["leader", "country", "kind"])
def test_past_the_detail_limit_the_database_counts_and_queries_stay_constant(client, monkeypatch, lanes):
    """1,000 or 3,000 events over the limit: the chart is counts per lane and period, in 6 or 7
    queries (the overview strip counts by kind, as the kind lanes already have)."""
    monkeypatch.setattr(explorer, "DETAIL_LIMIT", 100)
    leaders = [LeaderFactory(slug=f"leader-{i}") for i in range(3)]
    collection = CollectionFactory(slug="everything")
    add_events(1000, leaders, collection)
    few = queries_for(client, f"/timeline/?lanes={lanes}")
    response = client.get(f"/timeline/?lanes={lanes}")
    figure = chart_of(response)["figure"]
    assert figure["data"][0]["name"].endswith(" events per year")
    assert sum(int(count.replace(",", "")) for count in figure["data"][0]["text"]) >= 1000
    assert "Too many events to draw one by one" in response.content.decode()
    add_events(2000, leaders, collection, start=1000)
    assert few == queries_for(client, f"/timeline/?lanes={lanes}") == (6 if lanes == "kind" else 7)


def test_zooming_in_far_enough_draws_single_events_again(client, monkeypatch):
    monkeypatch.setattr(explorer, "DETAIL_LIMIT", 100)
    add_events(1000, [LeaderFactory(slug="leader-a")], CollectionFactory(slug="everything"))
    zoomed = client.get("/timeline/", {"view": "1960-01-01..1961-12-31"})
    slugs = chart_slugs(zoomed)
    assert slugs, "the single events are back, with their slugs for hover and click"
    assert all(slug.startswith("meeting-") for slug in slugs)
    assert "Too many events" not in zoomed.content.decode()


def test_the_table_pages_through_long_views(client):
    add_events(120, [LeaderFactory(slug="leader-a")], CollectionFactory(slug="everything"))
    first = client.get("/timeline/").content.decode()
    assert "1–50" in first
    assert "Page 1 of 3" in first
    assert 'href="/timeline/?page=2"' in first
    third = client.get("/timeline/", {"page": "3"}).content.decode()
    assert "101–120" in third
    past_the_end = client.get("/timeline/", {"page": "999"}).content.decode()
    assert "101–120" in past_the_end, "a page past the end shows the last"
    assert "Page 3 of 3" in past_the_end
    before_the_first = client.get("/timeline/", {"page": "-1"}).content.decode()
    assert "1–50" in before_the_first, "a page before the first shows the first"
    assert "Page 1 of 3" in before_the_first


def test_finding_a_leader_offers_checkboxes_to_add(client, dataset):
    content = client.get("/leaders/options/", {"find": "kim jong"}).content.decode()
    assert 'value="kim-jong-un"' in content
    assert 'value="kim-il-sung"' not in content
    assert "No leader matches" in client.get("/leaders/options/", {"find": "zz"}).content.decode()
    chosen = client.get("/leaders/options/", {"find": "kim", "leader": "kim-jong-un"}).content.decode()
    assert 'value="kim-jong-un"' not in chosen, "already ticked"


def test_an_editors_change_shows_at_once_despite_the_cache(client, dataset):
    assert "Beijing parade renamed" not in client.get("/timeline/").content.decode()
    event = Event.objects.get(slug="beijing-military-parade-1959")
    event.title = "Beijing parade renamed"
    event.save()
    assert "Beijing parade renamed" in client.get("/timeline/").content.decode()
    event.delete()
    assert "Beijing parade renamed" not in client.get("/timeline/").content.decode()


def test_a_cached_view_costs_no_timeline_queries(client, dataset):
    cold = queries_for(client, "/timeline/")
    warm = queries_for(client, "/timeline/")
    assert (cold, warm) == (5, 0)


def test_a_public_page_is_served_from_the_cache_until_something_changes(client, dataset):
    """The second reader of a page costs no query; an edit renews every page."""
    first = client.get("/timeline/?leader=kim-il-sung")
    assert queries_for(client, "/timeline/?leader=kim-il-sung") == 0
    assert client.get("/timeline/?leader=kim-il-sung").content == first.content
    Event.objects.filter(slug="beijing-military-parade-1959").get().save()
    assert queries_for(client, "/timeline/?leader=kim-il-sung") > 0


def test_a_new_release_never_reads_what_an_older_one_cached(client, dataset, monkeypatch, tmp_path):
    """A shared cache (Redis) outlives a deploy: what the old code cached, in the old shape, is not served."""
    (tmp_path / "events").mkdir()
    source = tmp_path / "events" / "explorer.py"
    source.write_text("old")
    old = cache.release([tmp_path / "events"])
    source.write_text("new")
    assert cache.release([tmp_path / "events"]) != old

    client.get("/timeline/")
    assert queries_for(client, "/timeline/") == 0
    monkeypatch.setattr(cache, "RELEASE", "next-release")
    assert queries_for(client, "/timeline/") > 0
    assert 'class="chart-static"' in client.get("/timeline/").content.decode()


def test_the_page_cache_keeps_htmx_fragments_and_hosts_apart(client, dataset):
    full = client.get("/timeline/").content.decode()
    fragment = client.get("/timeline/", **HTMX_RESULTS).content.decode()
    assert "<html" in full
    assert "<html" not in fragment
    other_host = client.get("/timeline/", HTTP_HOST="127.0.0.1").content.decode()
    assert 'content="http://127.0.0.1/timeline/"' in other_host


def test_editors_are_never_served_from_the_page_cache(client, editor, dataset):
    client.get("/events/beijing-military-parade-2025/")
    client.force_login(editor)
    assert queries_for(client, "/events/beijing-military-parade-2025/") > 0


def test_public_pages_are_compressed_for_browsers_that_ask(client, dataset):
    plain = client.get("/timeline/")
    packed = client.get("/timeline/", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert len(packed.content) < len(plain.content) / 3
    assert "Accept-Encoding" in packed["Vary"]


# Every combination of the request headers that change a page: htmx's own, and the zoom refetch.
HEADER_CHOICES = {
    "HTTP_HX_REQUEST": ["true"],
    "HTTP_HX_BOOSTED": ["true"],
    "HTTP_HX_TARGET": ["event-panel", "results"],
    "HTTP_HX_HISTORY_RESTORE_REQUEST": ["true"],
    "HTTP_X_NEWSDASH_ZOOM": ["1"],
}
HEADER_COMBINATIONS = [
    {name: value for name, value in zip(HEADER_CHOICES, values, strict=True) if value is not None}
    for values in itertools.product(*([None, *choices] for choices in HEADER_CHOICES.values()))
]


def test_no_header_combination_poisons_what_the_next_reader_gets(client, dataset):
    """An anonymous request with any mix of htmx headers is cached for its own variant only:
    the plain reader still gets the whole page, and htmx's panel request only the panel."""
    url = "/timeline/?event=beijing-military-parade-2025"
    for headers in HEADER_COMBINATIONS:
        caches["default"].clear()
        client.get(url, **headers)
        page = client.get(url).content.decode()
        panel = client.get(url, **HTMX_PANEL).content.decode()
        assert "<html" in page, f"{headers} left the plain reader a fragment"
        assert "<html" not in panel, f"{headers} left htmx's panel request a whole page"
        assert "Beijing" in panel


def test_every_header_that_changes_a_cached_page_is_named_in_vary(client, dataset):
    vary = client.get("/timeline/")["Vary"]
    for header in ("HX-Request", "HX-Boosted", "HX-Target", "HX-History-Restore-Request", "X-Newsdash-Zoom"):
        assert header in vary


def test_events_too_close_together_to_stand_apart_are_counted_until_the_reader_zooms_in(client):
    kim = LeaderFactory(name="Kim Jong-un")
    day = datetime.date(2025, 9, 3)
    for i in range(40):
        ParticipationFactory(leader=kim, event=EventFactory(title=f"Same day {i}", start_date=day))
    body = client.get("/timeline/").content.decode()
    assert "Too many events to draw one by one at this zoom: the chart counts them per day" in body
    assert "Same day 0" in body, "the table still lists them"


def test_the_overview_strip_covers_every_date_and_is_counted_once_however_the_view_zooms(client, dataset):
    whole = client.get("/timeline/").content.decode()
    assert 'class="overview"' in whole
    assert "1959: 1 event" in whole
    first = queries_for(client, "/timeline/?view=2018-01-01..2019-12-31")
    again = queries_for(client, "/timeline/?view=2017-06-01..2020-12-31")
    assert again == first - 2, "the strip's stats and counts are read once for the filters"
    zoomed = client.get("/timeline/?view=2018-01-01..2019-12-31").content.decode()
    assert "1959: 1 event" in zoomed, "the strip still reaches 1959"
    assert 'aria-valuetext="January 2018 to December 2019"' in zoomed
