"""Reading a news article: what it says, found by rules (no model, no network).

``read()`` turns an upload (plain text, Markdown or HTML) into a ``Document``: the
text kept as the source's full text, its title and date when it gives them, and its
tables. ``analyse()`` finds in a document the leaders it names, the dates it gives
(with their precision, read against the article's own date where they are
relative), the events around those dates and seating tables. Every finding keeps
the exact sentence or table row it came from: the quote of its citation.

This module knows nothing of the database: the leaders and places it can
recognise come in as ``Known`` (see events.importing).
"""

import calendar
import datetime
import re
import time
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .dates import Precision, Qualifier
from .models import CONTROL_CHARACTERS, DIRECTION_CONTROLS, Event, Source, normalise_name

MAX_BYTES = 2_000_000  # an article, even a long one, is far less
MAX_CHARS = Source._meta.get_field("full_text").max_length  # what a source's full text holds
# An HTML page is read within bounds, so that a crafted one cannot hold a worker: walking a
# tree costs up to its elements times its depth (200,000 nested elements took minutes).
MAX_ELEMENTS = 30_000  # a long article's page has a few thousand
MAX_DEPTH = 256  # as libxml2 allows; an article's page nests a few dozen deep
# And whatever the shape, reading stops after this much work: seconds of the reading thread's
# own CPU time, so that a busy server's waits for a core never stop an ordinary page.
READ_SECONDS = 3


class Unreadable(ValueError):
    """The upload is not an article newsdash can read; the message says why."""


# Reading: text, Markdown or HTML in; the text to keep, its title, date and tables out.


@dataclass
class Table:
    rows: list  # each row, a list of cell texts; the first is the header
    lines: list  # each row as the document has it word for word (a citation's quote)


@dataclass
class Document:
    text: str
    title: str = ""
    published: datetime.date | None = None
    tables: list = field(default_factory=list)
    notices: list = field(default_factory=list)


# A paste (no file name to go by) is HTML when it opens with one of these tags.
HTML_START = re.compile(r"\s*<(!doctype|html|head|body|p|div|article)\b", re.I)


def check_size(size):
    """Refuses a file of ``size`` bytes over MAX_BYTES, saying both sizes."""
    if size <= MAX_BYTES:
        return
    shown = f"{size / 1e6:.1f} MB"
    if shown == f"{MAX_BYTES / 1e6:.1f} MB":  # just over: "2.0 MB" would read as the limit itself
        shown = f"{size:,} bytes"
    raise Unreadable(f"The file is {shown}; the limit is {MAX_BYTES / 1e6:g} MB.")


def read(data, filename=""):
    """The article in ``data`` (bytes from a file, or pasted text)."""
    if isinstance(data, bytes):
        check_size(len(data))
        if b"\x00" in data:
            raise Unreadable("This file is not text (it holds binary data): upload the article as .txt, .md or .html.")
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Unreadable("This file is not UTF-8 text: save the article as UTF-8 and try again.") from None
    elif len(data.encode()) > MAX_BYTES:
        raise Unreadable("The text is over 2 MB: an article is at most 2 MB of text.")
    text = data.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for char in text if unicodedata.category(char) == "Cc" and char not in "\n\t")
    if controls > len(text) / 1000:
        raise Unreadable("This is not text: it is full of control characters. Upload the article as text or HTML.")
    notices = []
    if DIRECTION_CONTROLS.search(text):
        text = DIRECTION_CONTROLS.sub("", text)
        notices.append("Invisible direction controls were removed from the text.")
    if CONTROL_CHARACTERS.search(text):
        # A space, not nothing: a form feed between two pages must not join their words.
        text = CONTROL_CHARACTERS.sub(" ", text)
        notices.append("Invisible control characters (a form feed, say) were replaced by spaces.")
    if not text.strip():
        raise Unreadable("The article is empty.")
    is_html = filename.lower().endswith((".html", ".htm")) or HTML_START.match(text)
    if not is_html and len(text) > MAX_CHARS:  # before parsing: plain text is kept as it is
        raise Unreadable(f"The article has {len(text):,} characters: a source holds at most {MAX_CHARS:,}.")
    document = read_html(text) if is_html else read_markdown(text)
    if not document.text.strip():
        raise Unreadable("The article has no text once its markup is removed.")
    if len(document.text) > MAX_CHARS:
        raise Unreadable(f"The article has {len(document.text):,} characters: a source holds at most {MAX_CHARS:,}.")
    document.notices = notices + document.notices
    return document


