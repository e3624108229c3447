import datetime

import pytest
import yaml
from django.core.management import CommandError, call_command

from events.management.commands.load_dataset import DEFAULT_DATASET
from events.models import (
    Citation,
    Event,
    Leader,
    Office,
    Participation,
    Seat,
    SeatingArrangement,
    Source,
    Status,
)

pytestmark = pytest.mark.django_db


def history_rows():
    return sum(model.history.count() for model in (Event, Leader, Citation, Participation, Seat))


def test_loading_twice_changes_nothing(dataset, capsys):
    before = (Event.objects.count(), Leader.objects.count(), Citation.objects.count(), history_rows())
    call_command("load_dataset")
    after = (Event.objects.count(), Leader.objects.count(), Citation.objects.count(), history_rows())
    assert before == after
    assert "Created nothing; updated nothing." in capsys.readouterr().out


def test_the_parade_story_is_entered(dataset):
    """The events the foundation issue names, each at the precision its sources give."""
    expected = {
        "beijing-military-parade-1959": "1 Oct 1959",
        "kim-jong-un-assumes-power-2011": "late 2011",
        "kim-jong-un-beijing-visit-2018-03": "25 Mar 2018 – 28 Mar 2018",
        "kim-jong-un-dalian-visit-2018-05": "7 May 2018 – 8 May 2018",
        "kim-jong-un-beijing-visit-2018-06": "19 Jun 2018 – 20 Jun 2018",
        "kim-jong-un-beijing-visit-2019": "7 Jan 2019 – 10 Jan 2019",
        "singapore-summit-2018": "12 Jun 2018",
        "hanoi-summit-2019": "27 Feb 2019 – 28 Feb 2019",
        "panmunjom-dmz-meeting-2019": "30 Jun 2019",
        "xi-jinping-pyongyang-state-visit-2019": "20 Jun 2019 – 21 Jun 2019",
        "inter-korean-summit-2018-04-27": "27 Apr 2018",
        "inter-korean-summit-2018-05-26": "26 May 2018",
        "inter-korean-summit-pyongyang-2018-09": "18 Sep 2018 – 20 Sep 2018",
        "kim-putin-vladivostok-summit-2019": "25 Apr 2019",
        "kim-putin-vostochny-2023": "13 Sep 2023",
        "putin-pyongyang-visit-treaty-2024": "19 Jun 2024",
        "north-korea-troop-deployment-decision-2024": "as early as 28 Aug 2024",
        "lee-jae-myung-trump-talks-washington-2025": "2025",
        "sco-summit-tianjin-2025": "31 Aug 2025 – 1 Sep 2025",
        "kim-jong-un-train-journey-beijing-2025": "1 Sep 2025 – 2 Sep 2025",
        "xi-putin-talks-beijing-2025": "2 Sep 2025",
        "beijing-military-parade-2025": "3 Sep 2025",
        "putin-kim-talks-beijing-2025": "3 Sep 2025",
        "xi-kim-talks-beijing-2025": "4 Sep 2025",
        "choe-ryong-hae-chinese-embassy-reception-2025": "2025",
        "kim-putin-xi-three-way-summit": "September 2025",
        "trump-asia-visit-trump-xi-meeting": "30 Oct 2025",
    }
    shown = {event.slug: event.date_display for event in Event.objects.filter(slug__in=expected)}
    assert shown == expected
    # The year-level item gave way to the three visits it summed up.
    assert not Event.objects.filter(slug="kim-jong-un-visits-china-2018").exists()
    parade = Event.objects.get(slug="beijing-military-parade-2025")
    assert parade.place.name == "Tiananmen Square"
    roles = {p.leader.slug: p.role for p in parade.participations.select_related("leader")}
    assert (roles["xi-jinping"], roles["kim-jong-un"], roles["vladimir-putin"]) == ("host", "guest", "guest")
    assert roles["woo-won-shik"] == "attendee"
    old = Event.objects.get(slug="beijing-military-parade-1959")
    old_roles = {p.leader.slug: p.role for p in old.participations.select_related("leader")}
    assert old_roles["mao-zedong"] == "host"
    assert {"kim-il-sung", "nikita-khrushchev", "ho-chi-minh"} <= {s for s, r in old_roles.items() if r == "guest"}
    assert {"zhou-enlai", "liu-shaoqi"} <= set(old_roles)


def test_the_shipped_dataset_meets_the_issues_targets(dataset):
    published = Event.objects.published()
    assert published.count() >= 40
    assert Leader.objects.count() >= 25
    assert Source.objects.count() >= 30
    assert SeatingArrangement.objects.count() == 2
    parade = Event.objects.get(slug="beijing-military-parade-2025")
    heads = parade.participations.filter(role__in=["host", "guest"]).select_related("leader")
    assert heads.count() >= 10
    for participation in heads:
        offices = participation.leader.offices.all()
        assert offices, f"{participation.leader} has no office"
        assert all(office.citations.exists() for office in offices), participation.leader


