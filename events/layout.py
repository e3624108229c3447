"""The timeline's drawing, worked out once: where every event goes.

A pure function of the rows (``EventQuerySet.rows``) and the view, tested without a
database: the lanes and their sub-rows, each event's mark with its x-extent and shape,
its label where it fits, and the range the view opens on. Two renderers draw it: the
server's SVG (events.svg, the first paint and the images) and the plotly figure
(events.charts, the interactive chart), so a change of style is made once.

Nothing hides anything: events that would overlap in a lane stack into sub-rows, and
the lane grows. Marks are kept apart at a phone's plot width, so no two touch on any
screen; labels are fitted to a wide screen, and a narrower one hides those that would
collide (static/js/timeline.js), as it does when the reader zooms out.
"""

import datetime
from dataclasses import dataclass, field

from .dates import Precision, Qualifier, normalise, period_end
from .lanes import Lanes

NO_LANE = {Lanes.LEADER: "No leader named", Lanes.COUNTRY: "No country named", Lanes.KIND: "Other"}
OTHER_LANE = {Lanes.LEADER: "Other leaders", Lanes.COUNTRY: "Other countries", Lanes.KIND: "Other kinds"}
MAX_LANES = 30  # the busiest lanes of a view; the rest share one, so the chart stays readable

NARROW_PX = 300  # a phone's plot width: marks are kept apart at this width, so at any width
WIDE_PX = 900  # the plot width labels are fitted to
MARK_PX = 14  # a mark's diameter
GAP_PX = 4  # between a mark and its label, and between neighbours in a row
CHAR_PX = 6.6  # an average character of a 12 px label
LABEL_CHARS = 32  # a longer title is cut with an ellipsis
LABELLED_ROWS = 3  # sub-rows a lane opens for labels; past them, marks stack without one
CROWDED_ROWS = 20  # a lane needing more is too dense to read one by one: the view counts instead
ROW_PX = 24  # a sub-row's height
LANE_PAD_PX = 10  # above and below a lane's rows
TOP_PX = 40  # the legend's band
BOTTOM_PX = 44  # the date labels, whole


@dataclass(frozen=True)
class Shape:
    """How a kind of date is drawn, so a year never looks like an exact day."""

    name: str  # in the legend
    symbol: str
    colour: str


SHAPES = {
    Precision.DAY: Shape("Exact day", "circle", "#0b5cad"),
    Precision.MONTH: Shape("Month known", "square", "#b35900"),
    Precision.YEAR: Shape("Year known", "diamond", "#6f42c1"),
}
# Explained under the chart when used: what a band, a third and a fade stand for.
KEYS = {
    "band": "a band spans the month or year a date is known to, or an event's start to end",
    "third": "early, mid or late: a band over that third of the year or month",
    "fade": "as early as: the band fades toward the later dates it may be",
    "hollow": "hollow: reported as scheduled or possible, or as not having taken place",
}

THIRDS = {Qualifier.EARLY: (0, 1), Qualifier.MID: (1, 2), Qualifier.LATE: (2, 3)}


@dataclass
class Mark:
    """One event in one lane."""

    slug: str
    row: dict  # the event's row
    lane: int
    sub_row: int = 0
    x: float = 0.0  # the marker's day number
    start: float = 0.0  # the band's first day number (== x when there is no band)
    end: float = 0.0  # its last
    precision: str = Precision.DAY
    key: str = ""  # "band", "third" or "fade" (see KEYS); "" for a day
    hollow: bool = False
    label: str = ""  # "" when it does not fit

    @property
    def shape(self):
        return SHAPES[self.precision]


@dataclass
class Lane:
    name: str
    first_row: int  # the index, over the whole chart, of its first sub-row
    rows: int = 1


@dataclass
class Layout:
    lanes: list
    marks: list
    range: tuple  # the day numbers the view opens on
    extent: tuple  # the first and last day of every event
    today: float
    keys: list = field(default_factory=list)  # the KEYS the marks use
    shapes: list = field(default_factory=list)  # the precisions drawn, in SHAPES' order
    hidden: list = field(default_factory=list)  # marks of lanes with nothing in view, not drawn

    @property
    def crowded(self):
        """Whether a lane needs more sub-rows than a reader can follow (events.explorer then
        counts the view's events per period, until the reader zooms in)."""
        return any(lane.rows > CROWDED_ROWS for lane in self.lanes)

    @property
    def rows(self):
        return sum(lane.rows for lane in self.lanes)

    @property
    def height(self):
        """Pixels: the legend, each lane's rows and padding, the date labels."""
        return TOP_PX + self.rows * ROW_PX + 2 * LANE_PAD_PX * len(self.lanes) + BOTTOM_PX

    def row_y(self, lane, sub_row):
        """Pixels from the top of the plot to the middle of a sub-row."""
        return TOP_PX + (self.lanes[lane].first_row + sub_row + 0.5) * ROW_PX + LANE_PAD_PX * (2 * lane + 1)

    def lane_top(self, lane):
        """Pixels from the top to a lane's upper edge."""
        return self.row_y(lane, 0) - ROW_PX / 2 - LANE_PAD_PX

    def lane_y(self, lane):
        """Pixels from the top to the middle of a lane."""
        first = self.row_y(lane, 0)
        return first + (self.lanes[lane].rows - 1) * ROW_PX / 2

    @property
    def outside(self):
        """The marks the view's range leaves out, before it and after it."""
        first, last = self.range
        every = self.marks + self.hidden
        return [m for m in every if m.end < first], [m for m in every if m.start > last]