def read_markdown(text):
    """Plain text or Markdown, kept as it is; pipe tables are read with markdown-it."""
    from markdown_it import MarkdownIt

    lines = text.split("\n")
    # A table may follow a paragraph's last line directly, which Markdown reads as more
    # paragraph: parse a copy with a blank line around each block of pipe lines, and
    # map its lines back to the text's own.
    parsed, origin = [], []
    for number, line in enumerate(lines):
        piped = line.lstrip().startswith("|")
        if parsed and parsed[-1].strip() and piped != parsed[-1].lstrip().startswith("|"):
            parsed.append("")
            origin.append(None)
        parsed.append(line)
        origin.append(number)
    tables, rows, quotes = [], None, None
    # Only the blocks are wanted (a cell's content is its source text): without the inline
    # pass, a line of 100,000 brackets or asterisks costs no more than any other.
    markdown = MarkdownIt("commonmark").enable("table").disable("inline")
    for token in markdown.parse("\n".join(parsed)):
        if token.type == "table_open":
            rows, quotes = [], []
        elif token.type == "tr_open":
            rows.append([])
            quotes.append(lines[origin[token.map[0]]].strip())
        elif token.type == "inline" and rows is not None and token.level >= 3:
            rows[-1].append(token.content.strip())
        elif token.type == "table_close":
            tables.append(Table(rows, quotes))
            rows = None
    title = next((line.strip().lstrip("#").strip() for line in lines if line.strip()), "")
    return Document(text=text, title=title[:300], tables=tables)


BLOCKS = ["p", "div", "section", "article", "header", "footer", "aside", "blockquote", "li", "br", "tr"]
BLOCKS += ["h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "figure", "figcaption", "main", "pre"]


DROPPED = ["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head"]


class Shape(HTMLParser):
    """Counts a page's elements and open depth as Beautiful Soup's html.parser tree will hold
    them (an end tag closes the elements opened since its start tag), and stops at the first
    element past MAX_ELEMENTS or MAX_DEPTH: the cost is bounded before any tree is built."""

    def __init__(self):
        from bs4.builder import HTMLTreeBuilder

        super().__init__(convert_charrefs=False)
        self.void = HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS  # never opened, as Beautiful Soup has them
        self.elements, self.open = 0, []

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise Unreadable(
                f"This page has more than {MAX_ELEMENTS:,} HTML elements, far more than an article: "
                "paste the article's text instead."
            )
        if tag not in self.void:
            self.open.append(tag)
            if len(self.open) > MAX_DEPTH:
                raise Unreadable(
                    f"This page nests its HTML elements more than {MAX_DEPTH} deep, far more than an article: "
                    "paste the article's text instead."
                )

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth] == tag:
                del self.open[depth:]
                return


def in_time(deadline):
    if time.thread_time() > deadline:
        raise Unreadable(
            f"Reading this page took more than {READ_SECONDS} seconds, so newsdash stopped: "
            "paste the article's text instead."
        )


