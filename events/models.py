"""What the news tells: leaders, events, places, sources and who stood where.

Every rule that the database can hold is a named constraint with a message
an editor understands; the rest (a quote must occur in its source) lives in
``clean()``.
"""

import collections
import datetime
import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Value
from django.db.models.functions import Concat, ExtractDay, ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import dates
from .dates import PERIOD_QUALIFIERS, Precision, Qualifier
from .lanes import Lanes

_NOT_A_WORD = re.compile(r"[\W_]+")


def normalise_name(text):
    """Fold case and punctuation: "Kim Jong-un" and "kim jong un" become one."""
    return _NOT_A_WORD.sub(" ", str(text).casefold()).strip()


def event_search_text(title, summary, names):
    """What a search reads of an event: its title and summary, then every name of every participant
    (their ``folded_names``), folded, so one index answers a search for any of them. Words stand
    between single spaces, so a substring match (padded) finds whole words, as a full-text search does."""
    return " | ".join(normalise_name(part) for part in [f"{title} {summary}", *names])


def folded_names(name, native_name, aliases):
    """A leader's names, folded, between bars that keep one name from running
    into the next in a substring match."""
    names = [name, native_name, *(line.strip() for line in aliases.splitlines())]
    return "|" + "|".join(normalise_name(name) for name in names if name) + "|"


# Invisible characters that reorder how text reads (U+202A-202E, U+2066-2069): a title
# could display as something else than it is. Scripts that read right to left need none.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Control characters (Unicode's Cc) are invisible too, pasted from a PDF or a terminal: a quote
# could not be found in its source for a form feed no one can see. Tab and line feed are text;
# a carriage return only in a CRLF line break, as browsers send a textarea's lines.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
CONTROL_NAMES = {
    0x00: "null",
    0x07: "bell",
    0x08: "backspace",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x0D: "carriage return",
    0x1B: "escape",
    0x7F: "delete",
}


