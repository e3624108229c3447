"""The export files made from rows alone: no database, no request."""

import csv
import datetime
import io

from events import exports
from events.query import TimelineQuery


def row(**changes):
    """One event as ``EventQuerySet.rows()`` gives it."""
    return {
        "slug": "beijing-military-parade-2025",
        "title": "Beijing military parade",
        "url": "/events/beijing-military-parade-2025/",
        "date": "3 Sep 2025",
        "start": datetime.date(2025, 9, 3),
        "end": datetime.date(2025, 9, 3),
        "precision": "day",
        "kind": "Parade",
        "place": "Tiananmen Square, China",
        "leaders": ["Xi Jinping", "Kim Jong-un"],
        "countries": ["China", "North Korea"],
        "happened": True,
        "reported_as": "",
        "summary": "Kim stood beside Xi.",
    } | changes


def absolute(path):
    return "https://news.example" + path


def test_the_csv_has_a_header_and_a_line_per_event_with_full_links():
    lines = list(csv.reader(io.StringIO(exports.csv_text([row()], absolute))))
    assert lines[0] == exports.CSV_COLUMNS
    exported = dict(zip(lines[0], lines[1], strict=True))
    assert exported["leaders"] == "Xi Jinping; Kim Jong-un"
    assert exported["start"] == "2025-09-03"
    assert exported["url"] == "https://news.example/events/beijing-military-parade-2025/"


def test_csv_cells_that_a_spreadsheet_would_run_are_text():
    rows = [row(title='=HYPERLINK("http://evil")', place="+1", summary="ignored"), row(title="-2", place="@SUM(A1)")]
    lines = list(csv.DictReader(io.StringIO(exports.csv_text(rows, absolute))))
    assert [(line["title"], line["place"]) for line in lines] == [
        ('\'=HYPERLINK("http://evil")', "'+1"),
        ("'-2", "'@SUM(A1)"),
    ]


def test_the_json_names_the_view_its_query_and_iso_dates():
    query = TimelineQuery(kinds=["parade"], moment=datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC))
    data = exports.json_data(
        query, [row(), row(slug="later", start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31))], absolute
    )
    assert data["view"] == "2 events, 2025–2026, lanes by leader, kinds: parade"
    assert data["query"] == [("kind", "parade"), ("as_of", "2026-11-23T10:00:00Z")]
    assert [(event["start"], event["end"]) for event in data["events"]] == [
        ("2025-09-03", "2025-09-03"),
        ("2026-01-01", "2026-01-31"),
    ]
    assert data["events"][0]["url"] == "https://news.example/events/beijing-military-parade-2025/"


def test_an_empty_export_says_so():
    assert exports.json_data(TimelineQuery(), [], absolute) == {
        "view": "0 events, lanes by leader",
        "query": [],
        "events": [],
    }


def test_timelinejs_dates_keep_their_precision_and_text_is_escaped():
    rows = [
        row(title="<b>Parade</b>", precision="year", start=datetime.date(1959, 1, 1)),
        row(precision="month"),
        row(summary="<script>x</script>", leaders=["<i>Kim</i>"]),
    ]
    data = exports.timelinejs_data(TimelineQuery(), rows)
    assert [event["start_date"] for event in data["events"]] == [
        {"year": 1959},
        {"year": 2025, "month": 9},
        {"year": 2025, "month": 9, "day": 3},
    ]
    assert data["events"][0]["text"]["headline"] == "&lt;b&gt;Parade&lt;/b&gt;"
    assert data["events"][2]["text"]["text"] == "<p>&lt;script&gt;x&lt;/script&gt;</p><p>&lt;i&gt;Kim&lt;/i&gt;</p>"
    assert data["title"]["text"]["text"] == "3 events, 1959–2025, lanes by leader"
