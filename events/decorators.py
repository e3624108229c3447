"""What every public page and preview image is wrapped in, in an order that matters:
written once here, so that no view can get it wrong."""

from functools import wraps

from csp.decorators import csp_replace
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from . import changes, pinning
from .cache import cached_page


def pinnable(narrow):
    """Lets ``?as_of=`` pin a view to a past moment (see events.pinning).

    The moment is read here, once, and given to the view as ``request.pinned_at``
    (None for a live view). ``narrow(request, events, at, *args, **kwargs)``, given the
    view's own arguments, picks the view's events from ``events``, reading its link as
    of ``at`` (None: today): the banner (events.changes) counts what changed among them
    since. A bad moment is a 400 that says what is wrong with it.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.pinned_at = None
            text = request.GET.get("as_of", "")
            if not text:
                return view(request, *args, **kwargs)
            live = request.GET.copy()
            del live["as_of"]
            current_url = request.path + (f"?{live.urlencode()}" if live else "")
            try:
                moment = pinning.parse(text)
            except pinning.BadMoment as error:
                context = {"problem": str(error), "current_url": current_url}
                return render(request, "events/pin_invalid.html", context, status=400)

            def view_events(events, at):
                return narrow(request, events, at, *args, **kwargs)

            request.pinned_at = moment
            with changes.pinned(moment, view_events, current_url) as pin:
                request.pin = pin
                return view(request, *args, **kwargs)

        return wrapper

    return decorator


def apply(layers, view):
    """``view`` wrapped in ``layers``, the first outermost, as if stacked above it."""
    for layer in reversed(layers):
        view = layer(view)
    return view


def public_page(*, narrow, embeddable=False):
    """A page anyone may read, pinned or live, its events picked by ``narrow`` (see
    ``pinnable``). From the outside in:

    1. ``require_GET``: any other method is a 405 before any work is done.
    2. Only when ``embeddable``, ``xframe_options_exempt`` and a CSP of
       ``frame-ancestors *``, so that any site may frame the page. They mark the
       response on its way out, so a page served from the cache is marked too.
    3. ``cached_page``: the whole response, per data version, for readers not logged
       in; it names the request headers that change a page in Vary itself. It sits
       outside the pin, so its key takes the live data version: a pinned page carries
       the banner of what changed since, which the next edit changes; and a page
       served from the cache opens no snapshot. (Work done inside the pin, such as the
       explorer's results, is cached under the pinned moment and outlives edits.)
    4. ``pinnable``: ``?as_of=`` runs the view in a snapshot of that moment; a bad
       moment is a 400, which the cache does not keep.
    5. ``gzip_page``: innermost, so a page is compressed once, before it is cached
       (the cache key tells a reader who accepts gzip from one who does not).
    """
    # Any site may show the embed: its page, nothing else, lifts both framing refusals.
    framing = [xframe_options_exempt, csp_replace({"frame-ancestors": ["*"]})] if embeddable else []
    return lambda view: apply([require_GET, *framing, cached_page, pinnable(narrow), gzip_page], view)


def public_image(*, narrow):
    """A link preview image (events.previews), pinned or live: ``require_GET``, then
    ``pinnable``. Not ``cached_page``: the drawn PNG is cached by events.previews under
    the data version inside the pin, and a 503 "busy drawing" must reach the reader
    as it is. Not ``gzip_page``: a PNG is compressed already."""
    return lambda view: apply([require_GET, pinnable(narrow)], view)
