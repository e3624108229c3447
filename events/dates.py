"""Partial dates: a date known to the day, the month or only the year.

News gives dates at every precision ("1959", "late 2011", "3 September
2025"). A partial date is stored as a real date (the first day of its
period) plus its precision and an optional qualifier, so it sorts like a
date but is never shown as more exact than it is.
"""

import calendar
import datetime
import re

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class Qualifier(models.TextChoices):
    NONE = "", "None (as stated)"
    ABOUT = "about", "About"
    EARLY = "early", "Early"
    MID = "mid", "Mid"
    LATE = "late", "Late"
    AS_EARLY_AS = "as_early_as", "As early as"


# "Late 3 September" means nothing: these only qualify a month or a year.
PERIOD_QUALIFIERS = (Qualifier.EARLY, Qualifier.MID, Qualifier.LATE)

# The years the newsroom writes about. An editor is asked to confirm a date outside them
# (admin.DatesConfirmedForm): most are typos (2205 for 2025), and one real outlier
# stretches the public timeline over centuries.
USUAL_FIRST_YEAR = 1800
USUAL_YEARS_AHEAD = 10

_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


def normalise(date, precision):
    """The first day of the period, so equal partial dates compare equal."""
    if date is None:
        return None
    if precision == Precision.YEAR:
        return date.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return date.replace(day=1)
    return date


def period_end(date, precision):
    """The last day of the period a partial date stands for."""
    if date is None:
        return None
    if precision == Precision.YEAR:
        return date.replace(month=12, day=31)
    if precision == Precision.MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date


def shifted(date, delta):
    """``date + delta``, stopped at the first or last day a date can be (1 January of year 1,
    31 December 9999) rather than overflowing: margins around events at the calendar's ends."""
    try:
        return date + delta
    except OverflowError:
        return datetime.date.max if delta > datetime.timedelta(0) else datetime.date.min


def usual_range(today):
    """The first and last day of the newsroom's usual range, seen from ``today``."""
    return datetime.date(USUAL_FIRST_YEAR, 1, 1), datetime.date(today.year + USUAL_YEARS_AHEAD, 12, 31)


def parse(text):
    """Read "1959", "2011-12" or "2025-09-03" into (date, precision).

    Raises ValueError with a message fit for an editor.
    """
    match = _ISO.match(str(text).strip())
    if not match:
        raise ValueError(f"“{text}” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.")
    year = int(match["year"])
    month = int(match["month"] or 1)
    day = int(match["day"] or 1)
    try:
        date = datetime.date(year, month, day)
    except ValueError as error:
        raise ValueError(f"“{text}” is not a real date ({error}).") from None
    if match["day"]:
        return date, Precision.DAY
    if match["month"]:
        return date, Precision.MONTH
    return date, Precision.YEAR


def format_date(date, precision, qualifier=Qualifier.NONE):
    """The date as precisely as it is known: "1959", "December 2011", "3 Sep 2025"."""
    if date is None:
        return ""
    if precision == Precision.YEAR:
        text = str(date.year)
    elif precision == Precision.MONTH:
        text = f"{date:%B} {date.year}"
    else:
        text = f"{date.day} {date:%b} {date.year}"
    if qualifier:
        text = f"{Qualifier(qualifier).label.lower()} {text}"
    return text


def display(fields):
    """An event's dates in words, from its ``start_*`` and ``end_*`` fields."""
    start = format_date(fields["start_date"], fields["start_precision"], fields["start_qualifier"])
    if fields["end_date"]:
        return f"{start} – {format_date(fields['end_date'], fields['end_precision'])}"
    return start
