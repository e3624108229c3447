"""The editors' admin: one ModelAdmin per model, inlines beside it.

Every admin keeps a history (django-simple-history) with revert; nested
inlines let an editor enter an event with its participants, citations and
seats in one form.
"""

import functools
import re

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery, UniqueConstraint
from django.db.models.functions import Coalesce
from django.forms import Textarea
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_update_with_history

from . import charts, dates, import_forms, importing, signals, takedown, undelete, versions
from .models import (
    Citation,
    Collection,
    CollectionEntry,
    Country,
    Event,
    Leader,
    Office,
    Participation,
    Place,
    Seat,
    SeatingArrangement,
    Source,
    Status,
    Withdrawal,
    withdrawn_message,
)


class VersionedForm(forms.ModelForm):
    """Optimistic locking: the form remembers which saved version it was opened on, of the
    object and of what its inlines show (``events.versions``), and a save made on top of
    someone else's later one is refused, with what they changed."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    shown = ()  # what the admin's inlines show: set by HistoryAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = getattr(self.instance, "opened_version", None) or versions.token(
                versions.current(type(self.instance), self.instance.pk, self.shown, self.instance._state.db)
            )

    @property
    def changed_data(self):
        # The version marker is bookkeeping, not an edit: the history log leaves it out.
        return [name for name in super().changed_data if name != "loaded_version"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        model, pk = type(self.instance), self.instance.pk
        using = router.db_for_write(model)
        # Within the admin's transaction: a save of the same event (or of anything its form
        # shows) waits here until the other has committed, then sees its history below.
        versions.lock(family(self.instance, using), using)
        loaded = cleaned.get("loaded_version")
        if not loaded:
            return cleaned
        now = versions.current(model, pk, self.shown, using)
        since = versions.parse(loaded, now)
        if since == now:
            return cleaned
        changes, latest = versions.changes(model, pk, self.shown, since, using)
        if not changes:  # saved unchanged, or a row added and removed again: nothing to overwrite
            return cleaned
        who = latest.history_user or "another editor"
        when = latest.history_date.strftime("%d %b %Y %H:%M")
        raise ValidationError(
            f"{who} saved this {self.instance._meta.verbose_name} at {when} UTC, after you opened it. "
            f"Their changes: {'; '.join(changes)}. "
            "Yours are not saved, so nothing of theirs is overwritten: copy what you need, "
            "reload the page to see their version, and make your changes again.",
            code="edited_meanwhile",
        )


def key_to(model, parent, name=None):
    """The foreign key of ``model`` an inline of ``parent`` follows (as Django's inlines find it)."""
    return next(
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model is parent and name in (None, field.name)
    )


def shown_by(model, inlines):
    """What a form of ``model`` with these inlines (nested ones too) shows, for its version."""
    return tuple(
        versions.Shown(
            inline.model,
            key_to(inline.model, model, inline.fk_name).attname,
            shown_by(inline.model, getattr(inline, "inlines", [])),
        )
        for inline in inlines
    )


@functools.cache
def owner_keys():
    """For each model an admin shows inline, its keys to the rows whose forms show it."""
    keys = {}

    def walk(model, inlines):
        for inline in inlines:
            key = key_to(inline.model, model, inline.fk_name)
            if key not in keys.setdefault(inline.model, []):
                keys[inline.model].append(key)
            walk(inline.model, getattr(inline, "inlines", []))

    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, HistoryAdmin):
            walk(model, model_admin.inlines)
    return keys


def family(obj, using):
    """The rows a save of ``obj`` locks, top first: the row at the top of every form that
    shows ``obj`` (the event, for a seat's citation) down to ``obj``. Every such save takes
    the top row first, so two saves never hold rows the other waits for."""
    keys = owner_keys()
    model, values, rows = type(obj), vars(obj), [(type(obj), obj.pk)]
    while key := next((key for key in keys.get(model, ()) if values.get(key.attname)), None):
        model, pk = key.related_model, values[key.attname]
        above = [key.attname for key in keys.get(model, ())]
        values = model._default_manager.using(using).filter(pk=pk).values(*above).first() if above else {}
        rows.append((model, pk))
    return rows[::-1]


