"""HTTP: one view per page; a page serves its named partial to htmx.

Public pages are compressed (they carry no CSRF token, so no BREACH risk) and
cached whole per data version for readers who are not logged in: ``public_page``
(events.decorators) says in which order. Each is pinnable with ``?as_of=``; its
narrowing function, named after the events it shows, picks them for the banner.

Visibility is decided here and in the querysets: the public only ever gets
published events, whichever template or partial renders them.
"""

import datetime

from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET
from django_htmx.http import push_url, replace_url

from . import charts, counts, explorer, exports, layout, pinning, previews, svg
from .cache import cached
from .decorators import public_image, public_page
from .forms import SeatingCompareForm, TimelineForm
from .lanes import Lanes
from .models import Collection, Country, Event, Leader, SeatingArrangement, Source


def form_choices(moment=None):
    """Countries and collections that have published events (as of a pinned view's
    ``moment``), cached per data version."""

    def compute():
        published = Event.objects.published()
        places = Q(pk__in=published.filter(place__isnull=False).values("place__country"))
        countries = Country.objects.filter(counts.participant_countries(moment) | places).order_by("name")
        return list(countries.values_list("iso_code", "name")), list(Collection.objects.published())

    return cached("form-choices", (), compute, moment)


def featured_collection(moment=None):
    """The collection that opens the home page, or None. Picked from the cached
    choices: a query of its own would cost every uncached home page one more."""
    _, collections = form_choices(moment)
    return next((collection for collection in collections if collection.featured), None)


def home_form(request, moment):
    """The home page's explorer: the featured collection, unless the link names another."""
    featured = featured_collection(moment)
    return timeline_form(request, moment, **({"collection": featured.slug} if featured else {}))


# What each page shows, for the banner of a pinned link: ``narrow(request, events, at,
# **the view's arguments)`` picks the page's events from ``events``, its link read as of
# ``at`` (see events.decorators).


def every_event(request, events, at):
    return events


def timeline_events(request, events, at, **initial):
    return timeline_form(request, at, **initial).query().apply(events)


def home_events(request, events, at):
    return home_form(request, at).query().apply(events)


def collection_events(request, events, at, slug):
    return timeline_events(request, events, at, collection=slug)


def event_by_slug(request, events, at, slug):
    return events.filter(slug=slug)


def events_of_leader(request, events, at, slug):
    return events.for_leaders([slug])


def events_cited_by(request, events, at, slug):
    cited = Q(citations__source__slug=slug) | Q(participations__citations__source__slug=slug)
    return events.filter(cited | Q(arrangements__seats__citations__source__slug=slug)).distinct()


def compared_events(request, events, at):
    return events.filter(arrangements__pk__in=SeatingCompareForm(request.GET).chosen())


def timeline_form(request, moment, **initial):
    """The request's filter form as of ``moment`` (None: live), read once: a pinned
    page's banner reads its events through the same form as the page."""
    made = request.__dict__.setdefault("timeline_forms", {})
    key = (moment, *sorted(initial.items()))
    if key not in made:
        data = request.GET.copy()
        for name, value in initial.items():
            data.setdefault(name, value)
        countries, collections = form_choices(moment)
        made[key] = TimelineForm(data, countries=countries, collections=collections, moment=moment)
    return made[key]


def timeline_context(request, form, strip=True):
    query = form.query()
    result = explorer.timeline(query)
    rows = [row | {"panel_url": request.path + query.querystring(event=row["slug"])} for row in result["rows"]]
    summary = query.describe(result["count"], result["years"])
    filename = filename_of(summary)
    panel = None
    if query.event:
        panel = Event.objects.published().with_details().filter(slug=query.event).first()
        if panel is None:
            form.notices.append(f"No published event “{query.event}”.")
    page = result["page"]
    outside = result["outside"]
    if outside:  # a link to the same view over every event's dates
        outside = outside | {"url": request.path + query.querystring(view=outside["view"], page="")}
    return {
        "form": form,
        "query": query,
        "rows": rows,
        "summary": summary,
        "aggregated": result["aggregated"],
        "chart_keys": result["keys"],
        "outside": outside,
        "overview": explorer.overview_of(query, result) if strip and result["count"] else None,
        "pager": {
            "page": page,
            "pages": result["pages"],
            "first": result["offset"] + 1,
            "last": result["offset"] + len(rows),
            "previous": request.path + query.querystring(page=page - 1) if page > 1 else "",
            "next": request.path + query.querystring(page=page + 1) if page < result["pages"] else "",
        },
        "chart_json": mark_safe(charts.chart_json(result["figure_json"], charts.chart_config(filename))),
        "chart_height": result["height"],
        # The frame an embed needs: the chart, with the line above it, the zoom buttons and its key.
        "embed_height": result["height"] + 200,
        "chart_svg": mark_safe(result["svg"]),
        "panel": panel,
        "close_url": request.path + (query.querystring(event="") or "?"),
        "share_url": request.build_absolute_uri(reverse("events:timeline") + query.querystring()),
        "embed_url": request.build_absolute_uri(reverse("events:embed_timeline") + query.querystring()),
        "preview_url": reverse("events:preview_timeline") + query.querystring(event="", page=""),
    }


