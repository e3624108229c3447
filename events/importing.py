"""Article import, the database's side: what the analysis may recognise, which
events already in the database a proposal matches (so an editor adds a citation,
not a duplicate), and turning the proposals an editor accepts into drafts.

Everything an import creates is a draft, and the whole import is one transaction:
a problem with any part of it leaves nothing behind.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from rapidfuzz import fuzz

from . import article, dates, signals
from .models import (
    Citation,
    Country,
    Event,
    Leader,
    Participation,
    Place,
    Seat,
    SeatingArrangement,
    Source,
    Status,
    normalise_name,
)

SKIP, NEW = "skip", "new"
MAX_MATCHES = 3


def known():
    """The leaders (every name and alias) and places an article may name."""
    leaders = {
        leader.pk: (leader.name, [leader.name, leader.native_name, *leader.alias_list])
        for leader in Leader.objects.only("name", "native_name", "aliases")
    }
    places = {place.pk: (place.name, [place.name]) for place in Place.objects.only("name")}
    return article.Known(leaders, places)


def analyse(document, article_date=None):
    """The analysis of ``document``, with each proposal's matches among existing events."""
    analysis = article.analyse(document, known(), article_date)
    match(analysis)
    return analysis


@dataclass
class Match:
    event: int
    title: str
    date: str
    score: float


def window(found):
    """The days a found date may mean: its whole period, a few days either side of an "about"."""
    start, end = found.date, dates.period_end(found.date, found.precision)
    if found.qualifier == dates.Qualifier.ABOUT:
        start, end = start - datetime.timedelta(days=3), end + datetime.timedelta(days=3)
    if found.qualifier == dates.Qualifier.AS_EARLY_AS:
        end = end + datetime.timedelta(days=366)  # it may have been seen again since
    return start, end


def match(analysis):
    """Fill each proposal's ``matches``: existing events over the same days that share a
    leader (or, when the sentence names none, its kind, place or words), best first."""
    dated = [proposal for proposal in analysis.events if proposal.date.date]
    dated += [proposal for proposal in analysis.seating if proposal.date and proposal.date.date]
    if not dated:
        return
    spans = Q()
    for proposal in dated:
        start, end = window(proposal.date)
        spans |= Q(start_date__lte=end, period_end__gte=start)
    fields = ["pk", "title", "summary", "kind", "place_id", "start_date", "start_precision", "period_end"]
    events = {event["pk"]: event for event in Event.objects.filter(spans).values(*fields)}
    people = {}
    for event, leader in Participation.objects.filter(event__in=list(events)).values_list("event", "leader"):
        people.setdefault(event, set()).add(leader)
    for proposal in analysis.events:
        if proposal.date.date:
            proposal.matches = ranked(proposal, proposal.leaders, events, people)
    for proposal in analysis.seating:
        if proposal.date and proposal.date.date:
            seated = [seat.leader for seat in proposal.seats if seat.leader]
            proposal.matches = ranked(proposal, seated, events, people)


def ranked(proposal, leaders, events, people):
    start, end = window(proposal.date)
    kind = getattr(proposal, "kind", None)
    place = getattr(proposal, "place", None)
    text = normalise_name(proposal.quote)
    found = []
    for pk, event in events.items():
        if not (event["start_date"] <= end and event["period_end"] >= start):
            continue
        shared = len(set(leaders) & people.get(pk, set()))
        likeness = fuzz.token_set_ratio(text, normalise_name(f"{event['title']} {event['summary']}")) / 100
        same_kind, same_place = event["kind"] == kind, place is not None and event["place_id"] == place
        if leaders and not shared:
            continue
        if not leaders and not (same_kind or same_place or likeness >= 0.6):
            continue
        # Exactly as precise a date counts too: "2018" is nearer a 2018 event than a day in it.
        same_precision = event["start_precision"] == proposal.date.precision
        score = 2 * shared + same_kind + same_place + same_precision * 0.5 + likeness
        date = dates.format_date(event["start_date"], event["start_precision"])
        found.append(Match(pk, event["title"], date, round(score, 2)))
    found.sort(key=lambda match: -match.score)
    return found[:MAX_MATCHES]


# Applying an editor's choices.


@dataclass
class Choices:
    """What the editor accepts, by the proposals' positions in the analysis.

    ``events``: per proposal, SKIP, NEW (a new draft event) or the id of an existing
    event to cite; ``titles``, ``dates`` and ``kinds`` override a new event's. ``people``: per new
    person, the id of their country, or None to leave them out. ``seating``: per
    table, SKIP, an existing event's id, or ("proposal", n) for the event made from
    proposal n.
    """

    events: dict = field(default_factory=dict)
    titles: dict = field(default_factory=dict)
    dates: dict = field(default_factory=dict)  # n -> "YYYY", "YYYY-MM" or "YYYY-MM-DD" the editor typed
    kinds: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    seating: dict = field(default_factory=dict)

    @classmethod
    def suggested(cls, analysis):
        """What an editor would most likely accept: the best match, else a new draft;
        each new person with the country their title names, where it is known."""
        choices = cls()
        for n, proposal in enumerate(analysis.events):
            if proposal.matches:
                choices.events[n] = proposal.matches[0].event
            else:
                choices.events[n] = NEW if proposal.date.date else SKIP
        known_countries = dict(Country.objects.values_list("iso_code", "pk"))
        for n, person in enumerate(analysis.people):
            choices.people[n] = known_countries.get(person.country)
        for n, table in enumerate(analysis.seating):
            choices.seating[n] = table.matches[0].event if table.matches else SKIP
        return choices


