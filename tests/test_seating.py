"""Seating diagrams: the figure, the event page's switch, comparison and the admin's preview."""

import json
import re

import plotly.graph_objects as go
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import charts
from events.charts import Viewpoint
from events.models import Citation, Seat, SeatingArrangement, Status

from .factories import (
    ArrangementFactory,
    CitationFactory,
    CountryFactory,
    EventFactory,
    LeaderFactory,
    SeatFactory,
    SourceFactory,
)

ROSTRUM = {"name": "Tiananmen rostrum", "host": "Xi Jinping", "perspective": "unstated"}


def seat(leader, position, row=0, is_host=False, stance="supports", cited=True, country="China"):
    citations = [{"quote": f"{leader} sits here.", "source": "Report", "stance": stance}] if cited else []
    return {
        "leader": leader,
        "native_name": "",
        "country": country,
        "row": row,
        "position": position,
        "is_host": is_host,
        "citations": citations,
    }


PARADE = [seat("Xi Jinping", 0, is_host=True), seat("Kim Jong-un", -1), seat("Vladimir Putin", 1)]


def x_of(figure):
    """Each leader's horizontal place on the drawing."""
    return {
        name: x for trace in figure.data if trace.customdata for name, x in zip(trace.customdata, trace.x, strict=True)
    }


def test_kim_and_putin_sit_either_side_of_xi_and_swap_with_the_viewpoint():
    audience = x_of(go.Figure(charts.seating_figure(ROSTRUM, PARADE, Viewpoint.AUDIENCE)))
    host = x_of(go.Figure(charts.seating_figure(ROSTRUM, PARADE, Viewpoint.HOST)))
    assert audience["Xi Jinping"] == host["Xi Jinping"] == 0
    # Xi's own left is the audience's right.
    assert audience["Kim Jong-un"] > 0 > audience["Vladimir Putin"]
    assert host["Kim Jong-un"] < 0 < host["Vladimir Putin"]


def test_a_source_speaking_for_the_audience_is_drawn_the_other_way_round():
    reported = ROSTRUM | {"perspective": "audience"}
    audience = x_of(go.Figure(charts.seating_figure(reported, PARADE, Viewpoint.AUDIENCE)))
    assert audience["Kim Jong-un"] < 0 < audience["Vladimir Putin"]


def test_the_chart_says_which_viewpoint_it_shows_and_that_the_source_did_not():
    title = go.Figure(charts.seating_figure(ROSTRUM, PARADE, Viewpoint.HOST)).layout.title.text
    assert "Seen from behind Xi Jinping, facing the audience" in title
    assert "the source does not say whose left it meant" in title
    assert "Seen from the audience" in go.Figure(charts.seating_figure(ROSTRUM, PARADE)).layout.title.text


def test_hover_tells_the_position_in_words_and_the_sources_quote():
    figure = go.Figure(charts.seating_figure(ROSTRUM | {"perspective": "host"}, PARADE))
    hover = {
        name: text for t in figure.data if t.customdata for name, text in zip(t.customdata, t.hovertext, strict=True)
    }
    assert "immediately to Xi Jinping's left (as Xi Jinping faces the audience)" in hover["Kim Jong-un"]
    assert "as reported by <i>Report</i>: “Kim Jong-un sits here.”" in hover["Kim Jong-un"]
    assert "the host, at the centre" in hover["Xi Jinping"]


def test_uncited_disputed_and_unknown_seats_look_different_and_have_a_legend():
    seats = [
        seat("Xi Jinping", 0, is_host=True),
        seat("Kim Jong-un", -1, cited=False),
        seat("Vladimir Putin", 1, stance="disputes"),
        seat("", 2, cited=False) | {"leader": ""},
    ]
    figure = go.Figure(charts.seating_figure(ROSTRUM, seats))
    styles = {trace.name: trace.marker.symbol for trace in figure.data}
    assert styles == {
        "Host": "star",
        "Uncited seat": "circle-open",
        "Disputed seat": "circle",
        "Occupant unknown": "square-open",
    }
    assert figure.data[[t.name for t in figure.data].index("Disputed seat")].marker.line.color == "#a40e26"


def test_hover_and_labels_are_escaped():
    hostile = [seat("<img src=x onerror=alert(1)>", 0, is_host=True)]
    figure = go.Figure(charts.seating_figure(ROSTRUM | {"name": "<script>"}, hostile))
    assert "<img" not in figure.data[0].hovertext[0]
    assert "<img" not in figure.layout.annotations[0].text
    assert "<script>" not in figure.layout.title.text


