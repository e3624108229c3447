"""Takedowns: a withdrawn event (or version) is gone from every pinned view, which says
when it was withdrawn instead; it stays unpublished until the withdrawal is lifted."""

import datetime
import logging
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import CollectionEntry, Event, SeatingArrangement, Status, Withdrawal

from .factories import (
    ArrangementFactory,
    CitationFactory,
    CollectionFactory,
    EventFactory,
    LeaderFactory,
    ParticipationFactory,
    SeatFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Defamatory claim about a minister"


def moment_now():
    return timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture
def reader():
    """A reader who is not logged in: served from the page cache like the public."""
    return Client()


def get(reader, url, as_of=None):
    if as_of:
        url += ("&" if "?" in url else "?") + f"as_of={as_of}"
    response = reader.get(url)
    return response.status_code, response.content.decode()


def withdraw(editor_client, *events, reason="Court order 2026/114"):
    """The event list's action: the first post asks for the reason, the second withdraws."""
    selected = {"action": "withdraw", "_selected_action": [event.pk for event in events]}
    asking = editor_client.post("/admin/events/event/", selected)
    assert "Withdrawn events are unpublished, and every pinned link leaves them out" in asking.content.decode()
    assert 'name="reason"' in asking.content.decode()
    return editor_client.post("/admin/events/event/", {**selected, "post": "yes", "reason": reason}, follow=True)


def story():
    """A published event with a leader, a collection place and a seating arrangement, and another event beside it."""
    kim = LeaderFactory(name="Kim Jong-un", slug="kim")
    event = EventFactory(title=SECRET, slug="the-claim", summary="What was said.")
    ParticipationFactory(event=event, leader=kim)
    CitationFactory(event=event)
    other = EventFactory(title="Parade in Beijing", slug="parade")
    ParticipationFactory(event=other, leader=kim)
    collection = CollectionFactory(slug="kim-abroad", featured=True)
    CollectionEntry.objects.create(collection=collection, event=event)
    CollectionEntry.objects.create(collection=collection, event=other)
    SeatFactory(arrangement=ArrangementFactory(event=event), leader=kim)
    SeatFactory(arrangement=ArrangementFactory(event=other), leader=kim)
    return event


def pinned_views():
    arrangements = list(SeatingArrangement.objects.order_by("pk").values_list("pk", flat=True))
    return [
        "/",
        "/timeline/",
        "/timeline/?q=defamatory",
        "/embed/timeline/",
        "/timeline/export.csv",
        "/timeline/export.json",
        "/timeline/export.timelinejs.json",
        "/leaders/kim/",
        "/collections/kim-abroad/",
        f"/seating/compare/?a={arrangements[0]}&b={arrangements[1]}",
    ]


def test_a_withdrawn_event_leaves_every_pinned_view_and_its_page_says_when(reader, editor_client):
    event = story()
    views = pinned_views()
    pinned = moment_now()
    for url in views:
        status, body = get(reader, url, as_of=pinned)
        assert status == 200, url
        assert SECRET in body, f"{url} showed it before the withdrawal"
    assert re.search(r">Kim Jong-un</a>.*?<td[^>]*>2</td></tr>", get(reader, "/leaders/", as_of=pinned)[1])
    event.summary = "Edited since the link was made."  # the banner would list an edited event
    event.save()

    response = withdraw(editor_client, event)
    assert "1 event(s) withdrawn and unpublished" in response.content.decode()
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.event_id, withdrawal.slug, withdrawal.title) == (event.pk, "the-claim", SECRET)
    event.refresh_from_db()
    assert event.status == Status.DRAFT, "gone from the live pages too"

    for url in views:
        status, body = get(reader, url, as_of=pinned)
        assert SECRET not in body, f"{url} still shows it"
        if "compare" not in url and "q=" not in url:
            assert (status, "Parade in Beijing" in body) == (200, True), url
    # Kim's events in the list of leaders: the other one alone.
    assert re.search(r">Kim Jong-un</a>.*?<td[^>]*>1</td></tr>", get(reader, "/leaders/", as_of=pinned)[1])
    # The seating comparison lost one of its two arrangements.
    assert get(reader, views[-1], as_of=pinned)[0] == 404
    status, body = get(reader, "/events/the-claim/", as_of=pinned)
    assert status == 410
    assert f"This event was withdrawn on {withdrawal.withdrawn_at:%-d %B %Y}." in body
    assert "What was said." not in body
    assert SECRET not in body
    assert get(reader, "/events/the-claim/")[0] == 404
    assert get(reader, "/events/parade/", as_of=pinned)[0] == 200


def test_a_settled_pinned_view_cached_before_the_withdrawal_does_not_outlive_it(reader, editor_client, monkeypatch):
    event = story()
    moment = timezone.now()
    pinned = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # An hour later the link is read (its past is settled and cached), then the event is withdrawn.
    monkeypatch.setattr("events.cache.timezone.now", lambda: moment + datetime.timedelta(hours=1))
    for url in ("/timeline/", "/leaders/kim/", "/", "/timeline/export.json"):
        assert SECRET in get(reader, url, as_of=pinned)[1], url
        assert SECRET in get(reader, url, as_of=pinned)[1], url  # the second from the cache
    withdraw(editor_client, event)
    for url in ("/timeline/", "/leaders/kim/", "/", "/timeline/export.json"):
        status, body = get(reader, url, as_of=pinned)
        assert status == 200
        assert SECRET not in body, url
    status, body = get(reader, "/events/the-claim/", as_of=pinned)
    assert status == 410
    assert "withdrawn on" in body