def read_html(markup):
    """An HTML page's readable text (scripts and styles dropped), title, date and tables;
    each table row becomes a line "| a | b |" of the text, so it can be quoted."""
    from bs4 import BeautifulSoup, CData, NavigableString, Tag

    deadline = time.thread_time() + READ_SECONDS
    shape = Shape()
    shape.feed(markup)
    shape.close()
    soup = BeautifulSoup(markup, "html.parser")
    in_time(deadline)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if not title and soup.h1:
        title = soup.h1.get_text(" ", strip=True)
    published = None
    for tag, attribute in [("meta", "content"), ("time", "datetime")]:
        for element in soup.find_all(tag):
            if tag == "meta" and element.get("property", element.get("name", "")) not in PUBLISHED_META:
                continue
            published = published or article_date(element.get(attribute, ""))
    for element in soup(DROPPED):
        element.decompose()
    # One walk that changes nothing: each change to a Beautiful Soup tree costs as much as the
    # subtree it touches, so marking every block's end in place was quadratic in the depth.
    tables, parts, stack, block_end = [], [], [soup], object()
    while stack:
        node = stack.pop()
        if node is block_end:
            parts.append("\n")
        elif isinstance(node, Tag) and node.name == "table":
            tables.append(outer := read_table(node, deadline))
            for inner in node.find_all("table"):  # each a table of its own too; the text has the outer
                tables.append(read_table(inner, deadline))
            parts.append("\n" + "\n".join(outer.lines) + "\n")
        elif isinstance(node, Tag):
            if node.name in BLOCKS:
                stack.append(block_end)
            stack.extend(reversed(node.contents))
        elif type(node) in (NavigableString, CData):
            parts.append(node)
    text = "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return Document(text=text, title=(title or text.split("\n", 1)[0])[:300], published=published, tables=tables)


def read_table(table, deadline):
    rows = []
    for tr in table.find_all("tr"):
        rows.append([])
        for cell in tr.find_all(["th", "td"]):  # a cell holds any tables nested in it: checked each time
            in_time(deadline)
            rows[-1].append(cell.get_text(" ", strip=True))
    rows = [row for row in rows if any(row)]
    return Table(rows, ["| " + " | ".join(row) + " |" for row in rows])


PUBLISHED_META = {"article:published_time", "date", "pubdate", "publishdate", "dc.date", "datePublished"}


def article_date(text):
    """A publication date written any common way ("2025-09-01T08:00:00Z", "1 Sept 2025")."""
    import dateparser

    text = str(text).strip()[:100]
    if not text:
        return None
    parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True})
    return parsed.date() if parsed else None


# Sentences: each with its place in the text, so a quote is the text's own.


@dataclass
class Sentence:
    start: int
    end: int
    text: str


ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sgt", "gov", "sen", "rep", "prof", "no", "vs"}
ABBREVIATIONS |= {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e"}
END = re.compile(r"[.!?…]+[\"”’)\]]*(\s+|(?=[A-Z“\"‘]))")
INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")  # U.S, J (as in "J. Smith")


def sentences(text):
    """The text's sentences; a line break always ends one (headings, list items, table rows)."""
    found = []
    for line in re.finditer(r"[^\n]+", text):
        offset, body, begin = line.start(), line.group(), 0
        for end in END.finditer(body):
            stop = end.end(0) - len(end.group(1))
            following = body[end.end() : end.end() + 2]
            if not following or not (following[0].isupper() or following[0].isdigit() or following[0] in '“"‘'):
                continue
            word = re.search(r"[\w.]+$", body[: end.start()])
            word = word.group() if word else ""
            if word.lower() in ABBREVIATIONS or INITIALS.fullmatch(word):
                continue
            if not end.group(1) and not (body[end.start() - 1 : end.start()].islower() and following[1:].islower()):
                continue  # "Ukraine.North" ends a sentence; "U.S.President" does not
            found.append(part(text, offset + begin, offset + stop))
            begin = end.end()
        if body[begin:].strip():
            found.append(part(text, offset + begin, offset + len(body)))
    return [sentence for sentence in found if sentence.text]


def part(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end])


# Names: leaders known by any name, alias or romanisation, and new people by a title.


def words(text):
    """Folded words with their places: "Kim Jong-un's" is kim, jong, un, s."""
    return [(match.group().casefold(), match.start(), match.end()) for match in re.finditer(r"[^\W_]+", text)]


