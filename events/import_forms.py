"""Article import, the editor's side: the form an article arrives through, and reading
the review form's POST back into the editor's choices. ``importing`` keeps the
database's side and knows nothing of requests or forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import Textarea

from . import article, importing
from .models import Country, Event, Leader, Place


class ImportForm(forms.Form):
    """An article to import: a file or pasted text, and what the article may not say itself."""

    file = forms.FileField(required=False, help_text="A .txt, .md or .html file of at most 2 MB.", label="Article file")
    text = forms.CharField(
        required=False,
        widget=Textarea(attrs={"rows": 12, "cols": 100}),
        label="or its text",
        help_text="Plain text or Markdown (a pipe table of who sat where is read as seating).",
    )
    filename = forms.CharField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(
        required=False,
        label="Article's date",
        help_text="YYYY-MM-DD. Needed to read “September 3rd”, “this week” or “the previous year”.",
    )
    title = forms.CharField(required=False, max_length=300, help_text="Leave empty to use the article's own.")
    outlet = forms.CharField(required=False, max_length=200)
    url = forms.URLField(required=False, max_length=500, label="URL", assume_scheme="https")

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text", "")
        if upload:
            raw, name = upload.read(article.MAX_BYTES + 1), upload.name
        elif text:
            raw, name = text, data.get("filename", "")
        else:
            raise ValidationError("Choose a file, or paste the article's text.")
        try:
            if upload:
                article.check_size(upload.size)  # its own size: only MAX_BYTES + 1 of it was read
            self.document = article.read(raw, name)
        except article.Unreadable as error:
            raise ValidationError(str(error)) from None
        if upload:
            # The review posts the article back as text: nothing is stored until it is applied.
            self.data = self.data.copy()
            self.data["text"] = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
            self.data["filename"] = name
        return data


def choices_from(post, analysis):
    """The editor's choices from the review form; a value not offered is a skip."""
    choices = importing.Choices()
    for n, proposal in enumerate(analysis.events):
        value = post.get(f"event-{n}", importing.SKIP)
        offered = {str(match.event): match.event for match in proposal.matches}
        if value == importing.NEW:
            choices.events[n] = importing.NEW
            choices.titles[n] = post.get(f"title-{n}", "").strip()
            choices.dates[n] = post.get(f"date-{n}", "").strip()[:10]
            kind = post.get(f"kind-{n}", "")
            choices.kinds[n] = kind if kind in Event.Kind.values else ""
        else:
            choices.events[n] = offered.get(value, importing.SKIP)
    countries = {str(pk): pk for pk in Country.objects.values_list("pk", flat=True)}
    for n in range(len(analysis.people)):
        choices.people[n] = countries.get(post.get(f"person-{n}", ""))
    for n, table in enumerate(analysis.seating):
        value = post.get(f"seating-{n}", importing.SKIP)
        offered = {str(match.event): match.event for match in table.matches}
        proposals = {f"proposal-{k}": ("proposal", k) for k in range(len(analysis.events))}
        choices.seating[n] = offered.get(value) or proposals.get(value) or importing.SKIP
    return choices


def review_context(analysis, choices):
    """Rows for the review table: each proposal with the choice suggested for it."""
    leaders = dict(Leader.objects.filter(pk__in=analysis.leaders).values_list("pk", "name"))
    places = dict(Place.objects.values_list("pk", "name"))
    events = [
        {
            "n": n,
            "proposal": proposal,
            "leaders": [leaders.get(pk, "") for pk in proposal.leaders],
            "place": places.get(proposal.place, ""),
            "choice": str(choices.events.get(n, importing.SKIP)),
            "date_format": {"year": "Y", "month": "Y-m"}.get(proposal.date.precision, "Y-m-d"),
        }
        for n, proposal in enumerate(analysis.events)
    ]
    people = [{"n": n, "person": person, "country": choices.people.get(n)} for n, person in enumerate(analysis.people)]
    seating = [
        {"n": n, "table": table, "choice": str(choices.seating.get(n, importing.SKIP))}
        for n, table in enumerate(analysis.seating)
    ]
    return {
        "analysis": analysis,
        "leaders_named": [leaders[pk] for pk in analysis.leaders if pk in leaders],
        "event_rows": events,
        "people_rows": people,
        "seating_rows": seating,
    }