EXPLORER_PARTIALS = {"results": "results", "event-panel": "panel"}


def render_explorer(request, template, context):
    """The whole page, or the explorer's partial that htmx asked for by its target's id."""
    htmx = request.htmx
    if htmx and not htmx.boosted and not htmx.history_restore_request and htmx.target in EXPLORER_PARTIALS:
        response = render(request, f"events/partials/explorer.html#{EXPLORER_PARTIALS[htmx.target]}", context)
        # The swapped fragment's URL becomes the address bar's: the link to share, in
        # its canonical form (no empty fields of the filter form, no values it dropped).
        # A zoom replaces the entry rather than stacking one per wheel turn.
        url = request.path + context["query"].querystring()
        if request.headers.get("X-Newsdash-Zoom"):
            return replace_url(response, url)
        return push_url(response, url)
    return render(request, template, context)


def home_overview():
    """Counts, the latest events and the busiest leaders: whole-table work, cached."""
    published = Event.objects.published()
    return {
        "latest": list(published.with_place().order_by("-start_date", "-pk")[:5]),
        "counts": published.aggregate(
            events=Count("pk", distinct=True), leaders=Count("participations__leader", distinct=True)
        ),
        "leaders": list(Leader.objects.with_event_counts().order_by("-event_count", "name")[:8]),
    }


@public_page(narrow=home_events)
def home(request):
    _, collections = form_choices(request.pinned_at)
    context = timeline_context(request, home_form(request, request.pinned_at)) | {
        "featured": featured_collection(request.pinned_at),
        "collections": collections,
        **cached("home", (), home_overview, request.pinned_at),
    }
    return render_explorer(request, "events/home.html", context)


@public_page(narrow=timeline_events)
def timeline(request):
    context = timeline_context(request, timeline_form(request, request.pinned_at))
    return render_explorer(request, "events/timeline.html", context)


@public_page(narrow=timeline_events, embeddable=True)
def embed_timeline(request):
    # An embed is sized to its chart, and links to the full page for exploring further.
    context = timeline_context(request, timeline_form(request, request.pinned_at), strip=False)
    return render_explorer(request, "events/embed.html", context)


def viewpoint_of(request):
    viewpoint = request.GET.get("seating", "")
    return viewpoint if viewpoint in dict(charts.Viewpoint.CHOICES) else charts.Viewpoint.AUDIENCE


def seating_chart(arrangement, viewpoint, shared=frozenset(), key=""):
    """The diagram and its text equivalent (the same seats, in words)."""
    data, seats = arrangement.as_chart_data()
    figure = charts.seating_figure(data, seats, viewpoint, shared)
    filename = f"newsdash-seating-{arrangement.pk}-{viewpoint}"
    host = data["host"] or "the host"
    return {
        "arrangement": arrangement,
        "chart_id": f"seating-figure-{arrangement.pk}{key}",
        "min_width": charts.seating_min_width(seats),
        "chart_json": mark_safe(charts.chart_json(charts.dumps(figure), charts.chart_config(filename))),
        "seats": [seat | {"words": charts.seat_position_words(seat, host, data["perspective"])} for seat in seats],
    }


