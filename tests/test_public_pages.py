"""What every public page and preview image promises, whichever view it is: what
``events.decorators.public_page`` and ``public_image`` wrap each of them in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import previews
from events.models import SeatingArrangement

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/timeline/?leader=kim-jong-un",
    "/embed/timeline/",
    "/events/beijing-military-parade-2025/",
    "/leaders/",
    "/leaders/kim-jong-un/",
    "/sources/kim-jong-un-to-attend-beijing-parade/",
    "/collections/kim-jong-un-and-china/",
    "/seating/compare/",
    "/timeline/export.csv",
    "/timeline/export.json",
    "/timeline/export.timelinejs.json",
    "/timeline/export.svg?leader=kim-jong-un",
]
IMAGES = [
    "/preview/timeline.png?leader=kim-jong-un",
    "/preview/events/beijing-military-parade-2025.png",
    "/preview/leaders/kim-jong-un.png",
    "/preview/seating/compare.png?a={pk}&b={pk}",
]


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


def refuses_other_methods_and_bad_moments(client, url):
    assert client.post(url).status_code == 405
    pinned = client.get(url + ("&" if "?" in url else "?") + "as_of=yesterday")
    assert pinned.status_code == 400
    assert "“yesterday” is not a moment" in pinned.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_is_get_only_pinnable_compressed_and_cached(client, dataset, url):
    refuses_other_methods_and_bad_moments(client, url)
    gzip = {"HTTP_ACCEPT_ENCODING": "gzip"}
    packed = client.get(url, **gzip)
    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert {"Accept-Encoding", "HX-Request", "HX-Target"} <= {name.strip() for name in packed["Vary"].split(",")}
    assert queries_for(client, url, **gzip) == 0, "the second reader is served from the cache"
    assert "Content-Encoding" not in client.get(url)


def test_only_the_embed_may_be_framed_by_any_site_even_from_the_cache(client, dataset):
    for _ in range(2):  # drawn, then served from the cache
        embed = client.get("/embed/timeline/")
        assert "X-Frame-Options" not in embed
        assert "frame-ancestors *" in embed["Content-Security-Policy"]
        page = client.get("/timeline/")
        assert page["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'self'" in page["Content-Security-Policy"]


@pytest.mark.parametrize("url", IMAGES)
def test_every_preview_image_is_get_only_pinnable_and_sent_as_drawn(client, dataset, monkeypatch, url):
    monkeypatch.setattr(previews, "rasterise", lambda image: b"\x89PNG drawn")
    url = url.format(pk=SeatingArrangement.objects.first().pk)
    refuses_other_methods_and_bad_moments(client, url)
    image = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert image.status_code == 200
    assert image.content == b"\x89PNG drawn"
    assert "Content-Encoding" not in image, "a PNG is compressed already"
    assert image["Cache-Control"] == "public, max-age=300"
