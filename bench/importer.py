"""How long the article import takes to read a 10,000-word article.

Run with `make bench-import`. The article is the dataset's two source articles
repeated, each copy's years shifted so its dates are new ones, until it has
10,000 words; it is analysed against the dataset (leaders, places, and the
existing events each proposal is matched with). Writes bench/results/importer.md
and .json, and prints the table.
"""

import json
import os
import platform
import re
import statistics
import sys
import time

from standalone import ROOT, setup

setup("importer.sqlite3")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from events import article, importing  # noqa: E402

WORDS = 10_000
RUNS = 7
SOURCES = ROOT / "events" / "data" / "sources"


def long_article(words):
    texts = [path.read_text(encoding="utf-8") for path in sorted(SOURCES.glob("*.txt"))]
    parts, count, copy = [], 0, 0
    while count < words:
        text = texts[copy % len(texts)]
        shift = copy // len(texts)
        text = re.sub(r"\b(19[5-9]\d|20[0-2]\d)\b", lambda m, shift=shift: str(int(m.group()) - shift), text)
        parts.append(text)
        count += len(text.split())
        copy += 1
    return "\n\n".join(parts)


def main():
    call_command("migrate", verbosity=0)
    call_command("load_dataset", verbosity=0)
    text = long_article(WORDS)
    data = text.encode()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        analysis = importing.analyse(article.read(data, "article.md"), article_date=None)
        times.append(time.perf_counter() - started)
    cold, warm = times[0], sorted(times[1:])
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "database": connection.vendor,
        "words": len(text.split()),
        "characters": len(text),
        "sentences": len(article.sentences(text)),
        "proposals": len(analysis.events),
        "matched": sum(1 for proposal in analysis.events if proposal.matches),
        "cold_s": round(cold, 3),
        "p50_s": round(statistics.median(warm), 3),
        "max_s": round(warm[-1], 3),
        "target_s": 2.0,
    }
    table = "\n".join(
        [
            "# Article import: analysing a 10,000-word article",
            "",
            f"{result['date']}, {result['machine']}, {result['database']}; `make bench-import`.",
            "",
            "| words | sentences | dated proposals | matched to existing events | first run | p50 | slowest | target |",
            "|---|---|---|---|---|---|---|---|",
            f"| {result['words']:,} | {result['sentences']:,} | {result['proposals']} | {result['matched']} "
            f"| {result['cold_s']} s | {result['p50_s']} s | {result['max_s']} s | < 2 s |",
            "",
            "The first run includes importing the parsers (markdown-it, dateparser); p50 and slowest are",
            f"over the {RUNS - 1} runs after it. Each run reads the text, finds sentences, leaders, people,",
            "dates and tables, and matches every proposal against the events in the database.",
            "",
        ]
    )
    out = ROOT / "bench" / "results"
    (out / "importer.md").write_text(table)
    (out / "importer.json").write_text(json.dumps(result, indent=2) + "\n")
    print(table)
    if max(times) >= 2.0:
        sys.exit(f"Slower than the 2-second target: {max(times):.2f} s")


if __name__ == "__main__":
    main()