@public_page(narrow=event_by_slug)
def event_detail(request, slug):
    # Editors preview drafts through "view on site"; the public never sees them,
    # nor anyone through a pinned link.
    events = Event.objects.with_details()
    if not request.user.is_staff or request.pinned_at:
        events = events.published()
    event = events.filter(slug=slug).first()
    if event is None:
        # A pinned link to a withdrawn event says so, and when; nothing more of it.
        withdrawal = request.pinned_at and pinning.withdrawal_hiding(slug, request.pinned_at)
        if withdrawal:
            return render(request, "events/withdrawn.html", {"withdrawal": withdrawal}, status=410)
        raise Http404("No published event here.")
    viewpoint = viewpoint_of(request)
    arrangements = list(event.arrangements.all())
    leaders = {seat.leader_id for arrangement in arrangements for seat in arrangement.seats.all() if seat.leader_id}
    others = list(SeatingArrangement.objects.published().comparable_with(event, leaders)) if arrangements else []
    context = {
        "event": event,
        "viewpoint": viewpoint,
        "viewpoints": charts.Viewpoint.CHOICES,
        "seating": [seating_chart(arrangement, viewpoint) for arrangement in arrangements],
        "comparisons": others,
    }
    template = "events/event_detail.html"
    if request.htmx and request.htmx.target == "seating" and not request.htmx.history_restore_request:
        return push_url(render(request, f"{template}#seating", context), request.get_full_path())
    return render(request, template, context)


@public_page(narrow=events_cited_by)
def source_detail(request, slug):
    """A source and everything public it backs, with the quotes or statements, so a reader
    can check all that newsdash rests on it."""
    source = get_object_or_404(Source, slug=slug)
    citations = list(source.citations.public().with_claims().order_by("pk"))
    if not citations:
        raise Http404("No published fact cites this source.")
    return render(request, "events/source_detail.html", {"source": source, "citations": citations})


@public_page(narrow=compared_events)
def seating_compare(request):
    """Two arrangements side by side; the URL (a, b, seating) is the share link."""
    arrangements = SeatingArrangement.objects.published().with_seats()
    form = SeatingCompareForm(request.GET)
    problems, chosen = form.problems(), form.chosen()
    found = {str(arrangement.pk): arrangement for arrangement in arrangements.filter(pk__in=chosen)} if chosen else {}
    missing = [value for value in chosen if value not in found]
    if missing and not problems:
        raise Http404(f"No published seating arrangement {', '.join(missing)}.")
    viewpoint = viewpoint_of(request)
    pair = [found[value] for value in chosen if value in found]
    shared_leaders, shared_countries = set(), set()
    if len(pair) == 2:
        shared_leaders, shared_countries = charts.shared_between(*(a.as_chart_data()[1] for a in pair))
    shared = frozenset(shared_leaders | shared_countries)
    context = {
        "problems": problems,
        "pair": [
            seating_chart(arrangement, viewpoint, shared, key) for arrangement, key in zip(pair, "ab", strict=False)
        ],
        "shared_leaders": sorted(shared_leaders),
        "shared_countries": sorted(shared_countries),
        "viewpoint": viewpoint,
        "viewpoints": charts.Viewpoint.CHOICES,
        "choices": SeatingArrangement.objects.published().select_related("event").order_by("event__start_date"),
        "a": request.GET.get("a", ""),
        "b": request.GET.get("b", ""),
        "preview": len(pair) == 2,
    }
    return render(request, "events/seating_compare.html", context, status=400 if problems and chosen else 200)


@public_page(narrow=events_of_leader)
def leader_detail(request, slug):
    leaders = Leader.objects.select_related("country").prefetch_related("offices__citations__source")
    # A leader with no published event (one an import made for a draft) is not public yet;
    # editors may look, as they preview drafts.
    if not request.user.is_staff or request.pinned_at:
        leaders = leaders.public()
    leader = get_object_or_404(leaders, slug=slug)
    rows = Event.objects.published().for_leaders([slug]).chronological().rows()
    drawing = layout.timeline_layout(rows, Lanes.KIND, today=datetime.date.today())
    figure = charts.layout_figure(drawing)
    count = len(rows)
    context = {
        "leader": leader,
        "summary": f"{count} event{'' if count == 1 else 's'}, lanes by kind of event",
        "rows": rows,
        "co_participants": Leader.objects.alongside(leader),
        "chart_json": mark_safe(
            charts.chart_json(charts.dumps(figure), charts.chart_config(f"newsdash-{leader.slug}"))
        ),
        "chart_height": figure["layout"]["height"],
        "chart_svg": mark_safe(svg.layout_svg(drawing)),
        "chart_keys": [layout.KEYS[key] for key in drawing.keys],
        "timeline_url": reverse("events:timeline") + f"?leader={leader.slug}",
    }
    return render(request, "events/leader_detail.html", context)


