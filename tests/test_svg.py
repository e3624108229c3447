"""The server's drawing of a timeline: what a reader sees before plotly.js, from plain rows."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from events import layout, svg
from tests.test_charts import QUOTED, row


def elements(html):
    """The two SVG elements (lane names, plot) of a drawing."""
    root = ET.fromstring(html)
    assert root.get("class") == "chart-static"
    names, plot = root
    return names, plot


def counted(cells, unit="year", view=None):
    """A counted view's drawing, from its layout."""
    return elements(svg.layout_svg(layout.counted_layout(cells, unit, view, datetime.date(2026, 12, 1))))


def timeline(rows, **view):
    """A timeline's drawing, from its layout."""
    return elements(svg.layout_svg(layout.timeline_layout(rows, **view)))


def marks(plot):
    return [element for element in plot.iter() if element.get("class") == "mark"]


def percent(value):
    assert value.endswith("%")
    return float(value[:-1])


def test_every_event_in_view_is_a_mark_in_its_lane_at_its_date():
    rows = [row("parade", "2025-09-03"), row("summit", "2018-03-26", leaders=["Xi Jinping", "Kim Jong-un"])]
    names, plot = timeline(rows, view=[datetime.date(2018, 1, 1), datetime.date(2026, 1, 1)])
    lanes = {text.text: float(text.get("y")) for text in names}
    assert set(lanes) == {"Kim Jong-un", "Xi Jinping"}
    drawn = marks(plot)
    assert len(drawn) == 3  # the summit once per leader
    span = (datetime.date(2026, 1, 1) - datetime.date(2018, 1, 1)).days
    parade_x = (datetime.date(2025, 9, 3) - datetime.date(2018, 1, 1)).days / span * 100
    parade = [m for m in drawn if abs(percent(m.get("cx")) - parade_x) < 0.01]
    assert len(parade) == 1
    assert abs(float(parade[0].get("cy")) - (lanes["Kim Jong-un"] - 4)) < 0.2  # a lane name sits on its lane


def test_marks_outside_the_view_are_not_drawn_and_bands_are_cut_at_its_edges():
    rows = [row("old", "1959-10-01"), row("year", "2024-01-01", "2024-12-31", precision="year")]
    _, plot = timeline(rows, view=[datetime.date(2024, 6, 1), datetime.date(2025, 6, 1)])
    assert len(marks(plot)) == 1
    (band,) = [rect for rect in plot.iter("rect") if rect.get("class") == "band"]
    assert percent(band.get("x")) == 0
    assert 0 < percent(band.get("x")) + percent(band.get("width")) < 100


def test_precisions_keep_their_symbols_and_scheduled_events_are_hollow():
    rows = [
        row("day", "2025-09-03"),
        row("month", "2025-05-01", "2025-05-31", precision="month"),
        row("plan", "2025-11-01", happened=False),
    ]
    _, plot = timeline(rows)
    drawn = marks(plot)
    assert {m.get("href") for m in drawn} == {None, "#symbol-square"}
    hollow = [m for m in drawn if m.get("fill") == "none"]
    assert [m.get("stroke") for m in hollow] == [layout.SHAPES["day"].colour]
    legend = [text.text for text in plot.iter("text") if text.get("class") == "legend"]
    assert legend == ["Exact day", "Month known"]


def test_names_an_editor_typed_are_escaped_once():
    rows = [row("x", "2025-09-03", leaders=["<script>alert(1)</script> & Co"])]
    html = svg.layout_svg(layout.timeline_layout(rows))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    names, _ = timeline(rows)
    assert names[0].text == "<script>alert(1)</script> & Co"


def test_quotes_in_names_are_escaped_once_as_the_figure_keeps_them_for_plotly():
    rows = [row("x", "2025-09-03", leaders=[QUOTED])]
    html = svg.layout_svg(layout.timeline_layout(rows))
    assert "Kim&#x27;s &quot;Victory&quot; &lt;b&gt;parade&lt;/b&gt;" in html
    assert "&amp;" not in html, "nothing escaped twice"
    names, _ = timeline(rows)
    assert names[0].text == QUOTED


