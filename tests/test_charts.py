"""Figures from plain rows: no database needed."""

import datetime
import json

import plotly.graph_objects as go

from events import charts, layout
from events.lanes import Lanes


def row(slug, start, end=None, precision="day", leaders=("Kim Jong-un",), **extra):
    start = datetime.date.fromisoformat(start)
    return {
        "slug": slug,
        "title": extra.get("title", slug.title()),
        "date": extra.get("date", str(start)),
        "start": start,
        "end": datetime.date.fromisoformat(end) if end else start,
        "precision": precision,
        "kind": extra.get("kind", "Parade"),
        "place": extra.get("place", "Beijing, China"),
        "leaders": list(leaders),
        "countries": extra.get("countries", ["North Korea"]),
        "happened": extra.get("happened", True),
        "reported_as": extra.get("reported_as", ""),
        "qualifier": extra.get("qualifier", ""),
    }


def counted(cells, unit="year"):
    """The chart of a counted view of ``cells``."""
    return charts.density_figure(layout.counted_layout(cells, unit, today=datetime.date(2026, 12, 1)))


def lane_names(figure, ys):
    """The lanes the marks at these heights are drawn in: the nearest lane name on the axis."""
    axis = figure.layout.yaxis
    ticks = list(zip(axis.tickvals, axis.ticktext, strict=True))
    return [min(ticks, key=lambda tick: abs(tick[0] - y))[1] for y in ys]


def markers(figure):
    return {trace.name: trace for trace in figure.data if trace.mode.startswith("markers")}


def test_an_exact_day_is_a_marker_on_that_day():
    figure = go.Figure(charts.timeline_figure([row("parade", "2025-09-03")]))
    trace = markers(figure)["Exact day"]
    assert list(trace.x) == [datetime.date(2025, 9, 3)]
    assert lane_names(figure, trace.y) == ["Kim Jong-un"]
    assert list(trace.customdata) == ["parade"]
    assert list(trace.text) == ["Parade"], "its title beside it"


def test_a_year_is_drawn_as_a_band_over_the_year_never_as_a_day():
    figure = go.Figure(charts.timeline_figure([row("parade-1959", "1959-01-01", "1959-12-31", precision="year")]))
    trace = markers(figure)["Year known"]
    assert trace.marker.symbol == "diamond"
    assert trace.x[0] == datetime.date(1959, 7, 2), "the marker sits mid-year, not on 1 January"
    band = next(t for t in figure.data if t.mode == "lines")
    assert list(band.x) == [datetime.date(1959, 1, 1), datetime.date(1960, 1, 1), None], "to the end of 31 December"
    assert band.hoverinfo == "skip"


def test_each_precision_has_its_own_legend_entry_and_symbol():
    figure = go.Figure(
        charts.timeline_figure(
            [
                row("a", "2025-09-03"),
                row("b", "2011-12-01", "2011-12-31", precision="month"),
                row("c", "2018-01-01", "2018-12-31", precision="year"),
            ]
        )
    )
    traces = markers(figure)
    assert set(traces) == {"Exact day", "Month known", "Year known"}
    assert len({trace.marker.symbol for trace in traces.values()}) == 3


def test_lanes_follow_the_choice_and_an_event_appears_once_per_leader():
    rows = [row("summit", "2019-06-01", leaders=["Kim Jong-un", "Donald Trump"], countries=["North Korea", "US"])]
    by_leader = markers(go.Figure(charts.timeline_figure(rows, Lanes.LEADER)))["Exact day"]
    figure = go.Figure(charts.timeline_figure(rows, Lanes.LEADER))
    assert lane_names(figure, by_leader.y) == ["Kim Jong-un", "Donald Trump"]
    assert list(by_leader.customdata) == ["summit", "summit"]
    by_kind = go.Figure(charts.timeline_figure(rows, Lanes.KIND))
    assert lane_names(by_kind, markers(by_kind)["Exact day"].y) == ["Parade"]
    by_country = go.Figure(charts.timeline_figure(rows, Lanes.COUNTRY))
    assert list(by_country.layout.yaxis.ticktext) == ["North Korea", "US"], "top to bottom"


def test_an_event_without_leaders_still_has_a_lane():
    figure = go.Figure(charts.timeline_figure([row("decision", "2024-08-28", leaders=[])]))
    assert lane_names(figure, markers(figure)["Exact day"].y) == ["No leader named"]


def test_hover_text_is_escaped():
    hostile = row("x", "2025-09-03", title="<img src=x onerror=alert(1)>", place="<script>", leaders=["<b>Kim</b>"])
    text = markers(go.Figure(charts.timeline_figure([hostile])))["Exact day"].hovertext[0]
    assert "<img" not in text
    assert "<script>" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;b&gt;Kim&lt;/b&gt;" in text


