"""Pinned links: ?as_of= shows a view as it was, says what changed since, and is citable."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import pinning
from events.models import Citation, Event, Leader, Status
from events.templatetags.newsdash import apa, mla

from .factories import CitationFactory, EventFactory, LeaderFactory, ParticipationFactory, SourceFactory

pytestmark = pytest.mark.django_db


def moment_now():
    """This moment, to the microsecond: what follows it is "since"."""
    return timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def test_a_pinned_link_keeps_an_events_old_date_and_the_banner_counts_the_correction(client):
    event = EventFactory(title="Parade in Beijing", start_date=datetime.date(2025, 9, 3))
    pinned = moment_now()
    event.start_date = datetime.date(2025, 9, 4)
    event.save()

    body = page(client, f"/events/{event.slug}/", as_of=pinned)
    assert "3 Sep 2025" in body
    assert "4 Sep 2025" not in body.replace("→ 4 Sep 2025", "")
    assert "Since this link was made: 1 date corrected." in body
    assert "3 Sep 2025 → 4 Sep 2025" in body
    assert f'href="/events/{event.slug}/"' in body, "the banner links to the current version"

    timeline = page(client, "/timeline/", as_of=pinned)
    assert "2025-09-03" in timeline
    assert "2025-09-04" not in timeline
    assert "1 date corrected" in timeline

    live = page(client, f"/events/{event.slug}/")
    assert "4 Sep 2025" in live
    assert "pin-banner" not in live


def test_a_deleted_event_appears_in_a_link_pinned_before_its_deletion(client):
    kept = EventFactory(title="Still here")
    gone = EventFactory(title="Deleted since")
    ParticipationFactory(event=gone, leader=LeaderFactory(name="Kim Jong-un"))
    pinned = moment_now()
    gone_slug = gone.slug
    gone.delete()

    timeline = page(client, "/timeline/", as_of=pinned)
    assert "Deleted since" in timeline
    assert "Still here" in timeline
    assert "1 event removed" in timeline
    event_page = page(client, f"/events/{gone_slug}/", as_of=pinned)
    assert "Kim Jong-un" in event_page, "its participants come back with it"
    assert client.get(f"/events/{gone_slug}/").status_code == 404
    assert "Deleted since" not in page(client, "/timeline/")
    assert kept.title in page(client, "/timeline/", as_of=pinned, q="still")


def test_a_draft_never_appears_in_a_pinned_link(client, editor_client):
    draft = EventFactory(title="Secret draft", status=Status.DRAFT)
    pinned = moment_now()
    assert "Secret draft" not in page(client, "/timeline/", as_of=pinned)
    assert client.get(f"/events/{draft.slug}/", {"as_of": pinned}).status_code == 404
    # Not even an editor previewing drafts sees one through a pinned link: it shows what the public saw.
    assert editor_client.get(f"/events/{draft.slug}/", {"as_of": pinned}).status_code == 404

    draft.status = Status.PUBLISHED
    draft.save()
    timeline = page(client, "/timeline/", as_of=pinned)
    assert "Secret draft" not in timeline.split("What changed")[0]
    assert "1 event added" in timeline
    # And a link pinned after publishing, then unpublished, does not keep showing a later draft's edits.
    published_moment = moment_now()
    draft.title = "Secret draft, edited while published"
    draft.status = Status.DRAFT
    draft.save()
    assert "Secret draft, edited while published" not in page(client, "/timeline/", as_of=published_moment)
    assert "Secret draft" in page(client, "/timeline/", as_of=published_moment)


def test_the_banner_counts_additions_edits_and_new_disputes(client):
    event = EventFactory(title="Summit")
    source = SourceFactory()
    pinned = moment_now()
    EventFactory(title="Added one")
    EventFactory(title="Added two")
    event.summary = "Corrected summary."
    event.save()
    CitationFactory(event=event, source=source, stance=Citation.Stance.DISPUTES)

    body = page(client, "/timeline/", as_of=pinned)
    assert "Since this link was made: 2 events added, 1 event edited, 1 source disputed." in body
    changes = body.split("What changed")[1]
    assert "Added one</a>: added" in changes, "the list names the changes"
    assert "Summit</a>: source disputed (by Report" in changes


def test_the_banner_counts_only_what_the_view_covers(client):
    kim = LeaderFactory(name="Kim Jong-un", slug="kim")
    ParticipationFactory(leader=kim)
    pinned = moment_now()
    EventFactory(title="Nothing to do with Kim")
    body = page(client, "/timeline/", as_of=pinned, leader="kim")
    assert "nothing in it has changed since" in body


def test_links_in_a_pinned_view_stay_pinned(client, dataset):
    pinned = pinning.format_moment(timezone.now() + datetime.timedelta(seconds=1))
    body = page(client, "/timeline/", as_of=pinned, leader="kim-jong-un")
    assert f'<input type="hidden" name="as_of" value="{pinned}">' in body, "filtering keeps the pin"
    panel_links = re.findall(r'href="(/timeline/\?[^"]*event=[^"]*)"', body)
    assert panel_links
    assert all(f"as_of={pinned}" in link for link in panel_links)
    assert f'data-event-url="/events/__slug__/?as_of={pinned}"' in body
    event_page = page(client, "/events/beijing-military-parade-2025/", as_of=pinned)
    assert f'href="/leaders/kim-jong-un/?as_of={pinned}"' in event_page
    assert f"/timeline/?event=beijing-military-parade-2025&amp;as_of={pinned}" in event_page
    export = client.get("/timeline/export.json", {"as_of": pinned, "leader": "kim-jong-un"}).json()
    assert ["as_of", pinned] in export["query"]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("yesterday", "is not a moment"),
        ("2026-13-01T00:00:00Z", "is not a moment"),
        ("2026-11-23T10:00:00", "has no time zone"),
        ("2999-01-01T00:00:00Z", "is in the future"),
        ("0001-01-01T00:00:00+05:00", "is not a moment"),
        ("9" * 5000, "is not a moment"),
        ("<script>alert(1)</script>", "is not a moment"),
    ],
)
@pytest.mark.parametrize(
    "url", ["/", "/timeline/", "/events/any/", "/leaders/", "/embed/timeline/", "/timeline/export.csv"]
)
def test_a_malformed_moment_is_a_400_that_says_why(client, url, value, says):
    response = client.get(url, {"as_of": value, "q": "kim"})
    assert response.status_code == 400
    body = response.content.decode()
    assert says in body
    assert "<script>alert" not in body
    assert 'href="' + url + '?q=kim"' in body, "it links to the current view"


def test_pinned_views_cost_a_constant_number_of_extra_queries(client):
    def queries(url, **params):
        with CaptureQueriesContext(connection) as captured:
            page(client, url, **params)
        return len(captured)

    def extra(events):
        for _ in range(events):
            ParticipationFactory(event=EventFactory())
        pinned = moment_now()
        event = Event.objects.first()
        event.title += " (edited)"
        event.save()
        costs = {}
        # By page, not by address: the edited event is whichever comes first.
        for name, url in (("timeline", "/timeline/"), ("event", f"/events/{event.slug}/"), ("leaders", "/leaders/")):
            live = queries(url, q="event")
            costs[name] = queries(url, q="event", as_of=pinned) - live
        return costs

    few, many = extra(3), extra(30)
    assert few == many, "the cost of pinning does not grow with the data"
    # A temporary table per model (and its key, on PostgreSQL), and a dozen reads for the banner.
    assert all(cost <= 2 * len(pinning.MODELS) + 12 for cost in few.values()), few


def test_a_pinned_page_reads_its_link_once_as_of_its_moment_and_once_for_today(client, monkeypatch):
    from events.forms import TimelineForm

    kept = LeaderFactory(name="Kim Il-sung")
    ParticipationFactory(leader=kept)
    read = []
    full_clean = TimelineForm.full_clean
    monkeypatch.setattr(TimelineForm, "full_clean", lambda form: read.append(form.moment) or full_clean(form))
    pinned = moment_now()
    EventFactory(title="Added since")
    assert "Kim Il-sung" in page(client, "/timeline/", leader=kept.slug, as_of=pinned)
    assert sorted(read, key=bool) == [None, pinning.parse(pinned)], "today's, for the banner, then the moment's"
    read.clear()
    assert "Added since" in page(client, "/timeline/", q="added")
    assert read == [None], "a live page reads its link once"


def test_a_pinned_view_leaves_no_trace_in_the_live_one(client):
    event = EventFactory(title="Old title")
    pinned = moment_now()
    event.title = "New title"
    event.save()
    assert "Old title" in page(client, "/timeline/", as_of=pinned)
    live = page(client, "/timeline/")
    assert "New title" in live
    assert "Old title" not in live
    assert Event.objects.get().title == "New title"
    # The next request on the same connection reads the live tables.
    with pinning.snapshot(timezone.now() - datetime.timedelta(days=1)):
        assert not Event.objects.exists()
    assert Event.objects.exists()


def test_every_page_offers_a_citable_link_and_citations(client, dataset):
    body = page(client, "/events/beijing-military-parade-2025/")
    moment = re.search(r'data-as-of="([^"]+)"', body).group(1)
    assert pinning.parse(moment) <= timezone.now()
    assert f'value="http://testserver/events/beijing-military-parade-2025/?as_of={moment}"' in body
    assert "Copy citable link" in body
    assert re.search(r"newsdash\. \(\d{4}, \w+ \d+\)\. Military parade at Tiananmen Square", body)
    assert "Military parade at Tiananmen Square for the 80th anniversary of the end of World War II.” newsdash," in body
    timeline = page(client, "/timeline/", leader="kim-jong-un")
    assert f"/timeline/?leader=kim-jong-un&amp;as_of={moment[:10]}" in timeline


def test_a_pinned_page_cites_its_own_moment(client, dataset):
    body = page(client, "/leaders/", as_of="2026-11-23T10:00:00Z")
    assert 'value="http://testserver/leaders/?as_of=2026-11-23T10:00:00Z"' in body
    assert "As it was on 23 November 2026, 10:00 UTC" in body


def test_citation_styles():
    moment = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)
    accessed = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    url = "https://newsdash.example/timeline/?as_of=2026-11-23T10:00:00Z"
    assert apa("Timeline", url, moment, accessed) == (
        f"newsdash. (2026, November 23). Timeline. Retrieved December 1, 2026, from {url}"
    )
    assert mla("Timeline", url, moment, accessed) == f"“Timeline.” newsdash, 23 Nov. 2026, {url}. Accessed 1 Dec. 2026."
    assert "Sept. 2026" in mla("T", url, moment.replace(month=9), accessed)


def test_the_embed_code_comes_live_and_pinned(client, dataset):
    body = page(client, "/timeline/", leader="kim-jong-un", event="beijing-military-parade-2025")
    live, pinned = re.findall(r'&lt;iframe src="([^"]+)"', body)
    assert "as_of" not in live
    assert "event=beijing-military-parade-2025" in live
    assert pinned.startswith(live + "&amp;as_of=")


def test_rows_loaded_without_history_read_as_they_are(client):
    """Bulk loads make no history: such rows are read as they stand, changed tables or not."""
    day = datetime.date(2001, 5, 5)
    Event.objects.bulk_create(
        [Event(title="Bulk loaded", slug="bulk", kind="parade", start_date=day, period_end=day, status="published")]
    )
    pinned = moment_now()
    assert "Bulk loaded" in page(client, "/timeline/", as_of=pinned)
    EventFactory(title="Made later")  # now the events table has changed since the moment
    body = page(client, "/timeline/", as_of=pinned)
    assert "Bulk loaded" in body
    bulk = Event.objects.get(slug="bulk")
    bulk.title = "Bulk loaded, retitled"
    bulk.save()  # its first history record: the state before it was never recorded
    assert "Bulk loaded, retitled" in page(client, "/events/bulk/", as_of=pinned), "the nearest state known"
    assert "Made later" not in body.split("What changed")[0]
    assert "1 event added" in body


def test_a_pinned_timeline_lists_each_country_once(client):
    kim = LeaderFactory(name="Kim Jong-un")
    for _ in range(3):
        ParticipationFactory(leader=kim)
    body = page(client, "/timeline/", as_of=moment_now())
    assert body.count(f'<option value="{kim.country.iso_code}"') == 1


def test_a_leader_renamed_since_keeps_the_old_name_in_a_pinned_view(client, dataset):
    pinned = moment_now()
    kim = Leader.objects.get(slug="kim-jong-un")
    kim.name = "Kim Jong Un (renamed)"
    kim.save()
    for url in ("/leaders/", "/", "/leaders/kim-jong-un/", "/timeline/"):
        body = page(client, url, as_of=pinned)
        assert "Kim Jong Un (renamed)" not in body, url
        assert "Kim Jong-un" in body, url
    assert "Kim Jong Un (renamed)" in page(client, "/leaders/")


def test_a_settled_past_is_worked_out_once_however_the_data_changes_since(client, monkeypatch):
    from events import explorer

    event = EventFactory(title="Kept")
    moment = timezone.now()
    built = []
    build = explorer.build
    monkeypatch.setattr(explorer, "build", lambda query: built.append(query) or build(query))
    # An hour later, the link is opened; editors keep working in between.
    monkeypatch.setattr("events.cache.timezone.now", lambda: moment + datetime.timedelta(hours=1))
    pinned = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert "Kept" in page(client, "/timeline/", as_of=pinned)
    event.title = "Changed"
    event.save()
    body = page(client, "/timeline/", as_of=pinned)
    assert "Kept" in body
    assert "1 event edited" in body, "the banner is new"
    assert len(built) == 1, "the past view itself came from the cache"