def test_the_calendars_first_and_last_days_get_date_labels():
    """Labels by the day or the month run up to 31 December 9999, where a day more would overflow."""
    for view, first, last in [
        ([datetime.date(9999, 12, 25), datetime.date(9999, 12, 31)], "25 Dec 9999", "31 Dec 9999"),
        ([datetime.date(9999, 6, 1), datetime.date(9999, 12, 31)], "Jun 9999", "Dec 9999"),
        ([datetime.date(1, 1, 1), datetime.date(1, 1, 7)], "1 Jan 1", "7 Jan 1"),
    ]:
        _, plot = timeline([row("a", "9999-12-31")], view=view)
        labels = [text.text for text in plot.iter("text") if text.get("class") == "tick"]
        assert (labels[0], labels[-1]) == (first, last)
    _, plot = timeline([row("a", "9999-12-31")], view=[datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
    labels = [text.text for text in plot.iter("text") if text.get("class") == "tick"]
    assert labels == ["2000", "4000", "6000", "8000"], "few enough to stand apart on a phone"


def test_date_labels_follow_the_span_of_the_view():
    def labels(first, last):
        _, plot = timeline([row("a", "2000-01-01")], view=[first, last])
        return [text.text for text in plot.iter("text") if text.get("class") == "tick"]

    assert labels(datetime.date(1950, 1, 1), datetime.date(2030, 1, 1)) == ["1960", "1980", "2000", "2020"]
    quarters = ["Jan 2000", "Apr 2000", "Jul 2000", "Oct 2000"]
    assert labels(datetime.date(2000, 1, 1), datetime.date(2000, 12, 31)) == quarters
    assert labels(datetime.date(2000, 1, 1), datetime.date(2000, 1, 5)) == [
        "1 Jan 2000",
        "2 Jan 2000",
        "3 Jan 2000",
        "4 Jan 2000",
        "5 Jan 2000",
    ]


def test_a_counted_view_has_a_mark_over_each_period_with_its_count_in_its_lane():
    cells = [
        {"lane": "Kim Jong-un", "start": datetime.date(2000, 1, 1), "count": 1},
        {"lane": "Xi Jinping", "start": datetime.date(2001, 1, 1), "count": 400},
        {"lane": "Kim Jong-un", "start": datetime.date(2002, 1, 1), "count": 25},
    ]
    view = [datetime.date(2000, 1, 1), datetime.date(2003, 1, 1)]
    names, plot = counted(cells, view=view)
    lanes = {text.text: float(text.get("y")) for text in names}
    assert list(lanes) == ["Kim Jong-un", "Xi Jinping"]
    drawn = marks(plot)
    assert len(drawn) == 3, "a mark per lane and year"
    span = (view[1] - view[0]).days
    second = drawn[1]
    assert percent(second.get("x")) == pytest.approx(366 / span * 100, abs=0.001), "from the start of 2001"
    assert percent(second.get("width")) == pytest.approx(365 / span * 100, abs=0.001), "to its end"
    assert abs(float(second.get("y")) + layout.ROW_PX / 2 - (lanes["Xi Jinping"] - 4)) < 0.2, "in its lane"
    assert [m.get("fill") for m in drawn][1] == layout.COUNT_SHADES[1], "the busiest darkest"
    assert len({m.get("fill") for m in drawn}) == 3, "a shade per count"
    counts = [text for text in plot.iter("text") if text.get("class") == "count"]
    assert [text.text for text in counts] == ["1", "400", "25"]
    assert counts[1].get("fill") == "#ffffff", "white on the darkest"
    legend = [text.text for text in plot.iter("text") if text.get("class") == "legend"]
    assert legend == ["1–400 events per year"], "beside its shades, lightest to darkest"


def test_a_count_too_wide_for_its_period_on_a_phone_is_left_to_the_hover():
    cells = [{"lane": "Kim Jong-un", "start": datetime.date(2000 + i, 1, 1), "count": 1234} for i in range(60)]
    _, plot = counted(cells)
    assert len(marks(plot)) == 60
    assert not [text for text in plot.iter("text") if text.get("class") == "count"]


def test_names_in_a_counted_view_are_escaped_once():
    cells = [{"lane": QUOTED, "start": datetime.date(2000, 1, 1), "count": 3}]
    html = svg.layout_svg(layout.counted_layout(cells, "year"))
    assert "Kim&#x27;s &quot;Victory&quot; &lt;b&gt;parade&lt;/b&gt;" in html
    names, _ = counted(cells)
    assert names[0].text == QUOTED


def test_an_image_of_counts_carries_its_title_summary_credit_and_link():
    cells = [{"lane": "Kim Jong-un", "start": datetime.date(2000, 1, 1), "count": 7}]
    image = svg.image_svg(layout.counted_layout(cells, "year"), "Timeline", "1,500 events", "https://x/?a=1&b=2")
    root = ET.fromstring(image)
    texts = [text.text for text in root.iter("{http://www.w3.org/2000/svg}text")]
    for words in ["Timeline", "1,500 events", "https://x/?a=1&b=2", "newsdash", "Kim Jong-un", "7"]:
        assert words in texts


def test_an_empty_view_says_so():
    for _, plot in [timeline([]), counted([])]:
        assert not marks(plot)
        notes = [text.text for text in plot.iter("text") if text.get("class") == "note"]
        assert notes == ["No events match this view."]


@pytest.mark.parametrize(("view_end", "anchor"), [("2026-12-10", "end"), ("2027-12-31", None)])
def test_today_is_written_where_it_is_not_cut_off(view_end, anchor):
    rows = [row("parade", "2025-09-03")]
    view = (datetime.date(2025, 1, 1), datetime.date.fromisoformat(view_end))
    drawing = layout.timeline_layout(rows, view=view, today=datetime.date(2026, 12, 1))
    (word,) = re.findall(r'<text class="today"[^>]*>Today</text>', svg.layout_svg(drawing))
    assert ('text-anchor="end"' in word) == (anchor == "end"), "near the right edge, on the line's left"