def test_lane_names_are_escaped_as_plotly_reads_axis_labels_as_html():
    figure = go.Figure(
        charts.timeline_figure([row("x", "2025-09-03", leaders=["<a href='javascript:alert(1)'>Kim</a>"])])
    )
    assert list(figure.layout.yaxis.ticktext) == ["&lt;a href='javascript:alert(1)'&gt;Kim&lt;/a&gt;"]
    cells = [{"lane": "<script>", "start": datetime.date(2000, 1, 1), "count": 3}]
    density = go.Figure(counted(cells))
    assert list(density.layout.yaxis.ticktext) == ["&lt;script&gt;"]
    assert "&lt;script&gt;" in density.data[0].hovertext[0]


QUOTED = 'Kim\'s "Victory" <b>parade</b>'
# plotly.js decodes &lt; &gt; &amp; but shows &quot; and &#x27; as typed: quotes go as they are.
QUOTED_FOR_PLOTLY = 'Kim\'s "Victory" &lt;b&gt;parade&lt;/b&gt;'


def test_quotes_reach_plotly_as_typed_and_markup_stays_escaped():
    rows = [row("x", "2025-09-03", title=QUOTED, place=QUOTED, leaders=[QUOTED], countries=[QUOTED])]
    figure = charts.timeline_figure(rows)
    hover = markers(go.Figure(figure))["Exact day"].hovertext[0]
    assert hover.split("<br>") == [f"<b>{QUOTED_FOR_PLOTLY}</b>", "2025-09-03", QUOTED_FOR_PLOTLY, QUOTED_FOR_PLOTLY]
    assert figure["layout"]["yaxis"]["ticktext"] == [QUOTED_FOR_PLOTLY]
    assert charts.timeline_figure(rows, Lanes.COUNTRY)["layout"]["yaxis"]["ticktext"] == [QUOTED_FOR_PLOTLY]
    assert markers(go.Figure(figure))["Exact day"].text[0] == QUOTED_FOR_PLOTLY, "the label"
    density = counted([{"lane": QUOTED, "start": datetime.date(2000, 1, 1), "count": 3}])
    assert density["layout"]["yaxis"]["ticktext"] == [QUOTED_FOR_PLOTLY]

    seat = {"leader": QUOTED, "native_name": QUOTED, "country": QUOTED, "row": 0, "position": 0, "is_host": True}
    seat["citations"] = [{"quote": QUOTED, "source": QUOTED, "stance": "supports"}]
    rostrum = charts.seating_figure({"name": QUOTED, "host": QUOTED, "perspective": "host"}, [seat])
    assert rostrum["layout"]["annotations"][0]["text"] == f"{QUOTED_FOR_PLOTLY}<br>{QUOTED_FOR_PLOTLY}"
    assert rostrum["layout"]["title"]["text"].startswith(f"{QUOTED_FOR_PLOTLY}: ")
    assert rostrum["data"][0]["hovertext"][0].startswith(f"<b>{QUOTED_FOR_PLOTLY}</b> ({QUOTED_FOR_PLOTLY})")
    assert f"<i>{QUOTED_FOR_PLOTLY}</i>: “{QUOTED_FOR_PLOTLY}”" in rostrum["data"][0]["hovertext"][0]

    shown = [
        hover,
        *rostrum["data"][0]["hovertext"],
        *(note["text"] for note in rostrum["layout"]["annotations"]),
    ]
    for text in shown:
        assert "&quot;" not in text
        assert "&#x27;" not in text
        assert "<b>parade" not in text


def test_counts_are_drawn_per_period_and_a_click_zooms_into_the_period():
    cells = [
        {"lane": "Parade", "start": datetime.date(2018, 1, 1), "count": 40},
        {"lane": "Summit", "start": datetime.date(2019, 1, 1), "count": 10},
        {"lane": "Parade", "start": datetime.date(2019, 2, 1), "count": 1},
    ]
    figure = go.Figure(counted(cells[:2]))
    (trace,) = figure.data
    assert trace.type == "bar"
    assert trace.name == "1–40 events per year", "the key, as the SVG's"
    assert list(trace.text) == ["40", "10"], "the count on its mark"
    assert list(trace.customdata) == ["2018-01-01..2018-12-31", "2019-01-01..2019-12-31"]
    assert trace.hovertext[0].startswith("<b>40 events</b><br>2018<br>Parade")
    assert lane_names(figure, [base + layout.ROW_PX / 2 for base in trace.base]) == ["Parade", "Summit"]
    assert trace.width[0] == 365 * 86_400_000, "as wide as its year"
    assert trace.x[0] == datetime.datetime(2018, 7, 2, 12), "centred on it"
    assert trace.marker.color[0] == layout.COUNT_SHADES[1], "the busiest darkest"
    assert figure.layout.uniformtext.mode == "hide", "a count that does not fit is hidden, not shrunk"
    month = go.Figure(counted(cells[2:], unit="month")).data[0]
    assert list(month.customdata) == ["2019-02-01..2019-02-28"]
    assert month.hovertext[0].startswith("<b>1 event</b><br>February 2019")


