"""The version an editor's form was opened on, and what others changed since.

A form shows an object with what its inlines show: an event with its citations,
participants (and theirs), seating arrangements, seats (and theirs). Its version is
the latest history record of each kind of row shown, deleted rows included, written
as a token ("event:120 citation:890 …") the form carries. A save whose token is not
the current one would write over someone else's: ``changes`` says what they did.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils.text import capfirst

# A refusal lists this many changed rows, then how many more.
LISTED = 6


@dataclasses.dataclass(frozen=True)
class Shown:
    """A kind of row a form shows inline: ``model`` rows whose key ``key`` (an attname)
    points at the rows above, with what their own inlines show."""

    model: type
    key: str
    shown: tuple = ()


def scopes(model, pk, shown):
    """For each model in the form, which of its history records belong to the object:
    rows now gone count too, so the ids come from the history tables."""
    found = {model: Q(**{model._meta.pk.attname: pk})}

    def walk(parent_ids, parts):
        for part in parts:
            condition = Q(**{f"{part.key}__in": parent_ids})
            found[part.model] = found.get(part.model, Q()) | condition
            walk(part.model.history.filter(condition).values(part.model._meta.pk.attname), part.shown)

    walk([pk], shown)
    return found


def current(model, pk, shown, using):
    """The object's version now: the latest history id of each model it shows."""
    return {
        part: part.history.using(using).filter(scope).aggregate(latest=Max("history_id"))["latest"] or 0
        for part, scope in scopes(model, pk, shown).items()
    }


def token(version):
    return " ".join(f"{model._meta.model_name}:{latest}" for model, latest in version.items())


def parse(text, version):
    """The version a form posted, with the models of ``version`` (the current one) as keys."""
    models = {model._meta.model_name: model for model in version}
    try:
        pairs = dict(item.split(":") for item in text.split())
        parsed = {models[name]: int(latest) for name, latest in pairs.items()}
    except (KeyError, ValueError):
        parsed = {}
    if parsed.keys() != version.keys():
        raise ValidationError(
            "This form's version marker is damaged: reload the page and make your changes again.",
            code="version_damaged",
        )
    return parsed


def changes(model, pk, shown, since, using):
    """What changed after version ``since``: descriptions, and the latest record (who, when)."""
    found, more, latest = [], 0, None
    for part, scope in scopes(model, pk, shown).items():
        history = part.history.using(using).filter(scope)
        newer = list(history.filter(history_id__gt=since[part]).order_by("history_id"))
        if not newer:
            continue
        if latest is None or newer[-1].history_date > latest.history_date:
            latest = newer[-1]
        rows = {}  # each row's records, oldest first
        for record in newer:
            rows.setdefault(getattr(record, part._meta.pk.attname), []).append(record)
        for row, records in rows.items():
            if len(found) == LISTED:  # enough to read: the rest are counted, not described
                more += 1
                continue
            seen = (
                history.filter(**{part._meta.pk.attname: row}, history_id__lte=since[part])
                .order_by("-history_id")
                .first()
            )
            added = any(record.history_type == "+" for record in records)
            line = describe(part, records[-1], seen, added, own=part is model)
            if line:
                found.append(line)
    return found + [f"and {more} more rows changed"] * bool(more), latest


def describe(model, record, seen, added, own):
    """One row's change since the editor opened the form: ``seen`` is the version it showed
    (None if the row has none in its history), ``added`` whether the row is new since."""
    name = model._meta.verbose_name
    article = "an" if name[0] in "aeiou" else "a"
    if record.history_type == "-":
        return None if added else f"removed the {name} “{record.instance}”"
    if added:
        return f"added {article} {name} “{record.instance}”"
    if seen is None:  # made without history (a bulk import): nothing to compare with
        return f"changed the {name}" if own else f"changed the {name} “{record.instance}”"
    edits = []
    for change in record.diff_against(seen, foreign_keys_are_objs=False).changes:
        field = model._meta.get_field(change.field)
        if field.editable:  # derived fields (search text, period end) follow the edits shown
            edits.append(f"{capfirst(field.verbose_name)}: “{change.old}” → “{change.new}”")
    if not edits:
        return None
    return "; ".join(edits) if own else f"{capfirst(name)} “{record.instance}”: {', '.join(edits)}"


def lock(rows, using):
    """Hold ``rows`` (model, pk), top first, until the transaction ends, so that a version
    is checked and written as one step. On SQLite, a no-op: its transactions begin by
    taking the database's write lock (settings: transaction_mode IMMEDIATE)."""
    for model, pk in rows:
        # NO KEY: a concurrent insert that refers to the row (a new citation) does not wait.
        list(model._default_manager.using(using).select_for_update(no_key=True).filter(pk=pk).values_list("pk"))