@public_page(narrow=collection_events)
def collection_detail(request, slug):
    collection = get_object_or_404(Collection.objects.published(), slug=slug)
    form = timeline_form(request, request.pinned_at, collection=collection.slug)
    context = timeline_context(request, form) | {"collection": collection}
    return render_explorer(request, "events/collection_detail.html", context)


@require_GET
def leader_options(request):
    """Leaders matching what the reader types, as checkboxes for the timeline's filter form (htmx)."""
    text = request.GET.get("find", "")[:100]
    selected = set(request.GET.getlist("leader"))
    leaders = (
        Leader.objects.matching(text).in_published_events().exclude(slug__in=selected).distinct().order_by("name")[:10]
        if len(text.strip()) >= 2
        else []
    )
    return render(request, "events/partials/leader_options.html", {"leaders": leaders, "text": text})


@public_page(narrow=every_event)
def leader_list(request):
    leaders = Leader.objects.with_event_counts().select_related("country").order_by("name")
    return render(request, "events/leader_list.html", {"leaders": leaders})


# Data endpoints (the files are made in events.exports): the same query string as
# /timeline/, refused with a 400 when it is bad.


def export(request, answer):
    """``answer(query, rows)``: the response carrying the file of this query's events;
    a 400 naming what is wrong with a bad query."""
    form = timeline_form(request, request.pinned_at)
    query = form.query()
    if form.notices:
        return HttpResponseBadRequest(
            "This export's query has problems:\n" + "\n".join(form.notices), content_type="text/plain; charset=utf-8"
        )
    return answer(query, query.apply(Event.objects.published()).chronological().rows())


@public_page(narrow=timeline_events)
def export_csv(request):
    def answer(query, rows):
        text = exports.csv_text(rows, request.build_absolute_uri)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="newsdash-events.csv"'
        return response

    return export(request, answer)


@public_page(narrow=timeline_events)
def export_json(request):
    return export(request, lambda query, rows: JsonResponse(exports.json_data(query, rows, request.build_absolute_uri)))


@public_page(narrow=timeline_events)
def export_timelinejs(request):
    return export(request, lambda query, rows: JsonResponse(exports.timelinejs_data(query, rows)))


# Link preview images (og:image): the view's own drawing, drawn on the server by resvg.


