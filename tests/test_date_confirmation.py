"""A date far outside the newsroom's usual range (dates.usual_range) is saved only once the
editor ticks "Yes, this date is right": most such dates are typos."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events import dates
from events.models import Event, Office, Status

from .factories import CountryFactory, EventFactory, LeaderFactory
from .test_admin import event_form, management, people  # noqa: F401 (people is a fixture)

pytestmark = pytest.mark.django_db

ADD_EVENT = reverse("admin:events_event_add")
CHECKBOX = re.compile(r'<input type="checkbox" name="(?:[\w-]+-)?confirm_dates"[^>]*>')


def usual_years():
    first, last = dates.usual_range(timezone.localdate())
    return f"({first.year} to {last.year})"


def asked(response, shown):
    """The form came back naming the date and the range, with the box to tick."""
    content = response.content.decode()
    assert response.status_code == 200
    assert f"{shown}, is far outside the dates newsdash usually covers {usual_years()}" in content
    assert CHECKBOX.search(content), "the box to tick is shown"
    assert "Yes, this date is right" in content
    return content


def test_a_date_before_1800_is_saved_once_the_editor_confirms_it(editor_client, people):  # noqa: F811
    data = event_form(**people) | {"start_date": "1750-05-05"}
    asked(editor_client.post(ADD_EVENT, data), "The start date, 5 May 1750")
    assert not Event.objects.exists()

    response = editor_client.post(ADD_EVENT, data | {"confirm_dates": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Event.objects.get(slug="beijing-parade").start_date == datetime.date(1750, 5, 5)


def test_a_year_far_ahead_or_an_end_is_asked_about_too(editor_client, people):  # noqa: F811
    far = timezone.localdate().year + dates.USUAL_YEARS_AHEAD + 1
    data = event_form(**people) | {"start_date": f"{far}-01-01", "start_precision": "year"}
    asked(editor_client.post(ADD_EVENT, data), f"The start date, {far}")
    data = event_form(**people) | {"end_date": "9999-12-31"}
    asked(editor_client.post(ADD_EVENT, data), "The end date, 31 Dec 9999")
    assert not Event.objects.exists()


def test_a_date_in_the_usual_range_saves_without_the_box(editor_client, people):  # noqa: F811
    add_page = editor_client.get(ADD_EVENT).content.decode()
    assert not CHECKBOX.search(add_page)
    last = timezone.localdate().year + dates.USUAL_YEARS_AHEAD
    data = event_form(**people) | {"start_date": "1800-01-01", "end_date": f"{last}-12-31"}
    assert editor_client.post(ADD_EVENT, data).status_code == 302


def change_form(client, event, **changes):
    """The event's change form as the admin fills it, with ``changes`` typed in."""
    url = reverse("admin:events_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data |= {
        "place": event.place_id,
        **management("citations", 0),
        **management("participations", 0),
        **management("arrangements", 0),
    }
    return url, data | changes


def test_an_event_saved_with_a_confirmed_date_is_not_asked_again(editor_client):
    event = EventFactory(title="Old", start_date=datetime.date(1750, 5, 5), status=Status.DRAFT)
    response = editor_client.post(*change_form(editor_client, event, title="Old, retitled"))
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.title == "Old, retitled"

    response = editor_client.post(*change_form(editor_client, event, start_date="1751-05-05"))
    asked(response, "The start date, 5 May 1751")


def test_an_office_far_back_is_confirmed_on_its_own_page_and_on_its_leaders(editor_client):
    leader = LeaderFactory(name="Old ruler", country=CountryFactory(iso_code="KP"))
    office = {"title": "King", "start_date": "1700-01-01", "start_precision": "year", "end_precision": "day"}
    add_office = reverse("admin:events_office_add")
    data = {"leader": leader.pk, **office, **management("citations", 0)}
    asked(editor_client.post(add_office, data), "The start date, 1700")
    assert editor_client.post(add_office, data | {"confirm_dates": "on"}).status_code == 302

    url = reverse("admin:events_leader_change", args=[leader.pk])
    inline = {f"offices-1-{name}": value for name, value in office.items()} | {"offices-1-start_date": "1650-01-01"}
    data = {
        "name": leader.name,
        "slug": leader.slug,
        "country": leader.country_id,
        **management("offices", 2, initial=1),
        "offices-0-id": Office.objects.get().pk,
        "offices-0-leader": leader.pk,
        **{f"offices-0-{name}": value for name, value in office.items()},
        **management("offices-0-citations", 0),
        "offices-1-leader": leader.pk,
        **inline,
        **management("offices-1-citations", 0),
    }
    asked(editor_client.post(url, data), "The start date, 1650")
    response = editor_client.post(url, data | {"offices-1-confirm_dates": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(Office.objects.values_list("start_date__year", flat=True)) == [1650, 1700]
