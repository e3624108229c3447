import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.dates import Precision, Qualifier
from events.models import Citation, Country, Event, Leader, Participation, Place, Seat

from .factories import (
    ArrangementFactory,
    CitationFactory,
    CollectionFactory,
    CountryFactory,
    EventFactory,
    LeaderFactory,
    ParticipationFactory,
    SeatFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return " ".join(caught.value.messages)


def saving_fails(instance):
    """The database itself refuses, whatever bypasses the form."""
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()
    return True


def test_an_event_cannot_end_before_it_starts():
    event = EventFactory.build(place=None, start_date=datetime.date(2025, 9, 3), end_date=datetime.date(2025, 9, 1))
    assert "The end date is before the start date." in messages_of(event)
    assert saving_fails(event)


def test_late_applies_to_a_year_or_month_not_a_day():
    event = EventFactory.build(place=None, start_precision=Precision.DAY, start_qualifier=Qualifier.LATE)
    assert "describe a month or a year" in messages_of(event)
    assert saving_fails(event)
    event.start_precision = Precision.YEAR
    event.full_clean()


def test_saving_a_year_stores_the_first_day_so_it_sorts_with_its_year():
    event = EventFactory(start_date=datetime.date(2011, 12, 17), start_precision=Precision.YEAR, start_qualifier="late")
    event.refresh_from_db()
    assert event.start_date == datetime.date(2011, 1, 1)
    assert event.date_display == "late 2011"


def test_a_leader_takes_part_in_an_event_once():
    first = ParticipationFactory()
    again = Participation(event=first.event, leader=first.leader, role=Participation.Role.HOST)
    assert "This leader is already a participant of this event." in messages_of(again)
    assert saving_fails(again)


def test_a_leader_has_one_seat_per_arrangement():
    seat = SeatFactory(position=1)
    again = Seat(arrangement=seat.arrangement, leader=seat.leader, position=2)
    assert "This leader already has a seat in this arrangement." in messages_of(again)
    assert saving_fails(again)


def test_two_leaders_cannot_share_a_seat():
    seat = SeatFactory(position=-1)
    other = Seat(arrangement=seat.arrangement, leader=LeaderFactory(), row=seat.row, position=-1)
    assert "Two leaders cannot share one seat" in messages_of(other)
    assert saving_fails(other)


def test_the_host_sits_at_position_zero_and_there_is_one_host():
    arrangement = ArrangementFactory()
    off_centre = Seat(arrangement=arrangement, leader=LeaderFactory(), position=2, is_host=True)
    assert "The host sits at position 0" in messages_of(off_centre)
    assert saving_fails(off_centre)
    SeatFactory(arrangement=arrangement, position=0, is_host=True)
    second_host = Seat(arrangement=arrangement, leader=LeaderFactory(), row=1, position=0, is_host=True)
    assert "An arrangement has one host." in messages_of(second_host)


def test_unknown_occupants_may_fill_several_seats():
    arrangement = ArrangementFactory()
    Seat.objects.create(arrangement=arrangement, leader=None, position=3)
    Seat.objects.create(arrangement=arrangement, leader=None, position=4)
    assert arrangement.seats.count() == 2


def test_a_quote_must_occur_word_for_word_in_the_stored_source_text():
    source = SourceFactory(title="Parade report")
    citation = Citation(source=source, event=EventFactory(), quote="Kim will sit at the right of Xi.")
    assert "does not occur word for word in “Parade report”" in messages_of(citation)
    citation.quote = "Kremlin officials said Kim will be seated to the left of Xi Jinping."
    citation.full_clean()


def test_a_source_whose_text_we_do_not_hold_cannot_be_quoted_only_referenced():
    source = SourceFactory(full_text="", outlet="Yonhap", url="https://example.org/report")
    quoted = Citation(source=source, event=EventFactory(), quote="Words from print.")
    assert "cite it as a reference" in messages_of(quoted)
    referenced = Citation(
        source=source, event=EventFactory(), kind="reference", statement="Says Kim arrived by train.", locator="para 2"
    )
    referenced.full_clean()


def test_a_reference_is_in_our_words_and_names_where_to_find_it():
    unknown = SourceFactory(full_text="", outlet="", url="")
    nowhere = Citation(source=unknown, event=EventFactory(), kind="reference", statement="Says so.")
    assert "needs its source's outlet and address" in messages_of(nowhere)
    source = SourceFactory(full_text="", outlet="Yonhap", url="https://example.org/report")
    both = Citation(source=source, event=EventFactory(), kind="reference", statement="Says so.", quote="Says so.")
    assert saving_fails(both), "a reference carries no quote"
    empty = Citation(source=source, event=EventFactory(), kind="reference")
    assert saving_fails(empty), "a reference states something"


def test_a_citation_backs_exactly_one_claim():
    event = EventFactory()
    participation = ParticipationFactory(event=event)
    both = Citation(source=SourceFactory(), quote="x", event=event, participation=participation)
    assert "A citation backs exactly one event, participation, seat or office." in messages_of(both)
    assert saving_fails(both)
    neither = Citation(source=SourceFactory(), quote="x")
    assert saving_fails(neither)


def test_country_codes_are_two_capital_letters():
    assert "two capital letters of ISO 3166-1" in messages_of(Country(name="Atlantis", iso_code="at"))


def test_coordinates_come_in_pairs():
    place = Place(name="Somewhere", slug="somewhere", country=CountryFactory(), latitude=39.9)
    assert "Give both latitude and longitude, or neither." in messages_of(place)


def test_only_one_collection_is_featured():
    CollectionFactory(featured=True)
    second = CollectionFactory.build(featured=True)
    assert "Another collection is already featured" in messages_of(second)


@pytest.mark.parametrize("query", ["Kim Jong Un", "Kim Jong-un", "kim jong un", "KIM JONG-UN", "Jong-Un", "김정은"])
def test_leaders_are_found_by_any_spelling(query):
    kim = LeaderFactory(name="Kim Jong-un", native_name="김정은", aliases="Kim Jong Un")
    LeaderFactory(name="Kim Il-sung", aliases="Kim Il Sung")
    assert list(Leader.objects.matching(query)) == [kim]


def test_event_search_matches_titles_and_participants_aliases_without_duplicates():
    kim = LeaderFactory(name="Kim Jong-un", aliases="Kim Jong Un")
    parade = EventFactory(title="Beijing military parade")
    ParticipationFactory(event=parade, leader=kim)
    ParticipationFactory(event=parade, leader=LeaderFactory(name="Xi Jinping"))
    visit = EventFactory(title="Kim Jong-un's visit to Beijing")
    EventFactory(title="Lee Jae Myung in Washington")

    assert set(Event.objects.search("kim jong un")) == {parade, visit}
    assert list(Event.objects.search("military-parade")) == [parade]
    assert Event.objects.search("nobody at all").count() == 0


def test_a_search_can_join_a_participants_name_and_words_of_the_title():
    parade = EventFactory(title="Beijing military parade")
    ParticipationFactory(event=parade, leader=LeaderFactory(name="Kim Jong-un"))
    EventFactory(title="Moscow military parade")
    assert list(Event.objects.search("kim jong un parade")) == [parade]


def test_the_search_follows_participants_as_editors_change_them():
    putin = LeaderFactory(name="Vladimir Putin")
    parade = EventFactory(title="Beijing military parade")
    assert Event.objects.search("putin").count() == 0
    taking_part = ParticipationFactory(event=parade, leader=putin)
    assert list(Event.objects.search("putin")) == [parade]
    putin.aliases = "Vladimir Vladimirovich Putin"
    putin.save()
    assert list(Event.objects.search("vladimirovich")) == [parade]
    taking_part.delete()
    assert Event.objects.search("putin").count() == 0
    parade.title = "Victory Day parade"
    parade.save()
    assert list(Event.objects.search("victory")) == [parade]


def test_citations_of_a_deleted_source_are_protected():
    citation = CitationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        citation.source.delete()
