"""Oversized and disguised input is refused with a message an editor understands."""

import re

import pytest
from django.urls import reverse

from events.models import Source

from .factories import EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


def source_form(**overrides):
    return {
        "title": "Report",
        "slug": "report",
        "kind": "news",
        "outlet": "",
        "author": "",
        "url": "",
        "full_text": "Kim Jong Un will attend the parade in Beijing.",
        "note": "",
        **overrides,
    }


def test_a_source_text_over_200000_characters_is_refused_with_its_length(editor_client):
    response = editor_client.post(reverse("admin:events_source_add"), source_form(full_text="x" * 200_001))
    assert response.status_code == 200
    assert "Ensure this value has at most 200000 characters (it has 200001)." in response.content.decode()
    assert not Source.objects.exists()
    fits = editor_client.post(reverse("admin:events_source_add"), source_form(full_text="x" * 200_000))
    assert fits.status_code == 302


@pytest.mark.parametrize(("field", "limit"), [("summary", 5000), ("date_note", 2000)])
def test_event_texts_have_limits_too(editor_client, field, limit):
    event = EventFactory()
    form = editor_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    textarea = re.search(rf'<textarea[^>]*name="{field}"[^>]*>', form).group()
    assert f'maxlength="{limit}"' in textarea, "the browser stops the typing too"


def test_an_invisible_direction_control_is_refused_and_named(editor_client):
    disguised = "Report \u202egnp.exe"  # reads "Report exe.png"
    response = editor_client.post(reverse("admin:events_source_add"), source_form(title=disguised))
    content = response.content.decode()
    assert "invisible direction control (U+202E)" in content
    assert not Source.objects.exists()
    arabic = editor_client.post(reverse("admin:events_source_add"), source_form(title="تقرير عن العرض العسكري"))
    assert arabic.status_code == 302, "right-to-left text itself is welcome"


def test_a_request_over_5_mb_is_refused_with_a_message_not_a_crash(editor_client):
    SourceFactory()
    response = editor_client.post(reverse("admin:events_source_add"), source_form(full_text="x" * (6 * 1024 * 1024)))
    assert response.status_code == 413
    assert "Request too large: it sends 6 MB, and newsdash accepts at most 5 MB." in response.content.decode()