@dataclass
class Known:
    """What the analysis can recognise: leaders and places (id -> names)."""

    leaders: dict = field(default_factory=dict)  # id -> (display name, [names and aliases])
    places: dict = field(default_factory=dict)  # id -> (display name, [names])


class NameIndex:
    """Word sequences to what they name, longest first; and short names (a family name
    such as "Kim" or "Putin") to the leaders they may stand for."""

    def __init__(self, named, short=False):
        self.sequences = {}
        self.short = {}
        for key, (_, names) in named.items():
            for name in names:
                sequence = tuple(word for word, _, _ in words(name))
                if not sequence:
                    continue
                self.sequences.setdefault(sequence[0], []).append((sequence, key))
                if short and len(sequence) > 1:
                    for word in (sequence[0], sequence[-1]):
                        if word.isalpha() and len(word) >= 2:
                            self.short.setdefault(word, set()).add(key)
        for candidates in self.sequences.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))

    def find(self, text):
        """(key, start, end) of every full name in ``text``, and the short ones as (keys, start, end)."""
        found, short = [], []
        folded = words(text)
        i = 0
        while i < len(folded):
            for sequence, key in self.sequences.get(folded[i][0], []):
                if tuple(word for word, _, _ in folded[i : i + len(sequence)]) == sequence:
                    found.append((key, folded[i][1], folded[i + len(sequence) - 1][2]))
                    i += len(sequence)
                    break
            else:
                word, start, end = folded[i]
                original = text[start:end]
                # A capitalised word only ("Xi", "Kim"): "UN" is not Kim Jong-un, nor "un" anything.
                if word in self.short and original[0].isupper() and original[1:].islower():
                    short.append((self.short[word], start, end))
                i += 1
        return found, short


TITLES = (
    r"(?:Supreme Leader|President|Prime Minister|Premier|Chancellor|Chairman|Chairwoman|chairman|Leader|leader"
    r"|King|Queen|Emperor|General Secretary|Secretary-General|Foreign Minister|Defen[cs]e Minister)"
)
NAME = r"[A-Z][\w’'-]*(?:[ \t]+[A-Z][\w’'-]*){1,3}"
TITLE_BEFORE = re.compile(rf"\b{TITLES}[ \t]+(?P<name>{NAME})")
TITLES_AFTER = r"(?:chairman|chairwoman|president|prime minister|premier|leader|founder)"
TITLE_AFTER = re.compile(rf"(?P<name>{NAME}),[ \t]+(?:the[ \t]+|a[ \t]+)?{TITLES_AFTER}\b")
# The country a title's adjective names: "Russian President", "North Korean leader".
ADJECTIVES = {
    "north korean": "KP",
    "south korean": "KR",
    "chinese": "CN",
    "russian": "RU",
    "u.s.": "US",
    "us": "US",
    "american": "US",
    "japanese": "JP",
    "ukrainian": "UA",
    "belarusian": "BY",
    "iranian": "IR",
    "north korea's": "KP",
    "south korea's": "KR",
    "china's": "CN",
    "russia's": "RU",
}
NOT_NAMES = {"north", "south", "the", "white", "state", "chinese", "russian", "korean", "united", "western"}


@dataclass
class Person:
    """Someone the article names with a title, not yet among the leaders."""

    name: str
    title: str
    country: str  # an ISO code guessed from the title's adjective, or ""
    quote: str


def new_people(sentence, taken):
    """People named with a title in ``sentence`` whose name is not within a ``taken`` span."""
    people = []
    for pattern in (TITLE_BEFORE, TITLE_AFTER):
        for match in pattern.finditer(sentence.text):
            start, end = match.span("name")
            name = re.sub(r"[’']s$", "", match.group("name"))
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if name.split()[0].lower() in NOT_NAMES:
                continue
            begin = max(0, match.start() - 25)
            before = sentence.text[begin : match.start() + 1].lower()
            before = before.split(" ", 1)[-1] if begin else before  # not a word cut in two
            country = next((code for adjective, code in ADJECTIVES.items() if adjective in before), "")
            title = re.sub(r"^(?:the|a)\s+", "", match.group(0).replace(match.group("name"), "").strip(" ,"))
            people.append(Person(name, title, country, sentence.text))
    return people