def test_long_rows_write_names_upright_so_they_do_not_collide():
    few = go.Figure(charts.seating_figure(ROSTRUM, PARADE))
    assert {a.textangle for a in few.layout.annotations} == {0}
    many = [seat(f"Leader {i}", i - 13, is_host=i == 13) for i in range(27)]
    crowded = go.Figure(charts.seating_figure(ROSTRUM, many))
    assert {a.textangle for a in crowded.layout.annotations} == {-90}
    two_rows = go.Figure(charts.seating_figure(ROSTRUM, many + [seat("Back", 0, row=1)]))
    ys = {a.text: a.y for a in two_rows.layout.annotations}
    assert ys["Back"] > ys["Leader 0"], "the back row is drawn above the front row"


def test_leaders_present_in_both_arrangements_are_ringed():
    figure = go.Figure(charts.seating_figure(ROSTRUM, PARADE, shared=frozenset({"Kim Jong-un"})))
    ring = next(trace for trace in figure.data if trace.name == "Also in the other arrangement")
    assert list(ring.x) == [x_of(figure)["Kim Jong-un"]]


# Pages


def chart(response, figure_id):
    match = re.search(
        rf'<script id="{figure_id}" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, f"no {figure_id} on the page"
    return json.loads(match.group(1))["figure"]


def positions(figure):
    return {n: x for t in figure["data"] if t.get("customdata") for n, x in zip(t["customdata"], t["x"], strict=True)}


@pytest.mark.django_db
def test_the_2025_parade_page_draws_the_rostrum_from_either_side(client, dataset):
    arrangement = SeatingArrangement.objects.get(event__slug="beijing-military-parade-2025")
    url = "/events/beijing-military-parade-2025/"
    audience = positions(chart(client.get(url), f"seating-figure-{arrangement.pk}"))
    host = positions(chart(client.get(url, {"seating": "host"}), f"seating-figure-{arrangement.pk}"))
    assert audience["Kim Jong-un"] > 0 > audience["Vladimir Putin"]
    assert host["Kim Jong-un"] < 0 < host["Vladimir Putin"]
    content = client.get(url).content.decode()
    # The reports speak of Xi's own right and left, so the page says so.
    assert "Immediately to Xi Jinping&#x27;s left (as Xi Jinping faces the audience)" in content
    assert 'aria-current="true">as the audience sees it</a>' in content


@pytest.mark.django_db
def test_the_viewpoint_switch_swaps_only_the_diagram_over_htmx(client, dataset):
    response = client.get(
        "/events/beijing-military-parade-2025/",
        {"seating": "host"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="seating",
    )
    content = response.content.decode()
    assert "<html" not in content
    assert "Seen from behind Xi Jinping" in content
    assert response["HX-Push-Url"] == "/events/beijing-military-parade-2025/?seating=host"


@pytest.mark.django_db
def test_an_unknown_viewpoint_falls_back_to_the_audience(client, dataset):
    response = client.get("/events/beijing-military-parade-2025/", {"seating": "<script>"})
    assert response.status_code == 200
    assert "Seen from the audience" in response.content.decode()


def two_rostrums():
    kim_il_sung = LeaderFactory(name="Kim Il-sung", country=CountryFactory(iso_code="KP"))
    kim_jong_un = LeaderFactory(name="Kim Jong-un", country=CountryFactory(iso_code="KP"))
    china = CountryFactory(iso_code="CN")
    mao, xi = LeaderFactory(name="Mao Zedong", country=china), LeaderFactory(name="Xi Jinping", country=china)
    old = ArrangementFactory(event=EventFactory(title="1959 parade"), name="Rostrum 1959")
    new = ArrangementFactory(event=EventFactory(title="2025 parade"), name="Rostrum 2025")
    SeatFactory(arrangement=old, leader=mao, position=0, is_host=True)
    SeatFactory(arrangement=old, leader=kim_il_sung, position=-1)
    SeatFactory(arrangement=new, leader=xi, position=0, is_host=True)
    SeatFactory(arrangement=new, leader=kim_jong_un, position=-1)
    return old, new


@pytest.mark.django_db
def test_compare_puts_two_rostrums_side_by_side_and_marks_what_they_share(client):
    old, new = two_rostrums()
    response = client.get("/seating/compare/", {"a": old.pk, "b": new.pk})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Rostrum 1959" in content
    assert "Rostrum 2025" in content
    assert "Countries at both: China, North Korea." in content
    assert "No leader sat at both." in content
    rings = [t for t in chart(response, f"seating-figure-{old.pk}a")["data"] if t["name"].startswith("Also in")]
    assert len(rings[0]["x"]) == 2


@pytest.mark.django_db
def test_a_parades_page_links_to_the_other_parades_rostrums_though_no_leader_sat_at_both(client):
    old, new = two_rostrums()  # both parades; no leader at both
    meeting = ArrangementFactory(event=EventFactory(title="A meeting", kind="meeting"), name="Table")
    SeatFactory(arrangement=meeting, leader=LeaderFactory(name="Someone else"), position=0, is_host=True)
    content = client.get(new.event.get_absolute_url()).content.decode()
    assert f"/seating/compare/?a={new.pk}&amp;b={old.pk}" in content
    assert f"b={meeting.pk}" not in content, "an arrangement of another kind, with no leader in common, is not offered"


@pytest.mark.django_db
def test_the_event_page_links_to_comparisons_with_shared_leaders(client):
    old, new = two_rostrums()
    SeatFactory(arrangement=old, leader=Seat.objects.get(arrangement=new, position=-1).leader, position=1)
    content = client.get(new.event.get_absolute_url()).content.decode()
    assert f"/seating/compare/?a={new.pk}&amp;b={old.pk}" in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({}, 200, "Choose arrangement “a”."),
        ({"a": "x", "b": "1"}, 400, "“x” is not an arrangement number."),
        ({"a": "1' OR 1=1", "b": "1"}, 400, "is not an arrangement number"),
        ({"a": "9" * 40, "b": "1"}, 400, "is not an arrangement number"),
    ],
)
def test_bad_compare_links_get_a_message_not_an_error(client, query, status, message):
    response = client.get("/seating/compare/", query)
    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.django_db
