import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Citation, Event, Participation, Seat, SeatingArrangement, Status

from .factories import (
    CitationFactory,
    CountryFactory,
    EventFactory,
    LeaderFactory,
    ParticipationFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ADD_EVENT = reverse("admin:events_event_add")


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def event_form(source, kim, xi, putin, **overrides):
    """The add-event form as an editor fills it: a parade with two participants,
    a cited claim for the event and for each participant, and a rostrum of three seats."""
    data = {
        "title": "Beijing parade",
        "slug": "beijing-parade",
        "kind": "parade",
        "status": "draft",
        "reported_as": "scheduled",
        "start_date": "2025-09-03",
        "start_precision": "day",
        "start_qualifier": "",
        "end_precision": "day",
        **management("citations", 1),
        "citations-0-source": source.pk,
        "citations-0-kind": "quote",
        "citations-0-stance": "supports",
        "citations-0-quote": "Kim Jong Un will attend the parade in Beijing.",
        **management("participations", 2),
        "participations-0-leader": kim.pk,
        "participations-0-role": "guest",
        **management("participations-0-citations", 1),
        "participations-0-citations-0-source": source.pk,
        "participations-0-citations-0-kind": "quote",
        "participations-0-citations-0-stance": "supports",
        "participations-0-citations-0-quote": "Kim Jong Un will attend the parade in Beijing.",
        "participations-1-leader": xi.pk,
        "participations-1-role": "host",
        **management("participations-1-citations", 0),
        **management("arrangements", 1),
        "arrangements-0-name": "Tiananmen rostrum",
        "arrangements-0-perspective": "unstated",
        **management("arrangements-0-seats", 3),
    }
    for i, (leader, position, host) in enumerate([(xi, 0, "on"), (kim, -1, ""), (putin, 1, "")]):
        data |= {
            f"arrangements-0-seats-{i}-leader": leader.pk,
            f"arrangements-0-seats-{i}-row": "0",
            f"arrangements-0-seats-{i}-position": str(position),
            **management(f"arrangements-0-seats-{i}-citations", 1),
            f"arrangements-0-seats-{i}-citations-0-source": source.pk,
            f"arrangements-0-seats-{i}-citations-0-kind": "quote",
            f"arrangements-0-seats-{i}-citations-0-stance": "supports",
            f"arrangements-0-seats-{i}-citations-0-quote": (
                "Kremlin officials said Kim will be seated to the left of Xi Jinping."
            ),
        }
        if host:
            data[f"arrangements-0-seats-{i}-is_host"] = host
    return data | overrides


@pytest.fixture
def people():
    return {
        "source": SourceFactory(),
        "kim": LeaderFactory(name="Kim Jong-un"),
        "xi": LeaderFactory(name="Xi Jinping"),
        "putin": LeaderFactory(name="Vladimir Putin"),
    }


def form_errors(response):
    """The error texts an editor reads at the top of the form and beside fields."""
    content = response.content.decode()
    assert response.status_code == 200
    assert "errornote" in content or "errorlist" in content
    return content


@pytest.mark.parametrize("url", ["/admin/", ADD_EVENT, "/admin/events/event/", "/admin/events/leader/"])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_editors_manage_events_but_not_accounts(editor_client):
    assert editor_client.get("/admin/events/event/").status_code == 200
    assert editor_client.get(ADD_EVENT).status_code == 200
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403


def test_an_editor_adds_an_event_with_participants_citations_and_seats_in_one_form(editor_client, people):
    response = editor_client.post(ADD_EVENT, event_form(**people))
    assert response.status_code == 302, response.content.decode()[:3000]

    event = Event.objects.get(slug="beijing-parade")
    assert event.status == Status.DRAFT
    assert event.citations.get().quote == "Kim Jong Un will attend the parade in Beijing."
    assert {p.leader.name: p.role for p in event.participations.all()} == {"Kim Jong-un": "guest", "Xi Jinping": "host"}
    assert Citation.objects.filter(participation__event=event).count() == 1
    seats = {seat.leader.name: seat for seat in Seat.objects.filter(arrangement__event=event)}
    assert seats["Xi Jinping"].is_host
    assert seats["Kim Jong-un"].position == -1
    assert seats["Vladimir Putin"].position == 1
    assert Citation.objects.filter(seat__arrangement__event=event).count() == 3
    assert event.history.get().history_user.username == "editor"


# What an editor got wrong in the add-event form (beside event_form's values), the message
# that explains it, and the models the refused save leaves empty; by the test each once was.
ADD_FORM_MISTAKES = {
    "two_leaders_on_one_seat_are_explained_and_nothing_is_saved": (
        lambda people: {"arrangements-0-seats-2-position": "-1"},
        "Two leaders cannot share one seat (same row and position).",
        [Event, Seat],
    ),
    "a_leader_seated_twice_is_explained_and_nothing_is_saved": (
        lambda people: {"arrangements-0-seats-2-leader": people["kim"].pk},
        "This leader already has a seat in this arrangement.",
        [Event],
    ),
    "a_leader_listed_twice_as_participant_is_explained": (
        lambda people: {"participations-1-leader": people["kim"].pk},
        "This leader is already a participant of this event.",
        [Event],
    ),
    "a_second_host_is_explained_and_nothing_is_saved": (
        lambda people: {
            "arrangements-0-seats-1-is_host": "on",
            "arrangements-0-seats-1-row": "1",
            "arrangements-0-seats-1-position": "0",
        },
        "An arrangement has one host",
        [Event],
    ),
    "a_host_off_centre_is_explained": (
        lambda people: {"arrangements-0-seats-0-position": "5"},
        "The host sits at position 0",
        [SeatingArrangement],
    ),
    "an_end_before_the_start_is_explained_and_nothing_is_saved": (
        lambda people: {"end_date": "2025-09-01"},
        "The end date is before the start date.",
        [Event, Participation],
    ),
    "a_misquoted_source_is_explained_and_nothing_is_saved": (
        lambda people: {"participations-0-citations-0-quote": "Kim will not come."},
        "does not occur word for word",
        [Event],
    ),
}


@pytest.mark.parametrize(
    ("mistake", "message", "nothing_saved"), list(ADD_FORM_MISTAKES.values()), ids=list(ADD_FORM_MISTAKES)
)
def test_a_mistake_in_the_add_form_is_explained_and_nothing_is_saved(
    editor_client, people, mistake, message, nothing_saved
):
    data = event_form(**people) | mistake(people)
    content = form_errors(editor_client.post(ADD_EVENT, data))
    assert message in content
    for model in nothing_saved:
        assert not model.objects.exists(), model


def test_history_records_a_change_and_reverts_it(editor_client):
    event = EventFactory(title="Parade in Beijing", status=Status.DRAFT)  # a published one needs a source
    url = reverse("admin:events_event_change", args=[event.pk])
    form = {
        "title": "Parade in Pyongyang",
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "reported_as": event.reported_as,
        "start_date": "2025-09-03",
        "start_precision": "day",
        "start_qualifier": "",
        "end_precision": "day",
        "place": event.place_id,
        **management("citations", 0),
        **management("participations", 0),
        **management("arrangements", 0),
    }
    assert editor_client.post(url, form).status_code == 302
    event.refresh_from_db()
    assert event.title == "Parade in Pyongyang"

    history = editor_client.get(reverse("admin:events_event_history", args=[event.pk]))
    assert "Parade in Pyongyang" in history.content.decode()
    original = event.history.earliest()
    revert_url = reverse("admin:events_event_simple_history", args=[event.pk, original.history_id])
    assert 'name="title" value="Parade in Beijing"' in editor_client.get(revert_url).content.decode()
    response = editor_client.post(revert_url, form | {"title": original.title})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Parade in Beijing"
    assert event.history.count() == 3


def test_a_deleted_event_can_be_restored_from_its_history(editor_client):
    event = EventFactory(title="Deleted by mistake")
    pk, place = event.pk, event.place_id
    delete_url = reverse("admin:events_event_delete", args=[pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Event.objects.filter(pk=pk).exists()

    history = editor_client.get(reverse("admin:events_event_history", args=[pk]))
    assert history.status_code == 200
    assert "Deleted by mistake" in history.content.decode()
    before_deletion = Event.history.filter(id=pk, history_type="+").get()
    revert_url = reverse("admin:events_event_simple_history", args=[pk, before_deletion.history_id])
    form = {
        "title": "Deleted by mistake",
        "slug": before_deletion.slug,
        "kind": "parade",
        "status": "published",
        "reported_as": "happened",
        "start_date": "2025-09-03",
        "start_precision": "day",
        "start_qualifier": "",
        "end_precision": "day",
        "place": place,
    }
    assert editor_client.post(revert_url, form).status_code == 302
    assert Event.objects.get(pk=pk).title == "Deleted by mistake"


def test_search_finds_events_by_any_spelling_of_a_participant(editor_client):
    kim = LeaderFactory(name="Kim Jong-un", aliases="Kim Jong Un")
    ParticipationFactory(event=EventFactory(title="Beijing parade"), leader=kim)
    EventFactory(title="Washington talks")
    for query in ["Kim Jong Un", "kim jong-un"]:
        content = editor_client.get("/admin/events/event/", {"q": query}).content.decode()
        assert "Beijing parade" in content
        assert "Washington talks" not in content


def test_filters_by_year_country_kind_and_status(editor_client):
    EventFactory(title="Old parade", start_date="1959-10-01")
    EventFactory(title="New parade", place=PlaceFactory(country=CountryFactory(iso_code="KP")))
    content = editor_client.get("/admin/events/event/", {"year": "1959"}).content.decode()
    assert "Old parade" in content
    assert "New parade" not in content
    for year in ["not-a-year", "²"]:  # "²" is a digit to isdigit() only
        unfiltered = editor_client.get("/admin/events/event/", {"year": year}).content.decode()
        assert "Old parade" in unfiltered, f"year={year} is ignored"
        assert "New parade" in unfiltered, f"year={year} is ignored"
    changelist = editor_client.get("/admin/events/event/").content.decode()
    for heading in ["By kind", "By status", "By country", "By year"]:
        assert heading in changelist


def test_publish_action_publishes_cited_drafts_only(editor_client):
    cited = CitationFactory(event=EventFactory(title="Cited", status=Status.DRAFT)).event
    uncited = EventFactory(title="Uncited", status=Status.DRAFT)
    response = editor_client.post(
        "/admin/events/event/", {"action": "publish", "_selected_action": [cited.pk, uncited.pk]}, follow=True
    )
    assert "Not published, as no source is cited for: Uncited" in response.content.decode()
    cited.refresh_from_db()
    uncited.refresh_from_db()
    assert cited.status == Status.PUBLISHED
    assert uncited.status == Status.DRAFT
    assert cited.history.latest().history_change_reason == "Set to published"


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/events/event/")
    assert response.status_code == 200
    return len(queries)


def test_changelist_queries_do_not_grow_with_events(editor_client):
    """A page of 5 events and a list of 1,000 (paged by 100) take the same queries."""

    def add_events(n):
        for _ in range(n):
            event = EventFactory()
            ParticipationFactory.create_batch(2, event=event)
            CitationFactory(event=event)

    add_events(5)
    few = changelist_queries(editor_client)
    Event.objects.bulk_create(
        [Event(title=f"Bulk {i}", slug=f"bulk-{i}", kind="meeting", start_date="2020-01-01") for i in range(1000)]
    )
    many = changelist_queries(editor_client)
    assert few == many == 12


def test_create_editor_makes_a_staff_account_in_the_editors_group(db, django_user_model, monkeypatch):
    monkeypatch.setenv("NEWSDASH_EDITOR_PASSWORD", "rostrum-seating-1959")
    call_command("create_editor", "ana", "--email", "ana@example.org")
    ana = django_user_model.objects.get(username="ana")
    assert ana.is_staff
    assert not ana.is_superuser
    assert ana.check_password("rostrum-seating-1959")
    assert ana.groups.filter(name="Editors").exists()


def test_create_editor_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("NEWSDASH_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "ana")


def test_the_editors_group_may_change_every_model_but_not_users():
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_event", "change_event", "delete_event", "change_seat", "add_citation", "change_leader"} <= codenames
    assert not any(code.endswith("_user") or code.endswith("_group") for code in codenames)


def opened_version(client, event):
    """The version an editor's form was opened on, from the hidden input in the page."""
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    return re.search(r'name="loaded_version" value="([^"]+)"', page).group(1)


def change_event(client, event, version, **changes):
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "reported_as": event.reported_as,
        "start_date": event.start_date.isoformat(),
        "start_precision": event.start_precision,
        "start_qualifier": event.start_qualifier,
        "end_precision": event.end_precision,
        "summary": event.summary,
        "place": event.place_id or "",
        "loaded_version": version,
        **management("citations", 0),
        **management("participations", 0),
        **management("arrangements", 0),
        **changes,
    }
    return client.post(reverse("admin:events_event_change", args=[event.pk]), data)


def test_a_save_over_another_editors_is_refused_and_shows_their_changes(client, editor, django_user_model):
    event = EventFactory(title="Beijing parade", summary="A parade.", status="draft")
    ana = django_user_model.objects.create_user("ana", password="x", is_superuser=True, is_staff=True)
    client.force_login(ana)
    anas_version = opened_version(client, event)
    client.force_login(editor)
    bens_version = opened_version(client, event)
    assert anas_version == bens_version

    saved = change_event(client, event, bens_version, title="Beijing military parade")
    assert saved.status_code == 302

    client.force_login(ana)
    refused = change_event(client, event, anas_version, summary="Ana's summary.")
    content = form_errors(refused)
    assert "editor saved this event" in content
    assert "Title: “Beijing parade” → “Beijing military parade”" in html.unescape(content)
    event.refresh_from_db()
    assert event.title == "Beijing military parade", "the first save stands"
    assert event.summary == "A parade.", "the second is not written over it"

    again = change_event(client, event, opened_version(client, event), summary="Ana's summary.")
    assert again.status_code == 302, "reopened on the latest version, the save goes through"
    event.refresh_from_db()
    assert (event.title, event.summary) == ("Beijing military parade", "Ana's summary.")


def cited_in_form(citation, **changes):
    """The event form's row for a citation it already has."""
    row = {
        "id": citation.pk,
        "event": citation.event_id,
        "source": citation.source_id,
        "kind": citation.kind,
        "stance": citation.stance,
        "quote": citation.quote,
    } | changes
    return {**management("citations", 1, 1), **{f"citations-0-{key}": value for key, value in row.items()}}


def test_an_event_is_published_from_its_form_only_with_a_source(editor_client):
    event = EventFactory(status=Status.DRAFT)
    response = change_event(editor_client, event, opened_version(editor_client, event), status=Status.PUBLISHED)
    assert "A published event needs a source" in form_errors(response)
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    CitationFactory(event=event)
    response = change_event(
        editor_client,
        event,
        opened_version(editor_client, event),
        status=Status.PUBLISHED,
        **cited_in_form(event.citations.get()),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED


def test_a_scheduled_event_takes_place_only_on_a_source_that_settles_it(editor_client, client):
    event = EventFactory(status=Status.PUBLISHED, reported_as=Event.ReportedAs.SCHEDULED, title="Parade")
    citation = CitationFactory(event=event)
    version = opened_version(editor_client, event)
    response = change_event(editor_client, event, version, reported_as="happened", **cited_in_form(citation))
    assert "It was reported as scheduled: to record that it took place" in html.unescape(form_errors(response))
    event.refresh_from_db()
    assert event.reported_as == Event.ReportedAs.SCHEDULED

    settled = cited_in_form(citation, settles="on")
    response = change_event(editor_client, event, version, reported_as="happened", **settled)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.reported_as == Event.ReportedAs.HAPPENED
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Took place, as reported by" in page
    assert citation.source.title in page


def test_a_possible_event_that_did_not_take_place_says_so_and_who_says(editor_client, client):
    event = EventFactory(status=Status.PUBLISHED, reported_as=Event.ReportedAs.POSSIBLE)
    citation = CitationFactory(event=event)
    version = opened_version(editor_client, event)
    response = change_event(editor_client, event, version, reported_as="not_held", **cited_in_form(citation))
    assert "to record that it did not take place" in html.unescape(form_errors(response))
    settled = cited_in_form(citation, settles="on")
    assert change_event(editor_client, event, version, reported_as="not_held", **settled).status_code == 302
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Did not take place, as reported by" in page
    assert "did not take place</span>" in client.get("/timeline/").content.decode(), "the table tags it"


def test_a_published_events_seats_may_rest_on_references_in_our_words(editor_client, people):
    reported = SourceFactory(full_text="", outlet="Yonhap", url="https://example.org/rostrum")
    data = event_form(**people, status="published")
    for i in range(3):
        data |= {
            f"arrangements-0-seats-{i}-citations-0-source": reported.pk,
            f"arrangements-0-seats-{i}-citations-0-kind": "reference",
            f"arrangements-0-seats-{i}-citations-0-quote": "",
            f"arrangements-0-seats-{i}-citations-0-statement": "Shows who stood beside Xi on the rostrum.",
            f"arrangements-0-seats-{i}-citations-0-locator": "photo caption",
        }
    assert editor_client.post(ADD_EVENT, data).status_code == 302
    assert Citation.objects.filter(seat__isnull=False, kind="reference", locator="photo caption").count() == 3
