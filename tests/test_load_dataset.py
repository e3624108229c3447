import pytest
from django.core.management import CommandError, call_command

from events.models import Citation, Event, Leader, Participation, Seat, Source, Status

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
    """The events the foundation issue names, each at its real precision."""
    expected = {
        "beijing-military-parade-1959": "1959",
        "kim-jong-un-assumes-power-2011": "late 2011",
        "kim-jong-un-visits-china-2018": "2018",
        "kim-jong-un-beijing-visit-2019": "2019",
        "north-korea-troop-deployment-decision-2024": "as early as 28 Aug 2024",
        "lee-jae-myung-trump-talks-washington-2025": "2025",
        "beijing-military-parade-2025": "3 Sep 2025",
        "kim-jong-un-train-journey-beijing-2025": "3 Sep 2025",
        "choe-ryong-hae-chinese-embassy-reception-2025": "2025",
        "kim-putin-xi-three-way-summit": "2025",
    }
    shown = {event.slug: event.date_display for event in Event.objects.filter(slug__in=expected)}
    assert shown == expected
    parade = Event.objects.get(slug="beijing-military-parade-2025")
    assert parade.place.name == "Tiananmen Square"
    assert {p.leader.slug: p.role for p in parade.participations.select_related("leader")} == {
        "xi-jinping": "host",
        "kim-jong-un": "guest",
        "vladimir-putin": "guest",
        "lee-jae-myung": "possible_attendee",
    }
    assert Event.objects.get(slug="beijing-military-parade-1959").participants.get().slug == "kim-il-sung"
    assert Event.objects.get(slug="kim-putin-xi-three-way-summit").reported_as == "possible"


def test_every_quote_occurs_verbatim_in_its_source(dataset):
    citations = Citation.objects.select_related("source")
    assert citations.count() > 40
    for citation in citations:
        assert citation.source.full_text, f"{citation.source} has no stored text"
        assert citation.quote in citation.source.full_text, citation.quote


def test_every_published_event_participation_and_seat_is_cited(dataset):
    assert Event.objects.published().filter(citations__isnull=True).count() == 0
    assert Participation.objects.filter(citations__isnull=True).count() == 0
    assert Seat.objects.filter(citations__isnull=True).count() == 0
    assert Event.objects.filter(status=Status.PUBLISHED).count() == Event.objects.count()


def test_the_2025_rostrum_puts_kim_and_putin_either_side_of_xi(dataset):
    seats = {seat.leader.slug: seat for seat in Seat.objects.select_related("leader", "arrangement__event")}
    assert seats["xi-jinping"].is_host
    assert seats["xi-jinping"].position == 0
    assert seats["kim-jong-un"].position < 0 < seats["vladimir-putin"].position
    assert seats["kim-jong-un"].arrangement.event.start_date.isoformat() == "2025-09-03"
    # The report does not say whose left it meant: the dataset must not pick silently.
    assert seats["kim-jong-un"].arrangement.perspective == "unstated"


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
    for source in Source.objects.all():
        assert source.published_on is None
        assert source.outlet == ""


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
