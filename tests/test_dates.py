import datetime

import pytest

from events import dates
from events.dates import Precision, Qualifier


@pytest.mark.parametrize(
    ("date", "precision", "qualifier", "expected"),
    [
        (datetime.date(1959, 1, 1), Precision.YEAR, "", "1959"),
        (datetime.date(2011, 12, 1), Precision.MONTH, "", "December 2011"),
        (datetime.date(2025, 9, 3), Precision.DAY, "", "3 Sep 2025"),
        (datetime.date(2011, 1, 1), Precision.YEAR, Qualifier.LATE, "late 2011"),
        (datetime.date(2024, 8, 28), Precision.DAY, Qualifier.AS_EARLY_AS, "as early as 28 Aug 2024"),
    ],
)
def test_format_date_shows_only_the_known_precision(date, precision, qualifier, expected):
    assert dates.format_date(date, precision, qualifier) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1959", (datetime.date(1959, 1, 1), Precision.YEAR)),
        ("2011-12", (datetime.date(2011, 12, 1), Precision.MONTH)),
        ("2025-09-03", (datetime.date(2025, 9, 3), Precision.DAY)),
    ],
)
def test_parse_reads_each_precision(text, expected):
    assert dates.parse(text) == expected


@pytest.mark.parametrize("text", ["", "late 2011", "2025-13", "2025-02-30", "25-09-03", "2025/09/03"])
def test_parse_rejects_what_is_not_a_date_with_a_message(text):
    with pytest.raises(ValueError, match="date"):
        dates.parse(text)


def test_normalise_keeps_a_year_from_looking_like_a_day():
    assert dates.normalise(datetime.date(1959, 10, 1), Precision.YEAR) == datetime.date(1959, 1, 1)
    assert dates.normalise(datetime.date(2011, 12, 17), Precision.MONTH) == datetime.date(2011, 12, 1)
    assert dates.normalise(datetime.date(2025, 9, 3), Precision.DAY) == datetime.date(2025, 9, 3)


def test_the_calendars_last_period_ends_on_its_last_day():
    assert dates.period_end(datetime.date(9999, 1, 1), "year") == datetime.date.max
    assert dates.period_end(datetime.date(9999, 12, 1), "month") == datetime.date.max
    assert dates.period_end(datetime.date(2024, 2, 1), "month") == datetime.date(2024, 2, 29)
