"""Pinned links: ``?as_of=2026-11-23T10:00:00Z`` shows a view as it was at that moment.

For the length of one request, each table of the dataset changed since that
moment is shadowed by a temporary view of the same name: its rows untouched
since (read through the table's own indexes), and the others as the change
history had them then. Rows deleted since come back, later edits are not there,
and what was a draft then stays hidden by the same ``published()`` filter as ever.
A withdrawn event (``events.takedown``) is read from its history too, whatever the
moment, with its withdrawn versions left out: no pinned view can show it.

Both databases look up an unqualified table name in the session's temporary
objects first (PostgreSQL's pg_temp, SQLite's temp schema), so the usual
querysets, charts and templates read the past without a line of their own. The
transaction is rolled back at the end: the shadow never outlives the request.
"""

import contextvars
import datetime
import re
from contextlib import contextmanager

from django.apps import apps
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

# Whether this thread's request is reading a snapshot: for the database router alone
# (newsdash.routers), which is given no request. Everything else is told the moment.
_in_snapshot = contextvars.ContextVar("newsdash_in_snapshot", default=False)

# The models whose rows a view shows; each has its change history.
MODELS = [
    "Country",
    "Leader",
    "Office",
    "Place",
    "Source",
    "Event",
    "Participation",
    "SeatingArrangement",
    "Seat",
    "Citation",
    "Collection",
    "CollectionEntry",
]
# Fields the history does not keep, and the history column that stands for them.
NOT_KEPT = {"updated": "history_date"}
# A clock a little ahead of ours may still pin "now".
SKEW = datetime.timedelta(minutes=2)
EXAMPLE = "2026-11-23T10:00:00Z"


def model(name):
    # Looked up when used: the router imports this module before the models are ready.
    return apps.get_model("events", name)


def in_snapshot():
    """Whether queries are reading a snapshot, which only the primary database holds."""
    return _in_snapshot.get()


def format_moment(moment):
    """2026-11-23T10:00:00Z, with as many decimals of a second as the moment has."""
    moment = moment.astimezone(datetime.UTC)
    fraction = ""
    if moment.microsecond:
        fraction = f".{moment.microsecond:06d}"
        fraction = fraction[:4] if moment.microsecond % 1000 == 0 else fraction
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def now():
    """This moment, as a page pins it: to the millisecond, so a link made a moment
    after an edit shows that edit."""
    moment = timezone.now()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class BadMoment(ValueError):
    pass


