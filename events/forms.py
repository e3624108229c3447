"""The timeline's URL state: a plain GET form that reads every shareable parameter.

A link is a public interface, so bad values never break the page: each one
is dropped with a message the reader sees in the form, and the rest of the
view still opens.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms

from . import dates, pinning
from .dates import Precision
from .lanes import Lanes
from .models import Event, Leader

MAX_VALUES = 50  # of one repeated parameter; more is not a real view


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the known values; the form reports the unknown ones."""

    def validate(self, value):
        pass


@dataclass
class TimelineQuery:
    q: str = ""
    leaders: dict = field(default_factory=dict)  # slug -> name
    countries: dict = field(default_factory=dict)  # ISO code -> name
    kinds: list = field(default_factory=list)
    precisions: list = field(default_factory=list)
    date_from: object = None
    date_to: object = None
    from_text: str = ""
    to_text: str = ""
    lanes: str = Lanes.LEADER
    collection: object = None
    event: str = ""
    view: list = None
    page: int = 1
    as_of: str = ""  # a pinned link's moment (events.pinning), kept in every link the view makes

    def apply(self, events):
        if self.q:
            events = events.search(self.q)
        if self.leaders:
            events = events.for_leaders(list(self.leaders))
        if self.countries:
            events = events.in_countries(list(self.countries))
        if self.kinds:
            events = events.of_kinds(self.kinds)
        if self.precisions:
            events = events.at_precisions(self.precisions)
        if self.collection:
            events = events.in_collection(self.collection)
        return events.overlapping(self.date_from, self.date_to)

    @property
    def narrowed(self):
        """Whether the query leaves out any published event."""
        return any(
            [self.q, self.leaders, self.countries, self.kinds, self.precisions]
            + [self.date_from, self.date_to, self.collection, self.view]
        )

    def params(self, **changes):
        """The query string's parameters, in a stable order."""
        values = {
            "q": self.q,
            "leader": list(self.leaders),
            "country": list(self.countries),
            "kind": self.kinds,
            "precision": self.precisions,
            "from": self.from_text,
            "to": self.to_text,
            "collection": self.collection.slug if self.collection else "",
            "lanes": "" if self.lanes == Lanes.LEADER else self.lanes,
            "view": f"{self.view[0]}..{self.view[1]}" if self.view else "",
            "page": self.page if self.page > 1 else "",
            "event": self.event,
            "as_of": self.as_of,
        } | changes
        return [
            (key, item)
            for key, value in values.items()
            for item in (value if isinstance(value, list) else [value])
            if item
        ]

    def querystring(self, **changes):
        params = self.params(**changes)
        return "?" + urlencode(params, safe=":") if params else ""

    def describe(self, count, years=None):
        """One line for the reader and for screen readers: what this view shows."""
        parts = [f"{count:,} event{'' if count == 1 else 's'}"]
        if years:
            first, last = years
            parts.append(str(first) if first == last else f"{first}–{last}")
        parts.append(f"lanes by {Lanes(self.lanes).label.lower()}")
        filters = []
        if self.collection:
            filters.append(f"in “{self.collection.title}”")
        if self.leaders:
            filters.append("filtered to " + ", ".join(self.leaders.values()))
        if self.countries:
            filters.append("in or with " + ", ".join(self.countries.values()))
        if self.kinds:
            filters.append("kinds: " + ", ".join(str(Event.Kind(k).label).lower() for k in self.kinds))
        if self.precisions:
            filters.append("dated to the " + " or ".join(str(Precision(p).label).lower() for p in self.precisions))
        if self.from_text or self.to_text:
            filters.append(f"from {self.from_text or 'the start'} to {self.to_text or 'now'}")
        if self.q:
            filters.append(f"matching “{self.q}”")
        return ", ".join(parts + filters)


class TimelineForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200, strip=True)
    leader = LenientMultipleChoiceField(label="Leaders", required=False)
    country = LenientMultipleChoiceField(label="Countries", required=False)
    kind = LenientMultipleChoiceField(
        label="Kinds of event", required=False, choices=Event.Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    precision = LenientMultipleChoiceField(
        label="Dated to the", required=False, choices=Precision.choices, widget=forms.CheckboxSelectMultiple
    )
    collection = forms.ChoiceField(label="Collection", required=False)
    lanes = forms.ChoiceField(label="Lanes by", required=False, choices=Lanes.choices, widget=forms.RadioSelect)
    event = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    view = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput)

    def __init__(self, data, *, countries, collections):
        super().__init__(data)
        # "from" and "to" are the link's names; "from" cannot be a class attribute.
        self.fields["from"] = forms.CharField(
            label="From", required=False, max_length=10, help_text="YYYY, YYYY-MM or YYYY-MM-DD"
        )
        self.fields["to"] = forms.CharField(
            label="To", required=False, max_length=10, help_text="YYYY, YYYY-MM or YYYY-MM-DD"
        )
        self.order_fields(["q", "leader", "country", "kind", "from", "to", "precision", "collection", "lanes"])
        self.fields["country"].choices = countries
        self.fields["country"].widget.attrs["size"] = min(6, max(3, len(countries)))
        self.collection_objects = {collection.slug: collection for collection in collections}
        self.fields["collection"].choices = [("", "All events")] + [(c.slug, c.title) for c in collections]
        self.notices = []

    def _known(self, name, noun, labels=None):
        values = self.cleaned_data.get(name) or []
        if len(values) > MAX_VALUES:
            self.notices.append(f"Only the first {MAX_VALUES} {noun} values are used.")
            values = values[:MAX_VALUES]
        labels = dict(self.fields[name].choices) if labels is None else labels
        for value in values:
            if value not in labels:
                self.notices.append(f"No {noun} “{value}”: it is ignored.")
        return {value: str(labels[value]) for value in dict.fromkeys(values) if value in labels}

    def clean_leader(self):
        # Thousands of leaders make no list: look up just the ones the link names.
        slugs = [slug for slug in (self.cleaned_data.get("leader") or [])[:MAX_VALUES] if len(slug) <= 200]
        names = dict(Leader.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
        return self._known("leader", "leader", names)

    def clean_country(self):
        return self._known("country", "country")

    def clean_kind(self):
        return list(self._known("kind", "kind of event"))

    def clean_precision(self):
        return list(self._known("precision", "precision"))

    def _partial_date(self, name):
        text = self.cleaned_data.get(name, "")
        if not text:
            return None
        try:
            date, precision = dates.parse(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return text, date, precision

    def clean_from(self):
        return self._partial_date("from")

    def clean_to(self):
        return self._partial_date("to")

    def clean_view(self):
        text = self.cleaned_data.get("view", "")
        if not text:
            return None
        try:
            start, end = (dates.parse(part)[0] for part in text.split(".."))
        except ValueError:
            self.notices.append(f"The zoomed range “{text}” is not YYYY-MM-DD..YYYY-MM-DD: showing all dates.")
            return None
        return [start, end] if start <= end else [end, start]

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start[1] > end[1]:
            self.add_error("to", "“To” is before “From”.")
        return data

    def query(self):
        """The view this URL asks for, with every bad value dropped and reported."""
        self.is_valid()
        data = self.cleaned_data
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else name
            self.notices.extend(f"{label}: {error}" for error in errors)
        query = TimelineQuery(
            q=data.get("q") or "",
            leaders=data.get("leader") or {},
            countries=data.get("country") or {},
            kinds=data.get("kind") or [],
            precisions=data.get("precision") or [],
            lanes=data.get("lanes") or Lanes.LEADER,
            event=data.get("event") or "",
            view=data.get("view"),
            page=data.get("page") or 1,
        )
        if moment := pinning.pinned_at():  # the view read it; an unpinned view drops a bad one
            query.as_of = pinning.format_moment(moment)
        if data.get("from"):
            query.from_text, query.date_from, _ = data["from"]
        if data.get("to"):
            query.to_text, date, precision = data["to"]
            query.date_to = dates.period_end(date, precision)
        slug = data.get("collection")
        if slug:
            query.collection = self.collection_objects.get(slug)
        return query


class ArrangementNumberField(forms.CharField):
    """A seating arrangement's number as a link gives it: as written, spaces and all;
    ASCII digits only ("²" is a digit to ``isdigit()``), at most 18 (no key is longer)."""

    default_error_messages = {"invalid": "“%(value)s” is not an arrangement number."}

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def validate(self, value):
        super().validate(value)
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})


class SeatingCompareForm(forms.Form):
    """The two arrangements a comparison link names: a bad one is a message, not an error."""

    a = ArrangementNumberField(error_messages={"required": "Choose arrangement “a”."})
    b = ArrangementNumberField(error_messages={"required": "Choose arrangement “b”."})

    def chosen(self):
        """The numbers given well, first "a", then "b"."""
        self.is_valid()
        return [self.cleaned_data[name] for name in self.fields if name in self.cleaned_data]

    def problems(self):
        """What is wrong with the others, in the same order."""
        return [problem for name in self.fields for problem in self.errors.get(name, [])]