def test_every_quote_occurs_verbatim_in_its_source(dataset):
    quotes = Citation.objects.filter(kind=Citation.Kind.QUOTE).select_related("source")
    assert quotes.count() > 40
    for citation in quotes:
        assert citation.source.full_text, f"{citation.source} has no stored text"
        assert citation.quote in citation.source.full_text, citation.quote


def test_every_reference_says_what_and_where_and_names_a_findable_source(dataset):
    references = Citation.objects.filter(kind=Citation.Kind.REFERENCE).select_related("source")
    assert references.count() > 100
    for citation in references:
        source = citation.source
        assert citation.statement, citation.pk
        assert citation.locator, citation.pk
        assert not citation.quote, citation.pk
        # Our own words: a statement never passes off a source's sentence as a quotation.
        assert not set(citation.statement) & set('"“”«»「」'), citation.statement
        assert source.outlet, f"{source.slug} lacks an outlet"
        assert source.url, f"{source.slug} lacks an address"
        assert not source.full_text, f"{source.slug} is held in full: quote it instead"
        if not source.published_on:
            # Used only where nothing dated backs the fact, and its note says so.
            note = source.note.lower()
            assert "publication date" in note, f"{source.slug} has no date and no note saying so"
            assert "cited only" in note, f"{source.slug} has no date and no note saying why it is used"


def test_most_referenced_sources_are_dated(dataset):
    referenced = Source.objects.filter(citations__kind=Citation.Kind.REFERENCE).distinct()
    undated = referenced.filter(published_on__isnull=True)
    assert undated.count() * 5 < referenced.count(), list(undated.values_list("slug", flat=True))


def test_no_reported_outcome_leaves_an_event_expected(dataset):
    """An event whose outcome a source reports is no longer scheduled or possible; one that
    did not take place, or that once was expected, says which source settles it."""
    for event in Event.objects.prefetch_related("citations"):
        if event.settled_by:
            assert event.reported_as in Event.OUTCOMES, event.slug
        if event.reported_as == Event.ReportedAs.NOT_HELD:
            assert event.settled_by, f"{event.slug} did not take place, on no source's word"
    assert not Event.objects.filter(reported_as__in=Event.EXPECTED).exists()
    outcomes = {
        "beijing-military-parade-2025": "happened",
        "kim-jong-un-train-journey-beijing-2025": "happened",
        "kim-putin-xi-three-way-summit": "not_held",
        "trump-asia-visit-trump-xi-meeting": "happened",
        "trump-kim-meeting-2025": "not_held",
    }
    for slug, outcome in outcomes.items():
        event = Event.objects.prefetch_related("citations").get(slug=slug)
        assert event.reported_as == outcome, slug
        assert event.settled_by, slug


def test_lee_is_kept_as_the_seeds_possible_attendee_and_disputed(dataset):
    lee = Participation.objects.get(event__slug="beijing-military-parade-2025", leader__slug="lee-jae-myung")
    assert lee.role == "possible_attendee"
    assert lee.citations.filter(stance="disputes", statement__contains="did not go").exists()


def test_the_seed_quotes_on_the_2018_visits_go_where_they_belong(dataset):
    unannounced = "Kim made two unannounced visits to China in 2018, signaling"
    assert set(Citation.objects.filter(quote__contains=unannounced).values_list("event__slug", flat=True)) - {None} == {
        "kim-jong-un-beijing-visit-2018-03",
        "kim-jong-un-dalian-visit-2018-05",
    }
    beijing = "His multiple visits to Beijing in 2018 further"
    assert set(Citation.objects.filter(quote__contains=beijing).values_list("event__slug", flat=True)) == {
        "kim-jong-un-beijing-visit-2018-03",
        "kim-jong-un-beijing-visit-2018-06",
    }


def test_trumps_terms_are_dated_so_the_seeds_can_be_read_against_them(dataset):
    terms = Office.objects.filter(leader__slug="donald-trump").order_by("start_date")
    assert [(o.start_date, o.end_date) for o in terms] == [
        (datetime.date(2017, 1, 20), datetime.date(2021, 1, 20)),
        (datetime.date(2025, 1, 20), None),
    ]
    parade = Event.objects.get(slug="beijing-military-parade-2025").start_date
    assert terms[1].start_date <= parade, "the 2025 parade falls in his second term: 'former' is the error"
    for office in terms:
        assert office.citations.filter(kind=Citation.Kind.REFERENCE).exists()


def test_every_published_event_participation_and_seat_is_cited(dataset):
    assert Event.objects.published().filter(citations__isnull=True).count() == 0
    assert Participation.objects.filter(citations__isnull=True).count() == 0
    assert Seat.objects.filter(citations__isnull=True).count() == 0
    assert Office.objects.filter(citations__isnull=True).count() == 0
    assert Event.objects.filter(status=Status.PUBLISHED).count() == Event.objects.count()


