"""Figures: plain rows in, a plotly Figure out. No ORM, no request.

A row is a dict describing one event (see ``EventQuerySet.rows``). Hover text is
HTML to Plotly, so everything an editor typed is escaped here.
"""

import datetime
import html
import json

from . import layout
from .lanes import Lanes

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def escape(text):
    """Editor text for plotly's HTML-like labels: ``<``, ``>`` and ``&`` escaped, quotes left as
    they are, since plotly.js decodes only a few entities and would show ``&quot;`` as typed."""
    return html.escape(str(text), quote=False)


def dumps(value):
    """Compact JSON, safe inside <script type="application/json"> (dates as ISO text): the
    characters Django's json_script escapes. Three replaces: str.translate with a mapping
    takes ten times as long on a large figure."""
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")


def chart_json(figure_json, config):
    """The spec timeline.js draws: the figure (already JSON, often cached) and its options."""
    return f'{{"figure":{figure_json},"config":{dumps(config)}}}'


def scatter(**properties):
    return {"type": "scatter", **properties}


def plot(traces, layout):
    """The figure as plain data for plotly.js. plotly.py's Figure would validate every
    value and deep-copy the figure twice: 30x the time of building it (390 ms for
    3,000 marks). The test suite validates every kind of figure instead (test_charts.py)."""
    return {"data": traces, "layout": layout}


def one_or_each(values):
    """One value for every mark when they share it, else one per mark."""
    return values[0] if len(set(values)) == 1 else values


def date_axis_layout(height, bottom):
    """What every timeline's layout shares: a date axis under lanes, the legend above.
    No range slider: it draws every mark a second time, doubling the drawing time; the
    zoom buttons, dragging and the view in the link move the range instead."""
    return {
        "template": "none",
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": bottom},
        "font": {"family": FONT, "size": 13},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "showlegend": True,
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "plot_bgcolor": "#ffffff",
        "xaxis": {"type": "date", "gridcolor": "#e6e9ec"},
    }


def hover_text(row):
    lines = [f"<b>{escape(row['title'])}</b>", escape(row["date"])]
    if row.get("reported_as"):
        lines[-1] += f" ({escape(row['reported_as'])})"
    if row.get("place"):
        lines.append(escape(row["place"]))
    if row["leaders"]:
        lines.append(escape(", ".join(row["leaders"])))
    return "<br>".join(lines)


def when(day_number):
    """A day number of events.layout as plotly reads a date: a date, or a moment within one
    (the end of 31 December 9999 at the latest: a band runs to the end of its last day)."""
    if day_number >= datetime.date.max.toordinal() + 1:
        return datetime.datetime.max
    whole = int(day_number)
    date = datetime.date.fromordinal(whole)
    if day_number == whole:
        return date
    return datetime.datetime.combine(date, datetime.time()) + datetime.timedelta(days=day_number - whole)


# A band's fade ("as early as"), darkest at its start: plotly draws no gradient along a
# line, so the band is drawn in steps, each its own trace.
FADE = (0.4, 0.28, 0.17, 0.08)


def band_traces(drawing, precision):
    """The bands of one precision's marks: solid, or fading in steps."""
    shape = layout.SHAPES[precision]
    solid_x, solid_y, fading = [], [], [([], []) for _ in FADE]
    for mark in drawing.marks:
        if mark.precision != precision or not mark.key:
            continue
        y = drawing.row_y(mark.lane, mark.sub_row)
        if mark.key == "fade":
            step = (mark.end + 1 - mark.start) / len(FADE)
            for i, (xs, ys) in enumerate(fading):
                xs += [when(mark.start + i * step), when(mark.start + (i + 1) * step), None]
                ys += [y, y, None]
        else:
            solid_x += [when(mark.start), when(mark.end + 1), None]
            solid_y += [y, y, None]
    bands = [(solid_x, solid_y, 0.3)] + [(xs, ys, opacity) for (xs, ys), opacity in zip(fading, FADE, strict=True)]
    return [
        scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"width": 10, "color": shape.colour},
            opacity=opacity,
            hoverinfo="skip",
            legendgroup=precision,
            showlegend=False,
            name=f"{shape.name} (span)",
        )
        for xs, ys, opacity in bands
        if xs
    ]