def parse(text):
    """The UTC moment an ``as_of`` value names; ``BadMoment`` says what is wrong with it."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    try:
        if len(text) > 40:
            raise ValueError
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise BadMoment(f"“{shown}” has no time zone: end it with Z for UTC, as in {EXAMPLE}.")
        moment = moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError) as error:
        if isinstance(error, BadMoment):
            raise
        raise BadMoment(f"“{shown}” is not a moment: write it as {EXAMPLE}.") from None
    if moment > timezone.now() + SKEW:
        raise BadMoment(f"{format_moment(moment)} is in the future: a link can only be pinned to a moment past.")
    return moment


def changed(cursor, connection, when):
    """The models with a history record after the moment, and the events while any is
    withdrawn: the others read as they are."""
    quote = connection.ops.quote_name
    checks, params = [], []
    for name in MODELS:
        history = quote(model(name).history.model._meta.db_table)
        since = f"SELECT 1 FROM {history} WHERE {quote('history_date')} > %s"
        if name == "Event":
            since += f" UNION ALL SELECT 1 FROM {quote(model('Withdrawal')._meta.db_table)}"
        checks.append(f"SELECT %s WHERE EXISTS ({since})")
        params += [name, when]
    cursor.execute(" UNION ALL ".join(checks), params)
    return [row[0] for row in cursor.fetchall()]


MOMENT_LITERAL = re.compile(r"[0-9 :.+T-]+")


def literal(moment, connection):
    """The moment as an SQL literal (a view takes no parameters). It is made from a
    datetime, never from the text of a link; checked all the same."""
    value = connection.ops.adapt_datetimefield_value(moment)
    text = value if isinstance(value, str) else moment.astimezone(datetime.UTC).isoformat()
    if not MOMENT_LITERAL.fullmatch(text):
        raise ValueError(f"not a moment: {text!r}")
    return f"'{text}'::timestamptz" if connection.vendor == "postgresql" else f"'{text}'"


def withdrawn_sql(connection):
    """Subqueries for the withdrawn events' numbers: all of them, those withdrawn whole, and
    the history records (versions) withdrawn alone."""
    quote = connection.ops.quote_name
    table, event, version = quote(model("Withdrawal")._meta.db_table), quote("event_id"), quote("version")
    return (
        f"SELECT {event} FROM {table}",
        f"SELECT {event} FROM {table} WHERE {version} IS NULL",
        f"SELECT {version} FROM {table} WHERE {version} IS NOT NULL",
    )


def shadow_sql(model, connection, schema, when):
    """CREATE TEMP VIEW <the model's table> AS its rows at the moment ``when`` (a literal):
    the live rows that have not changed since (read through their own indexes), and the
    others as their history had them then (none, for a row created later; the last
    version, for one deleted since). Events withdrawn are among the others, and their
    withdrawn versions are left out (``withdrawn_sql``)."""
    quote = connection.ops.quote_name
    history = model.history.model
    kept = {f.column for f in history._meta.concrete_fields}
    fields = model._meta.concrete_fields
    live = ", ".join(quote(f.column) for f in fields)
    past = ", ".join(
        f"{quote(f.column if f.column in kept else NOT_KEPT[f.column])} AS {quote(f.column)}" for f in fields
    )
    table, records = quote(model._meta.db_table), quote(history._meta.db_table)
    id_, date = quote("id"), quote("history_date")
    since = f"SELECT {id_} FROM {records} WHERE {date} > {when}"
    before = f"SELECT {id_} FROM {records} WHERE {date} <= {when}"
    kind, order = quote("history_type"), f"{date} {{0}}, {quote('history_id')} {{0}}"
    kept = ""
    if model._meta.label == "events.Event":
        every, whole, versions = withdrawn_sql(connection)
        since += f" UNION {every}"
        kept = f" AND {id_} NOT IN ({whole}) AND {quote('history_id')} NOT IN ({versions})"
    return (
        f"CREATE TEMP VIEW {table} AS "
        f"SELECT {live} FROM {quote(schema)}.{table} WHERE {id_} NOT IN ({since}) "
        f"UNION ALL SELECT {past} FROM ("
        f"SELECT *, ROW_NUMBER() OVER (PARTITION BY {id_} ORDER BY {order.format('DESC')}) AS newsdash_rank "
        f"FROM {records} WHERE {date} <= {when} AND {id_} IN ({since})"
        f") AS latest WHERE newsdash_rank = 1 AND {kind} <> '-'{kept} "
        # A row loaded without history (a bulk load) and changed since: its state then was
        # not recorded; its first record since is the nearest there is.
        f"UNION ALL SELECT {past} FROM ("
        f"SELECT *, ROW_NUMBER() OVER (PARTITION BY {id_} ORDER BY {order.format('ASC')}) AS newsdash_rank "
        f"FROM {records} WHERE {id_} IN ({since}) AND {id_} NOT IN ({before})"
        f") AS earliest WHERE newsdash_rank = 1 AND {kind} <> '+'{kept}"
    )


@contextmanager
def snapshot(moment, using="default"):
    """Within this block, every query on ``using`` reads the data as it was at ``moment``."""
    connection = connections[using]
    token = _in_snapshot.set(True)
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                schema = "main"
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT current_schema()")
                    schema = cursor.fetchone()[0]
                    # A new search_path makes PostgreSQL re-plan any statement prepared
                    # earlier on this pooled connection, so none keeps reading the live tables.
                    cursor.execute('SET LOCAL search_path TO pg_temp, "$user", public')
                when = connection.ops.adapt_datetimefield_value(moment)
                for name in changed(cursor, connection, when):
                    cursor.execute(shadow_sql(model(name), connection, schema, literal(moment, connection)))
            # A view has no primary key: a GROUP BY lists every column selected, not the key alone.
            connection.features.allows_group_by_selected_pks = False
            try:
                yield
            finally:
                del connection.features.allows_group_by_selected_pks
            transaction.set_rollback(True, using=using)
    finally:
        _in_snapshot.reset(token)


def withdrawal_hiding(slug, moment):
    """The withdrawal that keeps out of pinned views the event a link to ``slug`` showed at
    ``moment`` (the event's version then, as ``shadow_sql`` picks it), or None."""
    Event, Withdrawal = model("Event"), model("Withdrawal")
    for event_id in set(Event.history.filter(slug=slug).values_list("id", flat=True)):
        records = Event.history.filter(id=event_id)
        then = records.filter(history_date__lte=moment).order_by("-history_date", "-history_id").first()
        if then is None:  # loaded without history: its first record since is the nearest there is
            then = records.order_by("history_date", "history_id").first()
            if then.history_type == "+":  # made later: the link never showed it
                continue
        if then.slug != slug or then.history_type == "-":
            continue
        hiding = Q(event_id=event_id, version__isnull=True) | Q(version=then.history_id)
        withdrawal = Withdrawal.objects.filter(hiding).order_by("withdrawn_at").first()
        if withdrawal:
            return withdrawal
    return None
