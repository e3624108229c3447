"""Published events per lane and year (``LaneCount``), kept in step with the data.

Counting 100,000 events per lane means joining every participation; these rows
hold the answer for the unfiltered timeline. Every save or delete that can move
an event between lanes or years refreshes the years it touches, and a bulk write
rebuilds them (events.signals keeps them in step). A test compares the rows with
a fresh count.
"""

import datetime

from django.db import connections, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from .lanes import Lanes
from .models import Event, EventQuerySet, LaneCount, Leader


def lane_cells(events):
    """A ``LaneCount`` per lane and year of ``events``, counted by the database."""
    for lanes, field in EventQuerySet.LANE_FIELDS.items():
        cells = (
            events.order_by()
            .values(year=ExtractYear("start_date"), lane=F(field))
            .annotate(
                count=Count("pk", distinct=lanes == Lanes.COUNTRY),
                first_day=Min("start_date"),
                last_day=Max("period_end"),
            )
        )
        for cell in cells:
            if cell["lane"] is not None:
                yield LaneCount(lanes=lanes, **cell)


def in_years(years):
    spans = Q()
    for year in years:
        spans |= Q(start_date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    return spans


def counting_alone(using="default"):
    """Wait until no other transaction is counting, and keep the others waiting until this
    one commits. Two counting at once would each count without the other's edits, the
    later one writing its wrong counts over the first's (or clashing with its new rows).
    PostgreSQL: a table lock that plain reads pass. SQLite takes its write lock when a
    transaction begins (settings: transaction_mode IMMEDIATE), so writers already wait."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(LaneCount._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def refresh(years):
    """Count the years again, then the totals of every lane they touch."""
    years = sorted({year for year in years if year})
    if not years:
        return
    counting_alone()
    stale = LaneCount.objects.filter(year__in=years)
    touched = set(stale.values_list("lanes", "lane"))
    stale.delete()
    events = Event.objects.published().filter(in_years(years))
    rows = list(lane_cells(events))
    LaneCount.objects.bulk_create(rows)
    touched |= {(row.lanes, row.lane) for row in rows}
    for lanes in Lanes.values:
        names = [lane for kind, lane in touched if kind == lanes]
        if names:
            recount_totals(LaneCount.objects.filter(lanes=lanes, lane__in=names))


def rebuild(using="default"):
    """Every row again, after bulk writes that send no signals."""
    if LaneCount._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the counts existed
    with transaction.atomic(using=using):
        counting_alone(using)
        counts = LaneCount.objects.using(using)
        counts.all().delete()
        counts.bulk_create(lane_cells(Event.objects.using(using).published()), batch_size=5000)
        recount_totals(counts.all())


def recount_totals(rows):
    rows.filter(year__isnull=True).delete()
    totals = (
        rows.filter(year__isnull=False)
        .values("lanes", "lane")
        .annotate(count=Sum("count"), first_day=Min("first_day"), last_day=Max("last_day"))
        .order_by()
    )
    LaneCount.objects.using(rows.db).bulk_create([LaneCount(**row) for row in totals], batch_size=5000)


def years_of(events):
    return set(events.order_by().values_list(ExtractYear("start_date"), flat=True).distinct())


# What a view asks of the counts. The rows answer a view of every published event as it
# is now (``TimelineQuery.everything``); a narrowed view counts its own events, and a
# pinned one its own past, which the rows do not hold. Callers need not know which.


def stats(query, events):
    """The view's number of events and first and last days (``EventQuerySet.stats``)."""
    return kept_stats() if query.everything else events.stats()


def density(query, events, unit):
    """The view's events counted per lane and ``unit`` (``EventQuerySet.density``)."""
    if query.everything and unit == "year":
        return kept_density(query.lanes)
    return events.density(unit, query.lanes)


def participant_countries(moment=None):
    """A filter of countries to those of leaders in published events: the country lanes
    counted here, or, for a view pinned to ``moment``, read from its past."""
    if moment is None:
        return Q(name__in=LaneCount.objects.filter(lanes=Lanes.COUNTRY, year__isnull=True).values("lane"))
    return Q(pk__in=Leader.objects.filter(participations__event__in=Event.objects.published()).values("country"))


def kept_density(lanes, top=30):
    """Every published event's cells at yearly resolution, as ``EventQuerySet.density``
    gives them: one query, its busiest lanes chosen by their totals."""
    busiest = LaneCount.objects.filter(lanes=lanes, year__isnull=True).order_by("-count", "lane").values("lane")[:top]
    cells = LaneCount.objects.filter(lanes=lanes, year__isnull=False, lane__in=busiest).order_by("year", "lane")
    labels = dict(Event.Kind.choices) if lanes == Lanes.KIND else {}
    return [
        {"lane": str(labels.get(cell.lane, cell.lane)), "start": datetime.date(cell.year, 1, 1), "count": cell.count}
        for cell in cells
    ]


def kept_stats():
    """``EventQuerySet.stats()`` of every published event, from the kinds' totals."""
    return LaneCount.objects.filter(lanes=Lanes.KIND, year__isnull=True).aggregate(
        count=Coalesce(Sum("count"), 0), first=Min("first_day"), last=Max("last_day")
    )