# Dates, with their precision; relative ones read against the article's date.

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
PREVIOUS = r"(?P<previous>[ \t]+of[ \t]+(?:the[ \t]+)?(?:previous|last|preceding)[ \t]+year)"
LEAD = r"(?P<lead>as early as|as late as|around|about|circa|by)?[ \t]*"
PATTERNS = [
    ("day", re.compile(rf"\b{LEAD}{MONTH}[ \t]+{DAY}\b(?:,?[ \t]+{YEAR}\b)?{PREVIOUS}?", re.I)),
    ("day", re.compile(rf"\b{LEAD}{DAY}[ \t]+(?:of[ \t]+)?{MONTH}(?:,?[ \t]+{YEAR}\b)?{PREVIOUS}?", re.I)),
    ("part", re.compile(rf"\b{LEAD}(?P<part>early|mid|late)[ \t-]+{YEAR}\b", re.I)),
    ("month", re.compile(rf"\b{LEAD}{MONTH}[ \t]+(?:of[ \t]+)?{YEAR}\b", re.I)),
    ("year", re.compile(rf"\b{LEAD}{YEAR}\b(?![ \t]*(?:%|-|–|km|kilomet|hour|people|troops|soldiers))", re.I)),
    (
        "relative",
        re.compile(
            r"\b(?P<lead>as early as|around|about|by)?[ \t]*(?P<which>this|last|next|the previous|the following)[ \t]+"
            r"(?P<unit>week|month|year)\b|\b(?P<lead2>)(?P<day_word>today|yesterday|tomorrow)\b",
            re.I,
        ),
    ),
]
LEADS = {"as early as": Qualifier.AS_EARLY_AS, "around": Qualifier.ABOUT, "about": Qualifier.ABOUT}
LEADS["circa"] = Qualifier.ABOUT


@dataclass
class DateFound:
    text: str  # as the article writes it
    date: datetime.date | None  # None: relative, and the article's date is unknown
    precision: str
    qualifier: str = ""
    note: str = ""  # how a relative date was read


def dates_in(text, article_date):
    """Every date ``text`` gives, in order, the most exact reading of each stretch."""
    found, taken = [], []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)  # "February 30" is no date, and its "2025" is not one alone either
            date = read_date(kind, match, article_date)
            if date is not None:
                found.append((span[0], date))
    return [date for _, date in sorted(found, key=lambda item: item[0])]


def read_date(kind, match, article_date):
    """A match of ``PATTERNS`` as a ``DateFound``; None when it is no real date."""
    parts = match.groupdict()
    qualifier = LEADS.get((parts.get("lead") or "").lower(), "")
    text = match.group().strip()
    year = int(parts["year"]) if parts.get("year") else None
    if kind == "relative":
        return relative_date(parts, text, qualifier, article_date)
    if kind == "part":
        return DateFound(text, datetime.date(year, 1, 1), Precision.YEAR, parts["part"].lower())
    if kind == "year":
        return DateFound(text, datetime.date(year, 1, 1), Precision.YEAR, qualifier)
    month = MONTHS[parts["month"].lower()]
    if kind == "month":
        return DateFound(text, datetime.date(year, month, 1), Precision.MONTH, qualifier)
    note = ""
    if year is None:
        if article_date is None:
            return DateFound(text, None, Precision.DAY, qualifier, "needs the article's date for its year")
        year = article_date.year - (1 if parts.get("previous") else 0)
        note = f"year read from the article's date ({article_date:%Y})"
    try:
        return DateFound(text, datetime.date(year, month, int(parts["day"])), Precision.DAY, qualifier, note)
    except ValueError:
        return None  # "February 30"