class EditorText(models.Model):
    """Refuses text an editor typed with invisible direction controls or control characters in it."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if not isinstance(value, str) or (exclude and field.name in exclude):
                continue
            if control := DIRECTION_CONTROLS.search(value):
                errors.setdefault(field.name, []).append(
                    ValidationError(
                        f"Contains an invisible direction control (U+{ord(control.group()):04X}), which can make "
                        "text read differently from what is stored. Remove it; right-to-left scripts need none.",
                        code="direction_control",
                    )
                )
            if control := CONTROL_CHARACTERS.search(value):
                code = ord(control.group())
                name = CONTROL_NAMES.get(code, "control character")
                errors.setdefault(field.name, []).append(
                    ValidationError(
                        f"Contains an invisible control character (U+{code:04X} {name}), which no page can show. "
                        "Remove it; tabs and line breaks are fine.",
                        code="control_character",
                    )
                )
        if errors:
            raise ValidationError(errors)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


def partial_date_constraints(prefix, *, end=True):
    """Constraints shared by every model with a start (and end) partial date."""
    constraints = [
        models.CheckConstraint(
            condition=~Q(start_precision=Precision.DAY, start_qualifier__in=PERIOD_QUALIFIERS),
            name=f"{prefix}_period_qualifier_needs_period",
            violation_error_message=(
                "“Early”, “mid” and “late” describe a month or a year: "
                "set the start precision to month or year, or clear the qualifier."
            ),
        ),
    ]
    if end:
        constraints.append(
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name=f"{prefix}_end_not_before_start",
                violation_error_message="The end date is before the start date.",
            )
        )
    return constraints


class Country(EditorText):
    name = models.CharField(max_length=100, unique=True)
    iso_code = models.CharField(
        "ISO 3166 code",
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use the two capital letters of ISO 3166-1, such as KP or CN.")],
        help_text="Two capital letters, as in ISO 3166-1 alpha-2 (KP, CN, RU).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name


class LeaderQuerySet(models.QuerySet):
    def matching(self, text):
        """Leaders whose name, native name or any alias contains ``text``,
        ignoring case, hyphens and punctuation."""
        needle = normalise_name(text)
        if not needle:
            return self.none()
        return self.filter(search_names__contains=needle)

    def public(self):
        """Leaders who took part in a published event: those with a public page. Once each."""
        taking_part = Participation.objects.filter(leader=OuterRef("pk"), event__status=Status.PUBLISHED)
        return self.filter(Exists(taking_part))

    def in_published_events(self):
        """Leaders at a published event (repeated once per such event: add ``distinct()``)."""
        return self.filter(participations__event__status=Status.PUBLISHED)

    def with_event_counts(self):
        """Leaders at a published event, each with ``event_count``: how many."""
        return self.in_published_events().annotate(event_count=Count("participations", distinct=True))

    def alongside(self, leader):
        """The other leaders at ``leader``'s published events, those at the most first,
        each with ``shared``: at how many of them."""
        events = Event.objects.published().for_leaders([leader.slug])
        return (
            self.filter(participations__event__in=events.values("pk"))
            .exclude(pk=leader.pk)
            .annotate(shared=Count("participations", distinct=True))
            .order_by("-shared", "name")
        )


class Leader(EditorText):
    name = models.CharField(max_length=200, help_text="The name as the dashboard shows it, e.g. Kim Jong-un.")
    slug = models.SlugField(max_length=200, unique=True)
    native_name = models.CharField(
        "native-script name", max_length=200, blank=True, help_text="E.g. 김정은, 习近平, Владимир Путин."
    )
    native_language = models.CharField(
        "language of the native name",
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Use a language tag such as ko, zh-Hans or ru.")
        ],
        help_text="A language tag (ko, zh-Hans, ru), so screen readers pronounce the native name.",
    )
    aliases = models.TextField(
        max_length=2000,
        blank=True,
        help_text="Other spellings and romanisations, one per line (Kim Jong Un, Kim Jong-un).",
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="leaders")
    search_names = models.TextField(editable=False, default="")

    objects = LeaderQuerySet.as_manager()
    # Derived fields are kept too: a pinned link (events.pinning) searches the past.
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Their events' search text follows a new name or alias (events.signals).
        self.search_names = folded_names(self.name, self.native_name, self.aliases)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:leader_detail", args=[self.slug])

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class Office(EditorText):
    leader = models.ForeignKey(Leader, on_delete=models.CASCADE, related_name="offices")
    title = models.CharField(max_length=200, help_text="E.g. President of the United States.")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    start_date = models.DateField(null=True, blank=True, help_text="Leave empty if no source gives it.")
    start_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    start_qualifier = models.CharField(max_length=12, choices=Qualifier.choices, default="", blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="Empty while the office is held.")
    end_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    note = models.TextField(blank=True, max_length=5000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["leader", "start_date"]
        constraints = partial_date_constraints("office")

    def __str__(self):
        return f"{self.title} ({self.leader})"

    def save(self, *args, **kwargs):
        self.start_date = dates.normalise(self.start_date, self.start_precision)
        self.end_date = dates.normalise(self.end_date, self.end_precision)
        super().save(*args, **kwargs)

    @property
    def start_display(self):
        return dates.format_date(self.start_date, self.start_precision, self.start_qualifier)

    @property
    def end_display(self):
        return dates.format_date(self.end_date, self.end_precision)

    def held_over(self, first, last):
        """Whether the office may have been held at some time from ``first`` to ``last``, as
        precisely as its dates are known; an office with no dates is not placed in time."""
        if self.start_date is None and self.end_date is None:
            return False
        began = self.start_date is None or dates.normalise(self.start_date, self.start_precision) <= last
        ended = self.end_date is not None and dates.period_end(self.end_date, self.end_precision) < first
        return began and not ended


class Place(EditorText):
    name = models.CharField(max_length=200, help_text="E.g. Tiananmen Square.")
    slug = models.SlugField(max_length=200, unique=True)
    city = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="places")
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_range",
                violation_error_message="Latitude runs from -90 to 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_range",
                violation_error_message="Longitude runs from -180 to 180.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="place_coordinates_in_pairs",
                violation_error_message="Give both latitude and longitude, or neither.",
            ),
        ]

    def __str__(self):
        if self.city and self.city != self.name:
            return f"{self.name}, {self.city}"
        return self.name


class Source(EditorText):
    class Kind(models.TextChoices):
        NEWS = "news", "News report"
        STATE_MEDIA = "state_media", "State media"
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        ANALYSIS = "analysis", "Analysis"
        BLOG = "blog", "Blog post"
        REFERENCE = "reference", "Reference work"
        OTHER = "other", "Other"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    outlet = models.CharField(max_length=200, blank=True, help_text="Leave empty if unknown.")
    author = models.CharField(max_length=200, blank=True, help_text="Leave empty if unknown.")
    url = models.URLField("URL", max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True, help_text="Leave empty if unknown.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    full_text = models.TextField(
        blank=True, max_length=200_000, help_text="The article's text; quotes citing it must occur in it."
    )
    note = models.TextField(blank=True, max_length=5000)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:source_detail", args=[self.slug])


def with_sources(lookup):
    """Prefetch a set of citations with the sources they quote."""
    return models.Prefetch(lookup, queryset=Citation.objects.select_related("source"))


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def with_place(self):
        return self.select_related("place__country")

    def with_details(self):
        """Everything the event page shows, in a fixed number of queries."""
        return self.with_place().prefetch_related(
            with_sources("citations"),
            models.Prefetch(
                "participations",
                queryset=Participation.objects.select_related("leader__country").prefetch_related(
                    with_sources("citations"), "leader__offices"
                ),
            ),
            models.Prefetch("arrangements", queryset=SeatingArrangement.objects.with_seats()),
        )

    def search(self, text):
        """Events whose title or summary, or a participant's name or alias,
        matches ``text``; case, hyphens and punctuation do not matter.

        Every word must occur, in the title, the summary or a participant's names:
        PostgreSQL's full-text search, or on SQLite a match of each word, whole.
        """
        needle = normalise_name(text)
        if not needle:
            return self
        if connections[self.db].vendor == "postgresql":
            # One GIN index (migration 0003) over the text that holds the participants' names
            # too: the planner knows how many events match, where an OR of a title search and
            # a participant search hid it (at 100k events it guessed five times too many).
            query = SearchQuery(needle, config="simple", search_type="plain")
            return self.alias(document=SearchVector("search_text", config="simple")).filter(document=query)
        padded = self.alias(padded=Concat(Value(" "), "search_text", Value(" "), output_field=models.TextField()))
        return padded.filter(*(Q(padded__contains=f" {word} ") for word in needle.split()))

    def refresh_search_text(self):
        """Recompute these events' search text from their title, summary and participants' names:
        one query for the names, and an update of those whose text changed, without history (a
        derived field) and without signals."""
        names = collections.defaultdict(list)
        participants = Participation.objects.filter(event__in=self.values("pk")).order_by("pk")
        for event, folded in participants.values_list("event_id", "leader__search_names"):
            names[event].append(folded)
        changed = []
        for event in self.order_by().only("pk", "title", "summary", "search_text"):
            text = event_search_text(event.title, event.summary, names[event.pk])
            if text != event.search_text:
                event.search_text = text
                changed.append(event)
        Event.objects.bulk_update(changed, ["search_text"], batch_size=500)

    def chronological(self):
        return self.order_by("start_date", "title", "pk")

    # What ``rows()`` reads of each event.
    ROW_FIELDS = ["pk", "slug", "title", "summary", "kind", "reported_as", "period_end"]
    ROW_FIELDS += ["start_date", "start_precision", "start_qualifier", "end_date", "end_precision"]

    def rows(self):
        """Each event as plain data for charts, tables and exports, read as values in
        two queries: for a thousand events, model instances would cost more than the SQL."""
        events = list(
            self.values(
                *self.ROW_FIELDS,
                place_name=F("place__name"),
                place_city=F("place__city"),
                place_country=F("place__country__name"),
            )
        )
        people = collections.defaultdict(list)
        if events:
            participants = (
                Participation.objects.filter(event__in=[event["pk"] for event in events])
                .order_by("pk")
                .values_list("event_id", "leader__name", "leader__country__name")
            )
            for event_id, name, country in participants:
                people[event_id].append((name, country))
        url = reverse("events:event_detail", kwargs={"slug": "-"})[:-2]  # once, not a reverse() per row
        kinds, reported = dict(Event.Kind.choices), dict(Event.ReportedAs.choices)
        rows = []
        for event in events:
            place = event["place_name"] or ""
            if place and event["place_city"] and event["place_city"] != place:
                place = f"{place}, {event['place_city']}"
            countries = [country for _, country in people[event["pk"]]]
            if place:
                countries.append(event["place_country"])
            happened = event["reported_as"] == Event.ReportedAs.HAPPENED
            rows.append(
                {
                    "slug": event["slug"],
                    "title": event["title"],
                    "url": f"{url}{event['slug']}/",
                    "date": dates.display(event),
                    "start": event["start_date"],
                    "end": event["period_end"],
                    "precision": event["start_precision"],
                    "qualifier": event["start_qualifier"],
                    "kind": kinds.get(event["kind"], event["kind"]),
                    "place": f"{place}, {event['place_country']}" if place else "",
                    "leaders": [name for name, _ in people[event["pk"]]],
                    "countries": list(dict.fromkeys(countries)),
                    "happened": happened,
                    "reported_as": "" if happened else reported[event["reported_as"]].lower(),
                    "summary": event["summary"],
                }
            )
        return rows

    def for_leaders(self, slugs):
        return self.filter(Exists(Participation.objects.filter(event=OuterRef("pk"), leader__slug__in=slugs)))

    def in_countries(self, codes):
        """Events held in these countries or with a participant from them."""
        participant = Participation.objects.filter(event=OuterRef("pk"), leader__country__iso_code__in=codes)
        return self.filter(Q(place__country__iso_code__in=codes) | Exists(participant))

    def of_kinds(self, kinds):
        return self.filter(kind__in=kinds)

    def at_precisions(self, precisions):
        return self.filter(start_precision__in=precisions)

    def overlapping(self, start=None, end=None):
        """Events whose period meets [start, end]: "2018" meets June 2018."""
        if start:
            self = self.filter(period_end__gte=start)
        if end:
            self = self.filter(start_date__lte=end)
        return self

    def in_collection(self, collection):
        return self.filter(collection_entries__collection=collection)

    def stats(self):
        """How many events, and the first and last day they cover: one query."""
        return self.order_by().aggregate(count=Count("pk"), first=Min("start_date"), last=Max("period_end"))

    # Where each lane's name comes from when the database counts events per lane.
    LANE_FIELDS = {
        Lanes.KIND: "kind",
        Lanes.COUNTRY: "participations__leader__country__name",
        Lanes.LEADER: "participations__leader__name",
    }

    def density(self, unit, lanes, top=30):
        """Events counted per lane and period (``unit``: day, month or year), for the
        ``top`` busiest lanes: one query.

        Periods are extracted as numbers, not truncated dates: PostgreSQL's
        date_trunc() goes through timestamps with time zones and costs twice as much.
        """
        field = self.LANE_FIELDS[lanes]
        events = self.order_by()
        if lanes == Lanes.LEADER:
            # A leader takes part in an event once (participation_once_per_event), so a
            # plain count is a count of events; the busiest leaders are picked by id,
            # which lets the outer query read only their participations from the index.
            busiest = (
                events.values("participations__leader")
                .annotate(n=Count("pk"))
                .order_by("-n", "participations__leader")
                .values("participations__leader")[:top]
            )
            events = events.filter(participations__leader__in=busiest)
            count = Count("pk")
        else:
            count = Count("pk", distinct=lanes == Lanes.COUNTRY)
        parts = {"year": ExtractYear("start_date")}
        if unit != "year":
            parts["month"] = ExtractMonth("start_date")
        if unit == "day":
            parts["day"] = ExtractDay("start_date")
        cells = events.values(**parts, lane=F(field)).annotate(count=count)
        labels = dict(Event.Kind.choices) if lanes == Lanes.KIND else {}
        cells = [
            {
                "lane": str(labels.get(cell["lane"], cell["lane"])),
                "start": datetime.date(cell["year"], cell.get("month", 1), cell.get("day", 1)),
                "count": cell["count"],
            }
            for cell in cells
            if cell["lane"] is not None  # an event with no participant has no country lane
        ]
        if lanes != Lanes.LEADER:
            # Few countries and kinds: the busiest are picked here, from the same counts.
            totals = collections.Counter()
            for cell in cells:
                totals[cell["lane"]] += cell["count"]
            keep = sorted(totals, key=lambda lane: (-totals[lane], lane))[:top]
            cells = [cell for cell in cells if cell["lane"] in keep]
        return sorted(cells, key=lambda cell: (cell["start"], cell["lane"]))


class Event(EditorText):
    class Kind(models.TextChoices):
        PARADE = "parade", "Parade"
        STATE_VISIT = "state_visit", "State visit"
        SUMMIT = "summit", "Summit"
        MEETING = "meeting", "Meeting"
        TALKS = "talks", "Talks"
        RECEPTION = "reception", "Reception"
        ANNOUNCEMENT = "announcement", "Announcement"
        DEPLOYMENT = "deployment", "Deployment"
        TRAVEL = "travel", "Travel"
        ACCESSION = "accession", "Taking office"
        OTHER = "other", "Other"

    class ReportedAs(models.TextChoices):
        HAPPENED = "happened", "Happened"
        SCHEDULED = "scheduled", "Scheduled"
        POSSIBLE = "possible", "Possible"
        NOT_HELD = "not_held", "Did not take place"

    # Reported ahead of time; its outcome, either way, is known only from a source that settles it.
    EXPECTED = (ReportedAs.SCHEDULED, ReportedAs.POSSIBLE)
    OUTCOMES = (ReportedAs.HAPPENED, ReportedAs.NOT_HELD)

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start_date = models.DateField(help_text="For a month or a year, any day in it will do.")
    start_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY, help_text="How exactly the sources date it."
    )
    start_qualifier = models.CharField(
        max_length=12, choices=Qualifier.choices, default="", blank=True, help_text="E.g. “late” for “late 2011”."
    )
    end_date = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    date_note = models.TextField(
        blank=True, max_length=2000, help_text="How the date was read from the sources, where it is not plain."
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    summary = models.TextField(blank=True, max_length=5000)
    reported_as = models.CharField(
        max_length=10,
        choices=ReportedAs.choices,
        default=ReportedAs.HAPPENED,
        help_text=(
            "Whether the sources report it as done, scheduled, only possible, or as not having taken place. "
            "Scheduled or possible becomes done or not held only with a citation that settles it."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    participants = models.ManyToManyField(Leader, through="Participation", related_name="events")
    search_text = models.TextField(editable=False, default="")
    # The last day the event may cover (its end, or the end of its start's
    # month or year), so date-range filters treat "2018" as the whole year.
    period_end = models.DateField(editable=False, null=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()
    # Derived fields are kept too: a pinned link (events.pinning) filters and searches the past.
    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        ordering = ["start_date", "title"]
        constraints = partial_date_constraints("event")
        indexes = [
            models.Index(fields=["status", "start_date"], name="event_status_start"),
            models.Index(fields=["status", "period_end"], name="event_status_period_end"),
            models.Index(fields=["status", "kind", "start_date"], name="event_status_kind_start"),
            models.Index(fields=["status", "start_precision", "start_date"], name="event_status_precision"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.start_date = dates.normalise(self.start_date, self.start_precision)
        self.end_date = dates.normalise(self.end_date, self.end_precision)
        self.period_end = (
            dates.period_end(self.end_date, self.end_precision)
            if self.end_date
            else dates.period_end(self.start_date, self.start_precision)
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.pk and self.status == Status.PUBLISHED:
            withdrawal = Withdrawal.objects.of_whole_events().filter(event_id=self.pk).first()
            if withdrawal:
                raise ValidationError({"status": withdrawn_message(withdrawal)})

    @property
    def date_display(self):
        return dates.display(vars(self))

    @property
    def settled_by(self):
        """The citations whose sources report the outcome (it took place, or did not), from
        those prefetched."""
        return [citation for citation in self.citations.all() if citation.settles]

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


class Participation(EditorText):
    class Role(models.TextChoices):
        HOST = "host", "Host"
        GUEST = "guest", "Guest"
        ATTENDEE = "attendee", "Attendee"
        POSSIBLE_ATTENDEE = "possible_attendee", "Possible attendee"
        DELEGATION_MEMBER = "delegation_member", "Delegation member"
        PRINCIPAL = "principal", "Principal"
        PARTICIPANT = "participant", "Participant"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "leader"],
                name="participation_once_per_event",
                violation_error_message="This leader is already a participant of this event.",
            )
        ]

    def __str__(self):
        return f"{self.leader} ({self.get_role_display().lower()})"

    @property
    def offices_then(self):
        """The participant's offices held at the time of the event (from those prefetched):
        "President" in one report and "former president" in another read against the dates."""
        event = self.event
        last = event.period_end or dates.period_end(event.start_date, event.start_precision)
        return [office for office in self.leader.offices.all() if office.held_over(event.start_date, last)]


class SeatingArrangementQuerySet(models.QuerySet):
    def published(self):
        return self.filter(event__status=Status.PUBLISHED)

    def comparable_with(self, event, leaders):
        """What an event's page offers to compare its seating with: the arrangements of other
        events of its kind (the other parades' rostrums) and of any event with a seat for one
        of ``leaders`` (their ids), earliest first."""
        alike = Q(event__kind=event.kind) | Q(seats__leader__in=leaders)
        return (
            self.filter(alike)
            .exclude(event=event)
            .select_related("event")
            .distinct()
            .order_by("event__start_date", "pk")
        )

    def with_seats(self):
        return self.select_related("event").prefetch_related(
            "event__participations",
            models.Prefetch(
                "seats",
                queryset=Seat.objects.select_related("leader__country").prefetch_related(with_sources("citations")),
            ),
        )


class SeatingArrangement(EditorText):
    class Perspective(models.TextChoices):
        HOST = "host", "As the host faces the audience"
        AUDIENCE = "audience", "As the audience sees it"
        UNSTATED = "unstated", "Not stated by the source"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="arrangements")
    name = models.CharField(max_length=200, help_text="E.g. Tiananmen rostrum.")
    perspective = models.CharField(
        max_length=10,
        choices=Perspective.choices,
        default=Perspective.UNSTATED,
        help_text="Whose left and right the source meant.",
    )
    note = models.TextField(blank=True, max_length=5000)

    objects = SeatingArrangementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name"],
                name="arrangement_name_once_per_event",
                violation_error_message="This event already has an arrangement of this name.",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.event})"

    def as_chart_data(self):
        """Plain data for ``charts.seating_figure`` (needs ``with_seats()``)."""
        roles = {p.leader_id: p.get_role_display().lower() for p in self.event.participations.all()}
        seats = [seat.as_row() | {"role": roles.get(seat.leader_id, "")} for seat in self.seats.all()]
        host = next((seat["leader"] for seat in seats if seat["is_host"]), "")
        return {"name": self.name, "host": host, "perspective": self.perspective}, seats


class Seat(EditorText):
    arrangement = models.ForeignKey(SeatingArrangement, on_delete=models.CASCADE, related_name="seats")
    leader = models.ForeignKey(
        Leader,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        help_text="Leave empty for a seat whose occupant is unknown.",
    )
    row = models.PositiveSmallIntegerField(default=0, help_text="0 is the front row.")
    position = models.SmallIntegerField(
        default=0, help_text="The host is at 0; negative is to the host's left as reported, positive to the right."
    )
    is_host = models.BooleanField("host", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["arrangement", "row", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "leader"],
                name="seat_leader_once_per_arrangement",
                violation_error_message="This leader already has a seat in this arrangement.",
            ),
            models.UniqueConstraint(
                fields=["arrangement", "row", "position"],
                name="seat_one_leader_per_seat",
                violation_error_message="Two leaders cannot share one seat (same row and position).",
            ),
            models.UniqueConstraint(
                fields=["arrangement"],
                condition=Q(is_host=True),
                name="seat_one_host_per_arrangement",
                violation_error_message="An arrangement has one host.",
            ),
            models.CheckConstraint(
                condition=Q(is_host=False) | Q(position=0),
                name="seat_host_at_centre",
                violation_error_message="The host sits at position 0; other seats are counted from there.",
            ),
        ]

    def __str__(self):
        who = self.leader or "Unknown"
        return f"{who}: row {self.row}, position {self.position:+d}"

    def as_row(self, citations=None):
        """The seat as a chart row; ``citations`` stand in for the saved ones (an unsaved preview)."""
        leader = self.leader
        if citations is None:
            citations = [
                {
                    "kind": c.kind,
                    "quote": c.quote,
                    "statement": c.statement,
                    "source": c.source.title,
                    "stance": c.stance,
                }
                for c in self.citations.all()
            ]
        return {
            "leader": leader.name if leader else "",
            "native_name": leader.native_name if leader else "",
            "country": leader.country.name if leader else "",
            "row": self.row,
            "position": self.position,
            "is_host": self.is_host,
            "citations": citations,
        }


CITATION_TARGETS = ("event", "participation", "seat", "office")


class CitationQuerySet(models.QuerySet):
    def public(self):
        """Citations of what the public may read: a published event, a participation in one,
        a seat at one, or an office of a leader who took part in one."""
        published = Status.PUBLISHED
        return self.filter(
            Q(event__status=published)
            | Q(participation__event__status=published)
            | Q(seat__arrangement__event__status=published)
            | Q(office__leader__in=Leader.objects.public())
        )

    def with_claims(self):
        """With what each backs, for a list of them (a source's page): one query."""
        return self.select_related(
            "event",
            "participation__event",
            "participation__leader",
            "seat__arrangement__event",
            "seat__leader",
            "office__leader",
        )


class Citation(EditorText):
    """A source backing one claim, in one of two ways: a quote, word for word from a source
    whose whole text newsdash holds; or a reference to published reporting we may not copy,
    saying where in it and what it states, in our own words."""

    class Kind(models.TextChoices):
        QUOTE = "quote", "Quote: the source's own words"
        REFERENCE = "reference", "Reference: what the source states, in our words"

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        DISPUTES = "disputes", "Disputes"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUOTE)
    quote = models.TextField(
        max_length=2000, blank=True, help_text="Word for word from the source's text (a quote only)."
    )
    statement = models.TextField(
        max_length=2000,
        blank=True,
        help_text="What the source states, in our own words, never its sentences (a reference only).",
    )
    settles = models.BooleanField(
        "settles the outcome",
        default=False,
        help_text="This source reports whether the event, once scheduled or possible, took place.",
    )
    locator = models.CharField(
        "where in the source",
        max_length=200,
        blank=True,
        help_text="A section, paragraph or page, so a reader can find it (a reference only).",
    )
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.SUPPORTS)
    note = models.TextField(blank=True, max_length=2000, help_text="Why the source supports or disputes the claim.")
    # A citation backs exactly one claim: an event, a participation, a seat or an office.
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, null=True, blank=True, related_name="citations")

    objects = CitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    *(Q(**{f"{t}__isnull": t != chosen for t in CITATION_TARGETS}) for chosen in CITATION_TARGETS),
                    _connector=Q.OR,
                ),
                name="citation_backs_one_claim",
                violation_error_message="A citation backs exactly one event, participation, seat or office.",
            ),
            models.CheckConstraint(
                condition=Q(kind="quote", statement="") & ~Q(quote="")
                | Q(kind="reference", quote="") & ~Q(statement=""),
                name="citation_quotes_or_states",
                violation_error_message=(
                    "A quote gives the source's own words; a reference says what the source states, "
                    "in our words, with no quote."
                ),
            ),
            models.CheckConstraint(
                condition=Q(settles=False) | Q(event__isnull=False),
                name="citation_settles_an_event",
                violation_error_message="Only a citation of an event settles whether it took place.",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.REFERENCE:
            return f"{self.source}: {self.statement[:60]}"
        return f"{self.source}: “{self.quote[:60]}”"

    def clean(self):
        if not self.source_id:
            return
        source = self.source
        if self.kind == self.Kind.QUOTE and self.quote:
            if not source.full_text:
                raise ValidationError(
                    {
                        "quote": (
                            f"newsdash does not hold the text of “{source}”, so it cannot be quoted. "
                            "Add the article's text to the source, or cite it as a reference: what it "
                            "states, in your own words."
                        )
                    }
                )
            if self.quote not in source.full_text:
                raise ValidationError(
                    {
                        "quote": (
                            f"This quote does not occur word for word in “{source}”. "
                            "Copy it exactly from the source's text."
                        )
                    }
                )
        if self.kind == self.Kind.REFERENCE:
            missing = [name for name, value in (("outlet", source.outlet), ("address", source.url)) if not value]
            if missing:
                raise ValidationError(
                    {
                        "source": (
                            f"A reference needs its source's {' and '.join(missing)}, so a reader can find it: "
                            f"add {'them' if len(missing) > 1 else 'it'} to “{source}” first."
                        )
                    }
                )

    @property
    def claim(self):
        """What the citation backs, and its name: ("event", the event), ("participation", ...) ..."""
        return next((name, getattr(self, name)) for name in CITATION_TARGETS if getattr(self, f"{name}_id"))


class CollectionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Collection(EditorText):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    introduction = models.TextField(blank=True, max_length=10_000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    featured = models.BooleanField(default=False, help_text="The featured collection opens the home page.")
    events = models.ManyToManyField(Event, through="CollectionEntry", related_name="collections")

    objects = CollectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["featured"],
                condition=Q(featured=True),
                name="collection_one_featured",
                violation_error_message="Another collection is already featured: unfeature it first.",
            )
        ]

    def __str__(self):
        return self.title


