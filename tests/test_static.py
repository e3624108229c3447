"""Static files as production serves them: collected, hashed, compressed, cached for a year."""

import re

import pytest
from django.test import Client, override_settings

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Scripts in the page, and plotly.js, which timeline.js fetches (at once where a mouse points).
SCRIPT = re.compile(r'<script src="(/static/[^"]+)"|data-plotly-src="(/static/[^"]+)"')
JS_BUDGET = 450 * 1024  # compressed JavaScript per page


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_every_script_is_compressed_cached_for_a_year_and_within_budget(collected_static, dataset, encoding):
    with override_settings(STATIC_ROOT=collected_static, STORAGES=PRODUCTION_STATIC, DEBUG=False):
        client = Client()
        page = client.get("/timeline/").content.decode()
        scripts = [src for match in SCRIPT.findall(page) for src in match if src]
        assert any("plotly" in src for src in scripts)
        assert any("htmx" in src for src in scripts)
        total = 0
        for src in scripts:
            response = client.get(src, HTTP_ACCEPT_ENCODING=encoding)
            assert response.status_code == 200, src
            assert response["Content-Encoding"] == encoding, src
            assert "max-age=315360000" in response["Cache-Control"]
            assert "immutable" in response["Cache-Control"]
            total += len(b"".join(response.streaming_content))
        assert total <= JS_BUDGET, f"{total / 1024:.0f} KB of {encoding} JavaScript"