def relative_date(parts, text, qualifier, article_date):
    if article_date is None:
        return DateFound(text, None, Precision.DAY, qualifier, "relative: needs the article's date")
    note = f"“{text}” read against the article's date, {article_date:%-d %B %Y}"
    if parts.get("day_word"):
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[parts["day_word"].lower()]
        return DateFound(text, article_date + datetime.timedelta(days=shift), Precision.DAY, qualifier, note)
    which = parts["which"].lower()
    step = {"this": 0, "last": -1, "the previous": -1, "next": 1, "the following": 1}[which]
    unit = parts["unit"].lower()
    if unit == "week":
        date = article_date + datetime.timedelta(weeks=step)
        return DateFound(text, date, Precision.DAY, qualifier or Qualifier.ABOUT, note)
    if unit == "month":
        month = article_date.month + step
        year = article_date.year + (month - 1) // 12
        return DateFound(text, datetime.date(year, (month - 1) % 12 + 1, 1), Precision.MONTH, qualifier, note)
    return DateFound(text, datetime.date(article_date.year + step, 1, 1), Precision.YEAR, qualifier, note)


# Kinds of event, by the words around a date.

KIND_WORDS = [
    (Event.Kind.PARADE, r"parade"),
    (Event.Kind.SUMMIT, r"summit"),
    (Event.Kind.RECEPTION, r"reception|banquet"),
    (Event.Kind.DEPLOYMENT, r"deploy|troops"),
    (Event.Kind.ACCESSION, r"assum\w* power|took office|came to power|sworn in|inaugurat"),
    (Event.Kind.TALKS, r"\btalks\b|negotiat"),
    (Event.Kind.TRAVEL, r"train|journey|flight|travel"),
    (Event.Kind.STATE_VISIT, r"\bvisit"),
    (Event.Kind.MEETING, r"\bmeet"),
    (Event.Kind.ANNOUNCEMENT, r"announc|confirm|rhetoric|statement|declar"),
]
KIND_PATTERNS = [(kind, re.compile(words, re.I)) for kind, words in KIND_WORDS]


def kind_of(text):
    return next((kind for kind, pattern in KIND_PATTERNS if pattern.search(text)), Event.Kind.OTHER)


# The analysis.


@dataclass
class EventProposal:
    quote: str
    date: DateFound
    leaders: list  # known leader ids, in the order named
    people: list  # names of new people named in the sentence
    place: int | None
    kind: str
    title: str
    matches: list = field(default_factory=list)  # existing events, best first (events.importing)


@dataclass
class Seat:
    leader: int | None
    name: str
    position: int
    is_host: bool
    quote: str


@dataclass
class SeatingProposal:
    quote: str  # the table's header row
    seats: list
    date: DateFound | None
    matches: list = field(default_factory=list)


@dataclass
class Analysis:
    document: Document
    article_date: datetime.date | None
    leaders: dict  # known leader id -> the first sentence naming them
    people: list  # new Person proposals, one a name
    events: list
    seating: list
    notices: list


