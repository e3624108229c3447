"""The timeline's layout: where each event goes, from plain rows, without a database."""

import datetime
import itertools

from events import layout
from events.lanes import Lanes
from tests.test_charts import row

TODAY = datetime.date(2026, 12, 1)


def draw(rows, **options):
    return layout.timeline_layout(rows, today=TODAY, **options)


def day(text):
    return datetime.date.fromisoformat(text).toordinal()


def test_events_on_the_same_day_in_one_lane_each_get_their_own_row():
    rows = [row(f"e{i}", "2025-09-03", title=f"Event {i}") for i in range(3)]
    drawing = draw(rows)
    assert sorted(mark.sub_row for mark in drawing.marks) == [0, 1, 2]
    assert drawing.lanes[0].rows == 3, "the lane grows"
    assert len({drawing.row_y(0, mark.sub_row) for mark in drawing.marks}) == 3
    assert draw(rows[:1]).height < drawing.height


def test_a_late_year_is_drawn_over_the_last_third_of_the_year():
    (mark,) = draw([row("power", "2011-01-01", "2011-12-31", precision="year", qualifier="late")]).marks
    assert mark.key == "third"
    assert day("2011-08-31") <= mark.start <= day("2011-09-02")
    assert mark.end == day("2011-12-31")
    assert day("2011-10-30") <= mark.x <= day("2011-11-02"), "its marker mid-way through that third"
    (early,) = draw([row("e", "2011-01-01", "2011-12-31", precision="year", qualifier="early")]).marks
    assert early.start == day("2011-01-01")
    assert early.end < day("2011-05-02")


def test_a_date_known_as_early_as_fades_and_a_plain_year_is_a_band():
    drawing = draw(
        [
            row("a", "2018-01-01", "2018-12-31", precision="year", qualifier="as_early_as"),
            row("b", "2019-01-01", "2019-12-31", precision="year"),
            row("c", "2019-05-01"),
        ]
    )
    assert [mark.key for mark in drawing.marks] == ["fade", "band", ""]
    assert drawing.marks[0].x == day("2018-01-01"), "as early as: the marker at the earliest"
    assert drawing.keys == ["band", "fade"], "the key explains the shapes used, and only those"
    assert drawing.shapes == ["day", "year"]


def test_scheduled_events_are_hollow_and_said_so_in_the_key():
    drawing = draw([row("plan", "2025-09-03", happened=False)])
    assert drawing.marks[0].hollow
    assert drawing.keys == ["hollow"]


def test_the_view_opens_where_the_events_are_and_says_what_it_leaves_out():
    rows = [row("1959", "1959-01-01", "1959-12-31", precision="year")]
    rows += [row(f"e{year}", f"{year}-06-01") for year in range(2011, 2026)]
    drawing = draw(rows)
    first, last = drawing.range
    assert day("2010-01-01") < first < day("2011-06-01"), "the 1959 parade does not squeeze the rest"
    assert last > day("2025-06-01")
    before, after = drawing.outside
    assert [mark.slug for mark in before] == ["1959"]
    assert not after
    assert drawing.extent[0] == day("1959-01-01")


def test_a_group_of_early_events_with_many_participants_is_left_out_and_their_empty_lanes_too():
    """A 1958 visit and the 1959 parade with fifteen on its rostrum, before 2011-2025: the view
    opens on 2011-2025, without fifteen empty lanes above it, and says what it leaves out."""
    rostrum = [f"Guest {i}" for i in range(15)]
    rows = [row("visit", "1958-03-27", leaders=["Guest 0"]), row("1959", "1959-10-01", leaders=rostrum)]
    later = [(year, month) for year in range(2011, 2026) for month in (3, 9)]
    rows += [row(f"e{y}-{m}", f"{y}-{m:02}-01", leaders=["Kim Jong-un", "Xi Jinping"]) for y, m in later]
    drawing = draw(rows)
    assert drawing.range[0] > day("2010-01-01"), "the group is left out, not only the one furthest"
    assert [lane.name for lane in drawing.lanes] == ["Kim Jong-un", "Xi Jinping"]
    assert {mark.slug for mark in drawing.marks} == {f"e{y}-{m}" for y, m in later}
    before, _ = drawing.outside
    assert {mark.slug for mark in before} == {"visit", "1959"}
    assert drawing.extent[0] == day("1958-03-27"), "all dates are still a link away"
    shown = draw(rows, view=(datetime.date(1950, 1, 1), datetime.date(2030, 1, 1)))
    assert len(shown.lanes) == 17, "asked for all dates, every lane"


