"""What drawing a timeline costs on the server: the layout of 100 and 1,000 events (lanes,
rows, labels), then each of its three outputs (the page's SVG, the plotly figure as JSON, the
PNG through resvg). No database: the rows are made here, as ``EventQuerySet.rows`` gives them.

Run with `make bench-layout`. Writes bench/results/layout.md and prints it.
"""

import datetime
import os
import platform
import random
import statistics
import time

from standalone import setup

setup("layout.sqlite3")

from report import write_results  # noqa: E402

from events import charts, layout, previews, svg  # noqa: E402

RUNS = 7
LEADERS = ["Kim Jong-un", "Xi Jinping", "Vladimir Putin", "Donald Trump", "Lee Jae Myung", "Choe Ryong-hae"]


def rows(count):
    """``count`` events over fifteen years, a seventh of them dated to the year, some planned."""
    rng = random.Random(count)
    made = []
    for i in range(count):
        start = datetime.date(2011, 1, 1) + datetime.timedelta(days=rng.randrange(15 * 365))
        year = i % 7 == 0
        made.append(
            {
                "slug": f"event-{i}",
                "title": f"Event {i}: a summit of {rng.choice(LEADERS)} and {rng.choice(LEADERS)}",
                "date": str(start),
                "start": start.replace(month=1, day=1) if year else start,
                "end": start.replace(month=12, day=31) if year else start,
                "precision": "year" if year else "day",
                "qualifier": "late" if i % 21 == 0 else "",
                "kind": "Summit",
                "place": "Beijing, China",
                "leaders": rng.sample(LEADERS, rng.choice([1, 1, 2])),
                "countries": ["China"],
                "happened": i % 9 != 0,
                "reported_as": "" if i % 9 else "possible",
            }
        )
    return sorted(made, key=lambda row: row["start"])


def timed(function):
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        value = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), value


def main():
    today = datetime.date(2026, 12, 1)
    table, report = [], {}
    for count in (100, 1000):
        events = rows(count)
        placed, drawing = timed(lambda events=events: layout.timeline_layout(events, today=today))
        page, _ = timed(lambda drawing=drawing: svg.layout_svg(drawing))
        figure, _ = timed(lambda drawing=drawing: charts.dumps(charts.layout_figure(drawing)))
        image = svg.image_svg(drawing, "Timeline", f"{count} events", "https://newsdash.example/timeline/")
        png, data = timed(lambda image=image: previews.rasterise(image))
        labelled = sum(1 for mark in drawing.marks if mark.label)
        report[count] = {"layout_ms": placed, "svg_ms": page, "plotly_json_ms": figure, "png_ms": png}
        table.append(
            f"| {count:,} | {len(drawing.marks):,} | {labelled:,} | {drawing.rows} | {placed:.1f} | {page:.1f} "
            f"| {figure:.1f} | {png:.0f} | {len(data) / 1024:.0f} |"
        )
    lines = [
        "# Drawing a timeline on the server: layout and its three outputs",
        "",
        f"{time.strftime('%Y-%m-%d')}, {platform.node()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}; `make bench-layout`. "
        f"Median of {RUNS} runs, ms.",
        "",
        "| events | marks | labelled | rows | layout | page SVG | plotly JSON | PNG (resvg) | PNG KB |",
        "|---|---|---|---|---|---|---|---|---|",
        *table,
        "",
        "Marks: one per event and lane. Rows: the sub-rows of every lane, stacked so that no two",
        "marks touch at a phone's width. The PNG is the 1200x630 image of link previews and downloads.",
    ]
    write_results("layout", lines, report)


if __name__ == "__main__":
    main()