class AutocompleteSelect(admin.widgets.AutocompleteSelect):
    """Django's autocomplete select, which looks up the chosen record to show its name: a
    tampered value its key cannot hold ("abc", 99999999999999999999) is left out of that
    lookup, so the form comes back with "Select a valid choice" instead of a 500."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [item for item in value if holds(self.field.target_field, item)], attr)


def holds(field, value):
    """Whether a model field (a key) can hold the submitted text."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class CheckedAutocomplete:
    """For admins and inlines with ``autocomplete_fields``: their selects use the widget above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class HistoryAdmin(CheckedAutocomplete, SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    """Base for every editor-facing model: history with revert, nested inlines, and
    refusal of a save made over someone else's (``VersionedForm``)."""

    form = VersionedForm
    # A source's address typed without a scheme is read as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "loaded_version" in flatten_fieldsets(fieldsets):
            return fieldsets
        # Hidden: the admin renders its input without a visible row.
        first, options = fieldsets[0]
        return [(first, {**options, "fields": [*options["fields"], "loaded_version"]}), *fieldsets[1:]]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.shown = shown_by(self.model, self.inlines)
        return form

    def get_object(self, request, object_id, from_field=None):
        # The version is read before the object and its inlines: a save committed in between
        # then has the form refused, instead of the form writing back what it never showed.
        opened = None
        if request.method == "GET" and from_field is None:
            try:
                pk = self.model._meta.pk.to_python(object_id)
            except ValidationError:
                pk = None
            if pk is not None:
                using = router.db_for_read(self.model)
                opened = versions.token(versions.current(self.model, pk, shown_by(self.model, self.inlines), using))
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and opened:
            obj.opened_version = opened
        return obj

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # One transaction, as the change form's: the version check holds its locks until the write.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)


class ExplainedFormSet(nested_admin.formsets.NestedInlineFormSet):
    """Rows that repeat each other are explained with the constraint's own message."""

    def kept(self):
        """The forms a save keeps: filled in or saved before, and not deleted."""
        filled = [form for form in self.forms if form.has_changed() or form.instance.pk]
        return [form for form in filled if not self._should_delete_form(form)]

    def get_unique_error_message(self, unique_check):
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and set(constraint.fields) == set(unique_check):
                return constraint.violation_error_message
        return super().get_unique_error_message(unique_check)


class DatesConfirmedForm(forms.Form):
    """A form with partial dates asks the editor to confirm one far outside the newsroom's usual
    range (``dates.usual_range``): its "Yes, this date is right" box appears only then.

    Mixed into a model form (``class EventForm(DatesConfirmedForm, VersionedForm)``): a form,
    so the admin knows its field."""

    confirm_dates = forms.BooleanField(label="Yes, this date is right", required=False, widget=forms.HiddenInput)
    DATE_FIELDS = {"start_date": ("start_precision", "start"), "end_date": ("end_precision", "end")}

    def clean(self):
        cleaned = super().clean()
        first, last = dates.usual_range(timezone.localdate())
        for name, (precision_name, words) in self.DATE_FIELDS.items():
            date = cleaned.get(name)
            precision = cleaned.get(precision_name, dates.Precision.DAY)
            # Only a date being entered: an event saved with one confirmed is not asked again.
            if date is None or (self.instance.pk and name not in self.changed_data):
                continue
            if first <= dates.normalise(date, precision) <= last:
                continue
            self.fields["confirm_dates"].widget = forms.CheckboxInput()
            if not cleaned.get("confirm_dates"):
                self.add_error(
                    name,
                    f"The {words} date, {dates.format_date(date, precision)}, is far outside the dates newsdash "
                    f"usually covers ({first.year} to {last.year}). If it is right, tick “Yes, this date is "
                    "right” and save again.",
                )
        return cleaned


class EventForm(DatesConfirmedForm, VersionedForm):
    pass


class OfficeForm(DatesConfirmedForm, VersionedForm):
    pass


class OfficeInlineForm(DatesConfirmedForm, forms.ModelForm):
    pass


class CitationInline(CheckedAutocomplete, nested_admin.NestedStackedInline):
    model = Citation
    extra = 0
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})}}
    autocomplete_fields = ["source"]
    fields = [("source", "kind", "stance"), "quote", ("statement", "locator"), "note"]