def test_a_few_events_close_together_are_all_in_view():
    rows = [row("a", "2025-05-01", "2025-05-31", precision="month"), row("b", "2025-09-03"), row("c", "2025-11-01")]
    drawing = draw(rows)
    assert drawing.outside == ([], [])


def test_the_links_view_is_the_range():
    view = [datetime.date(2018, 1, 1), datetime.date(2019, 12, 31)]
    assert draw([row("a", "2018-03-01")], view=view).range == (day("2018-01-01"), day("2019-12-31"))


def test_zoomed_into_part_of_a_year_its_band_keeps_its_marker_and_title_in_view():
    rows = [row("year", "2019-01-01", "2019-12-31", precision="year", title="Talks continue")]
    view = (datetime.date(2019, 2, 1), datetime.date(2019, 4, 30))
    (mark,) = draw(rows, view=view).marks
    first, last = draw(rows, view=view).range
    assert first < mark.x < first + (last - first) / 10, "a band crossing the view has its marker inside it, left"
    assert mark.label == "Talks continue"
    assert (mark.start, mark.end) == (day("2019-01-01"), day("2019-12-31")), "the band itself is unchanged"
    (whole,) = draw(rows).marks
    assert day("2019-06-30") <= whole.x <= day("2019-07-03"), "seen whole, the marker stays mid-year"


def test_long_titles_are_cut_with_an_ellipsis():
    (mark,) = draw([row("a", "2025-09-03", title="Military parade at Tiananmen Square for the 80th anniversary")]).marks
    assert mark.label == "Military parade at Tiananmen Sq…"
    assert len(mark.label) == layout.LABEL_CHARS


def test_no_two_marks_touch_on_a_phone_and_no_label_runs_into_a_neighbour_on_a_wide_screen():
    # A dense month: a hundred events over thirty days, in three lanes.
    rows = [
        row(f"e{i}", f"2025-09-{i % 30 + 1:02}", leaders=[["Kim", "Xi", "Putin"][i % 3]], title=f"Event number {i}")
        for i in range(100)
    ]
    drawing = draw(rows)
    first, last = drawing.range

    def px(value, width):
        return (value - first) / (last - first) * width

    rows_of = itertools.groupby(
        sorted(drawing.marks, key=lambda m: (m.lane, m.sub_row, m.x)), lambda m: (m.lane, m.sub_row)
    )
    for _, marks in rows_of:
        marks = list(marks)
        for left, right in itertools.pairwise(marks):
            assert px(right.x, layout.NARROW_PX) - px(left.x, layout.NARROW_PX) >= layout.MARK_PX, "marks apart"
            if left.label:
                label_end = px(left.x, layout.WIDE_PX) + layout.MARK_PX / 2 + len(left.label) * layout.CHAR_PX
                assert label_end < px(right.x, layout.WIDE_PX) - layout.MARK_PX / 2, "label clear of the next mark"
    assert len(drawing.marks) == 100, "every event has its mark"
    assert any(mark.label for mark in drawing.marks)
    assert all(mark.sub_row < layout.LABELLED_ROWS for mark in drawing.marks if mark.label)


def test_lanes_are_named_in_order_and_past_thirty_share_one():
    rows = [row(f"e{i}", "2020-01-01", leaders=[f"Leader {i:02}"]) for i in range(35)]
    drawing = draw(rows, lanes=Lanes.LEADER)
    names = [lane.name for lane in drawing.lanes]
    assert names[:2] == ["Leader 00", "Leader 01"]
    assert names[-1] == "Other leaders"
    assert len(names) == 31


def test_an_empty_view_has_no_marks_and_a_range_around_today():
    drawing = draw([])
    assert not drawing.marks
    assert drawing.range[0] < TODAY.toordinal() < drawing.range[1]


def test_a_lane_too_dense_to_follow_is_crowded_and_a_wider_view_of_it_is_not():
    rows = [row(f"e{i}", "2025-09-03", title=f"Event {i}") for i in range(layout.CROWDED_ROWS + 1)]
    assert draw(rows).crowded
    assert not draw(rows[: layout.CROWDED_ROWS]).crowded


