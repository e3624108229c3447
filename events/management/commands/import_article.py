import datetime
import os
import textwrap

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from events import article, importing
from events.models import Event, Leader, Place


def day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date “{text}” is not a date: write YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Read a news article (plain text, Markdown or HTML) and print what it tells: the leaders it names, "
        "new people, dated events (with the existing events they match) and seating tables, each with "
        "the sentence it came from. With --apply, create the source and the proposals as drafts."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--date", type=day, help="The article's date (YYYY-MM-DD), to read relative dates.")
        parser.add_argument("--outlet", default="", help="Who published it.")
        parser.add_argument("--title", default="", help="The source's title (default: the article's own).")
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Create the source and, as drafts, every proposal as suggested: a citation where an event "
            "matches, else a new event; new people whose country their title names.",
        )

    def handle(self, path, date, outlet, title, apply, **options):
        try:
            with open(path, "rb") as file:
                size = os.fstat(file.fileno()).st_size
                data = file.read(article.MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            article.check_size(size)  # the file's own size: only MAX_BYTES + 1 of it was read
            document = article.read(data, path)
        except article.Unreadable as error:
            raise CommandError(str(error)) from None
        analysis = importing.analyse(document, date)
        self.report(analysis)
        if not apply:
            self.stdout.write("\nNothing was created: add --apply to create these as drafts.")
            return
        try:
            result = importing.apply(analysis, importing.Choices.suggested(analysis), title=title, outlet=outlet)
        except ValidationError as error:
            raise CommandError(f"Nothing was created: {' '.join(error.messages)}") from None
        made = ", ".join(f"{n} {what}" for what, n in result.created.items()) or "no drafts"
        self.stdout.write(self.style.SUCCESS(f"\nCreated source “{result.source}” (id {result.source.pk}): {made}."))

    def report(self, analysis):
        write = self.stdout.write
        document = analysis.document
        when = f"{analysis.article_date:%-d %B %Y}" if analysis.article_date else "unknown (give --date)"
        write(f"Article: {document.title} · {len(document.text):,} characters · dated {when}")
        for notice in analysis.notices:
            write(self.style.WARNING(f"Note: {notice}"))
        leaders = dict(Leader.objects.filter(pk__in=analysis.leaders).values_list("pk", "name"))
        places = dict(Place.objects.values_list("pk", "name"))
        write(f"\nLeaders named ({len(leaders)}): " + ", ".join(leaders[pk] for pk in analysis.leaders))
        write(f"\nNew people ({len(analysis.people)}):")
        for person in analysis.people:
            write(f"  {person.name} ({person.title}{', ' + person.country if person.country else ''})")
            write(quote(person.quote))
        write(f"\nDated events ({len(analysis.events)}):")
        for n, proposal in enumerate(analysis.events, 1):
            found = proposal.date
            date = found.date.isoformat() if found.date else "date unknown"
            who = ", ".join(leaders.get(pk, "?") for pk in proposal.leaders) or "no leader named"
            where = f" · {places[proposal.place]}" if proposal.place else ""
            write(
                f"  {n}. “{found.text}” → {date} ({found.precision}{', ' + found.qualifier if found.qualifier else ''})"
            )
            write(f"     {Event.Kind(proposal.kind).label} · {who}{where}")
            write(quote(proposal.quote))
            for match in proposal.matches:
                write(f"     matches: {match.title} ({match.date}) [score {match.score}]")
            if not proposal.matches:
                write(f"     new draft: {proposal.title}")
        write(f"\nSeating tables ({len(analysis.seating)}):")
        for table in analysis.seating:
            seats = ", ".join(f"{seat.name} at {seat.position:+d}" for seat in table.seats)
            target = table.matches[0].title if table.matches else "no matching event"
            write(f"  {seats} → {target}")


def quote(text):
    return textwrap.indent(textwrap.fill(f"“{text}”", 100), "     ")