def test_a_counted_view_has_the_same_lanes_and_range_as_its_svg():
    cells = [{"lane": "Parade", "start": datetime.date(2018, 1, 1), "count": 4}]
    view = [datetime.date(2017, 1, 1), datetime.date(2020, 12, 31)]
    drawing = layout.counted_layout(cells, "year", view, datetime.date(2026, 12, 1))
    figure = go.Figure(charts.density_figure(drawing))
    assert list(figure.layout.xaxis.range) == view
    assert list(figure.layout.yaxis.tickvals) == [drawing.lane_y(0)]
    assert figure.layout.height == drawing.height
    empty = go.Figure(counted([]))
    assert not empty.data
    assert empty.layout.annotations[0].text == "No events match this view."


def test_the_bucket_follows_the_zoom():
    assert charts.bucket_unit(datetime.date(1950, 1, 1), datetime.date(2025, 12, 31)) == "year"
    assert charts.bucket_unit(datetime.date(2015, 1, 1), datetime.date(2020, 12, 31)) == "month"
    assert charts.bucket_unit(datetime.date(2025, 8, 1), datetime.date(2025, 9, 30)) == "day"


def test_scheduled_and_possible_events_are_hollow():
    plan = row("plan", "2025-09-03", happened=False, reported_as="possible")
    trace = markers(go.Figure(charts.timeline_figure([plan, row("done", "2025-09-04")])))["Exact day"]
    assert list(trace.marker.symbol) == ["circle-open", "circle"]
    assert "(possible)" in trace.hovertext[0]
    alone = markers(go.Figure(charts.timeline_figure([plan])))["Exact day"]
    assert alone.marker.symbol == "circle-open", "one symbol for a trace whose marks all share it"


def test_past_thirty_lanes_the_quietest_share_one():
    rows = [row(f"e{i}", "2020-01-01", leaders=[f"Leader {i:02}"]) for i in range(40)]
    rows += [row(f"again{i}", "2021-01-01", leaders=[f"Leader {i:02}", "Leader 39"]) for i in range(30)]
    rows.append(row("pair", "2022-01-01", leaders=["Leader 30", "Leader 31"]))
    figure = go.Figure(charts.timeline_figure(rows))
    lanes = list(figure.layout.yaxis.ticktext)  # top to bottom
    assert len(lanes) == 31, "thirty lanes of their own, then the one they share"
    assert lanes[-1] == "Other leaders"
    assert "Leader 39" in lanes, "the busiest leader keeps a lane"
    trace = markers(figure)["Exact day"]
    pair = [lane for slug, lane in zip(trace.customdata, lane_names(figure, trace.y), strict=True) if slug == "pair"]
    assert pair == ["Other leaders"], "an event with two leaders in the shared lane is drawn there once"


def test_the_view_range_from_the_link_is_the_axis_range():
    view = [datetime.date(2018, 1, 1), datetime.date(2019, 12, 31)]
    figure = go.Figure(charts.timeline_figure([row("a", "2018-03-01")], view=view))
    assert list(figure.layout.xaxis.range) == view


def test_no_rows_says_so_on_the_chart():
    figure = go.Figure(charts.timeline_figure([]))
    assert figure.layout.annotations[0].text == "No events match this view."
    assert not figure.data


def test_the_download_is_named_after_the_view():
    config = charts.chart_config("newsdash-9-events-filtered-to-kim-jong-un")
    assert config["toImageButtonOptions"]["filename"] == "newsdash-9-events-filtered-to-kim-jong-un"
    assert config["displaylogo"] is False


def test_every_figure_is_valid_plotly():
    """The charts skip plotly.py's validation for speed; here it runs in full, so a
    misspelt property fails a test rather than a reader's chart."""
    cells = [{"lane": "Parade", "start": datetime.date(2018, 1, 1), "count": 4}]
    seats = [
        {
            "leader": "Xi",
            "native_name": "",
            "country": "China",
            "row": 0,
            "position": 0,
            "is_host": True,
            "citations": [],
        }
    ]
    rostrum = {"name": "Rostrum", "host": "Xi", "perspective": "host"}
    for figure in [
        charts.timeline_figure([row("a", "2025-09-03"), row("b", "2018-01-01", "2018-12-31", precision="year")]),
        charts.timeline_figure([]),
        counted(cells),
        counted([]),
        charts.seating_figure(rostrum, seats, shared=frozenset({"Xi"})),
    ]:
        go.Figure(json.loads(charts.dumps(figure)))  # raises on any property plotly.js would not know


def test_chart_json_cannot_close_its_script_element():
    text = charts.dumps({"title": "</script><script>alert(1)</script>", "and": "&"})
    assert "</script>" not in text
    assert "<" not in text
    assert "&" not in text
    assert json.loads(text)["title"] == "</script><script>alert(1)</script>"