def test_rows_are_counted_per_lane_and_period_as_the_database_counts_them():
    rows = [row("a", "2025-09-03"), row("b", "2025-09-20"), row("c", "2024-01-01", leaders=["Xi", "Kim Jong-un"])]
    assert layout.count_cells(rows, Lanes.LEADER, "month") == [
        {"lane": "Kim Jong-un", "start": datetime.date(2024, 1, 1), "count": 1},
        {"lane": "Xi", "start": datetime.date(2024, 1, 1), "count": 1},
        {"lane": "Kim Jong-un", "start": datetime.date(2025, 9, 1), "count": 2},
    ]


def cell(lane, start, count):
    return {"lane": lane, "start": datetime.date.fromisoformat(start), "count": count}


def test_a_counted_view_has_a_mark_per_cell_over_its_period_labelled_with_its_count():
    cells = [cell("Kim Jong-un", "2024-02-01", 3), cell("Xi", "2024-02-01", 1200)]
    cells.append(cell("Kim Jong-un", "2024-12-01", 40))
    drawing = layout.counted_layout(cells, "month", today=TODAY)
    assert [lane.name for lane in drawing.lanes] == ["Kim Jong-un", "Xi"], "in the order their first cell comes"
    february, busiest, december = drawing.cells
    assert (february.start, february.end) == (day("2024-02-01"), day("2024-02-29")), "its whole month"
    assert (december.start, december.end) == (day("2024-12-01"), day("2024-12-31"))
    assert [c.label for c in drawing.cells] == ["3", "1,200", "40"]
    assert busiest.period == "2024-02-01..2024-02-29", "what a click zooms into"
    assert drawing.key == "1–1,200 events per month"
    assert busiest.shade == layout.COUNT_SHADES[1], "the busiest darkest"
    assert busiest.dark, "with a white count"
    assert february.shade != december.shade != busiest.shade, "more events, a darker shade"
    assert not february.dark


def test_a_counted_view_has_the_event_timelines_lanes_and_opens_on_its_cells_or_the_link():
    cells = [cell(f"Lane {i}", f"{2000 + i}-01-01", i + 1) for i in range(4)]
    drawing = layout.counted_layout(cells, "year", today=TODAY)
    events = draw([row(f"e{i}", f"{2000 + i}-06-01", leaders=[f"Lane {i}"]) for i in range(4)])
    assert drawing.height == events.height, "one row a lane, as a timeline of one event a lane"
    assert [drawing.lane_y(i) for i in range(4)] == [events.lane_y(i) for i in range(4)]
    first, last = drawing.range
    assert first < day("2000-01-01"), "every cell, with a margin"
    assert last > day("2004-01-01")
    view = [datetime.date(2001, 1, 1), datetime.date(2002, 12, 31)]
    assert layout.counted_layout(cells, "year", view, TODAY).range == (day("2001-01-01"), day("2002-12-31"))


def test_a_count_is_shown_only_where_it_fits_on_its_period():
    cells = [cell("Kim Jong-un", "2024-01-01", 12345), cell("Kim Jong-un", "2024-01-02", 7)]
    drawing = layout.counted_layout(cells, "day", [datetime.date(2024, 1, 1), datetime.date(2024, 1, 15)], TODAY)
    wide, narrow = layout.WIDE_PX, layout.NARROW_PX
    assert drawing.fits(drawing.cells[1], narrow), "one digit in a day of a fortnight, on a phone"
    assert drawing.fits(drawing.cells[0], wide)
    assert not drawing.fits(drawing.cells[0], narrow), "five digits are left to the hover on a phone"


def test_the_calendars_last_period_is_counted_to_its_end():
    drawing = layout.counted_layout([cell("Kim Jong-un", "9999-12-01", 2)], "month", today=TODAY)
    (last,) = drawing.cells
    assert last.period == "9999-12-01..9999-12-31"
    assert drawing.range[1] <= datetime.date.max.toordinal() + 1


def test_no_cells_draw_no_marks_around_today():
    drawing = layout.counted_layout([], "year", today=TODAY)
    assert not drawing.cells
    assert not drawing.lanes
    assert drawing.range[0] < TODAY.toordinal() < drawing.range[1]
