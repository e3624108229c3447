"""What changed since a pinned link's moment, among the events its view shows: the
banner of a pinned page ("Since this link was made: 1 date corrected").

``pinned`` reads the view's changed events live, then enters the snapshot
(events.pinning) and reads them as they were; ``compare`` tells the difference.
"""

import collections
import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models.functions import Coalesce
from django.urls import reverse

from . import dates
from .pinning import format_moment, model, snapshot


@dataclass
class Change:
    title: str
    what: str  # one of LABELS
    detail: str = ""
    url: str = ""  # the event's page now, if it is still published


LABELS = {
    "added": ("event added", "events added"),
    "removed": ("event removed", "events removed"),
    "date corrected": ("date corrected", "dates corrected"),
    "edited": ("event edited", "events edited"),
    "source disputed": ("source disputed", "sources disputed"),
}


@dataclass
class Pin:
    moment: datetime.datetime
    current_url: str  # the same view, live
    changes: list = field(default_factory=list)

    @property
    def as_of(self):
        return format_moment(self.moment)

    @property
    def summary(self):
        """ "3 events added, 1 date corrected, 1 source disputed"."""
        tally = collections.Counter(change.what for change in self.changes)
        return ", ".join(f"{tally[what]} {labels[tally[what] != 1]}" for what, labels in LABELS.items() if tally[what])


# What an event's row is compared on: its dates, then what else a view shows of it.
DATED = ["start_date", "start_precision", "start_qualifier", "end_date", "end_precision"]
SHOWN = ["slug", "title", "summary", "kind", "reported_as", "place_id"]


class Reading:
    """A view's share of what changed since a moment, read at one time: of the view's
    ``events`` then, those changed, their participants, and which changed citations dispute."""

    def __init__(self, events, touched, disputing):
        Participation, Citation = map(model, ["Participation", "Citation"])
        rows = events.filter(pk__in=touched).values("pk", *DATED, *SHOWN)
        self.events = {row["pk"]: row for row in rows}
        self.people = collections.defaultdict(set)
        for event_id, leader_id in Participation.objects.filter(event__in=touched).values_list("event", "leader"):
            self.people[event_id].add(leader_id)
        about = Coalesce("event_id", "participation__event_id", "seat__arrangement__event_id")
        citations = Citation.objects.filter(pk__in=disputing, stance="disputes").values(
            "pk", "source__title", about=about
        )
        self.disputes = {row["pk"]: row for row in citations}
        about = [row["about"] for row in self.disputes.values() if row["about"]]
        covered = events.filter(pk__in=about).values("pk", "title", "slug") if about else []
        self.covered = {row["pk"]: row for row in covered}


def compare(then, now):
    changes = []
    for pk in sorted(then.events.keys() | now.events.keys()):
        before, after = then.events.get(pk), now.events.get(pk)
        if not before:
            changes.append(Change(after["title"], "added", url=url_of(after)))
        elif not after:
            changes.append(Change(before["title"], "removed"))
        elif any(before[name] != after[name] for name in DATED):
            changes.append(
                Change(
                    after["title"], "date corrected", f"{dates.display(before)} → {dates.display(after)}", url_of(after)
                )
            )
        elif any(before[name] != after[name] for name in SHOWN) or then.people[pk] != now.people[pk]:
            changes.append(Change(after["title"], "edited", url=url_of(after)))
    for pk, citation in now.disputes.items():
        event = now.covered.get(citation["about"])
        if pk not in then.disputes and event:
            changes.append(Change(event["title"], "source disputed", f"by {citation['source__title']}", url_of(event)))
    order = list(LABELS)
    return sorted(changes, key=lambda change: order.index(change.what))


def url_of(row):
    return reverse("events:event_detail", kwargs={"slug": row["slug"]})


@contextmanager
def pinned(moment, narrow, current_url):
    """Reads the view's changes since ``moment`` live, then enters the snapshot and reads
    them as they were; yields the ``Pin`` a page shows. ``narrow(events, at)`` picks the
    view's events, its link read as of ``at``: None (today) before the snapshot, then
    ``moment`` within it."""
    Event, Participation, Citation = map(model, ["Event", "Participation", "Citation"])
    later = {"history_date__gt": moment}
    touched = set(Event.history.filter(**later).values_list("id", flat=True))
    touched |= set(Participation.history.filter(**later).values_list("event_id", flat=True))
    disputing = set(Citation.history.filter(**later, stance="disputes").values_list("id", flat=True))
    now = Reading(narrow(Event.objects.published(), at=None), touched, disputing)
    with snapshot(moment):
        then = Reading(narrow(Event.objects.published(), at=moment), touched, disputing)
        yield Pin(moment, current_url, compare(then, now))