@dataclass
class Result:
    source: Source
    created: dict = field(default_factory=dict)  # what -> how many
    events: list = field(default_factory=list)


def unique_slug(model, text, taken):
    base = slugify(text)[:180] or model._meta.model_name
    slug, n = base, 1
    while slug in taken or model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def saved(instance):
    """Saved after the checks an editor's form would make; a failure names the record."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ValidationError(f"{instance._meta.verbose_name.capitalize()} “{instance}”: {error.messages[0]}") from None
    instance.save()
    return instance


@signals.bulk_write()
def apply(analysis, choices, *, title="", outlet="", url=""):
    """Create the source, and the drafts, participations, people, seating and citations the
    editor chose; all or nothing (one transaction, its search text and counts brought in step
    at its end). Raises ValidationError with a message for the editor."""
    document = analysis.document
    taken = set()
    result = Result(
        saved(
            Source(
                title=(title or document.title or "Imported article")[:300],
                slug=unique_slug(Source, title or document.title, taken),
                outlet=outlet[:200],
                url=url,
                published_on=analysis.article_date,
                full_text=document.text,
                note="Imported from the article's text; its proposals were reviewed by an editor.",
            )
        )
    )
    source = result.source
    tally = result.created

    def count(what, n=1):
        tally[what] = tally.get(what, 0) + n

    def cite(quote, **claim):
        saved(Citation(source=source, quote=quote, **claim))
        count("citations")

    people = {}
    for n, person in enumerate(analysis.people):
        country = choices.people.get(n)
        if country is None:
            continue
        leader = saved(Leader(name=person.name, slug=unique_slug(Leader, person.name, taken), country_id=country))
        people[normalise_name(person.name)] = leader
        count("leaders")
    made = {}
    for n, proposal in enumerate(analysis.events):
        action = choices.events.get(n, SKIP)
        if action == SKIP:
            continue
        if action == NEW:
            made[n] = event = new_event(proposal, choices, n, taken)
            result.events.append(event)
            count("draft events")
            cite(proposal.quote, event=event)
            leaders = list(proposal.leaders) + [
                people[key].pk for name in proposal.people if (key := normalise_name(name)) in people
            ]
            for leader in dict.fromkeys(leaders):
                participation = saved(Participation(event=event, leader_id=leader))
                count("participations")
                cite(proposal.quote, participation=participation)
        else:
            cite(proposal.quote, event=Event.objects.get(pk=action))
    for n, table in enumerate(analysis.seating):
        target = choices.seating.get(n, SKIP)
        if target == SKIP:
            continue
        if isinstance(target, tuple):
            if target[1] not in made:
                raise ValidationError("The seating table's event is a proposal that was not accepted as a new event.")
            event = made[target[1]]
        else:
            event = Event.objects.get(pk=target)
        arrangement = saved(
            SeatingArrangement(
                event=event,
                name=unique_arrangement_name(event),
                perspective=SeatingArrangement.Perspective.UNSTATED,
                note=f"From the table in “{source.title}”, which does not say whose left it means.",
            )
        )
        count("seating arrangements")
        for seat in table.seats:
            leader = seat.leader or getattr(people.get(normalise_name(seat.name)), "pk", None)
            placed = saved(
                Seat(arrangement=arrangement, leader_id=leader, position=seat.position, is_host=seat.is_host)
            )
            count("seats")
            cite(seat.quote, seat=placed)
    return result


def new_event(proposal, choices, n, taken):
    found = proposal.date
    if choices.dates.get(n):
        try:
            date, precision = dates.parse(choices.dates[n])
        except ValueError as error:
            raise ValidationError(f"Proposal {n + 1}: {error}") from None
        if (date, precision) != (found.date, found.precision):
            note = f"as the editor gave it; the article says “{found.text}”"
            found = article.DateFound(choices.dates[n], date, precision, note=note)
    if found.date is None:
        raise ValidationError(
            f"“{found.text}” needs the article's date before it can be a new event: give the date, or skip it."
        )
    title = (choices.titles.get(n) or proposal.title)[:300]
    qualifier = found.qualifier
    if qualifier in dates.PERIOD_QUALIFIERS and found.precision == dates.Precision.DAY:
        qualifier = ""
    note = f"Read from “{found.text}”" + (f"; {found.note}" if found.note else "") + "."
    return saved(
        Event(
            title=title,
            slug=unique_slug(Event, title, taken),
            kind=choices.kinds.get(n) or proposal.kind,
            start_date=found.date,
            start_precision=found.precision,
            start_qualifier=qualifier,
            date_note=note,
            place_id=proposal.place,
            status=Status.DRAFT,
        )
    )


def unique_arrangement_name(event):
    names = set(event.arrangements.values_list("name", flat=True))
    name, n = "Seating from an imported table", 1
    while name in names:
        n += 1
        name = f"Seating from an imported table ({n})"
    return name