def png(request, name, parts, make):
    """The preview image ``make()`` draws, or a 503 telling the client when to come back
    while the server is drawing all it may (readers' pages are never kept waiting behind
    drawings)."""
    try:
        data, generic = previews.image(name, parts, make, request.pinned_at)
    except previews.Busy:
        response = HttpResponse(
            "Busy drawing other preview images: try again in a few seconds.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(data, content_type="image/png")
    # The generic image stands in for a failed drawing: no one should keep it.
    response["Cache-Control"] = "no-store" if generic else "public, max-age=300"
    return response


def timeline_picture(request, query):
    """What an image of a timeline view says of itself: its title, what it shows, and the
    address of the page it comes from."""
    result = explorer.timeline(query)
    title = query.collection.title if query.collection else "Timeline"
    summary = query.describe(result["count"], result["years"])
    page = request.build_absolute_uri(reverse("events:timeline") + query.querystring(event="", page=""))
    return title, summary, page


def download(response, summary, extension):
    """A saved image, named as the chart's own downloads are: after what the view shows."""
    response["Content-Disposition"] = f'attachment; filename="{filename_of(summary)}.{extension}"'
    return response


def filename_of(summary):
    return "newsdash-" + (slugify(summary.replace("–", "-"))[:80] or "timeline")


@public_image(narrow=timeline_events)
def preview_timeline(request):
    """The view as a 1200x630 PNG: its link preview, and with ``download=1`` the image the
    chart's toolbar saves (title, what it shows, credit and link included)."""
    query = timeline_form(request, request.pinned_at).query()
    title, summary, page = timeline_picture(request, query)

    def drawn():
        # The view's drawing, of its events or their counts, read with its page's result.
        return previews.rasterise(svg.image_svg(explorer.drawing(query), title, summary, page))

    response = png(request, "timeline", query.params(event="", page=""), drawn)
    if request.GET.get("download") and response.status_code == 200:
        return download(response, summary, "png")
    return response


@public_page(narrow=timeline_events)
def export_svg(request):
    """The view as an SVG file, drawn as the PNG is: its events, or their counts per period;
    a bad query is refused, naming what is wrong."""
    form = timeline_form(request, request.pinned_at)
    query = form.query()
    if form.notices:
        return HttpResponseBadRequest(
            "No SVG for this view:\n" + "\n".join(form.notices), content_type="text/plain; charset=utf-8"
        )
    title, summary, page = timeline_picture(request, query)
    image = svg.image_svg(explorer.drawing(query), title, summary, page)
    return download(HttpResponse(image, content_type="image/svg+xml; charset=utf-8"), summary, "svg")


def rostrum(arrangement, viewpoint, label):
    """A rostrum for a card (events.svg.card_svg): its seats left to right as drawn from the viewpoint."""
    data, seats = previews.seating_data(arrangement)
    seen = {charts.Viewpoint.AUDIENCE: "as the audience sees it", charts.Viewpoint.HOST: "as the host faces out"}
    placed = [
        (charts.seat_x(seat, data["perspective"], viewpoint), seat["row"], seat["leader"], seat["is_host"])
        for seat in seats
    ]
    return f"{label}, {seen[viewpoint]}", placed


@public_image(narrow=event_by_slug)
def preview_event(request, slug):
    """An event's card: its title, date and place, who was there, what happened, and its
    rostrum when the sources say who stood where."""
    events = Event.objects.published().filter(slug=slug)
    if not events.exists():
        raise Http404("No published event here.")
    viewpoint = viewpoint_of(request)
    page = request.build_absolute_uri(reverse("events:event_detail", args=[slug]))

    def drawn():
        event = events.with_details().get()
        where = " · ".join(part for part in [event.date_display, str(event.place or "")] if part)
        people = [
            f"{participation.leader.name} ({participation.leader.country})"
            for participation in event.participations.all()
        ]
        lines = [where, "With " + ", ".join(people) if people else "", event.summary]
        arrangement = next(iter(event.arrangements.all()), None)
        rostrums = [rostrum(arrangement, viewpoint, arrangement.name)] if arrangement else []
        return previews.rasterise(svg.card_svg(event.title, lines, page, rostrums))

    return png(request, "event", (slug, viewpoint), drawn)


@public_image(narrow=compared_events)
def preview_compare(request):
    chosen = [request.GET.get(key, "") for key in ("a", "b")]
    arrangements = SeatingArrangement.objects.published().with_seats()
    if SeatingCompareForm(request.GET).is_valid():
        found = {str(arrangement.pk): arrangement for arrangement in arrangements.filter(pk__in=chosen)}
    else:
        found = {}
    if any(value not in found for value in chosen):
        raise Http404("No such pair of published seating arrangements.")
    viewpoint = viewpoint_of(request)
    page = request.build_absolute_uri(reverse("events:seating_compare") + f"?a={chosen[0]}&b={chosen[1]}")

    def drawn():
        pair = [found[value] for value in chosen]
        leaders, countries = charts.shared_between(*(arrangement.as_chart_data()[1] for arrangement in pair))
        title = " and ".join(arrangement.event.title for arrangement in pair)
        both = sorted(leaders) + sorted(countries - {None})
        lines = ["Who stood where" + (": at both, " + ", ".join(both) if both else "")]
        rostrums = [
            rostrum(arrangement, viewpoint, f"{arrangement.event.start_date.year}: {arrangement.name}")
            for arrangement in pair
        ]
        return previews.rasterise(svg.card_svg(title, lines, page, rostrums))

    return png(request, "compare", (*chosen, viewpoint), drawn)


@public_image(narrow=events_of_leader)
def preview_leader(request, slug):
    leader = get_object_or_404(Leader.objects.select_related("country"), slug=slug)

    page = request.build_absolute_uri(reverse("events:leader_detail", args=[slug]))

    def drawn():
        rows = Event.objects.published().for_leaders([slug]).chronological().rows()
        count = len(rows)
        summary = f"{leader.country}: {count} event{'' if count == 1 else 's'}, lanes by kind of event"
        drawing = layout.timeline_layout(rows, Lanes.KIND, today=datetime.date.today())
        return previews.rasterise(svg.image_svg(drawing, leader.name, summary, page))

    return png(request, "leader", slug, drawn)
