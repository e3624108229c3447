"""The timeline's events as files: CSV, JSON and Knight Lab's TimelineJS.

Pure functions: the rows of ``EventQuerySet.rows()`` and the view's ``TimelineQuery``
in, the file's content out; no request, no ORM. ``absolute`` turns a site path into
a full URL (a view passes ``request.build_absolute_uri``).
"""

import csv
import io
from html import escape

CSV_COLUMNS = ["slug", "title", "date", "start", "end", "precision", "kind", "place", "leaders", "reported_as", "url"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Spreadsheets run cells that start with = + - @ as formulas: make them text."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def describe(query, rows):
    """The line that says what the export holds, as the timeline's page says it."""
    years = (min(r["start"].year for r in rows), max(r["end"].year for r in rows)) if rows else None
    return query.describe(len(rows), years)


def csv_text(rows, absolute):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = row | {"leaders": "; ".join(row["leaders"]), "url": absolute(row["url"])}
        writer.writerow([csv_cell(values[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def json_data(query, rows, absolute):
    events = [
        row | {"start": row["start"].isoformat(), "end": row["end"].isoformat(), "url": absolute(row["url"])}
        for row in rows
    ]
    return {"view": describe(query, rows), "query": query.params(), "events": events}


def timelinejs_date(date, precision):
    parts = {"year": date.year}
    if precision in ("month", "day"):
        parts["month"] = date.month
    if precision == "day":
        parts["day"] = date.day
    return parts


def timelinejs_data(query, rows):
    """A TimelineJS file: the same story in Knight Lab's TimelineJS. Its text is HTML there, so escaped."""
    events = [
        {
            "unique_id": row["slug"],
            "start_date": timelinejs_date(row["start"], row["precision"]),
            "display_date": row["date"],
            "group": row["kind"],
            "text": {
                "headline": escape(row["title"]),
                "text": f"<p>{escape(row['summary'])}</p><p>{escape(', '.join(row['leaders']))}</p>",
            },
        }
        for row in rows
    ]
    title = {"text": {"headline": "newsdash", "text": escape(describe(query, rows))}}
    return {"title": title, "events": events}
