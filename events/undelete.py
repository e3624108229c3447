"""Undoing a deletion: an event restored from its history brings back what was
deleted with it (its participants, seating, citations and places in collections),
as they were when it went."""

import datetime

from django.db import transaction
from django.db.models import Q

from .models import Citation, CollectionEntry, Event, Participation, Seat, SeatingArrangement

# Deleted together means deleted in the same request: within a few seconds of the event.
TOGETHER = datetime.timedelta(seconds=10)


def deleted_with(model, when, condition):
    """The last versions of ``model`` rows matching ``condition`` deleted around ``when``
    that are not back already."""
    records = model.history.filter(condition, history_type="-", history_date__range=(when - TOGETHER, when + TOGETHER))
    existing = set(model.objects.filter(pk__in=records.values("id")).values_list("pk", flat=True))
    return [record for record in records.order_by("history_id") if record.id not in existing]


@transaction.atomic
def restore_children(event):
    """Bring back the rows deleted with ``event``; how many of each."""
    deletion = Event.history.filter(id=event.pk, history_type="-").order_by("-history_date").first()
    if deletion is None:
        return {}
    when, restored = deletion.history_date, {}

    def bring_back(model, records):
        for record in records:
            record.instance.save()
        if records:
            meta = model._meta
            restored[meta.verbose_name if len(records) == 1 else meta.verbose_name_plural] = len(records)
        return [record.id for record in records]

    participations = bring_back(Participation, deleted_with(Participation, when, Q(event_id=event.pk)))
    arrangements = bring_back(SeatingArrangement, deleted_with(SeatingArrangement, when, Q(event_id=event.pk)))
    seats = bring_back(Seat, deleted_with(Seat, when, Q(arrangement_id__in=arrangements)))
    cited = Q(event_id=event.pk) | Q(participation_id__in=participations) | Q(seat_id__in=seats)
    bring_back(Citation, deleted_with(Citation, when, cited))
    bring_back(CollectionEntry, deleted_with(CollectionEntry, when, Q(event_id=event.pk)))
    return restored
