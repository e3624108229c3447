"""What the timeline shows for a query: its events one by one, or, past a few
thousand, the database's counts per lane and period; and a page of the table.

The result is cached per data version, so a repeated view costs no query.
"""

from . import charts, counts, pinning, svg
from .cache import cached
from .models import Event

DETAIL_LIMIT = 1000  # events drawn one by one; more are counted instead
PAGE_SIZE = 50  # rows of the table under the chart


def timeline(query):
    return cached("timeline", query.params(event=""), lambda: build(query))


def build(query):
    events = query.apply(Event.objects.published())
    if query.view:
        events = events.overlapping(*query.view)
    # Everything: the counts kept per lane and year answer without reading every event
    # (the live counts: a pinned view counts its own past).
    everything = not query.narrowed and not pinning.pinned_at()
    stats = counts.stats() if everything else events.stats()
    count = stats["count"]
    ordered = events.chronological()
    if query.collection:
        ordered = ordered.order_by("collection_entries__order", "start_date", "pk")
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(query.page, pages)
    offset = (page - 1) * PAGE_SIZE
    unit = None
    if count > DETAIL_LIMIT:
        unit = charts.bucket_unit(*(query.view or (stats["first"], stats["last"])))
        yearly = everything and unit == "year"
        cells = counts.density(query.lanes) if yearly else events.density(unit, query.lanes)
        figure = charts.density_figure(cells, unit, query.view)
        rows = ordered[offset : offset + PAGE_SIZE].rows()
    else:
        every = ordered.rows()
        figure = charts.timeline_figure(every, query.lanes, query.view)
        rows = every[offset : offset + PAGE_SIZE]
    return {
        # Serialised once here, so a cached view skips the work.
        "figure_json": charts.dumps(figure),
        "svg": svg.lanes_svg(figure),
        "height": figure["layout"]["height"],
        "aggregated": unit,
        "rows": rows,
        "count": count,
        "years": (stats["first"].year, stats["last"].year) if count else None,
        "page": page,
        "pages": pages,
        "offset": offset,
    }