def test_a_withdrawn_version_hides_the_event_only_while_that_version_was_current(reader, editor_client):
    event = EventFactory(title=SECRET, slug="the-claim")
    first = event.history.get()
    during = moment_now()
    event.title = "Minister's statement"
    event.save()
    after = moment_now()

    history = editor_client.get(reverse("admin:events_event_history", args=[event.pk])).content.decode()
    links = re.findall(r'href="(/admin/events/withdrawal/add/\?[^"]+)"', history)
    link = next(link for link in links if f"version={first.history_id}" in link)
    form = editor_client.get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{first.history_id}"' in form, "the version comes filled in"
    response = editor_client.post(
        link.replace("&amp;", "&"),
        {"event_id": event.pk, "version": first.history_id, "reason": "Libel"},
        follow=True,
    )
    assert (
        f"The withdrawal “{SECRET} (version {first.history_id})” was added successfully." in response.content.decode()
    )
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.version, withdrawal.title) == (first.history_id, SECRET)
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED, "the current version is not the one withdrawn"

    status, body = get(reader, "/timeline/", as_of=during)
    assert SECRET not in body
    status, body = get(reader, "/events/the-claim/", as_of=during)
    assert status == 410
    assert SECRET not in body
    status, body = get(reader, "/events/the-claim/", as_of=after)
    assert status == 200
    assert "Minister&#x27;s statement" in body
    assert "Minister&#x27;s statement" in get(reader, "/timeline/", as_of=after)[1]
    assert "Withdrawn on" in editor_client.get(reverse("admin:events_event_history", args=[event.pk])).content.decode()


def test_withdrawing_the_current_version_unpublishes_the_event(editor_client):
    event = EventFactory(title=SECRET)
    latest = event.history.get()
    editor_client.post(
        reverse("admin:events_withdrawal_add"), {"event_id": event.pk, "version": latest.history_id, "reason": "Libel"}
    )
    event.refresh_from_db()
    assert event.status == Status.DRAFT


def test_a_deleted_event_withdrawn_is_gone_from_pinned_views(reader, editor_client):
    event = story()
    views = pinned_views()
    pinned = moment_now()
    event_id = event.pk
    event.delete()
    assert SECRET in get(reader, "/timeline/", as_of=pinned)[1], "a deleted event comes back in a pinned link"

    history = editor_client.get(reverse("admin:events_event_history", args=[event_id])).content.decode()
    assert f'href="/admin/events/withdrawal/add/?event_id={event_id}"' in history
    response = editor_client.post(
        reverse("admin:events_withdrawal_add"), {"event_id": event_id, "reason": "Safety of a source"}, follow=True
    )
    assert f"The withdrawal “{SECRET}” was added successfully." in response.content.decode()
    assert Withdrawal.objects.get().title == SECRET, "named from its history"

    for url in views:
        assert SECRET not in get(reader, url, as_of=pinned)[1], url
    assert get(reader, "/events/the-claim/", as_of=pinned)[0] == 410
    assert "Withdrawn on" in editor_client.get(reverse("admin:events_event_history", args=[event_id])).content.decode()


def test_a_withdrawal_needs_a_reason_and_a_real_event(editor_client):
    event = EventFactory(title=SECRET)
    response = withdraw(editor_client, event, reason="")
    assert "This field is required." in response.content.decode()
    assert not Withdrawal.objects.exists()
    response = editor_client.post(reverse("admin:events_withdrawal_add"), {"event_id": 999999, "reason": "x"})
    assert "There is no event number 999999" in response.content.decode()
    response = editor_client.post(
        reverse("admin:events_withdrawal_add"), {"event_id": event.pk, "version": 999999, "reason": "x"}
    )
    assert "Version 999999 is not a version of event" in response.content.decode()
    assert not Withdrawal.objects.exists()


def test_a_withdrawal_is_logged(editor_client, caplog):
    event = EventFactory(title=SECRET, slug="the-claim")
    with caplog.at_level(logging.INFO, logger="newsdash.admin"):
        withdraw(editor_client, event)
    lines = [record.getMessage() for record in caplog.records if record.name == "newsdash.admin"]
    assert any("added withdrawal" in line and f"Withdrew event {event.pk} “the-claim”" in line for line in lines)
    assert any("changed event" in line and "Unpublished: withdrawn" in line for line in lines)


def test_publish_refuses_a_withdrawn_event_until_the_withdrawal_is_deleted(editor_client):
    event = CitationFactory(event=EventFactory(title=SECRET)).event
    withdraw(editor_client, event)
    publish = {"action": "publish", "_selected_action": [event.pk]}
    response = editor_client.post("/admin/events/event/", publish, follow=True)
    assert "was withdrawn on" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Status.DRAFT

    withdrawal = Withdrawal.objects.get()
    editor_client.post(reverse("admin:events_withdrawal_delete", args=[withdrawal.pk]), {"post": "yes"})
    assert not Withdrawal.objects.exists(), "an editor lifts a withdrawal by deleting it"
    editor_client.post("/admin/events/event/", publish)
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED


def test_the_event_form_refuses_to_publish_a_withdrawn_event(editor_client):
    event = EventFactory(title=SECRET)
    withdraw(editor_client, event)
    event = Event.objects.get(pk=event.pk)
    event.status = Status.PUBLISHED
    with pytest.raises(ValidationError, match="was withdrawn on"):
        event.full_clean()
