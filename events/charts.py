"""Figures: plain rows in, a plotly Figure out. No ORM, no request.

A row is a dict describing one event (see ``Event.as_row``). Hover text is
HTML to Plotly, so everything an editor typed is escaped here.
"""

import datetime
from dataclasses import dataclass
from html import escape

import plotly.graph_objects as go

from .dates import Precision


class Lanes:
    LEADER = "leader"
    COUNTRY = "country"
    KIND = "kind"
    CHOICES = [(LEADER, "Leader"), (COUNTRY, "Country"), (KIND, "Kind of event")]


NO_LANE = {Lanes.LEADER: "No leader named", Lanes.COUNTRY: "No country named", Lanes.KIND: "Other"}


@dataclass(frozen=True)
class Mark:
    """How one precision is drawn, so a year never looks like an exact day."""

    name: str
    symbol: str
    colour: str


MARKS = {
    Precision.DAY: Mark("Exact day", "circle", "#0b5cad"),
    Precision.MONTH: Mark("Month known", "square", "#b35900"),
    Precision.YEAR: Mark("Year known", "diamond", "#6f42c1"),
}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def lanes_of(row, lanes):
    if lanes == Lanes.KIND:
        return [row["kind"]]
    names = row["leaders"] if lanes == Lanes.LEADER else row["countries"]
    return names or [NO_LANE[lanes]]


def hover_text(row):
    lines = [f"<b>{escape(row['title'])}</b>", escape(row["date"])]
    if row.get("reported_as"):
        lines[-1] += f" ({escape(row['reported_as'])})"
    if row.get("place"):
        lines.append(escape(row["place"]))
    if row["leaders"]:
        lines.append(escape(", ".join(row["leaders"])))
    return "<br>".join(lines)


def midpoint(start, end):
    return start + (end - start) / 2


def lane_order(rows, lanes):
    """Lanes in the order their first event happened, first at the top."""
    order = {}
    for row in rows:
        for lane in lanes_of(row, lanes):
            order.setdefault(lane, len(order))
    return list(order)


def default_range(rows):
    first = min(row["start"] for row in rows)
    last = max(row["end"] for row in rows)
    pad = max(datetime.timedelta(days=180), (last - first) / 20)
    return [first - pad, last + pad]


def timeline_figure(rows, lanes=Lanes.LEADER, view=None):
    """One marker per event and lane, at the middle of the period its date
    covers; a band spans a month, a year or an event's start to end."""
    figure = go.Figure()
    order = lane_order(rows, lanes)
    for precision, mark in MARKS.items():
        marks = [(row, lane) for row in rows if row["precision"] == precision for lane in lanes_of(row, lanes)]
        if not marks:
            continue
        band_x, band_y = [], []
        for row, lane in marks:
            if row["end"] > row["start"]:
                band_x += [row["start"], row["end"], None]
                band_y += [lane, lane, None]
        if band_x:
            figure.add_trace(
                go.Scatter(
                    x=band_x,
                    y=band_y,
                    mode="lines",
                    line={"width": 10, "color": mark.colour},
                    opacity=0.3,
                    hoverinfo="skip",
                    legendgroup=precision,
                    showlegend=False,
                    name=f"{mark.name} (span)",
                )
            )
        figure.add_trace(
            go.Scatter(
                x=[
                    row["start"] if precision == Precision.DAY else midpoint(row["start"], row["end"])
                    for row, _ in marks
                ],
                y=[lane for _, lane in marks],
                mode="markers",
                name=mark.name,
                legendgroup=precision,
                marker={
                    "symbol": [mark.symbol if row.get("happened", True) else f"{mark.symbol}-open" for row, _ in marks],
                    "size": 14,
                    "color": mark.colour,
                    "line": {"width": 2, "color": mark.colour},
                },
                customdata=[row["slug"] for row, _ in marks],
                hovertext=[hover_text(row) for row, _ in marks],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    figure.update_layout(
        height=220 + 44 * max(len(order), 1),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": FONT, "size": 13},
        hovermode="closest",
        hoverlabel={"align": "left"},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        plot_bgcolor="#ffffff",
        xaxis={
            "type": "date",
            "range": view or (default_range(rows) if rows else None),
            "rangeslider": {"visible": bool(rows), "thickness": 0.08},
            "gridcolor": "#e6e9ec",
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(reversed(order)),
            "automargin": True,
            "fixedrange": True,
            "gridcolor": "#e6e9ec",
        },
    )
    if not rows:
        figure.add_annotation(
            text="No events match this view.", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
        )
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
    return figure


def chart_config(filename):
    """plotly.js options: our own modebar, image downloads named after the view."""
    return {
        "responsive": True,
        "displaylogo": False,
        "scrollZoom": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }
