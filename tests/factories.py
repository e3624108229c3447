import datetime

import factory

from events.models import (
    Citation,
    Collection,
    Country,
    Event,
    Leader,
    Participation,
    Place,
    Seat,
    SeatingArrangement,
    Source,
    Status,
)

SOURCE_TEXT = (
    "Kim Jong Un will attend the parade in Beijing. "
    "Kremlin officials said Kim will be seated to the left of Xi Jinping. "
    "Putin will sit to Xi's right."
)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["iso_code"]

    iso_code = factory.Iterator(["KP", "CN", "RU", "US", "KR"])
    name = factory.LazyAttribute(
        lambda c: {"KP": "North Korea", "CN": "China", "RU": "Russia"}.get(c.iso_code, c.iso_code)
    )


class LeaderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Leader

    name = factory.Sequence(lambda n: f"Leader {n}")
    slug = factory.Sequence(lambda n: f"leader-{n}")
    country = factory.SubFactory(CountryFactory)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Square {n}")
    slug = factory.Sequence(lambda n: f"square-{n}")
    city = "Beijing"
    country = factory.SubFactory(CountryFactory, iso_code="CN")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    slug = factory.Sequence(lambda n: f"report-{n}")
    full_text = SOURCE_TEXT


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.PARADE
    start_date = datetime.date(2025, 9, 3)
    place = factory.SubFactory(PlaceFactory)
    status = Status.PUBLISHED


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory)
    leader = factory.SubFactory(LeaderFactory)
    role = Participation.Role.GUEST


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    source = factory.SubFactory(SourceFactory)
    quote = "Kim Jong Un will attend the parade in Beijing."
    event = factory.SubFactory(EventFactory)


class ArrangementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatingArrangement

    event = factory.SubFactory(EventFactory)
    name = "Rostrum"


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    arrangement = factory.SubFactory(ArrangementFactory)
    leader = factory.SubFactory(LeaderFactory)
    position = factory.Sequence(lambda n: n + 1)


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collection

    title = factory.Sequence(lambda n: f"Collection {n}")
    slug = factory.Sequence(lambda n: f"collection-{n}")
    status = Status.PUBLISHED
