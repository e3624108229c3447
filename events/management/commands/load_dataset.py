"""Load a versioned dataset file (YAML) into the database.

Idempotent: records are found by their natural keys (slugs, ISO codes,
quotes), created when missing and otherwise left alone, so a second run
changes nothing and an editor's later corrections survive ``make run``.
``--update`` writes the file's values over existing records instead.
Everything is validated as an editor's form would be, in one transaction.
"""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from events import dates, signals
from events.models import (
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
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_DATASET = DATA_DIR / "parade.yaml"
SUPPORTED_VERSIONS = {1}
CHANGE_REASON = "Loaded from the dataset"


class DatasetError(CommandError):
    pass


def read(entry, where, required=(), optional=()):
    """The entry's keys, checked: a typo in the file is an error, not a silent gap."""
    if not isinstance(entry, dict):
        raise DatasetError(f"{where}: expected a mapping, got {type(entry).__name__}.")
    unknown = set(entry) - set(required) - set(optional)
    if unknown:
        raise DatasetError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    missing = [key for key in required if entry.get(key) in (None, "")]
    if missing:
        raise DatasetError(f"{where}: missing {', '.join(missing)}.")
    return entry


def partial_date(value, where):
    if value in (None, ""):
        return None, None
    try:
        return dates.parse(value)
    except ValueError as error:
        raise DatasetError(f"{where}: {error}") from None


class Loader:
    def __init__(self, base_dir, update):
        self.base_dir = base_dir
        self.update = update
        self.created = Counter()
        self.updated = Counter()

    def upsert(self, model, where, lookup, values=None):
        values = values or {}
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self.created[model._meta.verbose_name_plural] += 1
        elif self.update and any(getattr(obj, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(obj, key, value)
            self.updated[model._meta.verbose_name_plural] += 1
        else:
            return obj
        try:
            obj.full_clean()
        except ValidationError as error:
            raise DatasetError(f"{where}: {'; '.join(error.messages)}") from None
        obj._change_reason = CHANGE_REASON
        obj.save()
        return obj

    def load(self, data):
        read(data, "dataset", ["version"], ["sources", "countries", "places", "leaders", "events", "collections"])
        if data["version"] not in SUPPORTED_VERSIONS:
            raise DatasetError(f"dataset: version {data['version']} is not supported (this code reads version 1).")
        self.countries = {
            item["iso_code"]: self.upsert(
                Country,
                f"countries[{i}]",
                {"iso_code": item["iso_code"]},
                {"name": read(item, f"countries[{i}]", ["iso_code", "name"])["name"]},
            )
            for i, item in enumerate(data.get("countries", []))
        }
        self.sources = {item["slug"]: self.load_source(item, i) for i, item in enumerate(data.get("sources", []))}
        self.places = {item["slug"]: self.load_place(item, i) for i, item in enumerate(data.get("places", []))}
        self.leaders = {item["slug"]: self.load_leader(item, i) for i, item in enumerate(data.get("leaders", []))}
        self.events = {item["slug"]: self.load_event(item, i) for i, item in enumerate(data.get("events", []))}
        for i, item in enumerate(data.get("collections", [])):
            self.load_collection(item, i)

    def ref(self, table, key, where, kind):
        if key is None:
            return None
        try:
            return table[key]
        except KeyError:
            raise DatasetError(f"{where}: no {kind} “{key}” in the dataset.") from None

    def load_source(self, item, i):
        where = f"sources[{i}]"
        read(item, where, ["slug", "title", "kind"], ["outlet", "author", "url", "published_on", "text_file", "note"])
        full_text = ""
        if item.get("text_file"):
            path = (self.base_dir / item["text_file"]).resolve()
            try:
                full_text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise DatasetError(f"{where}: cannot read {item['text_file']}: {error}") from None
        published_on, _ = partial_date(item.get("published_on"), where)
        values = {
            "title": item["title"],
            "outlet": item.get("outlet") or "",
            "author": item.get("author") or "",
            "url": item.get("url") or "",
            "published_on": published_on,
            "kind": item["kind"],
            "full_text": full_text,
            "note": item.get("note") or "",
        }
        return self.upsert(Source, where, {"slug": item["slug"]}, values)

    def load_place(self, item, i):
        where = f"places[{i}]"
        read(item, where, ["slug", "name", "country"], ["city", "latitude", "longitude"])
        values = {
            "name": item["name"],
            "city": item.get("city") or "",
            "country": self.ref(self.countries, item["country"], where, "country"),
            "latitude": None if item.get("latitude") is None else Decimal(str(item["latitude"])),
            "longitude": None if item.get("longitude") is None else Decimal(str(item["longitude"])),
        }
        return self.upsert(Place, where, {"slug": item["slug"]}, values)

    def load_leader(self, item, i):
        where = f"leaders[{i}] ({item.get('slug')})"
        read(item, where, ["slug", "name", "country"], ["native_name", "native_language", "aliases", "offices"])
        values = {
            "name": item["name"],
            "native_name": item.get("native_name") or "",
            "native_language": item.get("native_language") or "",
            "aliases": "\n".join(item.get("aliases") or []),
            "country": self.ref(self.countries, item["country"], where, "country"),
        }
        leader = self.upsert(Leader, where, {"slug": item["slug"]}, values)
        for j, office in enumerate(item.get("offices") or []):
            self.load_office(leader, office, f"{where}.offices[{j}]")
        return leader

    def load_office(self, leader, item, where):
        read(item, where, ["title", "citations"], ["country", "start", "start_qualifier", "end", "note"])
        start, start_precision = partial_date(item.get("start"), where)
        end, end_precision = partial_date(item.get("end"), where)
        values = {
            "country": self.ref(self.countries, item.get("country"), where, "country"),
            "start_precision": start_precision or dates.Precision.DAY,
            "start_qualifier": item.get("start_qualifier") or "",
            "end_date": end,
            "end_precision": end_precision or dates.Precision.DAY,
            "note": item.get("note") or "",
        }
        office = self.upsert(Office, where, {"leader": leader, "title": item["title"], "start_date": start}, values)
        self.load_citations(item["citations"], where, office=office)

    def load_citations(self, items, where, **target):
        if not items:
            raise DatasetError(f"{where}: every fact needs at least one citation.")
        for k, item in enumerate(items):
            cited = f"{where}.citations[{k}]"
            # A quote (the source's words), or a reference: what it states, in ours, and where.
            if "statement" in item:
                read(item, cited, ["source", "statement", "where"], ["stance", "note", "settles"])
                key = {"kind": Citation.Kind.REFERENCE, "statement": item["statement"]}
                values = {"locator": item["where"]}
            else:
                read(item, cited, ["source", "quote"], ["stance", "note", "settles"])
                key, values = {"kind": Citation.Kind.QUOTE, "quote": item["quote"]}, {}
            values["settles"] = bool(item.get("settles"))
            source = self.ref(self.sources, item["source"], cited, "source")
            values |= {"stance": item.get("stance") or Citation.Stance.SUPPORTS, "note": item.get("note") or ""}
            self.upsert(Citation, cited, {"source": source, **key, **target}, values)

    def load_event(self, item, i):
        where = f"events[{i}] ({item.get('slug')})"
        read(
            item,
            where,
            ["slug", "title", "kind", "start", "citations"],
            [
                "start_qualifier",
                "end",
                "place",
                "reported_as",
                "status",
                "summary",
                "date_note",
                "participants",
                "seating",
            ],
        )
        start, start_precision = partial_date(item["start"], where)
        end, end_precision = partial_date(item.get("end"), where)
        values = {
            "title": item["title"],
            "kind": item["kind"],
            "start_date": start,
            "start_precision": start_precision,
            "start_qualifier": item.get("start_qualifier") or "",
            "end_date": end,
            "end_precision": end_precision or dates.Precision.DAY,
            "place": self.ref(self.places, item.get("place"), where, "place"),
            "reported_as": item.get("reported_as") or Event.ReportedAs.HAPPENED,
            "status": item.get("status") or "draft",
            "summary": item.get("summary") or "",
            "date_note": item.get("date_note") or "",
        }
        event = self.upsert(Event, where, {"slug": item["slug"]}, values)
        self.load_citations(item["citations"], where, event=event)
        for j, participant in enumerate(item.get("participants") or []):
            cited = f"{where}.participants[{j}]"
            read(participant, cited, ["leader", "citations"], ["role"])
            leader = self.ref(self.leaders, participant["leader"], cited, "leader")
            role = participant.get("role") or Participation.Role.PARTICIPANT
            participation = self.upsert(Participation, cited, {"event": event, "leader": leader}, {"role": role})
            self.load_citations(participant["citations"], cited, participation=participation)
        for j, arrangement in enumerate(item.get("seating") or []):
            self.load_arrangement(event, arrangement, f"{where}.seating[{j}]")
        return event

    def load_arrangement(self, event, item, where):
        read(item, where, ["name", "seats"], ["perspective", "note"])
        values = {
            "perspective": item.get("perspective") or SeatingArrangement.Perspective.UNSTATED,
            "note": item.get("note") or "",
        }
        arrangement = self.upsert(SeatingArrangement, where, {"event": event, "name": item["name"]}, values)
        for k, seat in enumerate(item["seats"]):
            cited = f"{where}.seats[{k}]"
            read(seat, cited, ["leader", "citations"], ["row", "position", "is_host"])
            leader = self.ref(self.leaders, seat["leader"], cited, "leader")
            values = {
                "row": seat.get("row", 0),
                "position": seat.get("position", 0),
                "is_host": bool(seat.get("is_host")),
            }
            saved = self.upsert(Seat, cited, {"arrangement": arrangement, "leader": leader}, values)
            self.load_citations(seat["citations"], cited, seat=saved)

    def load_collection(self, item, i):
        where = f"collections[{i}] ({item.get('slug')})"
        read(item, where, ["slug", "title", "events"], ["introduction", "featured", "status"])
        values = {
            "title": item["title"],
            "introduction": item.get("introduction") or "",
            "featured": bool(item.get("featured")),
            "status": item.get("status") or "draft",
        }
        collection = self.upsert(Collection, where, {"slug": item["slug"]}, values)
        for order, slug in enumerate(item["events"]):
            event = self.ref(self.events, slug, where, "event")
            self.upsert(CollectionEntry, where, {"collection": collection, "event": event}, {"order": order})


class Command(BaseCommand):
    help = "Load the dataset (default: the parade story). Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_DATASET), help="A dataset YAML file.")
        parser.add_argument("--update", action="store_true", help="Overwrite existing records with the file's values.")

    def handle(self, path, update, **options):
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise CommandError(f"Cannot read the dataset {path}: {error}") from None
        loader = Loader(path.parent, update)
        # One transaction; search text, counts and the data version brought in step once.
        with signals.bulk_write():
            loader.load(data)
        created = ", ".join(f"{n} {name}" for name, n in loader.created.items()) or "nothing"
        updated = ", ".join(f"{n} {name}" for name, n in loader.updated.items()) or "nothing"
        self.stdout.write(
            f"Dataset {path.name}: {Leader.objects.count()} leaders, {Event.objects.count()} events, "
            f"{Citation.objects.count()} citations in the database. Created {created}; updated {updated}."
        )
