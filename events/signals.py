"""Derived data kept in step with what editors write: every receiver of the app, in one place.

Three things are derived from the rows editors write:

- an event's search text: its title, summary and its participants' names (``Event.search_text``);
- the published events per lane and year (``LaneCount``, counted by ``events.counts``);
- the data version that cached pages are kept under (``events.cache``).

A save or a delete through the ORM sends signals, and the receivers here (connected in
``EventsConfig.ready()``) bring all three up to date at once. A bulk write (``bulk_create``,
``bulk_update``, ``QuerySet.update``, the raw saves of a restore) sends none: whoever writes in
bulk calls ``bulk_written()`` afterwards, in the same transaction. A writer that saves many rows
one by one (the dataset, an imported article) does so within ``bulk_write()``: the receivers then
only note what they would have refreshed, and it is refreshed once, at the end.

A raw save (``loaddata``, ``manage.py restore``) is left alone by every receiver: the restored
rows arrive with their derived fields, and the restore calls ``bulk_written()`` when done.
"""

import contextlib
import contextvars
import logging

from django.db import transaction
from django.db.models import QuerySet

from . import counts
from .cache import bump_data_version
from .models import Country, Event, Leader, Status, event_search_text

# Events refreshed per query when many are: a query's parameters are limited (SQLite).
BATCH = 500


def in_batches(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), BATCH):
        yield Event.objects.filter(pk__in=ids[start : start + BATCH])


def refresh(events, years, renew):
    """Work out again the search text of ``events`` (a queryset of events, or their ids) and the
    counts of ``years``, None meaning all of them; renew the data version if ``renew``."""
    if events is None:
        Event.objects.all().refresh_search_text()
    elif isinstance(events, QuerySet):
        events.refresh_search_text()
    else:
        for batch in in_batches(events):
            batch.refresh_search_text()
    if years is None:
        counts.rebuild()
    elif years:
        counts.refresh(years)
    if renew:
        bump_data_version()


class Pending:
    """What a ``bulk_write()`` refreshes when it ends, as ``refresh()`` takes it: event ids, years
    (None: all of them), and whether the data version is to be renewed."""

    def __init__(self):
        self.events, self.years, self.renew = set(), set(), False

    def note(self, events, years, renew):
        if events is None or self.events is None:
            self.events = None
        else:
            self.events.update(events.values_list("pk", flat=True) if isinstance(events, QuerySet) else events)
        self.years = None if years is None or self.years is None else self.years | set(years)
        self.renew = self.renew or renew


_pending = contextvars.ContextVar("newsdash_pending_refresh", default=None)


def keep(events=(), years=(), renew=False):
    """``refresh()`` at once, or when the ``bulk_write()`` around it ends."""
    pending = _pending.get()
    if pending is None:
        refresh(events, years, renew)
    else:
        pending.note(events, years, renew)


def bulk_written(events=None):
    """Bring the derived data in step after a bulk write, which sends no signal; call it in the
    writer's transaction, once the rows are written.

    Without ``events`` (after a write that may have touched anything): every event's search text is
    worked out again, the counts are rebuilt, and the data version is renewed, once. With ``events``
    (a queryset, instances or ids), when the write changed only these events and moved none into
    another year (a change of status): their search text and the counts of their years."""
    if events is None:
        keep(events=None, years=None, renew=True)
        return
    if isinstance(events, QuerySet):
        keep(events=events, years=counts.years_of(events), renew=True)
        return
    ids = {getattr(event, "pk", event) for event in events}
    years = set().union(*(counts.years_of(batch) for batch in in_batches(ids)))
    keep(events=ids, years=years, renew=True)


@contextlib.contextmanager
def bulk_write():
    """Save many rows one by one in one transaction, and bring the derived data in step once at
    the end rather than after every row: the receivers note what each save would refresh, and
    it is refreshed (each event's search text and each year's counts once) before the commit.
    Also a decorator. Within another ``bulk_write()``, the outer one refreshes."""
    if _pending.get() is not None:
        yield
        return
    pending = Pending()
    with transaction.atomic():
        token = _pending.set(pending)
        try:
            yield
        finally:
            _pending.reset(token)
        refresh(pending.events, pending.years, pending.renew)


# Receivers.


def bump_on_change(sender, raw=False, **kwargs):
    """Any saved or deleted record of ours may change what a cached page shows."""
    if not raw:
        keep(renew=True)


def log_admin_change(sender, instance, created, raw=False, **kwargs):
    """Every change made through the admin, in the log as well as in the admin's history.
    Not the old entries a restored backup brings back (raw): those changes were logged when made."""
    if created and not raw:
        logging.getLogger("newsdash.admin").info(
            "%s %s %s %s %r: %s",
            instance.user,
            {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, "touched"),
            instance.content_type.model if instance.content_type_id else "object",
            instance.object_id,
            instance.object_repr,
            instance.get_change_message() or "no fields changed",
        )


def fill_search_text(sender, instance, raw=False, **kwargs):
    """An event saved: its search text from its title, summary and participants as they are now."""
    if not raw:
        names = instance.participations.values_list("leader__search_names", flat=True) if instance.pk else []
        instance.search_text = event_search_text(instance.title, instance.summary, names)


def participant_changed(sender, instance, raw=False, **kwargs):
    """A participant added, changed or removed: the event's search text holds the participants' names,
    and the event counts in the participant's lanes."""
    if not raw:
        published = Event.objects.published().filter(pk=instance.event_id)
        keep(events=[instance.event_id], years=counts.years_of(published))


def remember_names(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._names_before = Leader.objects.filter(pk=instance.pk).values_list("search_names", flat=True).first()


def leader_renamed(sender, instance, raw=False, **kwargs):
    """A new name or alias must find the leader's events; any other edit leaves their thousands
    of events alone."""
    before = getattr(instance, "_names_before", None)
    if not raw and before is not None and before != instance.search_names:
        keep(events=Event.objects.filter(participations__leader=instance))


# What a save may change in the counts: the fields that place an event in a lane and a year.
COUNTED = {Event: ("start_date", "status", "kind"), Leader: ("name", "country_id"), Country: ("name",)}


def remember_counted(sender, instance, **kwargs):
    if instance.pk:
        instance._counted = sender.objects.filter(pk=instance.pk).values(*COUNTED[sender]).first()


def counted_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_counted", None)
    if not created and before == {name: getattr(instance, name) for name in COUNTED[sender]}:
        return
    if sender is Event:
        # From the database: the instance may still hold its date as the text it was given.
        years = counts.years_of(Event.objects.filter(pk=instance.pk)) | {before and before["start_date"].year}
    elif sender is Leader:
        years = counts.years_of(Event.objects.filter(participations__leader=instance))
    else:
        years = counts.years_of(Event.objects.filter(participations__leader__country=instance))
    keep(years=years)


def event_deleted(sender, instance, **kwargs):
    if instance.status == Status.PUBLISHED:
        keep(years={instance.start_date.year})


def rebuild_counts(using="default", **kwargs):
    """After any migration (or a flush) the counts are counted afresh."""
    counts.rebuild(using)