def test_the_2025_rostrum_puts_kim_and_putin_either_side_of_xi(dataset):
    arrangement = SeatingArrangement.objects.get(event__slug="beijing-military-parade-2025")
    seats = {seat.leader.slug: seat for seat in arrangement.seats.select_related("leader")}
    assert seats["xi-jinping"].is_host
    assert seats["xi-jinping"].position == 0
    assert seats["kim-jong-un"].position < 0 < seats["vladimir-putin"].position
    # The reports speak of Xi's right and left: Xi's own viewpoint, as the host faces the square.
    assert arrangement.perspective == "host"
    kim = seats["kim-jong-un"].citations
    assert kim.filter(kind="quote").count() == 2, "the seed quotes stay"
    assert kim.filter(kind="reference").exists()


def test_the_1959_rostrum_follows_the_photo_caption_and_records_news1s_dissent(dataset):
    arrangement = SeatingArrangement.objects.get(event__slug="beijing-military-parade-1959")
    positions = {seat.leader.slug: seat.position for seat in arrangement.seats.select_related("leader")}
    assert positions["mao-zedong"] == 0
    assert arrangement.seats.get(position=0).is_host
    assert (positions["ho-chi-minh"], positions["nikita-khrushchev"]) == (-1, 1)
    assert [positions[slug] for slug in ("zhou-enlai", "kim-il-sung", "lin-biao")] == [-3, -4, -5]
    assert len(positions) == 15
    # A caption read off a photo: no source says where the camera stood.
    assert arrangement.perspective == "unstated"
    assert "camera" in arrangement.note
    kim = Seat.objects.get(arrangement=arrangement, leader__slug="kim-il-sung")
    assert kim.citations.filter(stance="disputes", source__outlet__startswith="News1").exists()


def test_the_sources_contradiction_on_trumps_office_is_recorded_as_a_dispute(dataset):
    trump = Leader.objects.get(slug="donald-trump")
    stances = {
        (citation.stance, citation.quote) for office in trump.offices.all() for citation in office.citations.all()
    }
    assert any(stance == "disputes" and "former U.S.President" in quote for stance, quote in stances)
    assert any(
        stance == "supports" and "US President Donald Trump is not attending" in quote for stance, quote in stances
    )


def test_unknown_source_fields_stay_empty_rather_than_invented(dataset):
    """The two seed articles: their outlet and date are unknown."""
    seeds = Source.objects.exclude(full_text="")
    assert seeds.count() == 2
    for source in seeds:
        assert source.published_on is None
        assert source.outlet == ""


def test_the_file_documents_every_field_it_uses(dataset):
    text = DEFAULT_DATASET.read_text(encoding="utf-8")
    header = text[: text.index("\nversion:")]
    data = yaml.safe_load(text)
    keys = set()

    def collect(node):
        if isinstance(node, dict):
            keys.update(node)
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(data)
    assert not [key for key in keys if key not in header], "fields the header comment does not document"


def test_aliases_find_kim_by_every_spelling(dataset):
    for spelling in ["Kim Jong Un", "Kim Jong-un", "kim jong un"]:
        assert [leader.slug for leader in Leader.objects.matching(spelling)] == ["kim-jong-un"]


def test_a_dataset_with_a_wrong_quote_is_refused_whole(tmp_path, db):
    (tmp_path / "text.txt").write_text("Only these words are in the article.", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(
        """
version: 1
countries: [{iso_code: KP, name: North Korea}]
sources:
  - {slug: s, title: S, kind: news, text_file: text.txt}
leaders:
  - {slug: kim, name: Kim, country: KP}
events:
  - slug: e
    title: E
    kind: parade
    start: "1959"
    status: published
    citations: [{source: s, quote: "Words the article never said."}]
""",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"events\[0\] \(e\)\.citations\[0\]: .*does not occur word for word"):
        call_command("load_dataset", str(tmp_path / "bad.yaml"))
    assert Leader.objects.count() == 0, "nothing is half-loaded"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2\n", "version 2 is not supported"),
        (
            "version: 1\nevents: [{slug: e, title: E, kind: parade, start: '1959', citations: [], colour: red}]\n",
            "unknown key",
        ),
        (
            "version: 1\nevents: [{slug: e, title: E, kind: parade, start: 'late 2011', citations: []}]\n",
            "is not a date",
        ),
        ("version: [1\n", "Cannot read the dataset"),
    ],
)
def test_broken_datasets_are_answered_with_a_message(tmp_path, db, text, message):
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_dataset", str(path))


def test_update_writes_the_files_values_over_an_editors_change(dataset):
    event = Event.objects.get(slug="kim-jong-un-assumes-power-2011")
    original = event.title
    event.title = "Edited by an editor"
    event.save()
    call_command("load_dataset", verbosity=0)
    event.refresh_from_db()
    assert event.title == "Edited by an editor", "a plain load keeps editors' work"
    call_command("load_dataset", "--update", verbosity=0)
    event.refresh_from_db()
    assert event.title == original
