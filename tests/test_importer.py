"""Article import: from a pasted article to proposals, and from accepted proposals to drafts."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from events import article, importing
from events.dates import Qualifier
from events.models import Citation, Event, Leader, SeatingArrangement, Source, Status

pytestmark = pytest.mark.django_db

# The two articles the dataset comes from, as the dataset keeps them.
SOURCES = Path(__file__).resolve().parents[1] / "events" / "data" / "sources"
SHORT = SOURCES / "kim-jong-un-putin-to-attend-parade.txt"  # "Kim Jong Un, Putin to attend ..."
LONG = SOURCES / "kim-jong-un-to-attend-beijing-parade.txt"  # "Kim Jong-un to Attend Beijing Military Parade ..."
# The articles give no date; the long one was written in the days before the parade.
LONG_DATE = datetime.date(2025, 9, 1)

# What the hand-entered dataset has from each article: every leader, and every event the
# article dates in its own words (an event it mentions without a date cannot be found by one).
MUST_FIND = {
    SHORT: {
        "leaders": {"kim-jong-un", "vladimir-putin", "xi-jinping", "donald-trump", "lee-jae-myung"},
        "events": {"kim-jong-un-beijing-visit-2019", "kim-jong-un-beijing-visit-2018-03"},
    },
    LONG: {
        "leaders": {
            "kim-jong-un",
            "kim-il-sung",
            "vladimir-putin",
            "xi-jinping",
            "donald-trump",
            "lee-jae-myung",
            "choe-ryong-hae",
        },
        "events": {
            "beijing-military-parade-1959",
            "kim-jong-un-assumes-power-2011",
            # Its "2018 visits" are now three dated visits, which the year alone cannot single
            # out from that year's summits with Trump, which the same sentence names.
            "kim-jong-un-trump-summits",
            "kim-jong-un-new-cold-war-rhetoric-2023",
            "north-korea-troop-deployment-decision-2024",
            "beijing-military-parade-2025",
        },
    },
}


def analysed(path, date=None):
    return importing.analyse(article.read(path.read_bytes(), path.name), date)


@pytest.mark.parametrize(("path", "date"), [(SHORT, None), (LONG, LONG_DATE)])
def test_each_article_yields_every_leader_and_dated_event_the_dataset_has(dataset, path, date):
    analysis = analysed(path, date)
    slugs = dict(Leader.objects.values_list("pk", "slug"))
    assert {slugs[pk] for pk in analysis.leaders} == MUST_FIND[path]["leaders"]
    events = dict(Event.objects.values_list("pk", "slug"))
    matched = {events[match.event] for proposal in analysis.events for match in proposal.matches}
    assert MUST_FIND[path]["events"] <= matched
    source = Source.objects.get(slug=path.stem)
    cited = set(Event.objects.filter(citations__source=source).values_list("slug", flat=True))
    # Precision: proposals whose best match is an event the dataset cites from this article.
    right = [p for p in analysis.events if p.matches and events[p.matches[0].event] in cited]
    assert len(right) / len(analysis.events) >= 0.8
    for proposal in analysis.events:
        assert proposal.quote in analysis.document.text


def test_the_relative_dates_of_the_long_article_are_read_against_its_date(db):
    found = {proposal.date.text: proposal.date for proposal in analysed(LONG, LONG_DATE).events}
    assert (found["September 3rd"].date, found["September 3rd"].precision) == (datetime.date(2025, 9, 3), "day")
    deployment = found["as early as August 28 of the previous year"]
    assert (deployment.date, deployment.qualifier) == (datetime.date(2024, 8, 28), Qualifier.AS_EARLY_AS)
    assert (found["late 2011"].date, found["late 2011"].qualifier) == (datetime.date(2011, 1, 1), Qualifier.LATE)
    assert (found["this week"].date, found["this week"].qualifier) == (LONG_DATE, Qualifier.ABOUT)


def test_without_the_articles_date_relative_dates_wait_for_the_editor(db):
    analysis = analysed(LONG)
    unknown = [proposal for proposal in analysis.events if proposal.date.date is None]
    assert {proposal.date.text for proposal in unknown} >= {"September 3rd", "this week"}
    assert any("article's date is unknown" in notice for notice in analysis.notices)
    assert importing.Choices.suggested(analysis).events[analysis.events.index(unknown[0])] == importing.SKIP


@pytest.mark.parametrize(
    ("text", "article_date", "expected"),
    [
        ("They met on September 3rd.", datetime.date(2025, 8, 30), (datetime.date(2025, 9, 3), "day", "")),
        ("They met on 3 Sept. 2019.", None, (datetime.date(2019, 9, 3), "day", "")),
        ("It began in March 2018.", None, (datetime.date(2018, 3, 1), "month", "")),
        ("He took power in late 2011.", None, (datetime.date(2011, 1, 1), "year", "late")),
        ("A parade in 1959.", None, (datetime.date(1959, 1, 1), "year", "")),
        ("Around mid-2020 it changed.", None, (datetime.date(2020, 1, 1), "year", "mid")),
        ("They meet next month.", datetime.date(2025, 12, 10), (datetime.date(2026, 1, 1), "month", "")),
        ("It happened yesterday.", datetime.date(2025, 3, 1), (datetime.date(2025, 2, 28), "day", "")),
    ],
)
def test_dates_are_read_with_their_precision(text, article_date, expected):
    (found,) = article.dates_in(text, article_date)
    assert (found.date, found.precision, found.qualifier) == expected


@pytest.mark.parametrize("text", ["A 20-hour train journey.", "The 80th anniversary.", "On February 30, 2025.", ""])
def test_numbers_that_are_not_dates_are_not_read_as_dates(text):
    assert article.dates_in(text, datetime.date(2025, 9, 1)) == []


def test_a_leader_is_found_by_any_spelling_and_a_short_name_after_a_full_one():
    known = article.Known(
        leaders={1: ("Kim Jong-un", ["Kim Jong-un", "Kim Jong Un"]), 2: ("Kim Il-sung", ["Kim Il-sung"])}
    )
    text = (
        "Kim Jong Un spoke. Then kim Jong-un left. KIM JONG-UN returned. Kim's train arrived in 2025. "
        "The UN said nothing in 2024. Kim Il-sung was there in 1959."
    )
    analysis = article.analyse(article.Document(text), known)
    assert list(analysis.leaders) == [1, 2]
    by_year = {proposal.date.date.year: proposal.leaders for proposal in analysis.events}
    assert by_year == {2025: [1], 2024: [], 1959: [2]}, "“UN” names no one; “Kim's” is the Kim named most"


def test_sentences_end_where_they_end():
    text = "Talks with the U.S. President Trump stalled. Ukraine.North Korea sent troops in 2024.\nA heading"
    assert [s.text for s in article.sentences(text)] == [
        "Talks with the U.S. President Trump stalled.",
        "Ukraine.",
        "North Korea sent troops in 2024.",
        "A heading",
    ]
    for sentence in article.sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text


def test_people_named_with_a_title_are_proposed_with_their_country(db):
    analysis = article.analyse(article.read(LONG.read_bytes()), article.Known(), LONG_DATE)
    people = {person.name: person.country for person in analysis.people}
    assert people["Vladimir Putin"] == "RU"
    assert people["Xi Jinping"] == "CN"
    assert people["Kim Jong-un"] == "KP"
    assert people["Donald Trump"] == "US"
    assert people["Lee Jae Myung"] == "KR"
    assert "Choe Ryong-hae" in people
    assert "Lim Eul-chul" not in people, "a professor is not a leader"


def test_a_seating_table_becomes_a_proposed_arrangement(dataset):
    (table,) = analysed(LONG, LONG_DATE).seating
    slugs = dict(Leader.objects.values_list("pk", "slug"))
    seats = {slugs[seat.leader]: (seat.position, seat.is_host) for seat in table.seats}
    assert seats == {"kim-jong-un": (-1, False), "xi-jinping": (0, True), "vladimir-putin": (1, False)}
    assert Event.objects.get(pk=table.matches[0].event).slug == "beijing-military-parade-2025"
    assert "| kim Jong-un | North Korea | September 3rd | left |" in [seat.quote for seat in table.seats]


def test_an_html_table_and_its_page_are_read_without_their_scripts(db):
    html = b"""<!doctype html><html><head><title>Rostrum report</title>
    <meta property="article:published_time" content="2025-09-02T08:00:00Z"><script>alert('x')</script></head>
    <body><h1>Rostrum</h1><p>President <b>Ana Lima</b> spoke on <a href="#">September 3rd</a>.</p>
    <table><tr><th>Name</th><th>Seat</th></tr><tr><td>Ana Lima</td><td>centre</td></tr>
    <tr><td>Bo Chen</td><td>second to the left</td></tr></table><style>p{}</style></body></html>"""
    document = article.read(html, "report.html")
    assert document.title == "Rostrum report"
    assert document.published == datetime.date(2025, 9, 2)
    assert "alert" not in document.text
    assert "President Ana Lima spoke on September 3rd." in document.text
    analysis = article.analyse(document, article.Known())
    assert [(seat.name, seat.position, seat.is_host) for seat in analysis.seating[0].seats] == [
        ("Ana Lima", 0, True),
        ("Bo Chen", -2, False),
    ]
    assert "| Bo Chen | second to the left |" in document.text, "a row is quotable"
    assert analysis.events[0].date.date == datetime.date(2025, 9, 3)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not text"),
        (b"\xff\xfe\xfa" * 10, "not UTF-8"),
        (b"x" * (20 * 1024 * 1024), "The file is 21.0 MB; the limit is 2 MB."),
        (b"x" * 2_000_001, "The file is 2,000,001 bytes; the limit is 2 MB."),
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"<html><body><script>alert(1)</script></body></html>", "no text"),
        ("a" * 250_000, "at most 200,000"),
    ],
)
def test_broken_or_hostile_uploads_are_refused_with_a_reason(data, says):
    with pytest.raises(article.Unreadable, match=says):
        article.read(data, "upload.html" if b"<html" in (data if isinstance(data, bytes) else b"") else "")


def test_text_in_another_language_says_what_newsdash_reads(db):
    analysis = importing.analyse(article.read("Der Parteitag in Pjöngjang war lang. Niemand kam.".encode()))
    assert analysis.events == []
    assert any("reads articles in English" in notice for notice in analysis.notices)


def test_accepted_proposals_become_drafts_whose_quotes_are_in_the_source(dataset):
    before = set(Event.objects.values_list("slug", flat=True))
    analysis = analysed(LONG, LONG_DATE)
    result = importing.apply(analysis, importing.Choices.suggested(analysis), outlet="Example Wire")
    source = result.source
    assert source.full_text == LONG.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    assert source.outlet == "Example Wire"
    assert source.published_on == LONG_DATE
    for citation in Citation.objects.filter(source=source):
        assert citation.quote in source.full_text
    # Matched events get citations, not duplicates: only the unmatched proposal is new.
    new = Event.objects.exclude(slug__in=before)
    assert [event.status for event in new] == [Status.DRAFT] * len(new) == [Status.DRAFT]
    assert Citation.objects.filter(source=source, event__slug="beijing-military-parade-1959").count() == 2
    arrangement = SeatingArrangement.objects.filter(seats__citations__source=source).order_by().distinct().get()
    assert arrangement.event.slug == "beijing-military-parade-2025"
    assert arrangement.seats.count() == 3


def test_an_import_is_all_or_nothing(dataset):
    analysis = analysed(LONG, LONG_DATE)
    choices = importing.Choices.suggested(analysis)
    choices.seating[0] = ("proposal", 99)  # a table put on an event that is not being made
    counts = [model.objects.count() for model in (Source, Event, Citation, SeatingArrangement)]
    with pytest.raises(ValidationError, match="not accepted as a new event"):
        importing.apply(analysis, choices)
    assert [model.objects.count() for model in (Source, Event, Citation, SeatingArrangement)] == counts


def test_new_people_become_leaders_with_the_country_chosen(db):
    from events.models import Country

    Country.objects.create(name="Russia", iso_code="RU")
    analysis = importing.analyse(article.read(SHORT.read_bytes()))
    choices = importing.Choices.suggested(analysis)
    assert [analysis.people[n].name for n, country in choices.people.items() if country] == ["Vladimir Putin"]
    importing.apply(analysis, choices)
    putin = Leader.objects.get(name="Vladimir Putin")
    assert putin.country.iso_code == "RU"


def test_the_command_prints_proposals_and_applies_them_as_drafts(dataset, capsys):
    call_command("import_article", str(LONG), "--date", "2025-09-01")
    printed = capsys.readouterr().out
    assert "Leaders named (7): Kim Jong-un, Vladimir Putin, Xi Jinping, Kim Il-sung" in printed
    assert "“August 28 of the previous year” → 2024-08-28" in printed.replace("as early as ", "")
    assert (
        "matches: National Day military parade in Beijing, with Kim Il-sung on the Tiananmen rostrum (1 Oct 1959)"
        in (printed)
    )
    assert "Nothing was created" in printed
    sources = Source.objects.count()
    call_command("import_article", str(LONG), "--date", "2025-09-01", "--outlet", "Wire", "--apply")
    assert "Created source" in capsys.readouterr().out
    assert Source.objects.count() == sources + 1


@pytest.mark.parametrize(
    ("arguments", "says"),
    [(["/no/such/file.txt"], "Cannot read"), ([str(LONG), "--date", "1 Sept"], "is not a date")],
)
def test_the_command_refuses_what_it_cannot_read(db, arguments, says):
    with pytest.raises(CommandError, match=says):
        call_command("import_article", *arguments)


def review_post(analysis, **extra):
    """The review form as an editor leaves it when accepting every suggestion."""
    choices = importing.Choices.suggested(analysis)
    data = {f"event-{n}": str(choice) for n, choice in choices.events.items()}
    data |= {f"title-{n}": proposal.title for n, proposal in enumerate(analysis.events)}
    data |= {f"seating-{n}": str(choice) for n, choice in choices.seating.items()}
    return data | extra


def test_an_editor_imports_an_article_through_the_admin(editor_client, dataset):
    page = editor_client.get("/admin/events/source/")
    assert 'href="/admin/events/source/import/"' in page.content.decode()
    sources = Source.objects.count()
    text = LONG.read_text(encoding="utf-8")
    form = {"text": text, "date": "2025-09-01", "outlet": "Example Wire"}
    review = editor_client.post("/admin/events/source/import/", form | {"stage": "analyse"})
    body = review.content.decode()
    assert review.status_code == 200
    existing = "National Day military parade in Beijing, with Kim Il-sung on the Tiananmen rostrum"
    assert f"Cite for the existing event <strong>{existing}</strong>" in body
    assert "Leaders it names: Kim Jong-un, Vladimir Putin, Xi Jinping, Kim Il-sung" in body
    assert Source.objects.count() == sources, "reading saves nothing"

    analysis = analysed(LONG, LONG_DATE)
    done = editor_client.post("/admin/events/source/import/", review_post(analysis, **form, stage="apply"))
    source = Source.objects.get(outlet="Example Wire")
    assert done.status_code == 302
    assert done["Location"] == f"/admin/events/source/{source.pk}/change/"
    assert source.citations.count() == 12
    told = f"Imported “{source.title}”: 12 citations, 1 draft events, 1 seating arrangements, 3 seats."
    assert told in editor_client.get(done["Location"]).content.decode(), "the source's page says what was made"


def test_the_admin_refuses_an_unreadable_upload_and_saves_nothing(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    response = editor_client.post("/admin/events/source/import/", {"file": upload, "stage": "analyse"})
    assert response.status_code == 200
    assert "This file is not text" in response.content.decode()
    assert not Source.objects.exists()


def test_an_uploaded_html_page_is_reviewed_without_its_scripts(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = b"<html><head><title>T</title></head><body><p>In 1959 <script>alert(1)</script>a parade.</p></body></html>"
    response = editor_client.post(
        "/admin/events/source/import/", {"file": SimpleUploadedFile("page.html", html), "stage": "analyse"}
    )
    body = response.content.decode()
    assert "<blockquote>In 1959 a parade.</blockquote>" in body
    assert "<script>alert(1)" not in body, "the page itself is escaped in the text box"
    assert 'name="filename" value="page.html"' in body


def test_a_pasted_article_element_is_read_as_html(editor_client):
    """A page's <article> copied from the browser's inspector is markup, not Markdown: the
    editor reviews its sentences without tags, and its heading as the title."""
    pasted = "<article><h1>Parade report</h1><p>In 1959 <b>a</b> parade.</p><script>alert(1)</script></article>"
    response = editor_client.post("/admin/events/source/import/", {"text": pasted, "stage": "analyse"})
    body = response.content.decode()
    assert "<blockquote>In 1959 a parade.</blockquote>" in body
    document = article.read(pasted)
    assert document.title == "Parade report"
    assert document.text.splitlines() == ["Parade report", "In 1959 a parade."], "the source keeps no tags or script"


def test_only_editors_reach_the_import(client, django_user_model):
    assert client.get("/admin/events/source/import/").status_code == 302
    user = django_user_model.objects.create_user("reader", password="a-long-reader-password")
    client.force_login(user)
    assert client.get("/admin/events/source/import/").status_code == 302


def test_the_editor_may_give_a_date_the_article_leaves_relative(db):
    analysis = importing.analyse(article.read(LONG.read_bytes()))
    n = next(n for n, proposal in enumerate(analysis.events) if proposal.date.text == "September 3rd")
    choices = importing.Choices(events={n: importing.NEW}, dates={n: "2025-09-03"})
    (event,) = importing.apply(analysis, choices).events
    assert (event.start_date, event.start_precision) == (datetime.date(2025, 9, 3), "day")
    assert "the article says “September 3rd”" in event.date_note
    choices.dates[n] = "3 Sept"
    with pytest.raises(ValidationError, match="is not a date"):
        importing.apply(analysis, choices)


def test_control_characters_in_an_article_become_spaces_so_it_imports(dataset):
    """A source refuses invisible control characters (an editor could not see them), so the
    article loses them on the way in, with a notice, rather than failing at the last step."""
    text = LONG.read_text(encoding="utf-8").replace("Beijing – North", "Beijing –\x0cNorth\x1b", 1)
    document = article.read(text)
    assert "Invisible control characters (a form feed, say) were replaced by spaces." in document.notices
    analysis = importing.analyse(document, LONG_DATE)
    source = importing.apply(analysis, importing.Choices.suggested(analysis), outlet="Example Wire").source
    assert "Beijing – North  Korean Leader" in source.full_text
    assert not any(char in source.full_text for char in "\x0c\x1b")