class CollectionEntry(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="entries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="collection_entries")
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["collection", "order", "pk"]
        verbose_name_plural = "collection entries"
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "event"],
                name="collection_event_once",
                violation_error_message="This event is already in the collection.",
            )
        ]

    def __str__(self):
        return f"{self.collection}: {self.event}"


class LaneCount(models.Model):
    """Published events per timeline lane and year, with each lane's total (``year``
    empty): kept in step with every save by ``events.counts``, so the timeline of
    everything is counted from these few rows, not from every participation."""

    lanes = models.CharField(max_length=10, choices=Lanes.choices)
    lane = models.CharField(max_length=200)  # the lane's label: a leader's or country's name, or a kind
    year = models.SmallIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField()
    # The first day and the last the lane's events cover, for the timeline's range.
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lanes", "lane", "year"], condition=Q(year__isnull=False), name="lanecount_once_a_year"
            ),
            models.UniqueConstraint(
                fields=["lanes", "lane"], condition=Q(year__isnull=True), name="lanecount_one_total"
            ),
        ]
        indexes = [models.Index(fields=["lanes", "year", "count"], name="lanecount_busiest")]

    def __str__(self):
        return f"{self.lanes} {self.lane} {self.year or 'total'}: {self.count}"


class WithdrawalQuerySet(models.QuerySet):
    def of_whole_events(self):
        return self.filter(version__isnull=True)