def analyse(document, known, article_date=None):
    """What ``document`` tells, given what is ``known``; ``article_date`` reads relative dates."""
    article_date = article_date or document.published
    leader_names = NameIndex(known.leaders, short=True)
    place_names = NameIndex(known.places)
    mentions, seen_at = {}, {}  # leader id -> full mentions so far; -> when last named
    leaders, people, proposals, notices = {}, {}, {}, list(document.notices)
    previous = []
    for number, sentence in enumerate(sentences(document.text)):
        full, short = leader_names.find(sentence.text)
        named = []
        for leader, _, _ in full:
            mentions[leader] = mentions.get(leader, 0) + 1
            seen_at[leader] = number
            named.append(leader)
        for candidates, _, _ in short:
            leader = resolve(candidates, mentions, seen_at)
            if leader is not None:
                seen_at[leader] = number
                named.append(leader)
        taken = [(start, end) for _, start, end in full + short]
        named_people = []
        for person in new_people(sentence, taken):
            people.setdefault(normalise_name(person.name), person)
            named_people.append(person.name)
        named = list(dict.fromkeys(named))
        for leader in named:
            leaders.setdefault(leader, sentence.text)
        if not named and re.match(r"(?:he|his|she|her)\b", sentence.text, re.I):
            named = previous[:1]  # "His multiple visits to Beijing in 2018": the one just named
        previous = named or previous
        places = [place for place, _, _ in place_names.find(sentence.text)[0]]
        if sentence.text.startswith("|"):
            continue  # a table row: read with its table (seating), not as a sentence
        for date in dates_in(sentence.text, article_date):
            key = (date.date or date.text, date.precision, date.qualifier, tuple(sorted(named)))
            if key in proposals:
                continue
            kind = kind_of(sentence.text)
            place = places[-1] if places else None
            proposals[key] = EventProposal(
                quote=sentence.text,
                date=date,
                leaders=named,
                people=named_people,
                place=place,
                kind=kind,
                title=proposal_title(named, known, kind, place, sentence.text),
            )
    seating = [proposal for table in document.tables if (proposal := seating_of(table, known, article_date))]
    if article_date is None and any(p.date.date is None for p in proposals.values()):
        notices.append("The article's date is unknown: give it to read dates such as “September 3rd” or “this week”.")
    if not leaders and not proposals:
        notices.append("No known leader and no date found: newsdash reads articles in English.")
    return Analysis(document, article_date, leaders, list(people.values()), list(proposals.values()), seating, notices)


def resolve(candidates, mentions, seen_at):
    """Which leader a short name ("Kim") stands for: the one named most so far (then
    most lately); if none of them is named yet, the only one it can be."""
    named = [leader for leader in candidates if mentions.get(leader)]
    if named:
        return max(named, key=lambda leader: (mentions[leader], seen_at.get(leader, -1)))
    return next(iter(candidates)) if len(candidates) == 1 else None


def proposal_title(leaders, known, kind, place, sentence):
    """ "Kim Jong-un, Vladimir Putin: parade at Tiananmen Square", for an editor to improve."""
    if not leaders and kind == Event.Kind.OTHER:
        return sentence if len(sentence) <= 120 else sentence[:119].rsplit(" ", 1)[0] + "…"
    names = ", ".join(known.leaders[leader][0] for leader in leaders[:3])
    title = str(Event.Kind(kind).label)
    if place is not None:
        title += f" at {known.places[place][0]}"
    return f"{names}: {title[0].lower()}{title[1:]}" if names else title


POSITIONS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3}


def seat_position(text):
    """(position, is host) from "left", "second to the right", "center"; None if it gives none."""
    text = text.lower()
    if re.search(r"\b(cent(er|re)|middle|host)\b", text):
        return 0, True
    side = -1 if "left" in text else 1 if "right" in text else 0
    if not side:
        return None
    count = next((n for word, n in POSITIONS.items() if re.search(rf"\b{word}\b", text)), 1)
    return side * count, False


def seating_of(table, known, article_date):
    """A table with a seat or position column, as a proposed arrangement."""
    if len(table.rows) < 2:
        return None
    header = [cell.lower() for cell in table.rows[0]]
    seat_column = next((i for i, cell in enumerate(header) if re.search(r"seat|position|place|stand", cell)), None)
    if seat_column is None:
        return None
    name_column = next((i for i, cell in enumerate(header) if re.search(r"leader|name|who|guest", cell)), 0)
    date_column = next((i for i, cell in enumerate(header) if "date" in cell), None)
    names = NameIndex(known.leaders)
    seats, dates = [], []
    for row, quote in zip(table.rows[1:], table.lines[1:], strict=False):
        if len(row) <= max(seat_column, name_column):
            continue
        position = seat_position(row[seat_column])
        if position is None:
            continue
        found = names.find(row[name_column])[0]
        leader = found[0][0] if found else None
        seats.append(Seat(leader, row[name_column], position[0], position[1], quote))
        if date_column is not None and date_column < len(row):
            dates += dates_in(row[date_column], article_date)
    if not seats:
        return None
    return SeatingProposal(table.lines[0], seats, dates[0] if dates else None)