def day(value):
    return value.toordinal()


def late_in(shown, x):
    """Whether ``x`` lies in the last tenth of the range ``shown``: a word written to its right would be cut."""
    first, last = shown
    return x > first + 0.9 * (last - first)


def lanes_of(row, lanes):
    if lanes == Lanes.KIND:
        return [row["kind"]]
    names = row["leaders"] if lanes == Lanes.LEADER else row["countries"]
    return list(names) or [NO_LANE[lanes]]


def lane_order(rows, lanes):
    """Lanes in the order their first event happened, first at the top: the
    ``MAX_LANES`` busiest, then one lane for all the others."""
    order, counts = {}, {}
    for row in rows:
        for lane in lanes_of(row, lanes):
            order.setdefault(lane, len(order))
            counts[lane] = counts.get(lane, 0) + 1
    if len(order) <= MAX_LANES:
        return list(order)
    busiest = sorted(order, key=lambda lane: (-counts[lane], order[lane]))[:MAX_LANES]
    return sorted(busiest, key=order.get) + [OTHER_LANE[lanes]]


def lanes_in(row, lanes, drawn):
    """The row's lanes among those ``drawn``: its own, or the shared lane, once."""
    return list(dict.fromkeys(lane if lane in drawn else OTHER_LANE[lanes] for lane in lanes_of(row, lanes)))


def extent_of(row):
    """(marker, band start, band end, key): where a date is drawn, as precisely as it is known."""
    start, end = day(row["start"]), day(row["end"])
    qualifier = row.get("qualifier", "")
    if row["precision"] == Precision.DAY and end == start:
        return start, start, start, ""
    if qualifier in THIRDS:
        length = end + 1 - start
        first, last = THIRDS[qualifier]
        start, end = start + length * first / 3, start + length * last / 3 - 1
        return (start + end) / 2, start, end, "third"
    if qualifier == Qualifier.AS_EARLY_AS:
        return start, start, end, "fade"
    if row["precision"] == Precision.DAY:  # a start and an end day
        return start, start, end, "band"
    return (start + end) / 2, start, end, "band"


def label_of(title):
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "…"


def focus(marks, view, today):
    """The range the view opens on: the link's, else where the events are, leaving out
    an outlier further from the rest than twice the rest's own span (the 1959 parade before
    2011-2025: the page says what lies outside, with a link to it), with a margin."""
    if view:
        return float(day(view[0])), float(day(view[1]))
    if not marks:
        return today - 365.0, today + 30.0
    xs = sorted({m.slug: m.x for m in marks}.values())  # an event once, in however many lanes
    low, high = 0, len(xs) - 1

    def far(gap, rest):
        return gap > 2 * rest and gap > 365

    # At most a tenth of the events, from either end (a group of them, such as a 1958 visit
    # and the 1959 parade, as well as one alone), and never down to fewer than four.
    limit = len(xs) // 10
    for k in range(1, limit + 1):
        if high - k >= 3 and far(xs[k] - xs[k - 1], xs[high] - xs[k]):
            low = k
    for k in range(1, limit - low + 1):
        end = len(xs) - 1 - k
        if end - low >= 3 and far(xs[end + 1] - xs[end], xs[end] - xs[low]):
            high = end
    kept = [m for m in marks if xs[low] <= m.x <= xs[high]]
    first, last = min(m.start for m in kept), max(m.end for m in kept)
    pad = max(45.0, (last - first) / 25)
    # Room on the right for the titles of the last events, at the wide width.
    newest = max(m.x for m in kept)
    latest = [m for m in kept if m.x >= newest - (last - first) / 10]
    share = (MARK_PX / 2 + GAP_PX + max(len(m.label) for m in latest) * CHAR_PX + GAP_PX) / WIDE_PX
    right = max(pad, (last - first + pad) * share / (1 - share) - (last - newest))
    return max(first - pad, 1.0), min(last + right, float(day(datetime.date.max)))


