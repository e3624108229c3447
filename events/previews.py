"""Link preview images, drawn to PNG on the server; nothing from the network.

A timeline (and a leader's) is our own SVG of its layout (events.svg.image_svg), of its
events or of their counts per period; an event or a comparison a card
(events.svg.card_svg). resvg draws them all, with no browser.

An image is made on its first request and kept per query and data version (a page
never waits for it: it only links to it). When drawing fails, the branded
generic image stands in, and the failure is logged.

Drawing is slow next to serving a page, so a server draws at most PREVIEW_DRAWERS
images at once, across all its processes, with at most PREVIEW_QUEUE more waiting;
past that a request is told to come back (``Busy``), and the workers stay free for
readers. Images already drawn are served from the cache whatever is being drawn.
"""

import contextlib
import fcntl
import logging
import time
from pathlib import Path

import resvg_py
from django.conf import settings

from .cache import cached

logger = logging.getLogger("newsdash")

FALLBACK = Path(settings.BASE_DIR) / "static" / "img" / "preview.png"
WAIT = 30  # seconds a drawing may take, and a queued request may wait for its turn


class Busy(Exception):
    """Every drawing slot is taken and the queue is full: come back in a moment."""


def take(directory, name, count):
    """One of ``count`` locks of this name, or None when all are held. A lock is held
    as long as its file stays open, and the system releases it if the process dies."""
    for number in range(count):
        handle = open(directory / f"preview-{name}-{number}.lock", "a")  # noqa: SIM115 (closed by the caller)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
        else:
            return handle
    return None


@contextlib.contextmanager
def drawing_slot():
    """A turn to draw, shared by every process of this server: a place in the bounded
    queue first (else ``Busy``), then one of the drawing slots within ``WAIT`` seconds."""
    directory = Path(settings.SHARED_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as held:
        place = take(directory, "place", settings.PREVIEW_DRAWERS + settings.PREVIEW_QUEUE)
        if place is None:
            raise Busy
        held.callback(place.close)
        deadline = time.monotonic() + WAIT
        while (slot := take(directory, "slot", settings.PREVIEW_DRAWERS)) is None:
            if time.monotonic() > deadline:
                raise Busy
            time.sleep(0.05)
        held.callback(slot.close)
        yield


def seating_data(arrangement):
    """An arrangement's chart data without native-script names: a server may lack the
    fonts for every script (CJK, say), and a thumbnail reads better with one name a seat."""
    data, seats = arrangement.as_chart_data()
    return data, [seat | {"native_name": ""} for seat in seats]


def rasterise(svg_text):
    """An SVG (events.svg.image_svg) as PNG bytes, drawn by resvg with the system's fonts."""
    return bytes(resvg_py.svg_to_bytes(svg_string=svg_text))


def image(name, parts, make, moment=None):
    """PNG bytes for this preview (as of ``moment``, for a pinned link), and whether they
    are the generic image.

    ``make()`` draws it (with ``rasterise``); it is called only when the image is
    not cached. Raises ``Busy`` when it is not cached and the server is drawing all it may.
    """

    def drawn():
        with drawing_slot():
            return make()

    try:
        return cached(f"preview-{name}", parts, drawn, moment), False
    except Busy:
        raise
    except Exception:
        logger.exception("Could not draw the %s preview %r: sending the generic image", name, parts)
        return FALLBACK.read_bytes(), True
