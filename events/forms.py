"""The timeline's URL state: a plain GET form that reads every shareable parameter.

A link is a public interface, so bad values never break the page: each one
is dropped with a message the reader sees in the form, and the rest of the
view still opens.
"""

from django import forms

from . import dates
from .dates import Precision
from .lanes import Lanes
from .models import Event, Leader
from .query import TimelineQuery

MAX_VALUES = 50  # of one repeated parameter; more is not a real view


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the known values; the form reports the unknown ones."""

    def validate(self, value):
        pass


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

    def __init__(self, data, *, countries, collections, moment=None):
        super().__init__(data)
        self.moment = moment  # a pinned view's (events.pinning); None when live
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
        """The view this URL asks for, with every bad value dropped and reported. Read
        once: the form keeps it."""
        if hasattr(self, "_query"):
            return self._query
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
            moment=self.moment,
        )
        if data.get("from"):
            query.from_text, query.date_from, _ = data["from"]
        if data.get("to"):
            query.to_text, date, precision = data["to"]
            query.date_to = dates.period_end(date, precision)
        slug = data.get("collection")
        if slug:
            query.collection = self.collection_objects.get(slug)
        self._query = query
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
