"""The overview strip under the timeline: every date the view's filters cover, however far
the chart is zoomed in, with the part in view as a window the reader drags or resizes.

A pure function of the events counted per period (``EventQuerySet.density``, summed over
lanes) and the range in view, tested without a database. Positions are percentages of the
strip's width, so one drawing fits a phone and a wide screen alike. An outlier such as the
1959 parade, left out of the range a view opens on, stays visible here as a bar outside
the window.
"""

import datetime
from dataclasses import dataclass

from .dates import period_end  # a unit (day, month, year) is named as a precision is
from .svg import ticks

MIN_BAR = 0.5  # percent: a period with one event is still a bar a reader sees
MARGIN = 0.02  # of the whole range, on either side, so the first and last bars are whole
MARGIN_DAYS = 15  # at least: a strip of one day's events still spans a month


@dataclass(frozen=True)
class Bar:
    left: float  # percent of the strip's width
    width: float
    height: float  # 0..1 of the strip's height
    count: int
    label: str  # for the hover: "1959: 1 event"

    @property
    def percent(self):
        return round(100 * self.height, 1)

    @property
    def top(self):
        return round(100 - 100 * self.height, 1)


@dataclass(frozen=True)
class Tick:
    left: float
    label: str


@dataclass(frozen=True)
class Strip:
    bars: list
    ticks: list
    left: float  # the window's left edge, percent
    width: float  # its width, percent
    first: datetime.date  # the strip's first and last days, which the percentages are of
    last: datetime.date
    shown: tuple  # the window's first and last days

    @property
    def words(self):
        """The window as a screen reader hears it."""
        first, last = self.shown
        if first.year == last.year:
            return f"{first:%-d %B} to {last:%-d %B %Y}"
        return f"{first:%B %Y} to {last:%B %Y}"


def periods(cells):
    """(start, count) of each period, from cells counted per lane and period of one event each."""
    totals = {}
    for cell in cells:
        totals[cell["start"]] = totals.get(cell["start"], 0) + cell["count"]
    return sorted(totals.items())


def label_of(start, unit, count):
    when = {"year": "{:%Y}", "month": "{:%B %Y}", "day": "{:%-d %B %Y}"}[unit].format(start)
    return f"{when}: {count} event{'' if count == 1 else 's'}"


def strip(counted, unit, shown):
    """The strip of ``counted`` periods ((start, count) by ``unit``), its window over
    ``shown`` (two day numbers; the part of it on the strip); None when nothing is counted."""
    if not counted:
        return None
    # The events' own dates, not the view's: the strip stays put however the view moves.
    first = counted[0][0].toordinal()
    last = period_end(counted[-1][0], unit).toordinal()
    margin = max((last - first) * MARGIN, MARGIN_DAYS)
    first, last = max(first - margin, 1), min(last + margin, datetime.date.max.toordinal())
    span = last - first

    def percent(day):
        return round(100 * (day - first) / span, 3)

    most = max(count for _, count in counted)
    bars = []
    for start, count in counted:
        left = percent(start.toordinal())
        width = max(percent(period_end(start, unit).toordinal() + 1) - left, MIN_BAR)
        bars.append(
            Bar(left, round(width, 3), round(0.3 + 0.7 * (count / most) ** 0.5, 3), count, label_of(start, unit, count))
        )
    low, high = min(max(shown[0], first), last), max(min(shown[1], last), first)
    return Strip(
        bars=bars,
        ticks=[Tick(percent(day), label) for day, label in ticks(first, last)],
        left=percent(low),
        width=max(round(percent(high) - percent(low), 3), MIN_BAR),
        first=datetime.date.fromordinal(int(first)),
        last=datetime.date.fromordinal(int(last)),
        shown=(datetime.date.fromordinal(int(low)), datetime.date.fromordinal(int(high))),
    )
