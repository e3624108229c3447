"""Where a benchmark leaves its figures: bench/results/<name>.md, the table it prints, and
<name>.json, the measurements behind it."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(name, lines, report):
    """Write the table (``lines``) and the figures (``report``), then print the table."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1) + "\n")
    print("\n".join(lines))
