"""What the timeline shows for a query: its events one by one, or, past a few
thousand, the database's counts per lane and period; and a page of the table.

The result is cached per data version, so a repeated view costs no query.
"""

from django.core.paginator import Paginator

from . import charts, counts, svg
from .cache import cached
from .models import Event

DETAIL_LIMIT = 1000  # events drawn one by one; more are counted instead
PAGE_SIZE = 50  # rows of the table under the chart


def timeline(query):
    return cached("timeline", query.params(event=""), lambda: build(query), query.moment)


class CountedPaginator(Paginator):
    """Django's Paginator, told the count that the view's statistics already found,
    so that it runs no COUNT of its own. A page number past the last gets the last."""

    def __init__(self, object_list, count):
        super().__init__(object_list, PAGE_SIZE)
        self.count = count  # in place of Paginator's cached property


def build(query):
    events = query.apply(Event.objects.published())
    if query.view:
        events = events.overlapping(*query.view)
    stats = counts.stats(query, events)
    count = stats["count"]
    ordered = events.chronological()
    if query.collection:
        ordered = ordered.order_by("collection_entries__order", "start_date", "pk")
    unit = None
    if count > DETAIL_LIMIT:
        unit = charts.bucket_unit(*(query.view or (stats["first"], stats["last"])))
        cells = counts.density(query, events, unit)
        figure = charts.density_figure(cells, unit, query.view)
        page = CountedPaginator(ordered, count).get_page(query.page)
        rows = page.object_list.rows()
    else:
        every = ordered.rows()
        figure = charts.timeline_figure(every, query.lanes, query.view)
        page = CountedPaginator(every, count).get_page(query.page)
        rows = page.object_list
    return {
        # Serialised once here, so a cached view skips the work.
        "figure_json": charts.dumps(figure),
        "svg": svg.lanes_svg(figure),
        "height": figure["layout"]["height"],
        "aggregated": unit,
        "rows": rows,
        "count": count,
        "years": (stats["first"].year, stats["last"].year) if count else None,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "offset": (page.number - 1) * PAGE_SIZE,
    }