class EventCitationFormSet(ExplainedFormSet):
    """An event's citations, read with the event the form is saving: a published event
    has at least one, and an outcome (took place, did not) of an event reported as
    scheduled or possible rests on a citation that settles it."""

    def clean(self):
        super().clean()
        event = self.instance
        kept = self.kept()
        if event.status == Status.PUBLISHED and not kept:
            raise forms.ValidationError(
                "A published event needs a source: add a citation here, or keep the event as a draft."
            )
        before = Event.objects.filter(pk=event.pk).values_list("reported_as", flat=True).first() if event.pk else None
        settled = any(form.cleaned_data.get("settles") for form in kept)
        if before in Event.EXPECTED and event.reported_as in Event.OUTCOMES and not settled:
            outcome = "took place" if event.reported_as == Event.ReportedAs.HAPPENED else "did not take place"
            raise forms.ValidationError(
                f"It was reported as {Event.ReportedAs(before).label.lower()}: to record that it {outcome}, "
                "cite the source that reports it and tick “settles the outcome”."
            )


class EventCitationInline(CitationInline):
    formset = EventCitationFormSet
    fields = [("source", "kind", "stance", "settles"), "quote", ("statement", "locator"), "note"]


class OfficeInline(CheckedAutocomplete, nested_admin.NestedStackedInline):
    model = Office
    extra = 0
    form = OfficeInlineForm
    autocomplete_fields = ["country"]
    fields = [
        ("title", "country"),
        ("start_date", "start_precision", "start_qualifier"),
        ("end_date", "end_precision"),
        "confirm_dates",
        "note",
    ]
    inlines = [CitationInline]


@admin.register(Country)
class CountryAdmin(HistoryAdmin):
    list_display = ["name", "iso_code"]
    search_fields = ["name", "iso_code"]