def today_line(today):
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": when(today),
        "x1": when(today),
        "y0": 0,
        "y1": 1,
        "line": {"color": "#a40e26", "width": 1, "dash": "dot"},
    }


def today_note(drawing):
    """The word "Today" by its line: on the left near the right edge, where it would be cut."""
    return {
        "text": "Today",
        "x": when(drawing.today),
        "xref": "x",
        "xanchor": "right" if layout.late_in(drawing.range, drawing.today) else "left",
        "y": 1,
        "yref": "paper",
        "yanchor": "top",
        "showarrow": False,
        "font": {"size": 11, "color": "#a40e26"},
    }


def lanes_axis(drawing, visible):
    """The lanes of a drawing (events.layout), named at their middles, the first at the top."""
    return {
        "range": [drawing.height - layout.BOTTOM_PX, layout.TOP_PX],
        "tickvals": [drawing.lane_y(i) for i in range(len(drawing.lanes))],
        "ticktext": [escape(lane.name) for lane in drawing.lanes],
        "automargin": True,
        "fixedrange": True,
        "showgrid": False,
        "zeroline": False,
        "visible": visible,
    }


def layout_figure(drawing):
    """The interactive chart of a timeline's drawing (events.layout): the same lanes,
    rows, marks and labels as the server's SVG. Each precision is a trace of marks with
    their titles beside them, over its bands."""
    traces, annotations, shapes = [], [], []
    for precision in drawing.shapes:
        shape = layout.SHAPES[precision]
        marks = [mark for mark in drawing.marks if mark.precision == precision]
        traces += band_traces(drawing, precision)
        # Only a hollow marker needs its outline drawn: outlines cost a fifth of the drawing time.
        symbols = [f"{shape.symbol}-open" if mark.hollow else shape.symbol for mark in marks]
        widths = [2 if mark.hollow else 0 for mark in marks]
        traces.append(
            scatter(
                x=[when(mark.x) for mark in marks],
                y=[drawing.row_y(mark.lane, mark.sub_row) for mark in marks],
                mode="markers+text",
                name=shape.name,
                legendgroup=precision,
                marker={
                    "symbol": one_or_each(symbols),
                    "size": layout.MARK_PX,
                    "color": shape.colour,
                    "line": {"width": one_or_each(widths), "color": shape.colour},
                },
                text=[escape(mark.label) for mark in marks],
                textposition="middle right",
                textfont={"size": 12, "color": "#1f2328"},
                customdata=[mark.slug for mark in marks],
                hovertext=[hover_text(mark.row) for mark in marks],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    height = drawing.height
    # A line between lanes: a lane of several rows reads as one.
    shapes += [line_across(drawing.lane_top(i)) for i in range(1, len(drawing.lanes))]
    first, last = drawing.range
    if drawing.marks and first <= drawing.today <= last:
        shapes.append(today_line(drawing.today))
        annotations.append(today_note(drawing))
    if not drawing.marks:
        note = {"text": "No events match this view.", "showarrow": False, "x": 0.5, "y": 0.5}
        annotations.append(note | {"xref": "paper", "yref": "paper"})
    figure_layout = date_axis_layout(height, layout.BOTTOM_PX)
    figure_layout["xaxis"] |= {"range": [when(first), when(last)], "visible": bool(drawing.marks)}
    figure_layout |= {
        "yaxis": lanes_axis(drawing, bool(drawing.marks)),
        "shapes": shapes,
        "annotations": annotations,
    }
    return plot(traces, figure_layout)


def line_across(y):
    return {
        "type": "line",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": y,
        "y1": y,
        "line": {"color": "#d0d7de", "width": 1},
    }


def timeline_figure(rows, lanes=Lanes.LEADER, view=None, today=None):
    """The interactive chart of ``rows`` (see ``layout_figure``)."""
    return layout_figure(layout.timeline_layout(rows, lanes, view, today))


def chart_config(filename):
    """plotly.js options: our own modebar, image downloads named after the view."""
    return {
        "responsive": True,
        "displaylogo": False,
        # plotly.js 3 offers "Share chart...", which uploads the chart to a third party: never.
        "showSendToCloud": False,
        "scrollZoom": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


class Viewpoint:
    """Whose left is drawn on the left of a seating diagram."""

    AUDIENCE = "audience"
    HOST = "host"
    CHOICES = [(AUDIENCE, "As the audience sees it"), (HOST, "As the host faces the audience")]


SEAT_STYLES = {
    # category: (legend name, symbol, fill colour, line colour)
    "host": ("Host", "star", "#b35900", "#7a3d00"),
    "cited": ("Cited seat", "circle", "#0b5cad", "#083f77"),
    "disputed": ("Disputed seat", "circle", "#ffffff", "#a40e26"),
    "uncited": ("Uncited seat", "circle-open", "#8c959f", "#8c959f"),
    "unknown": ("Occupant unknown", "square-open", "#8c959f", "#8c959f"),
}
CROWDED = 7  # seats in a row above which names are written upright to stay apart


def ordinal(n):
    return {1: "immediately", 2: "second seat", 3: "third seat"}.get(n, f"{n}th seat")


def seat_position_words(seat, host, perspective):
    """Where a seat is, in words: "immediately to Xi Jinping's left (as Xi Jinping faces the audience)"."""
    if seat["is_host"]:
        words = "the host, at the centre"
    elif seat["position"] == 0:
        words = "at the centre"
    else:
        side = "left" if seat["position"] < 0 else "right"
        words = f"{ordinal(abs(seat['position']))} to {host}'s {side}"
        words += {
            "host": f" (as {host} faces the audience)",
            "audience": " (as the audience sees it)",
        }.get(perspective, " (the source does not say from whose side)")
    if seat["row"]:
        words += f", row {seat['row'] + 1} from the front"
    return words


def seat_category(seat):
    if not seat["leader"]:
        return "unknown"
    if not seat["citations"]:
        return "uncited"
    if any(citation["stance"] == "disputes" for citation in seat["citations"]):
        return "disputed"
    return "host" if seat["is_host"] else "cited"


def seat_hover(seat, host, perspective):
    name = escape(seat["leader"] or "Unknown occupant")
    lines = [f"<b>{name}</b>" + (f" ({escape(seat['native_name'])})" if seat.get("native_name") else "")]
    if seat.get("country"):
        lines.append(escape(seat["country"]) + (f", {escape(seat['role'])}" if seat.get("role") else ""))
    lines.append(escape(seat_position_words(seat, host, perspective)))
    for citation in seat["citations"]:
        verb = "disputed by" if citation["stance"] == "disputes" else "as reported by"
        # A reference is what the source states in our words: never in quotation marks.
        reference = citation.get("kind") == "reference"
        words = citation["statement"] if reference else citation["quote"]
        words = escape(words if len(words) <= 160 else words[:157] + "…")
        lines.append(f"{verb} <i>{escape(citation['source'])}</i>: " + (words if reference else f"“{words}”"))
    if not seat["citations"]:
        lines.append("No source cited for this seat.")
    return "<br>".join(lines)


def seat_x(seat, perspective, viewpoint):
    """Positions count to the host's left (negative) as the source reported them;
    flip them when the drawing's viewpoint is the other one."""
    reported_as_host = perspective != Viewpoint.AUDIENCE  # an unstated side is read as the host's own
    return seat["position"] if reported_as_host == (viewpoint == Viewpoint.HOST) else -seat["position"]


def seating_min_width(seats):
    """Pixels a crowded rostrum needs so upright names stand apart (None: any width will do).

    A narrower screen scrolls the diagram sideways rather than squeezing names together.
    """
    per_row = {}
    for seat in seats:
        per_row[seat["row"]] = per_row.get(seat["row"], 0) + 1
    widest = max(per_row.values(), default=0)
    if widest <= CROWDED:
        return None
    lines = 2 if any(seat.get("native_name") for seat in seats) else 1
    return widest * (15 * lines + 5) + 40


def shared_between(seats_a, seats_b):
    """The leaders, and the countries, seated in both arrangements."""
    leaders = {s["leader"] for s in seats_a if s["leader"]} & {s["leader"] for s in seats_b}
    countries = {s["country"] for s in seats_a if s["country"]} & {s["country"] for s in seats_b}
    return leaders, countries


def seating_figure(arrangement, seats, viewpoint=Viewpoint.AUDIENCE, shared=frozenset()):
    """A rostrum: one marker per seat, front row at the bottom, names beside them.

    ``arrangement`` has "name", "host" and "perspective" (how the source meant
    left and right); ``shared`` names leaders or countries to mark as present
    in another arrangement too.
    """
    host, perspective = arrangement["host"] or "the host", arrangement["perspective"]
    traces, annotations = [], []
    per_row = {}
    for seat in seats:
        per_row[seat["row"]] = per_row.get(seat["row"], 0) + 1
    upright = max(per_row.values(), default=0) > CROWDED
    row_height = 3 if upright else 1.6
    for category, (name, symbol, fill, line) in SEAT_STYLES.items():
        members = [seat for seat in seats if seat_category(seat) == category]
        if not members:
            continue
        traces.append(
            scatter(
                x=[seat_x(seat, perspective, viewpoint) for seat in members],
                y=[seat["row"] * row_height for seat in members],
                mode="markers",
                name=name,
                marker={
                    "symbol": symbol,
                    "size": 22 if category == "host" else 18,
                    "color": fill,
                    "line": {"width": 2, "color": line},
                },
                customdata=[seat["leader"] or "" for seat in members],
                hovertext=[seat_hover(seat, host, perspective) for seat in members],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    marked = [seat for seat in seats if seat["leader"] in shared or seat.get("country") in shared]
    if marked:
        traces.append(
            scatter(
                x=[seat_x(seat, perspective, viewpoint) for seat in marked],
                y=[seat["row"] * row_height for seat in marked],
                mode="markers",
                name="Also in the other arrangement",
                marker={"symbol": "circle-open", "size": 32, "color": "#d4a72c", "line": {"width": 3}},
                hoverinfo="skip",
            )
        )
    for seat in seats:
        label = escape(seat["leader"] or "Unknown")
        if seat.get("native_name"):
            label += f"<br>{escape(seat['native_name'])}"
        annotations.append(
            {
                "x": seat_x(seat, perspective, viewpoint),
                "y": seat["row"] * row_height,
                "text": label,
                "showarrow": False,
                "textangle": -90 if upright else 0,
                "yanchor": "bottom",
                "yshift": 16,
                "font": {"size": 11 if upright else 12},
            }
        )
    seen_from = {
        Viewpoint.AUDIENCE: "Seen from the audience",
        Viewpoint.HOST: f"Seen from behind {host}, facing the audience",
    }[viewpoint]
    if perspective == "unstated":
        seen_from += f" · the source does not say whose left it meant: drawn as {host}'s own"
    positions = [seat_x(seat, perspective, viewpoint) for seat in seats] or [0]
    rows = max(per_row, default=0)
    layout = {
        "title": {
            "text": escape(f"{arrangement['name']}: {seen_from}"),
            "font": {"size": 14},
            "x": 0,
            "xanchor": "left",
        },
        "template": "none",
        "height": 140 + (rows + 1) * (230 if upright else 130),
        "margin": {"l": 10, "r": 10, "t": 60, "b": 30},
        "font": {"family": FONT},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0},
        "plot_bgcolor": "#ffffff",
        "xaxis": {"visible": False, "range": [min(positions) - 0.8, max(positions) + 0.8], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-0.6, rows * row_height + row_height], "fixedrange": True},
    }
    return plot(traces, layout | {"annotations": annotations})


# Past a few thousand events a marker each is neither fast nor readable: the
# database counts events per lane and period, and the chart draws the counts.

BUCKET_DAYS = {"year": 365.25, "month": 30.44, "day": 1}
MAX_BUCKETS = 120


def bucket_unit(first, last):
    """The finest period (day, month, year) that splits the range into at most ~120 buckets."""
    span = max((last - first).days, 1)
    for unit in ("day", "month"):
        if span / BUCKET_DAYS[unit] <= MAX_BUCKETS:
            return unit
    return "year"


def bucket_label(start, unit):
    return {
        "year": f"{start.year}",
        "month": f"{start:%B} {start.year}",
        "day": f"{start.day} {start:%b} {start.year}",
    }[unit]


def density_figure(drawing):
    """A counted view's interactive chart (events.layout.counted_layout): the lanes, grid and
    range of the server's SVG, a bar over each period darker the more events it holds, with
    their number on it where it fits at the reader's width and zoom. Clicking one zooms into
    its period (its customdata is that range, as a view's link gives it)."""
    traces, annotations = [], []
    lanes = [escape(lane.name) for lane in drawing.lanes]
    if drawing.cells:
        traces.append(
            {
                "type": "bar",
                "name": drawing.key,
                "x": [when((cell.start + cell.end + 1) / 2) for cell in drawing.cells],
                # On a date axis a bar's width is in milliseconds: its period's.
                "width": [(cell.end + 1 - cell.start) * 86_400_000 for cell in drawing.cells],
                "base": [drawing.row_y(cell.lane, 0) - layout.ROW_PX / 2 for cell in drawing.cells],
                "y": [layout.ROW_PX] * len(drawing.cells),
                "marker": {
                    "color": [cell.shade for cell in drawing.cells],
                    "line": {"width": 0.5, "color": "#ffffff"},
                },
                "text": [cell.label for cell in drawing.cells],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textangle": 0,
                "textfont": {"size": 11, "color": ["#ffffff" if cell.dark else "#1f2328" for cell in drawing.cells]},
                "customdata": [cell.period for cell in drawing.cells],
                "hovertext": [
                    f"<b>{cell.count:,} event{'' if cell.count == 1 else 's'}</b><br>"
                    f"{bucket_label(cell.first, drawing.unit)}<br>{lanes[cell.lane]}"
                    "<br>Click to zoom in"
                    for cell in drawing.cells
                ],
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
    else:
        note = {"text": "No events match this view.", "showarrow": False, "x": 0.5, "y": 0.5}
        annotations.append(note | {"xref": "paper", "yref": "paper"})
    height = drawing.height
    shapes = [line_across(drawing.lane_top(i)) for i in range(1, len(drawing.lanes))]
    first, last = drawing.range
    if drawing.cells and first <= drawing.today <= last:
        shapes.append(today_line(drawing.today))
        annotations.append(today_note(drawing))
    figure_layout = date_axis_layout(height, layout.BOTTOM_PX)
    figure_layout["xaxis"] |= {"range": [when(first), when(last)], "visible": bool(drawing.cells)}
    figure_layout |= {
        "yaxis": lanes_axis(drawing, bool(drawing.cells)),
        "shapes": shapes,
        "annotations": annotations,
        # A count that does not fit its bar at the reader's width and zoom is hidden, not shrunk.
        "uniformtext": {"mode": "hide", "minsize": 11},
    }
    return plot(traces, figure_layout)
