"""``TimelineQuery``: the view a link asks for, the app's central value.

Made once per request from the URL (``events.forms.TimelineForm.query``), it picks
the events (``apply``), names the view in words (``describe``) and writes it back as a
link (``querystring``). A pinned link's moment is part of it, so whatever it reaches
(the explorer, the counts, the cache) is told the moment rather than looking for it.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .dates import Precision
from .lanes import Lanes
from .models import Event
from .pinning import format_moment


@dataclass
class TimelineQuery:
    q: str = ""
    leaders: dict = field(default_factory=dict)  # slug -> name
    countries: dict = field(default_factory=dict)  # ISO code -> name
    kinds: list = field(default_factory=list)
    precisions: list = field(default_factory=list)
    date_from: object = None
    date_to: object = None
    from_text: str = ""
    to_text: str = ""
    lanes: str = Lanes.LEADER
    collection: object = None
    event: str = ""
    view: list = None
    page: int = 1
    moment: datetime.datetime | None = None  # a pinned link's (events.pinning); None for a live view

    @property
    def as_of(self):
        """The pinned moment as a link writes it, kept in every link the view makes; "" when live."""
        return format_moment(self.moment) if self.moment else ""

    def apply(self, events):
        if self.q:
            events = events.search(self.q)
        if self.leaders:
            events = events.for_leaders(list(self.leaders))
        if self.countries:
            events = events.in_countries(list(self.countries))
        if self.kinds:
            events = events.of_kinds(self.kinds)
        if self.precisions:
            events = events.at_precisions(self.precisions)
        if self.collection:
            events = events.in_collection(self.collection)
        return events.overlapping(self.date_from, self.date_to)

    @property
    def everything(self):
        """Whether the query shows every published event as it is now: what the counts
        kept per lane and year (events.counts) answer."""
        return not self.narrowed and self.moment is None

    @property
    def narrowed(self):
        """Whether the query leaves out any published event."""
        return any(
            [self.q, self.leaders, self.countries, self.kinds, self.precisions]
            + [self.date_from, self.date_to, self.collection, self.view]
        )

    def params(self, **changes):
        """The query string's parameters, in a stable order."""
        values = {
            "q": self.q,
            "leader": list(self.leaders),
            "country": list(self.countries),
            "kind": self.kinds,
            "precision": self.precisions,
            "from": self.from_text,
            "to": self.to_text,
            "collection": self.collection.slug if self.collection else "",
            "lanes": "" if self.lanes == Lanes.LEADER else self.lanes,
            "view": f"{self.view[0]}..{self.view[1]}" if self.view else "",
            "page": self.page if self.page > 1 else "",
            "event": self.event,
            "as_of": self.as_of,
        } | changes
        return [
            (key, item)
            for key, value in values.items()
            for item in (value if isinstance(value, list) else [value])
            if item
        ]

    def querystring(self, **changes):
        params = self.params(**changes)
        return "?" + urlencode(params, safe=":") if params else ""

    def describe(self, count, years=None):
        """One line for the reader and for screen readers: what this view shows."""
        parts = [f"{count:,} event{'' if count == 1 else 's'}"]
        if years:
            first, last = years
            parts.append(str(first) if first == last else f"{first}–{last}")
        parts.append(f"lanes by {Lanes(self.lanes).label.lower()}")
        filters = []
        if self.collection:
            filters.append(f"in “{self.collection.title}”")
        if self.leaders:
            filters.append("filtered to " + ", ".join(self.leaders.values()))
        if self.countries:
            filters.append("in or with " + ", ".join(self.countries.values()))
        if self.kinds:
            filters.append("kinds: " + ", ".join(str(Event.Kind(k).label).lower() for k in self.kinds))
        if self.precisions:
            filters.append("dated to the " + " or ".join(str(Precision(p).label).lower() for p in self.precisions))
        if self.from_text or self.to_text:
            filters.append(f"from {self.from_text or 'the start'} to {self.to_text or 'now'}")
        if self.q:
            filters.append(f"matching “{self.q}”")
        return ", ".join(parts + filters)