def test_unknown_or_draft_arrangements_are_404(client):
    old, new = two_rostrums()
    assert client.get("/seating/compare/", {"a": old.pk, "b": 987654}).status_code == 404
    new.event.status = Status.DRAFT
    new.event.save()
    assert client.get("/seating/compare/", {"a": old.pk, "b": new.pk}).status_code == 404


def rostrum_of(n):
    source = SourceFactory()
    arrangement = ArrangementFactory()
    for i in range(n):
        placed = SeatFactory(arrangement=arrangement, position=i - n // 2, is_host=i == n // 2)
        CitationFactory(event=None, seat=placed, source=source)
    return arrangement


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_seating_pages_take_the_same_queries_for_3_seats_or_60(client):
    """The event page and the comparison cost the same with 3 seats as with 60."""
    small, large = rostrum_of(3), rostrum_of(60)
    assert queries(client, small.event.get_absolute_url()) == queries(client, large.event.get_absolute_url()) == 8
    pair = {"a": small.pk, "b": small.pk}
    big_pair = {"a": large.pk, "b": large.pk}
    assert queries(client, "/seating/compare/", pair) == queries(client, "/seating/compare/", big_pair) == 5


# The admin


def preview_form(**seats):
    data = {"name": "Rostrum", "perspective": "host", "seats-TOTAL_FORMS": str(len(seats))}
    for i, (leader, (position, host, quote)) in enumerate(seats.items()):
        data |= {
            f"seats-{i}-leader": leader,
            f"seats-{i}-row": "0",
            f"seats-{i}-position": str(position),
            f"seats-{i}-citations-TOTAL_FORMS": "1",
            f"seats-{i}-citations-0-quote": quote,
            f"seats-{i}-citations-0-stance": "supports",
        }
        if host:
            data[f"seats-{i}-is_host"] = "on"
    return data


@pytest.mark.django_db
def test_the_admin_preview_draws_the_unsaved_seats(editor_client):
    xi, kim = LeaderFactory(name="Xi Jinping"), LeaderFactory(name="Kim Jong-un")
    data = preview_form(**{str(xi.pk): (0, True, "Xi at the centre."), str(kim.pk): (-1, False, "Kim to the left.")})
    response = editor_client.post("/admin/events/seatingarrangement/preview/", data)
    assert response.status_code == 200
    figure = chart(response, "seating-preview-figure")
    assert positions(figure) == {"Xi Jinping": 0, "Kim Jong-un": 1}
    assert "errorlist" not in response.content.decode()
    assert not Seat.objects.exists(), "a preview saves nothing"


@pytest.mark.django_db
def test_the_admin_preview_lists_what_would_be_refused(editor_client):
    xi = LeaderFactory(name="Xi Jinping")
    data = preview_form(**{str(xi.pk): (2, True, "")})
    content = editor_client.post("/admin/events/seatingarrangement/preview/", data).content.decode()
    assert "The host sits at position 0." in content
    assert "No citation for Xi Jinping&#x27;s seat." in content


@pytest.mark.django_db
def test_the_admin_preview_explains_a_leader_seated_twice_as_a_save_does(editor_client):
    xi, kim = LeaderFactory(name="Xi Jinping"), LeaderFactory(name="Kim Jong-un")
    data = preview_form(**{str(xi.pk): (0, True, "Xi at the centre."), str(kim.pk): (-1, False, "Xi again.")})
    data["seats-1-leader"] = str(xi.pk)
    content = editor_client.post("/admin/events/seatingarrangement/preview/", data).content.decode()
    assert "This leader already has a seat in this arrangement." in content


def change_form(arrangement, **changes):
    """The arrangement's change form as the admin posts it, with the preview's own field."""
    data = {
        "arrangement": arrangement.pk,
        "event": arrangement.event.pk,
        "name": arrangement.name,
        "perspective": arrangement.perspective,
        "note": "",
        "seats-TOTAL_FORMS": str(arrangement.seats.count()),
        "seats-INITIAL_FORMS": str(arrangement.seats.count()),
    }
    for i, placed in enumerate(arrangement.seats.order_by("position")):
        prefix = f"seats-{i}-"
        data |= {
            prefix + "id": placed.pk,
            prefix + "arrangement": arrangement.pk,
            prefix + "leader": placed.leader_id,
            prefix + "row": placed.row,
            prefix + "position": placed.position,
            prefix + "citations-TOTAL_FORMS": str(placed.citations.count()),
            prefix + "citations-INITIAL_FORMS": str(placed.citations.count()),
        }
        if placed.is_host:
            data[prefix + "is_host"] = "on"
        for j, citation in enumerate(placed.citations.all()):
            data |= {
                f"{prefix}citations-{j}-id": citation.pk,
                f"{prefix}citations-{j}-seat": placed.pk,
                f"{prefix}citations-{j}-source": citation.source_id,
                f"{prefix}citations-{j}-quote": citation.quote,
                f"{prefix}citations-{j}-stance": citation.stance,
            }
    return data | changes


@pytest.mark.django_db
def test_the_preview_of_a_saved_arrangement_checks_it_as_its_save_would(editor_client):
    arrangement = rostrum_of(3)
    arrangement.event.status = Status.PUBLISHED
    arrangement.event.save()
    url = "/admin/events/seatingarrangement/preview/"
    saved = editor_client.post(url, change_form(arrangement))
    assert "errorlist" not in saved.content.decode()
    assert sorted(positions(chart(saved, "seating-preview-figure")).values()) == [-1, 0, 1]
    uncited = change_form(arrangement, **{"seats-0-citations-0-DELETE": "on"})
    content = editor_client.post(url, uncited).content.decode()
    assert "The event is published, so every seat needs a citation." in content
    assert not Seat.objects.filter(citations=None).exists(), "a preview saves nothing"


@pytest.mark.django_db
def test_the_preview_is_for_editors_only(client):
    response = client.post("/admin/events/seatingarrangement/preview/", {"seats-TOTAL_FORMS": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_the_arrangement_form_carries_the_live_preview(editor_client):
    arrangement = rostrum_of(3)
    content = editor_client.get(f"/admin/events/seatingarrangement/{arrangement.pk}/change/").content.decode()
    assert 'id="seating-preview"' in content
    assert 'hx-post="/admin/events/seatingarrangement/preview/"' in content


@pytest.mark.django_db
def test_a_published_event_refuses_an_uncited_seat_and_saves_nothing(editor_client):
    arrangement = ArrangementFactory(event=EventFactory(status=Status.PUBLISHED))
    kim = LeaderFactory(name="Kim Jong-un")
    data = {
        "event": arrangement.event.pk,
        "name": arrangement.name,
        "perspective": "unstated",
        "note": "",
        "seats-TOTAL_FORMS": "1",
        "seats-INITIAL_FORMS": "0",
        "seats-0-leader": kim.pk,
        "seats-0-row": "0",
        "seats-0-position": "-1",
        "seats-0-citations-TOTAL_FORMS": "0",
        "seats-0-citations-INITIAL_FORMS": "0",
    }
    url = f"/admin/events/seatingarrangement/{arrangement.pk}/change/"
    content = editor_client.post(url, data).content.decode()
    assert "The event is published, so every seat needs a citation: add one for Kim Jong-un." in content
    assert not Seat.objects.exists()
    assert not Citation.objects.exists()


def test_a_crowded_rostrum_asks_for_room_instead_of_squeezing_names():
    assert charts.seating_min_width(PARADE) is None
    many = [seat(f"Leader {i}", i - 13) for i in range(27)]
    assert charts.seating_min_width(many) == 27 * 20 + 40
    assert charts.seating_min_width([s | {"native_name": "名"} for s in many]) == 27 * 35 + 40