def keep_in_view(marks, shown):
    """A band that crosses the view keeps its marker (and title) inside it: zoomed into
    March 2019, the year 2019's marker would otherwise sit at mid-year, off the chart,
    leaving a band with nothing to click or read. It moves to the start of the band's part
    in view, where its title has room on its right."""
    first, last = shown
    inset = (MARK_PX / 2 + 1) * (last - first) / NARROW_PX
    for mark in marks:
        if mark.start == mark.end or mark.end < first or mark.start > last:
            continue
        low, high = max(mark.start, first + inset), min(mark.end, last - inset)
        if low <= high and not low <= mark.x <= high:
            mark.x = low


def lanes_in_view(marks, order, shown):
    """The lanes with a mark in the range ``shown``, and their marks; the other marks apart.
    Fifteen leaders on the 1959 rostrum would otherwise open the default view as fifteen
    empty lanes above the events in view (the page says what lies outside it)."""
    first, last = shown
    seen = sorted({mark.lane for mark in marks if mark.end >= first and mark.start <= last})
    if len(seen) == len(order):
        return marks, order, []
    index = {old: new for new, old in enumerate(seen)}
    kept, hidden = [], []
    for mark in marks:
        if mark.lane in index:
            mark.lane = index[mark.lane]
            kept.append(mark)
        else:
            hidden.append(mark)
    return kept, [order[i] for i in seen], hidden


def place(marks, lanes_count, span):
    """Each mark's sub-row in its lane: the first row where it and its label (at the wide
    width) and its mark (at the narrow width) clear the one before; past LABELLED_ROWS, a
    mark without its label; a new row only when it fits nowhere. Returns each lane's rows."""
    narrow, wide = span / NARROW_PX, span / WIDE_PX  # days per pixel
    ends = [[] for _ in range(lanes_count)]  # per lane, per row: where the last occupant ends
    for mark in sorted(marks, key=lambda m: (m.start, m.x)):
        rows = ends[mark.lane]
        half = (MARK_PX / 2 + GAP_PX) * narrow
        begins = min(mark.start, mark.x - half)
        bare = max(mark.end, mark.x + half)
        labelled = max(bare, mark.x + (MARK_PX / 2 + GAP_PX + len(mark.label) * CHAR_PX + GAP_PX) * wide)
        free = [i for i, end in enumerate(rows) if end < begins]
        if mark.label and (free_labelled := [i for i in free if i < LABELLED_ROWS]):
            mark.sub_row, reach = free_labelled[0], labelled
        elif mark.label and len(rows) < LABELLED_ROWS:
            mark.sub_row, reach = len(rows), labelled
            rows.append(0)
        else:
            mark.label = ""
            mark.sub_row = free[0] if free else len(rows)
            reach = bare
            if not free:
                rows.append(0)
        rows[mark.sub_row] = reach
    return [max(len(rows), 1) for rows in ends]


def count_cells(rows, lanes, unit):
    """The rows counted per lane and period (``unit``: day, month or year), as
    ``EventQuerySet.density`` counts them in the database, for a view whose rows are read
    already but too crowded to draw one by one."""
    order = lane_order(rows, lanes)
    drawn, tally = set(order), {}
    for row in rows:
        start = normalise(row["start"], unit)  # a unit is named as a precision is
        for lane in lanes_in(row, lanes, drawn):
            tally[lane, start] = tally.get((lane, start), 0) + 1
    position = {lane: i for i, lane in enumerate(order)}
    cells = sorted(tally.items(), key=lambda cell: (cell[0][1], position[cell[0][0]]))
    return [{"lane": lane, "start": start, "count": count} for (lane, start), count in cells]


def timeline_layout(rows, lanes=Lanes.LEADER, view=None, today=None):
    """The drawing of ``rows`` in lanes by ``lanes``, opening on ``view`` (two dates) or
    where the events are; ``today`` (a date) is marked when the range reaches it."""
    order = lane_order(rows, lanes)
    index = {name: i for i, name in enumerate(order)}
    drawn = set(order)
    marks = []
    for row in rows:
        x, start, end, key = extent_of(row)
        for lane in lanes_in(row, lanes, drawn):
            marks.append(
                Mark(
                    slug=row["slug"],
                    row=row,
                    lane=index[lane],
                    x=x,
                    start=start,
                    end=end,
                    precision=row["precision"],
                    key=key,
                    hollow=not row.get("happened", True),
                    label=label_of(row["title"]),
                )
            )
    today = float(day(today or datetime.date.today()))
    shown = focus(marks, view, today)
    extent = (min((m.start for m in marks), default=shown[0]), max((m.end for m in marks), default=shown[1]))
    # A link's view has only its own events (events.explorer); the range a view opens on may leave some out.
    marks, order, hidden = lanes_in_view(marks, order, shown) if view is None else (marks, order, [])
    keep_in_view(marks, shown)
    per_lane = place(marks, len(order), max(shown[1] - shown[0], 1))
    first = 0
    lane_list = []
    for name, rows_count in zip(order, per_lane, strict=True):
        lane_list.append(Lane(name, first, rows_count))
        first += rows_count
    keys = {m.key for m in marks} | ({"hollow"} if any(m.hollow for m in marks) else set())
    precisions = {m.precision for m in marks}
    return Layout(
        lanes=lane_list,
        marks=marks,
        range=shown,
        extent=extent,
        today=today,
        keys=[key for key in KEYS if key in keys],
        shapes=[precision for precision in SHAPES if precision in precisions],
        hidden=hidden,
    )


