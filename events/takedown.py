"""Takedowns: an event, or one version of it, withdrawn for legal or safety reasons.

A ``Withdrawal`` row is all it takes for pinned views: ``events.pinning`` reads a
withdrawn event through its history, without the versions withdrawn. What the live
pages show is taken down here, by unpublishing the event when they show what is withdrawn.
"""

from django.db import transaction

from .models import Event, Status


@transaction.atomic
def withdraw(withdrawal, user):
    """Save ``withdrawal`` (its event, version and reason set) as made by ``user`` now, naming
    the event as it was; returns the live event if this unpublished it, else None."""
    event = Event.objects.filter(pk=withdrawal.event_id).first()
    records = Event.history.filter(id=withdrawal.event_id).order_by("-history_date", "-history_id")
    latest = records.first()
    named = records.get(history_id=withdrawal.version) if withdrawal.version else event or latest
    withdrawal.slug, withdrawal.title = named.slug, named.title
    withdrawal.withdrawn_by = user
    withdrawal.save()
    # The live page shows the current version: it goes too when that is what is withdrawn.
    current = not withdrawal.version or (latest and latest.history_id == withdrawal.version)
    if event is None or event.status != Status.PUBLISHED or not current:
        return None
    event.status = Status.DRAFT
    event._change_reason = "Withdrawn (take down)"
    event._history_user = user
    event.save()
    return event
