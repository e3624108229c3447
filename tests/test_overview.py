"""The overview strip's drawing, from counts per period, without a database."""

import datetime

from events import overview


def day(text):
    return datetime.date.fromisoformat(text).toordinal()


def counted(*pairs):
    return [(datetime.date.fromisoformat(start), count) for start, count in pairs]


def test_an_outlier_left_out_of_the_view_is_a_bar_outside_the_window():
    periods = counted(("1959-01-01", 1), ("2011-01-01", 1), ("2018-01-01", 3), ("2025-01-01", 6))
    strip = overview.strip(periods, "year", (day("2010-10-01"), day("2026-03-01")))
    parade = strip.bars[0]
    assert parade.left + parade.width < strip.left, "1959 lies left of the window"
    assert all(strip.left <= bar.left for bar in strip.bars[1:]), "the rest lie inside it"
    assert strip.left + strip.width <= 100
    assert [bar.label for bar in strip.bars][:2] == ["1959: 1 event", "2011: 1 event"]
    assert strip.bars[-1].height == 1, "the busiest period fills the strip's height"
    assert 0 < parade.height < strip.bars[2].height < 1, "taller where more happened"
    assert strip.shown == (datetime.date(2010, 10, 1), datetime.date(2026, 3, 1))
    assert strip.words == "October 2010 to March 2026"
    assert {tick.label for tick in strip.ticks} >= {"1960", "1980", "2000", "2020"}


def test_the_strip_stays_put_as_the_view_moves():
    periods = counted(("2018-03-01", 1), ("2018-06-01", 2), ("2019-02-01", 1))
    narrow = overview.strip(periods, "month", (day("2018-05-01"), day("2018-07-31")))
    wide = overview.strip(periods, "month", (day("2000-01-01"), day("2030-01-01")))
    assert [bar.left for bar in narrow.bars] == [bar.left for bar in wide.bars]
    assert narrow.first == wide.first
    assert narrow.last == wide.last
    assert narrow.left > 0
    assert narrow.left + narrow.width < 100
    assert (wide.left, wide.width) == (0, 100), "a view wider than the events shows the whole strip"
    assert narrow.words == "1 May to 31 July 2018"


def test_a_month_is_a_bar_as_wide_as_the_month_and_a_single_day_is_still_seen():
    months = overview.strip(
        counted(("2018-01-01", 1), ("2018-12-01", 1)), "month", (day("2018-01-01"), day("2018-12-31"))
    )
    december = months.bars[1]
    assert round(december.width / months.bars[0].width, 2) == 1, "31 days each"
    days = overview.strip(counted(("2010-01-01", 1), ("2020-01-01", 1)), "day", (day("2010-01-01"), day("2020-01-01")))
    assert days.bars[0].width == overview.MIN_BAR
    one = overview.strip(counted(("2025-09-03", 1)), "day", (day("2025-09-03"), day("2025-09-03")))
    assert (one.last - one.first).days == 2 * overview.MARGIN_DAYS, "one day's events still have a strip"
    assert one.bars[0].left == 50


def test_nothing_counted_draws_no_strip():
    assert overview.strip([], None, (1, 2)) is None


def test_counts_of_several_lanes_sum_per_period():
    cells = [
        {"lane": "Parade", "start": datetime.date(2025, 1, 1), "count": 2},
        {"lane": "Summit", "start": datetime.date(2025, 1, 1), "count": 1},
        {"lane": "Parade", "start": datetime.date(1959, 1, 1), "count": 1},
    ]
    assert overview.periods(cells) == [(datetime.date(1959, 1, 1), 1), (datetime.date(2025, 1, 1), 3)]