# A view too dense to draw one by one (``count_cells``, ``EventQuerySet.density``) is drawn
# with the same lanes, grid and range, one mark per lane and period: a band over the period,
# darker the more events it holds, with their number on it.

COUNT_SHADES = ("#cfe2f5", "#083f77")  # the fewest events, the most
COUNT_CHARS_PX = 6.1  # an average digit of an 11 px count


@dataclass
class Cell:
    """A lane's events in one period: a day, a month or a year."""

    lane: int
    first: datetime.date  # the period's first day
    last: datetime.date  # and its last
    start: float  # the first day's number
    end: float  # the last's (its band runs to the end of that day, as a Mark's)
    count: int
    label: str  # the count, as written on it
    shade: str  # its fill, from COUNT_SHADES by its share of the busiest cell
    dark: bool  # a fill dark enough for a white count

    @property
    def period(self):
        """What to zoom into to see its events: "first..last", as a view's link gives it."""
        return f"{self.first}..{self.last}"


@dataclass
class CountedLayout:
    """Counts per lane and period: the lanes of a ``Layout`` (one sub-row each), a cell per mark."""

    lanes: list
    cells: list
    unit: str  # "day", "month" or "year"
    range: tuple
    today: float
    most: int = 0  # the busiest cell's count

    # The lane geometry is the event timeline's own, so a counted view looks like one.
    rows = Layout.rows
    height = Layout.height
    row_y = Layout.row_y
    lane_top = Layout.lane_top
    lane_y = Layout.lane_y

    @property
    def key(self):
        """The key's words, beside its shades from the fewest events to the most."""
        if self.most == 1:
            return f"1 event per {self.unit}"
        return f"1–{self.most:,} events per {self.unit}"

    def fits(self, cell, plot_px):
        """Whether a cell's count fits on its band in a plot ``plot_px`` wide."""
        first, last = self.range
        width = (cell.end + 1 - cell.start) / max(last - first, 1) * plot_px
        return len(cell.label) * COUNT_CHARS_PX + GAP_PX <= width


def shade(fraction):
    """The colour ``fraction`` of the way from the fewest events' shade to the most's."""
    low, high = COUNT_SHADES
    channels = (int(low[i : i + 2], 16) * (1 - fraction) + int(high[i : i + 2], 16) * fraction for i in (1, 3, 5))
    return "#" + "".join(f"{round(c):02x}" for c in channels)


def counted_layout(cells, unit, view=None, today=None):
    """The drawing of ``cells`` ({"lane", "start", "count"}, as ``count_cells`` and
    ``EventQuerySet.density`` give them) counted per ``unit``, opening on ``view`` (two
    dates) or on every cell with a margin. Lanes in the order their first cell comes."""
    order = list(dict.fromkeys(cell["lane"] for cell in cells))
    index = {name: i for i, name in enumerate(order)}
    most = max((cell["count"] for cell in cells), default=0)
    drawn, shades = [], {}
    for cell in cells:
        # A square root, so that a period of few events still shows against the busiest.
        fraction = (cell["count"] / most) ** 0.5 if most else 0
        if cell["count"] not in shades:  # counts repeat: each shade is mixed once
            shades[cell["count"]] = shade(fraction)
        last = period_end(cell["start"], unit)  # a unit is named as a precision is
        drawn.append(
            Cell(
                lane=index[cell["lane"]],
                first=cell["start"],
                last=last,
                start=float(day(cell["start"])),
                end=float(day(last)),
                count=cell["count"],
                label=f"{cell['count']:,}",
                shade=shades[cell["count"]],
                dark=fraction > 0.55,
            )
        )
    today = float(day(today or datetime.date.today()))
    if view:
        shown = float(day(view[0])), float(day(view[1]))
    elif drawn:
        first, last = min(c.start for c in drawn), max(c.end for c in drawn) + 1
        pad = max(45.0, (last - first) / 25)
        shown = max(first - pad, 1.0), min(last + pad, float(day(datetime.date.max)) + 1)
    else:
        shown = today - 365.0, today + 30.0
    return CountedLayout(
        lanes=[Lane(name, i) for i, name in enumerate(order)],
        cells=drawn,
        unit=unit,
        range=shown,
        today=today,
        most=most,
    )
