"""Link preview images: every shareable view links a 1200x630 PNG of itself, drawn on
the server from the same figure, redrawn when the data changes, never a 500."""

import datetime
import hashlib
import html
import re
import struct
import sys
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from events import pinning, previews, svg
from events.models import Event, Status

from .factories import EventFactory, LeaderFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG"
    return struct.unpack(">II", data[16:24])


def fetch(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return response


def digest(response):
    return hashlib.sha256(response.content).hexdigest()


def test_a_shared_view_has_a_1200_by_630_preview_that_follows_the_data(client, dataset, monkeypatch):
    """A timeline's image is our own SVG drawn by resvg: no browser needed (no ``chromium``)."""
    drawn = []
    rasterise = previews.rasterise
    monkeypatch.setattr(previews, "rasterise", lambda image: drawn.append(image) or rasterise(image))

    first = fetch(client, "/preview/timeline.png", leader="kim-il-sung")
    assert png_size(first.content) == (1200, 630)
    assert first["Cache-Control"] == "public, max-age=300"
    assert digest(fetch(client, "/preview/timeline.png", leader="kim-il-sung")) == digest(first)
    assert len(drawn) == 1, "the second request is served from the cache"
    assert "Kim Il-sung" in drawn[0], "the view's own drawing"
    assert "National Day military parade" in drawn[0], "its events titled"
    assert "http://testserver/timeline/?leader=kim-il-sung" in drawn[0], "and the page's link"

    event = Event.objects.get(slug="beijing-military-parade-1959")
    event.start_date = datetime.date(1979, 1, 1)
    event.save()
    after = fetch(client, "/preview/timeline.png", leader="kim-il-sung")
    assert len(drawn) == 2, "an edit draws it again"
    assert digest(after) != digest(first)
    assert png_size(after.content) == (1200, 630)


def test_event_and_leader_pages_have_previews_of_their_own(client, dataset, monkeypatch):
    """Cards worth sharing, drawn without a browser: an event's title, date, place, who was
    there and its rostrum; a leader's timeline."""
    drawn = []
    rasterise = previews.rasterise
    monkeypatch.setattr(previews, "rasterise", lambda image: drawn.append(image) or rasterise(image))
    seating = fetch(client, "/preview/events/beijing-military-parade-2025.png")
    card = fetch(client, "/preview/events/kim-jong-un-assumes-power-2011.png")
    leader = fetch(client, "/preview/leaders/kim-jong-un.png")
    for response in (seating, card, leader):
        assert png_size(response.content) == (1200, 630)
    assert len({digest(seating), digest(card), digest(leader)}) == 3
    parade = drawn[0]
    for words in ["Military parade at Tiananmen Square", "3 Sep 2025 · Tiananmen Square, Beijing"]:
        assert words in parade
    assert "With Xi Jinping (China), Kim Jong-un (North Korea)" in parade, "who was there"
    assert "Tiananmen rostrum, as the audience sees it" in parade
    seated = re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" font-size="15">([^<]+)<', parade)
    left_to_right = [name for _, name in sorted(seated, key=lambda seat: float(seat[0]))]
    assert left_to_right == ["Vladimir Putin", "Xi Jinping", "Kim Jong-un", "Shehbaz Sharif"], (
        "as the audience sees them"
    )


def test_seating_previews_follow_the_viewpoint_and_compare_side_by_side(client, dataset):
    arrangement = Event.objects.get(slug="beijing-military-parade-2025").arrangements.get()
    audience = fetch(client, "/preview/events/beijing-military-parade-2025.png")
    host = fetch(client, "/preview/events/beijing-military-parade-2025.png", seating="host")
    compared = fetch(client, "/preview/seating/compare.png", a=arrangement.pk, b=arrangement.pk)
    assert png_size(compared.content) == (1200, 630)
    assert len({digest(audience), digest(host), digest(compared)}) == 3
    assert client.get("/preview/seating/compare.png", {"a": arrangement.pk, "b": "999"}).status_code == 404
    assert client.get("/preview/seating/compare.png", {"a": "²"}).status_code == 404


def test_a_pinned_preview_draws_the_past(client):
    event = EventFactory(title="Parade", start_date=datetime.date(2025, 9, 3))
    ParticipationFactory(event=event, leader=LeaderFactory(name="Kim Jong-un", slug="kim"))
    moment = pinning.format_moment(timezone.now())
    pinned = fetch(client, "/preview/timeline.png", leader="kim", as_of=moment)
    event.start_date = datetime.date(2019, 1, 8)
    event.save()
    assert digest(fetch(client, "/preview/timeline.png", leader="kim", as_of=moment)) == digest(pinned)
    assert digest(fetch(client, "/preview/timeline.png", leader="kim")) != digest(pinned)


def test_a_drawing_failure_sends_the_generic_image_and_is_logged(client, dataset, monkeypatch, caplog):
    def fail(image):
        raise RuntimeError("resvg crashed")

    monkeypatch.setattr(previews, "rasterise", fail)
    response = fetch(client, "/preview/events/beijing-military-parade-2025.png")
    assert response.content == previews.FALLBACK.read_bytes()
    assert png_size(response.content) == (1200, 630)
    assert response["Cache-Control"] == "no-store"
    assert "Could not draw the event preview" in caplog.text
    assert "resvg crashed" in caplog.text

    monkeypatch.undo()
    monkeypatch.setattr(previews, "rasterise", lambda image: b"drawn")
    assert fetch(client, "/preview/events/beijing-military-parade-2025.png").content == b"drawn", (
        "a failure is not cached"
    )


def test_drafts_unknown_pages_and_bad_moments_get_no_preview(client):
    draft = EventFactory(status=Status.DRAFT)
    assert client.get(f"/preview/events/{draft.slug}.png").status_code == 404
    assert client.get("/preview/events/no-such-event.png").status_code == 404
    assert client.get("/preview/leaders/no-such-leader.png").status_code == 404
    assert client.get("/preview/timeline.png", {"as_of": "soon"}).status_code == 400


def test_every_shareable_page_names_its_own_preview(client, dataset):
    def image(url, **params):
        body = client.get(url, params).content.decode()
        found = re.search(r'<meta property="og:image" content="([^"]+)">', body).group(1)
        assert f'<meta name="twitter:image" content="{found}">' in body
        return found.replace("&amp;", "&")

    base = "http://testserver/preview/"
    assert (
        image("/timeline/", leader="kim-jong-un", kind="parade") == f"{base}timeline.png?leader=kim-jong-un&kind=parade"
    )
    assert image("/embed/timeline/", q="parade") == f"{base}timeline.png?q=parade"
    assert image("/") == f"{base}timeline.png?collection=kim-jong-un-and-china"
    assert image("/collections/the-3-september-2025-parade/") == (
        f"{base}timeline.png?collection=the-3-september-2025-parade"
    )
    assert image("/events/beijing-military-parade-2025/") == f"{base}events/beijing-military-parade-2025.png"
    assert image("/leaders/kim-jong-un/") == f"{base}leaders/kim-jong-un.png"
    assert image("/leaders/") == "http://testserver/static/img/preview.png"
    assert image("/events/beijing-military-parade-2025/", seating="host") == (
        f"{base}events/beijing-military-parade-2025.png?seating=host"
    )
    pk = Event.objects.get(slug="beijing-military-parade-2025").arrangements.get().pk
    assert image("/seating/compare/", a=pk, b=pk) == f"{base}seating/compare.png?a={pk}&b={pk}&seating=audience"
    moment = pinning.format_moment(timezone.now())
    assert image("/leaders/kim-jong-un/", as_of=moment) == f"{base}leaders/kim-jong-un.png?as_of={moment}"


def test_text_in_a_preview_is_escaped():
    rostrum = ("<b>Rostrum</b>", [(0, 0, "<i>Kim</i>", True)])
    text = svg.card_svg("<img src=x onerror=alert(1)>", ["<script>alert(1)</script>"], "https://x/?a=1&b=2", [rostrum])
    assert "<img" not in text
    assert "<script>" not in text
    assert "<i>" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "https://x/?a=1&amp;b=2" in text


def test_a_preview_the_server_has_no_turn_to_draw_is_a_503_at_once_and_cached_ones_still_come(
    client, dataset, monkeypatch
):
    """A flood of new preview images cannot take every worker: while the server draws all it
    may, an image not drawn yet is a 503 with Retry-After, answered at once; drawn ones are served."""
    monkeypatch.setattr(previews, "rasterise", lambda image: b"\x89PNG\r\n\x1a\n drawn")
    drawn = fetch(client, "/preview/timeline.png", leader="kim-il-sung")

    with previews.drawing_slot():  # another request (any process of this server) is drawing
        started = time.monotonic()
        busy = client.get("/preview/timeline.png", {"leader": "xi-jinping"})
        assert time.monotonic() - started < 1
        assert busy.status_code == 503
        assert busy["Retry-After"] == "5"
        assert busy["Cache-Control"] == "no-store"
        assert "try again" in busy.content.decode()
        again = fetch(client, "/preview/timeline.png", leader="kim-il-sung")
        assert again.content == drawn.content, "an image drawn before is served from the cache"

    assert fetch(client, "/preview/timeline.png", leader="xi-jinping").content.endswith(b"drawn")


def test_a_queued_preview_waits_for_its_turn(client, dataset, monkeypatch, settings):
    settings.PREVIEW_QUEUE = 1
    monkeypatch.setattr(previews, "rasterise", lambda image: b"\x89PNG\r\n\x1a\n drawn")
    holder = previews.drawing_slot()
    holder.__enter__()
    threading.Timer(0.5, holder.__exit__, (None, None, None)).start()
    started = time.monotonic()
    response = fetch(client, "/preview/timeline.png", leader="xi-jinping")
    assert 0.4 < time.monotonic() - started < 5, "it waited for the slot, then drew"
    assert response.content.endswith(b"drawn")


def test_the_charts_images_carry_title_summary_credit_and_link_and_save_under_the_views_name(client, dataset):
    EventFactory(title="<script>alert(1)</script> parade", start_date=datetime.date(2025, 9, 4))
    png = fetch(client, "/preview/timeline.png", leader="kim-jong-un", download="1")
    assert png_size(png.content) == (1200, 630)
    name = "newsdash-28-events-2011-2025-lanes-by-leader-filtered-to-kim-jong-un"
    assert png["Content-Disposition"] == f'attachment; filename="{name}.png"'
    assert "Content-Disposition" not in fetch(client, "/preview/timeline.png", leader="kim-jong-un"), "a preview shows"

    response = client.get("/timeline/export.svg", {"leader": "kim-jong-un"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"].endswith('lanes-by-leader-filtered-to-kim-jong-un.svg"')
    image = response.content.decode()
    assert ">Timeline</text>" in image
    assert "28 events, 2011–2025, lanes by leader, filtered to Kim Jong-un" in image
    assert ">http://testserver/timeline/?leader=kim-jong-un</text>" in image
    assert ">newsdash</text>" in image
    assert "Kim Jong-un assumes power in No…" in image, "its events titled"
    everything = client.get("/timeline/export.svg", {"q": "parade"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; parade" in everything
    assert "<script>" not in everything


def test_a_bad_query_gets_no_svg_and_says_why(client, dataset):
    bad = client.get("/timeline/export.svg", {"from": "not a date"})
    assert bad.status_code == 400
    assert "From:" in bad.content.decode()


def counted_marks(image):
    """A counted drawing's marks, and the counts written on them, smallest first."""
    root = ET.fromstring(image)
    counts = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "count"]
    marks = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "mark"]
    return marks, sorted(int(count.replace(",", "")) for count in counts)


def test_a_counted_view_is_an_svg_too_with_a_mark_per_period_and_its_count(client, dataset, monkeypatch):
    """Past the detail limit the view counts its events per lane and period: its SVG is that
    drawing, with the title, what it shows, the credit and the page's link, as any view's."""
    from events import explorer

    monkeypatch.setattr(explorer, "DETAIL_LIMIT", 5)
    kims = Event.objects.published().for_leaders(["kim-jong-un"])
    page = client.get("/timeline/?leader=kim-jong-un").content.decode()
    summary = re.search(r'id="view-summary"[^>]*>([^<]+)<', page).group(1)
    assert summary.startswith(f"{kims.count()} events, 2011–2025")
    assert "Too many events to draw one by one" in page
    assert '<a href="/timeline/export.svg?leader=kim-jong-un" download>SVG</a>' in page, "offered with the PNG"
    assert 'data-svg-url="/timeline/export.svg"' in page, "and by the chart's toolbar"
    response = client.get("/timeline/export.svg?leader=kim-jong-un")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"].endswith('lanes-by-leader-filtered-to-kim-jong-un.svg"')
    image = response.content.decode()
    assert ">Timeline</text>" in image
    assert html.escape(summary) in image
    assert ">http://testserver/timeline/?leader=kim-jong-un</text>" in image
    assert ">newsdash</text>" in image
    assert " events per year</text>" in image, "the key to its shades"
    marks, shown = counted_marks(image)
    cells = kims.density("year", "leader")
    assert len(marks) == len(cells), "a mark per lane and year"
    assert ">Kim Jong-un</text>" in image, "lanes named"


def test_a_counted_view_is_drawn_without_a_browser(client, dataset, monkeypatch):
    """Counts are our own SVG too, drawn by resvg: a PNG with no Chromium and no kaleido."""
    from events import explorer

    monkeypatch.setattr(explorer, "DETAIL_LIMIT", 2)
    monkeypatch.setitem(sys.modules, "kaleido", None)  # any import of it fails: no browser drawing
    drawn = []
    rasterise = previews.rasterise
    monkeypatch.setattr(previews, "rasterise", lambda image: drawn.append(image) or rasterise(image))
    response = fetch(client, "/preview/timeline.png", leader="moon-jae-in")
    assert png_size(response.content) == (1200, 630)
    assert response["Cache-Control"] == "public, max-age=300", "drawn, not the generic image"
    (image,) = drawn
    assert re.search(r" events? per (year|month|day)</text>", image), "the key to its shades"
    marks, shown = counted_marks(image)
    assert len(marks) == len(shown), "a count on each mark"
    moons = Event.objects.published().for_leaders(["moon-jae-in"]).count()
    assert sum(shown) >= moons, "every event counted"
    saved = fetch(client, "/preview/timeline.png", leader="moon-jae-in", download="1")
    assert saved["Content-Disposition"].startswith(f'attachment; filename="newsdash-{moons}-events-')