@admin.register(Leader)
class LeaderAdmin(HistoryAdmin):
    list_display = ["name", "native_name", "country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["name", "native_name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    inlines = [OfficeInline]

    def get_search_results(self, request, queryset, search_term):
        # "Kim Jong Un" finds Kim Jong-un: match on the folded names, not raw text.
        if not search_term.strip():
            return queryset, False
        return queryset.matching(search_term), False


@admin.register(Place)
class PlaceAdmin(HistoryAdmin):
    list_display = ["name", "city", "country", "latitude", "longitude"]
    list_select_related = ["country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "outlet", "kind", "published_on", "citation_count"]
    list_filter = ["kind"]
    search_fields = ["title", "outlet", "author"]
    # Said here, not only in Meta: the citation count's GROUP BY drops Meta's ordering, and
    # the autocomplete would then page through sources in no fixed order.
    ordering = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    change_list_template = "admin/events/source/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="events_source_import"), *super().get_urls()]

    def import_view(self, request):
        """Paste or upload an article, review what it tells, create what is accepted as drafts."""
        if not (self.has_add_permission(request) and request.user.has_perm("events.add_event")):
            raise PermissionDenied
        form = import_forms.ImportForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import an article",
            "opts": self.model._meta,
            "form": form,
            "kinds": Event.Kind.choices,
            "countries": Country.objects.order_by("name"),
        }
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            analysis = importing.analyse(form.document, data["date"])
            if request.POST.get("stage") == "apply":
                try:  # one transaction: a problem anywhere leaves nothing behind
                    result = importing.apply(
                        analysis,
                        import_forms.choices_from(request.POST, analysis),
                        title=data["title"],
                        outlet=data["outlet"],
                        url=data["url"],
                    )
                except ValidationError as error:
                    context["apply_errors"] = error.messages
                else:
                    made = ", ".join(f"{n} {what}" for what, n in result.created.items()) or "no drafts"
                    messages.success(request, f"Imported “{result.source}”: {made}. Everything new is a draft.")
                    return redirect("admin:events_source_change", result.source.pk)
            context |= import_forms.review_context(analysis, importing.Choices.suggested(analysis))
        return TemplateResponse(request, "admin/events/source/import.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, source):
        return source.citation_count


class ParticipationInline(CheckedAutocomplete, nested_admin.NestedStackedInline):
    model = Participation
    formset = ExplainedFormSet
    extra = 0
    autocomplete_fields = ["leader"]
    fields = [("leader", "role")]
    inlines = [CitationInline]


def event_is_published(arrangement):
    try:
        return arrangement.event.status == Status.PUBLISHED
    except ObjectDoesNotExist:
        return False


def citations_of(form):
    """The cleaned citations a seat's form keeps: those with a quote or a statement, not deleted."""
    kept = []
    for formset in getattr(form, "nested_formsets", []):
        formset.is_valid()
        for citation in formset.forms:
            data = getattr(citation, "cleaned_data", {})
            if (data.get("quote") or data.get("statement")) and not data.get("DELETE"):
                kept.append(data)
    return kept


class SeatFormSet(ExplainedFormSet):
    """The seats of an arrangement, checked as a save checks them; the admin's live preview
    reads and checks the posted seats through this formset too."""

    def uncited(self):
        """Who sits in a kept seat without a citation."""
        return [
            str(form.cleaned_data.get("leader") or "an unknown occupant")
            for form in self.kept()
            if not citations_of(form)
        ]

    def clean(self):
        super().clean()
        if len([form for form in self.kept() if form.cleaned_data.get("is_host")]) > 1:
            raise ValidationError("An arrangement has one host: tick “host” on one seat only.")
        if event_is_published(self.instance) and (uncited := self.uncited()):
            raise ValidationError(
                f"The event is published, so every seat needs a citation: add one for {', '.join(uncited)}."
            )


class SeatInline(CheckedAutocomplete, nested_admin.NestedStackedInline):
    model = Seat
    formset = SeatFormSet
    extra = 0
    autocomplete_fields = ["leader"]
    fields = [("leader", "row", "position", "is_host")]
    inlines = [CitationInline]


class ArrangementInline(nested_admin.NestedStackedInline):
    model = SeatingArrangement
    extra = 0
    fields = [("name", "perspective"), "note"]
    inlines = [SeatInline]


class YearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("start_date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit() and len(value) <= 4:  # "²" is a digit to isdigit()
            return queryset.filter(start_date__year=int(value))
        return queryset


class WithdrawalReasonForm(forms.ModelForm):
    class Meta:
        model = Withdrawal
        fields = ["reason"]
        widgets = {"reason": Textarea(attrs={"rows": 4, "cols": 80})}


def withdrawal_log(withdrawal):
    """The admin log's words for a withdrawal (the "newsdash.admin" logger repeats them)."""
    version = f", version {withdrawal.version}" if withdrawal.version else ""
    return f"Withdrew event {withdrawal.event_id} “{withdrawal.slug}”{version}."


UNPUBLISHED = "Unpublished: withdrawn (take down)."


class Withdrawable:
    """The event admin's takedowns: the list's Withdraw action; on an event's history page
    (a deleted event's too), a link to withdraw the event and one beside each version."""

    object_history_template = "admin/events/event/object_history.html"
    history_list_display = ["takedown"]

    def has_withdraw_permission(self, request):
        return request.user.has_perm("events.add_withdrawal")

    @admin.action(description="Withdraw (take down, also from pinned links)", permissions=["withdraw"])
    def withdraw(self, request, queryset):
        """Asks for the reason first, then withdraws each event not withdrawn already."""
        events = list(queryset)
        withdrawn = set(
            Withdrawal.objects.of_whole_events()
            .filter(event_id__in=[event.pk for event in events])
            .values_list("event_id", flat=True)
        )
        form = WithdrawalReasonForm(request.POST if request.POST.get("post") else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Withdraw events",
                "opts": self.model._meta,
                "events": events,
                "withdrawn": withdrawn,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/events/event/withdraw.html", context)
        done = [event for event in events if event.pk not in withdrawn]
        for event in done:
            withdrawal = Withdrawal(event_id=event.pk, reason=form.cleaned_data["reason"])
            unpublished = takedown.withdraw(withdrawal, request.user)
            self.log_addition(request, withdrawal, withdrawal_log(withdrawal))
            if unpublished:
                self.log_change(request, unpublished, UNPUBLISHED)
        if done:
            self.message_user(request, f"{len(done)} event(s) withdrawn and unpublished: {', '.join(map(str, done))}.")
        if len(done) < len(events):
            self.message_user(request, "Events withdrawn already were left as they are.", messages.WARNING)
        return None

    def history_view(self, request, object_id, extra_context=None):
        withdrawal = Withdrawal.objects.of_whole_events().filter(event_id=form_int(object_id, None)).first()
        return super().history_view(request, object_id, {**(extra_context or {}), "withdrawal": withdrawal})

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        withdrawals = Withdrawal.objects.filter(version=OuterRef("history_id")).values("withdrawn_at")[:1]
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return records.annotate(withdrawn_on=Subquery(withdrawals))

    @admin.display(description="take down")
    def takedown(self, record):
        if record.withdrawn_on:
            return f"Withdrawn on {record.withdrawn_on:%d %b %Y}"
        query = urlencode({"event_id": record.id, "version": record.history_id})
        url = f"{reverse('admin:events_withdrawal_add')}?{query}"
        return format_html('<a href="{}">Withdraw version {}</a>', url, record.history_id)


@admin.register(Event)
class EventAdmin(Withdrawable, HistoryAdmin):
    form = EventForm
    list_display = ["title", "date", "kind", "participant_names", "citation_count", "status"]
    list_filter = ["kind", "status", ("place__country", admin.RelatedOnlyFieldListFilter), YearFilter]
    list_select_related = ["place__country"]
    date_hierarchy = "start_date"
    search_fields = ["title"]
    search_help_text = "Titles, summaries and participants' names, aliases and romanisations."
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["place"]
    actions = ["publish", "unpublish", "withdraw"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "reported_as"]}),
        (
            "When",
            {
                "fields": [
                    ("start_date", "start_precision", "start_qualifier"),
                    ("end_date", "end_precision"),
                    "confirm_dates",
                    "date_note",
                ]
            },
        ),
        ("Where and what", {"fields": ["place", "summary"]}),
    ]
    inlines = [EventCitationInline, ParticipationInline, ArrangementInline]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Reverting a deleted event also brings back what was deleted with it."""
        was_deleted = not Event.objects.filter(pk=object_id).exists()
        response = super().history_form_view(request, object_id, version_id, extra_context)
        event = Event.objects.filter(pk=object_id).first() if request.method == "POST" else None
        if was_deleted and event is not None:
            restored = undelete.restore_children(event)
            if restored:
                parts = ", ".join(f"{count} {name}" for name, count in restored.items())
                self.message_user(request, f"Restored with it: {parts}.")
        return response

    def get_queryset(self, request):
        # A subquery, not a join: the changelist's count and date queries stay plain.
        citations = Citation.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(citation_count=Coalesce(Subquery(citations.values("n")), 0))
            .prefetch_related(Prefetch("participations", queryset=Participation.objects.select_related("leader")))
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    @admin.display(description="date", ordering="start_date")
    def date(self, event):
        return event.date_display

    @admin.display(description="participants")
    def participant_names(self, event):
        return ", ".join(p.leader.name for p in event.participations.all())

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, event):
        return event.citation_count

    @admin.action(description="Publish selected events", permissions=["change"])
    def publish(self, request, queryset):
        events = list(queryset)
        # A withdrawn event stays down until its withdrawal is deleted.
        for withdrawal in Withdrawal.objects.of_whole_events().filter(event_id__in=[event.pk for event in events]):
            self.message_user(request, withdrawn_message(withdrawal), messages.WARNING)
            events = [event for event in events if event.pk != withdrawal.event_id]
        uncited = [event.title for event in events if event.citation_count == 0]
        ready = [event for event in events if event.citation_count and event.status != Status.PUBLISHED]
        self._set_status(request, ready, Status.PUBLISHED)
        if uncited:
            self.message_user(
                request,
                f"Not published, as no source is cited for: {', '.join(uncited)}. Add a citation first.",
                messages.WARNING,
            )

    @admin.action(description="Unpublish selected events (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_status(request, [event for event in queryset if event.status != Status.DRAFT], Status.DRAFT)

    def _set_status(self, request, events, status):
        for event in events:
            event.status = status
        # Through simple-history, so the change shows in each event's history.
        bulk_update_with_history(
            events, Event, ["status"], default_user=request.user, default_change_reason=f"Set to {status}"
        )
        for event in events:
            self.log_change(request, event, f"Set to {status}.")
        # A bulk update sends no signal.
        signals.bulk_written(events)
        if events:
            self.message_user(request, f"{len(events)} event(s) set to {Status(status).label.lower()}.")


@admin.register(SeatingArrangement)
class SeatingArrangementAdmin(HistoryAdmin):
    list_display = ["name", "event", "perspective"]
    list_select_related = ["event"]
    search_fields = ["name", "event__title"]
    autocomplete_fields = ["event"]
    inlines = [SeatInline]

    def get_urls(self):
        preview = path(
            "preview/", self.admin_site.admin_view(self.preview_view), name="events_seatingarrangement_preview"
        )
        return [preview, *super().get_urls()]

    @method_decorator(require_POST)
    def preview_view(self, request):
        """The diagram of the seats as the form holds them, before saving (htmx), with what a
        save would refuse: the change form's own formsets read and check the posted seats."""
        arrangement = SeatingArrangement()
        # The change form names its arrangement, so saved seats are checked as its save checks them.
        if pk := request.POST.get("arrangement"):
            arrangement = self.get_object(request, pk)
            if arrangement is None:
                raise Http404("No such arrangement.")
        if arrangement.pk:
            allowed = self.has_change_permission(request, arrangement)
        else:
            allowed = self.has_add_permission(request) or self.has_change_permission(request)
        if not allowed:
            raise PermissionDenied
        seats = self.posted_seats(request, arrangement)
        if seats is None:
            raise PermissionDenied
        header = forms.modelform_factory(SeatingArrangement, fields=["name", "perspective"])(request.POST)
        header.is_valid()
        rows = seat_rows(seats)
        figure = charts.seating_figure(
            {
                "name": header.cleaned_data.get("name") or "New arrangement",
                "host": next((row["leader"] for row in rows if row["is_host"]), ""),
                "perspective": header.cleaned_data.get("perspective") or SeatingArrangement.Perspective.UNSTATED,
            },
            rows,
            charts.Viewpoint.AUDIENCE,
        )
        context = {
            "chart_json": mark_safe(
                charts.chart_json(charts.dumps(figure), charts.chart_config("newsdash-seating-preview"))
            ),
            "problems": refusals(seats),
        }
        return render(request, "admin/events/seatingarrangement/preview.html", context)

    def posted_seats(self, request, arrangement):
        """The seat formset of the change form, bound to the posted data and validated."""
        data = request.POST.copy()
        # The admin's forms send every management field; a post that leaves out the count of
        # saved rows is read as having none, as an add form has. Set on the request, which is
        # where the admin's (and nested_admin's) formsets read their data.
        for key in request.POST:
            if key.endswith("-TOTAL_FORMS"):
                data.setdefault(key.removesuffix("TOTAL_FORMS") + "INITIAL_FORMS", "0")
        request.POST = data
        formsets, _ = self._create_formsets(request, arrangement, change=arrangement.pk is not None)
        seats = next((formset for formset in formsets if isinstance(formset, SeatFormSet)), None)
        if seats is not None:
            seats.is_valid()
        return seats


def form_int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def seat_rows(seats):
    """Chart rows (as ``Seat.as_row`` makes them) for the seats a validated formset keeps."""
    kept = seats.kept()
    leaders = Leader.objects.select_related("country").in_bulk(
        [form.instance.leader_id for form in kept if form.instance.leader_id]
    )
    rows = []
    for form in kept:
        seat = form.instance
        seat.leader = leaders.get(seat.leader_id)  # from the one query above, not one per seat
        citations = [
            {
                "kind": data.get("kind"),
                "quote": data.get("quote", ""),
                "statement": data.get("statement", ""),
                "source": "the cited source",
                "stance": data.get("stance"),
            }
            for data in citations_of(form)
        ]
        rows.append(seat.as_row(citations))
    return rows


def refusals(seats):
    """What a save would refuse in a validated seat formset, each as its first clause: the
    preview box is narrow, and the save explains each in full. A seat without a citation is
    named too, for it will be refused once the event is published."""
    problems = []
    for form in seats.kept():
        for field, errors in form.errors.items():
            label = "" if field == NON_FIELD_ERRORS else f"{form[field].label}: "
            # The formset says which rows repeat each other; this is only its pointer to them.
            problems += [label + first_clause(error) for error in errors if error != seats.get_form_error()]
    problems += [first_clause(message) for message in seats.non_form_errors()]
    problems += [f"No citation for {who}'s seat." for who in seats.uncited()]
    return list(dict.fromkeys(problems))


def first_clause(message):
    return re.split(r"[;:]", message, maxsplit=1)[0].rstrip(".") + "."


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    list_display = ["source", "kind", "quote_start", "stance", "claim"]
    list_filter = ["kind", "stance", "source"]
    list_select_related = [
        "source",
        "event",
        "participation__event",
        "participation__leader",
        "seat__leader",
        "seat__arrangement__event",
        "office__leader",
    ]
    search_fields = ["quote", "statement", "source__title"]
    autocomplete_fields = ["source", "event"]
    raw_id_fields = ["participation", "seat", "office"]

    @admin.display(description="quote or statement")
    def quote_start(self, citation):
        words = citation.quote or citation.statement
        return words[:80] + ("…" if len(words) > 80 else "")

    @admin.display(description="backs")
    def claim(self, citation):
        return citation.event or citation.participation or citation.seat or citation.office


@admin.register(Participation)
class ParticipationAdmin(HistoryAdmin):
    list_display = ["event", "leader", "role"]
    list_select_related = ["event", "leader"]
    search_fields = ["event__title", "leader__name"]
    autocomplete_fields = ["event", "leader"]
    inlines = [CitationInline]


@admin.register(Seat)
class SeatAdmin(HistoryAdmin):
    list_display = ["arrangement", "leader", "row", "position", "is_host"]
    list_select_related = ["arrangement__event", "leader"]
    autocomplete_fields = ["arrangement", "leader"]
    inlines = [CitationInline]


@admin.register(Office)
class OfficeAdmin(HistoryAdmin):
    form = OfficeForm
    list_display = ["title", "leader", "start", "end"]
    list_select_related = ["leader"]
    search_fields = ["title", "leader__name"]
    autocomplete_fields = ["leader", "country"]
    inlines = [CitationInline]

    @admin.display(ordering="start_date")
    def start(self, office):
        return office.start_display

    @admin.display(ordering="end_date")
    def end(self, office):
        return office.end_display


class CollectionEntryInline(CheckedAutocomplete, nested_admin.NestedTabularInline):
    model = CollectionEntry
    formset = ExplainedFormSet
    extra = 0
    autocomplete_fields = ["event"]
    sortable_field_name = "order"


@admin.register(Collection)
class CollectionAdmin(HistoryAdmin):
    list_display = ["title", "status", "featured"]
    list_filter = ["status", "featured"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CollectionEntryInline]


@admin.register(Withdrawal)
class WithdrawalAdmin(SimpleHistoryAdmin):
    """Read-mostly: a withdrawal is made (here, or from an event's history page or the event
    list), seen, and deleted to lift it; never changed."""

    list_display = ["title", "slug", "event_id", "version", "withdrawn_at", "withdrawn_by"]
    list_select_related = ["withdrawn_by"]
    search_fields = ["title", "slug", "reason"]
    date_hierarchy = "withdrawn_at"
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 4, "cols": 80})}}
    SHOWN = ["title", "slug", "event_id", "version", "reason", "withdrawn_by", "withdrawn_at"]

    def get_fields(self, request, obj=None):
        return self.SHOWN if obj else ["event_id", "version", "reason"]

    def get_readonly_fields(self, request, obj=None):
        return self.SHOWN if obj else []

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        unpublished = takedown.withdraw(obj, request.user)
        if unpublished:
            self.log_change(request, unpublished, UNPUBLISHED)
            self.message_user(request, f"“{unpublished}” is unpublished too: the live pages showed what is withdrawn.")

    def log_addition(self, request, obj, message):
        return super().log_addition(request, obj, withdrawal_log(obj))
