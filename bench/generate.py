"""Fill a database with a realistic synthetic newsroom: N events and what cites them.

    python bench/generate.py 100000            # the database DATABASE_URL names (SQLite by default)

Proportions follow the product's scale target (100,000 events, 5,000 leaders,
20,000 sources): a leader per 20 events, a source per 5, two to four
participants and a citation per event and per participation, a seated rostrum
for one event in twenty. Bulk inserts, so the fields ``save()`` derives are set
here too, and ``signals.bulk_written()`` works out the search text and counts.
Deterministic: the same N gives the same data.
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdash.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from events import dates, signals  # noqa: E402
from events.models import (  # noqa: E402
    Citation,
    Collection,
    CollectionEntry,
    Country,
    Event,
    Leader,
    Participation,
    Place,
    Seat,
    SeatingArrangement,
    Source,
    Status,
    folded_names,
)

BATCH = 5000
WORDS = [
    "summit",
    "parade",
    "visit",
    "talks",
    "treaty",
    "reception",
    "deployment",
    "rally",
    "meeting",
    "accord",
    "border",
    "trade",
    "envoy",
]
SYLLABLES = [
    "kim",
    "lee",
    "park",
    "xi",
    "li",
    "wang",
    "zhang",
    "vlad",
    "ser",
    "and",
    "rew",
    "mar",
    "ia",
    "jo",
    "han",
    "sun",
    "min",
    "hae",
    "ryong",
    "jin",
    "ping",
    "put",
]


def name(rng):
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2))).capitalize() for _ in range(rng.randint(2, 3))
    )


def generate(n, seed=1959):
    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    # One transaction, in which deleting the last run's rows refreshes nothing row by row.
    with signals.bulk_write():
        for model in (Citation, Seat, SeatingArrangement, CollectionEntry, Collection, Participation, Event):
            model.objects.all().delete()
        for model in (Place, Leader, Source, Country):
            model.objects.all().delete()

        countries = Country.objects.bulk_create(
            [Country(name=f"Country {a}{b}", iso_code=f"{a}{b}") for a in "ABCDEFGH" for b in "ABCDEFGH"][:60]
        )
        places = Place.objects.bulk_create(
            [
                Place(
                    name=f"Square {i}",
                    slug=f"square-{i}",
                    city=f"City {i % 80}",
                    country=rng.choice(countries),
                    latitude=round(rng.uniform(-60, 60), 4),
                    longitude=round(rng.uniform(-170, 170), 4),
                )
                for i in range(200)
            ]
        )
        leaders = []
        for i in range(max(20, min(5000, n // 20))):
            full = f"{name(rng)} {i}"
            aliases = full.replace(" ", "-", 1)
            leaders.append(
                Leader(
                    name=full,
                    slug=f"leader-{i}",
                    aliases=aliases,
                    country=rng.choice(countries),
                    search_names=folded_names(full, "", aliases),
                )
            )
        leaders = Leader.objects.bulk_create(leaders, batch_size=BATCH)
        sources = Source.objects.bulk_create(
            [
                Source(title=f"Report {i}", slug=f"report-{i}", outlet=f"Outlet {i % 40}")
                for i in range(max(5, min(20000, n // 5)))
            ],
            batch_size=BATCH,
        )

        first = datetime.date(1950, 1, 1).toordinal()
        span = datetime.date(2025, 12, 31).toordinal() - first
        events, chosen = [], []
        for i in range(n):
            chosen.append(rng.sample(leaders, rng.randint(2, 4)))
            start = datetime.date.fromordinal(first + rng.randrange(span))
            precision = rng.choices(["day", "month", "year"], weights=[80, 12, 8])[0]
            start = dates.normalise(start, precision)
            title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}"
            summary = f"{title} reported by the press."
            events.append(
                Event(
                    title=title,
                    slug=f"event-{i}",
                    kind=rng.choice(Event.Kind.values),
                    start_date=start,
                    start_precision=precision,
                    period_end=dates.period_end(start, precision),
                    place=rng.choice(places) if rng.random() < 0.8 else None,
                    summary=summary,
                    reported_as=rng.choices(Event.ReportedAs.values, weights=[88, 7, 3, 2])[0],
                    status=Status.PUBLISHED if rng.random() < 0.97 else Status.DRAFT,
                )
            )
        events = Event.objects.bulk_create(events, batch_size=BATCH)

        participations = []
        for event, participants in zip(events, chosen, strict=True):
            for leader in participants:
                participations.append(Participation(event=event, leader=leader, role=rng.choice(["host", "guest"])))
        participations = Participation.objects.bulk_create(participations, batch_size=BATCH)

        arrangements = SeatingArrangement.objects.bulk_create(
            [SeatingArrangement(event=event, name="Rostrum") for event in events[::20]], batch_size=BATCH
        )
        seats = []
        by_event = {}
        for participation in participations:
            by_event.setdefault(participation.event_id, []).append(participation.leader_id)
        for arrangement in arrangements:
            for position, leader_id in enumerate(by_event[arrangement.event_id]):
                seats.append(
                    Seat(arrangement=arrangement, leader_id=leader_id, position=position, is_host=position == 0)
                )
        seats = Seat.objects.bulk_create(seats, batch_size=BATCH)

        citations = [Citation(source=rng.choice(sources), quote=e.summary, event=e) for e in events]
        citations += [Citation(source=rng.choice(sources), quote="Named.", participation=p) for p in participations]
        citations += [Citation(source=rng.choice(sources), quote="Seated.", seat=s) for s in seats]
        Citation.objects.bulk_create(citations, batch_size=BATCH)

        collection = Collection.objects.create(title="Everything", slug="everything", status="published", featured=True)
        CollectionEntry.objects.bulk_create(
            [CollectionEntry(collection=collection, event=e, order=i) for i, e in enumerate(events[:500])]
        )
        signals.bulk_written()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a live database would have
    return {
        "events": n,
        "leaders": len(leaders),
        "sources": len(sources),
        "participations": len(participations),
        "seats": len(seats),
        "citations": len(citations),
        "seconds": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
