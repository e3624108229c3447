"""Source pages and the two kinds of citation a reader meets: quotes, and references in our words."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events.models import Citation, Status

from .factories import (
    EventFactory,
    LeaderFactory,
    ParticipationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def reported(**fields):
    """A source we may not copy: cited as a reference."""
    return SourceFactory(full_text="", outlet="Yonhap", url="https://example.org/kim-train", **fields)


def test_a_reference_shows_what_the_source_states_in_our_words_and_where(client):
    event = EventFactory(status=Status.PUBLISHED, title="Kim arrives in Beijing")
    source = reported(title="Kim arrives by armoured train")
    Citation.objects.create(
        source=source, event=event, kind="reference", statement="Says he arrived on 2 September.", locator="para 3"
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Says he arrived on 2 September." in page
    assert "“Says he arrived" not in page, "a reference is never shown as a quote"
    assert "Reported by" in page
    assert "(para 3)" in page
    assert f'href="{source.get_absolute_url()}"' in page, "the source's own page is a link away"
    assert 'href="https://example.org/kim-train"' in page


def test_a_source_page_lists_every_public_fact_it_backs_with_its_words(client):
    source = reported(title="The parade as it happened")
    event = EventFactory(status=Status.PUBLISHED, title="Parade held")
    kim = LeaderFactory(name="Kim Jong-un")
    participation = ParticipationFactory(event=event, leader=kim)
    Citation.objects.create(source=source, event=event, kind="reference", statement="Says it was held.", locator="p1")
    Citation.objects.create(
        source=source, participation=participation, kind="reference", statement="Says Kim was there.", locator="p2"
    )
    draft = EventFactory(status=Status.DRAFT, title="Secret draft")
    Citation.objects.create(source=source, event=draft, kind="reference", statement="Draft claim.", locator="p9")
    page = client.get(source.get_absolute_url()).content.decode()
    assert "Yonhap" in page
    assert "2 facts on newsdash cite this source" in page
    assert "Says it was held." in page
    assert "Kim Jong-un at" in page
    assert "Says Kim was there." in page
    assert "Secret draft" not in page
    assert "Draft claim." not in page, "drafts stay private on the source's page too"


def test_a_source_backing_nothing_public_has_no_page_and_editor_text_is_escaped(client):
    assert client.get("/sources/no-such-source/").status_code == 404
    only_drafts = reported()
    Citation.objects.create(
        source=only_drafts, event=EventFactory(status=Status.DRAFT), kind="reference", statement="x", locator="y"
    )
    assert client.get(only_drafts.get_absolute_url()).status_code == 404
    hostile = reported(title="<script>alert(1)</script>")
    Citation.objects.create(
        source=hostile,
        event=EventFactory(status=Status.PUBLISHED),
        kind="reference",
        statement="<img src=x onerror=alert(1)>",
        locator="<b>",
    )
    page = client.get(hostile.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_source_page_costs_the_same_queries_however_many_facts_it_backs(client):
    def queries(source):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(source.get_absolute_url()).status_code == 200
        return len(captured)

    few, many = reported(), reported()
    for source, n in ((few, 2), (many, 20)):
        for _ in range(n):
            participation = ParticipationFactory(event=EventFactory(status=Status.PUBLISHED))
            Citation.objects.create(
                source=source, participation=participation, kind="reference", statement="Says so.", locator="p1"
            )
    assert queries(few) == queries(many)


def test_a_leader_with_no_published_event_has_no_public_page(editor_client):
    leader = LeaderFactory(name="Imported for a draft")
    ParticipationFactory(leader=leader, event=EventFactory(status=Status.DRAFT))
    public = Client()
    assert public.get(leader.get_absolute_url()).status_code == 404
    assert editor_client.get(leader.get_absolute_url()).status_code == 200, "editors may look, as at drafts"
    ParticipationFactory(leader=leader, event=EventFactory(status=Status.PUBLISHED))
    assert public.get(leader.get_absolute_url()).status_code == 200
