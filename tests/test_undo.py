"""Deleting can be undone from the history: an event comes back with everything deleted
with it; a leader and a source come back too; a cited source cannot be deleted at all."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from events.models import Citation, Event, Leader, Participation, Seat, SeatingArrangement, Source

from .factories import (
    ArrangementFactory,
    CitationFactory,
    EventFactory,
    LeaderFactory,
    ParticipationFactory,
    SeatFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """What the browser would send from the page's form."""

    def __init__(self):
        super().__init__()
        self.fields, self.select, self.textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "radio"):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.fields[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        self.select = None if tag == "select" else self.select
        self.textarea = None if tag == "textarea" else self.textarea


def undo_delete(client, model, pk):
    """Delete through the admin, then revert to the last version from the history page."""
    name = model._meta.model_name
    client.post(reverse(f"admin:events_{name}_delete", args=[pk]), {"post": "yes"})
    assert not model.objects.filter(pk=pk).exists()
    history = client.get(reverse(f"admin:events_{name}_history", args=[pk]))
    assert history.status_code == 200, "the history of a deleted object can still be read"
    version = model.history.filter(id=pk).exclude(history_type="-").latest("history_date").history_id
    url = reverse(f"admin:events_{name}_simple_history", args=[pk, version])
    parser = FormFields()
    parser.feed(client.get(url).content.decode())
    return client.post(url, parser.fields, follow=True)


def test_a_deleted_event_comes_back_with_everything_deleted_with_it(editor_client):
    event = EventFactory(title="Beijing parade")
    participation = ParticipationFactory(event=event)
    CitationFactory(event=event)
    CitationFactory(event=None, participation=participation)
    seat = SeatFactory(arrangement=ArrangementFactory(event=event), leader=participation.leader, position=0)
    CitationFactory(event=None, seat=seat)
    before = {model: model.objects.count() for model in (Participation, Citation, SeatingArrangement, Seat)}

    response = undo_delete(editor_client, Event, event.pk)
    assert Event.objects.get(pk=event.pk).title == "Beijing parade"
    assert {model: model.objects.count() for model in before} == before
    assert "Restored with it: 1 participation, 1 seating arrangement, 1 seat, 3 citations." in (
        response.content.decode()
    )
    assert "/events/" in Event.objects.get(pk=event.pk).get_absolute_url()


def test_a_deleted_leader_and_an_uncited_source_come_back(editor_client):
    leader = LeaderFactory(name="Kim Il-sung")
    source = SourceFactory(title="Uncited report")
    undo_delete(editor_client, Leader, leader.pk)
    undo_delete(editor_client, Source, source.pk)
    assert Leader.objects.get(pk=leader.pk).name == "Kim Il-sung"
    assert Source.objects.get(pk=source.pk).title == "Uncited report"


def test_a_cited_source_cannot_be_deleted_so_no_citation_points_nowhere(editor_client):
    citation = CitationFactory()
    response = editor_client.post(reverse("admin:events_source_delete", args=[citation.source_id]), {"post": "yes"})
    assert Source.objects.filter(pk=citation.source_id).exists()
    assert "would require deleting the following protected related objects" in response.content.decode()
