"""What the timeline shows for a query: its events one by one, or, past a few
thousand, the database's counts per lane and period (events.layout's drawing of either);
and a page of the table.

The result is cached per data version, so a repeated view costs no query.
"""

import dataclasses
import datetime

from django.core.paginator import Paginator

from . import charts, counts, dates, layout, overview, svg
from .cache import cached
from .lanes import Lanes
from .models import Event

DETAIL_LIMIT = 1000  # events drawn one by one; more are counted instead
PAGE_SIZE = 50  # rows of the table under the chart


def timeline(query):
    return cached("timeline", query.params(event=""), lambda: build(query), query.moment)


def drawing(query):
    """The view's drawing (events.layout), for an image of it. Kept apart from its result,
    which every page reads (a thousand marks would double its size in the cache), but worked
    out with it (``build``), so an image reads the view once; should the cache have let the
    drawing go, it is worked out again."""
    timeline(query)
    return cached("timeline-drawing", query.params(event="", page=""), lambda: work(query)[1], query.moment)


class CountedPaginator(Paginator):
    """Django's Paginator, told the count that the view's statistics already found,
    so that it runs no COUNT of its own. A page number past the last gets the last."""

    def __init__(self, object_list, count):
        super().__init__(object_list, PAGE_SIZE)
        self.count = count  # in place of Paginator's cached property


def overview_of(query, result):
    """The strip under the chart (events.overview): the query's events over all their dates,
    with a window over the range in view. A view of all dates has counted them already;
    a zoomed one counts them once per filter, however it is zoomed."""
    if result["periods"]:
        unit, counted = result["periods"]
    else:
        everything = whole(query)
        unit, counted = cached("overview", everything.params(), lambda: counted_periods(everything), query.moment)
    return overview.strip(counted, unit, result["range"])


def whole(query):
    """The query over all its dates, in lanes by kind: one lane an event, so cells sum to events."""
    return dataclasses.replace(query, view=None, lanes=Lanes.KIND, event="", page=1)


def counted_periods(whole):
    events = events_of(whole)
    stats = counts.stats(whole, events)
    if not stats["count"]:
        return None, []
    unit = charts.bucket_unit(stats["first"], stats["last"])
    return unit, overview.periods(counts.density(whole, events, unit))


def beyond(drawing):
    """What the range a view opens on leaves out, for the line under the chart: how many
    events before and after it, and the range that shows them all; None if nothing."""
    before, after = ({mark.slug for mark in marks} for marks in drawing.outside)
    if not before and not after:
        return None
    first, last = (datetime.date.fromordinal(int(day)) for day in drawing.extent)
    pad = max(datetime.timedelta(days=45), (last - first) / 25)
    everything = f"{dates.shifted(first, -pad)}..{dates.shifted(last, pad)}"
    return {"before": len(before), "after": len(after), "view": everything}


def events_of(query):
    """The view's published events, in the range it shows."""
    events = query.apply(Event.objects.published())
    return events.overlapping(*query.view) if query.view else events


def in_order(query, events):
    """The chart's order: a collection's own, else by date."""
    if query.collection:
        return events.order_by("collection_entries__order", "start_date", "pk")
    return events.chronological()


def build(query):
    result, drawn = work(query)
    cached("timeline-drawing", query.params(event="", page=""), lambda: drawn, query.moment)
    return result


def work(query):
    """The view's result for its page, and its drawing."""
    events = events_of(query)
    stats = counts.stats(query, events)
    count = stats["count"]
    ordered = in_order(query, events)
    unit, drawing, periods = None, None, None
    if count <= DETAIL_LIMIT:
        every = ordered.rows()
        drawing = layout.timeline_layout(every, query.lanes, query.view, datetime.date.today())
    if drawing and not drawing.crowded:
        figure = charts.layout_figure(drawing)
        drawn = svg.layout_svg(drawing)
        if count and not query.view:  # the rows are every date's: the strip is counted from them
            by = charts.bucket_unit(stats["first"], stats["last"])
            periods = by, overview.periods(layout.count_cells(every, Lanes.KIND, by))
        keys = [layout.KEYS[key] for key in drawing.keys]
        shown = drawing.range
        outside = beyond(drawing)
        page = CountedPaginator(every, count).get_page(query.page)
        rows = page.object_list
    else:
        # Too many events, or too close together to stand apart: counted per period instead,
        # until the reader zooms in.
        unit = charts.bucket_unit(*(query.view or (stats["first"], stats["last"])))
        cells = layout.count_cells(every, query.lanes, unit) if drawing else counts.density(query, events, unit)
        if not query.view:  # the strip: the same counts, of every lane by kind
            if query.lanes == Lanes.KIND:
                by_kind = cells
            elif drawing:
                by_kind = layout.count_cells(every, Lanes.KIND, unit)
            else:
                by_kind = counts.density(whole(query), events, unit)
            periods = unit, overview.periods(by_kind)
        # The table's page: of the rows read already, else read from the database.
        page = CountedPaginator(every if drawing else ordered, count).get_page(query.page)
        rows = page.object_list if drawing else page.object_list.rows()
        drawing = layout.counted_layout(cells, unit, query.view, datetime.date.today())
        figure = charts.density_figure(drawing)
        drawn = svg.layout_svg(drawing)
        keys, outside = [], None
        shown = drawing.range
    return {
        # Serialised once here, so a cached view skips the work.
        "figure_json": charts.dumps(figure),
        "svg": drawn,
        "keys": keys,
        "outside": outside,
        "range": shown,
        "periods": periods,
        "height": figure["layout"]["height"],
        "aggregated": unit,
        "rows": rows,
        "count": count,
        "years": (stats["first"].year, stats["last"].year) if count else None,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "offset": (page.number - 1) * PAGE_SIZE,
    }, drawing