class Withdrawal(EditorText):
    """An event, or one version of it, taken down for legal or safety reasons (``events.takedown``):
    every pinned view leaves it out (``events.pinning``), and a withdrawn event is not published
    again until its withdrawal is deleted. The event is named by its number, not a key: it may be
    deleted, or be deleted later, and its withdrawal must stand all the same."""

    event_id = models.BigIntegerField("event number", db_index=True)
    version = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Only this version of the event (its number on the event's history page); "
        "empty to withdraw the whole event.",
    )
    # As the event (or the version) had them, for the list and the log: the event may be gone.
    slug = models.SlugField(max_length=200, editable=False)
    title = models.CharField(max_length=300, editable=False)
    reason = models.TextField(max_length=2000, help_text="Why it is taken down (legal, safety): kept for the record.")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    withdrawn_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = WithdrawalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-withdrawn_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id"],
                condition=Q(version__isnull=True),
                name="withdrawal_once_per_event",
                violation_error_message="This event is withdrawn already.",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(version__isnull=False),
                name="withdrawal_once_per_version",
                violation_error_message="This version is withdrawn already.",
            ),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})" if self.version else self.title

    def clean(self):
        records = Event.history.filter(id=self.event_id)
        if self.event_id is not None and not (Event.objects.filter(pk=self.event_id).exists() or records.exists()):
            raise ValidationError({"event_id": f"There is no event number {self.event_id}, now or in the history."})
        if self.version and not records.filter(history_id=self.version).exists():
            raise ValidationError(
                {
                    "version": f"Version {self.version} is not a version of event {self.event_id}: "
                    "use the link beside the version on the event's history page."
                }
            )


def withdrawn_message(withdrawal):
    """Why a withdrawn event is not published again, and how to lift the withdrawal."""
    return (
        f"“{withdrawal.title}” was withdrawn on {withdrawal.withdrawn_at:%d %b %Y}, so it stays unpublished: "
        "to publish it again, delete its withdrawal (News events › Withdrawals) first."
    )
