"""Link preview images: a view's figure drawn to PNG on the server by kaleido, with
Debian's Chromium and the same plotly.js bundle the pages use; nothing from the network.

An image is made on its first request and kept per query and data version (a page
never waits for it: it only links to it). When drawing fails, the branded
generic image stands in, and the failure is logged.
"""

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from .cache import cached

logger = logging.getLogger("newsdash")

PLOTLY_JS = "vendor/plotly/plotly-basic.min.js"
FALLBACK = Path(settings.BASE_DIR) / "static" / "img" / "preview.png"
# One Chromium at a time per process: a burst of first requests waits its turn
# rather than starting a browser each.
DRAWING = threading.Lock()
WAIT = 30  # seconds a request waits for its turn before taking the generic image


def seating_data(arrangement):
    """An arrangement's chart data without native-script names: a server may lack the
    fonts for every script (CJK, say), and a thumbnail reads better with one name a seat."""
    data, seats = arrangement.as_chart_data()
    return data, [seat | {"native_name": ""} for seat in seats]


def draw(figure):
    """The figure as PNG bytes (its layout gives the size)."""
    import kaleido  # imported when first needed: it is slow to import, and pages never need it

    if not DRAWING.acquire(timeout=WAIT):
        raise TimeoutError("another preview took too long to draw")
    try:
        layout = figure["layout"]
        options = {"format": "png", "width": layout["width"], "height": layout["height"]}
        plotly_js = finders.find(PLOTLY_JS)
        return kaleido.calc_fig_sync(
            figure, opts=options, kopts={"plotlyjs": plotly_js, "mathjax": False, "timeout": WAIT}
        )
    finally:
        DRAWING.release()


def image(name, parts, figure):
    """PNG bytes for this preview, and whether they are the generic image.

    ``figure()`` builds the figure; it is called only when the image is not cached.
    """
    try:
        return cached(f"preview-{name}", parts, lambda: draw(figure())), False
    except Exception:
        logger.exception("Could not draw the %s preview %r: sending the generic image", name, parts)
        return FALLBACK.read_bytes(), True
