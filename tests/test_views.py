import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Citation, Office, Status

from .factories import (
    ArrangementFactory,
    CitationFactory,
    EventFactory,
    LeaderFactory,
    ParticipationFactory,
    SeatFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_published_events_only(client):
    EventFactory(title="Published parade")
    EventFactory(title="Secret draft", status=Status.DRAFT)
    content = client.get("/").content.decode()
    assert "Published parade" in content
    assert "Secret draft" not in content


def test_the_home_page_opens_with_the_parade_story(client, dataset):
    content = client.get("/").content.decode()
    assert "<h1>Kim Jong-un and China</h1>" in content
    assert "late 2011" in content
    assert "3 Sep 2025" in content


def test_an_event_page_shows_who_was_there_and_which_source_says_so(client, dataset):
    response = client.get("/events/beijing-military-parade-2025/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "3 Sep 2025" in content
    assert "Tiananmen Square" in content
    assert "Kim Jong-un" in content
    assert "김정은" in content
    assert "Kremlin officials have indicated that Kim will be seated to the left of Xi Jinping" in content
    assert "Who stood where" in content
    assert "Tiananmen rostrum" in content


def test_a_disputing_source_is_shown_as_such(client):
    event = EventFactory()
    CitationFactory(event=event, stance=Citation.Stance.DISPUTES)
    assert "Disputed by" in client.get(event.get_absolute_url()).content.decode()


def test_drafts_are_hidden_from_the_public_but_editors_preview_them(client, editor):
    draft = EventFactory(title="Not yet", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft: only editors can see this page." in response.content.decode()


def test_an_unknown_event_is_a_404_not_an_error(client):
    assert client.get("/events/no-such-event/").status_code == 404
    assert client.get("/events/%3Cscript%3E/").status_code == 404


def test_text_editors_type_is_escaped(client):
    event = EventFactory(title="<script>alert(1)</script>", summary="<img src=x onerror=alert(1)>")
    leader = LeaderFactory(name="<b>Kim</b>")
    ParticipationFactory(event=event, leader=leader)
    content = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<img src=x" not in content
    assert "<b>Kim</b>" not in content


def test_a_post_to_a_page_is_refused(client):
    assert client.post("/").status_code == 405


def event_page_queries(client, event):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_event_page_queries_do_not_grow_with_participants_and_seats(client):
    """An event with 3 participants and seats costs the same queries as one with 30."""
    source = SourceFactory()

    def event_with(n):
        event = EventFactory()
        CitationFactory(event=event, source=source)
        arrangement = ArrangementFactory(event=event)
        for i in range(n):
            participation = ParticipationFactory(event=event)
            CitationFactory(event=None, participation=participation, source=source)
            seat = SeatFactory(arrangement=arrangement, leader=participation.leader, position=i + 1)
            CitationFactory(event=None, seat=seat, source=source)
        return event

    few = event_page_queries(client, event_with(3))
    many = event_page_queries(client, event_with(30))
    assert few == many == 10  # the participants' offices read once, for their titles at the time


# The whole story is too crowded to draw mark by mark (it is counted per period until zoomed):
# the timeline and the embed are opened on views the shipped data draws one by one.
@pytest.mark.parametrize(
    "path",
    [
        "/timeline/?view=2025-08-25..2025-09-10",
        "/",
        "/leaders/kim-jong-un/",
        "/embed/timeline/?leader=kim-il-sung",
    ],
)
def test_the_server_draws_each_timeline_before_any_javascript(client, dataset, path):
    """Every event in the range the chart opens on is a mark in the page's own SVG, one per lane it
    sits in, as plotly.js would draw."""
    content = client.get(path).content.decode()
    figure = json.loads(re.search(r'<script id="timeline-figure" type="application/json">(.*?)</script>', content)[1])
    low, high = (str(value)[:10] for value in figure["figure"]["layout"]["xaxis"]["range"])
    traces = [trace for trace in figure["figure"]["data"] if trace["mode"].startswith("markers")]
    points = sum(low <= str(x)[:10] <= high for trace in traces for x in trace["x"])
    drawing = re.search(r'<div class="chart-static".*?</div>', content, re.S)[0]
    assert points > 0
    assert drawing.count('class="mark"') == points


def test_a_leaders_name_in_the_drawing_is_escaped(client):
    event = EventFactory()
    ParticipationFactory(event=event, leader=LeaderFactory(name="<b>Kim</b>"))
    content = client.get("/timeline/").content.decode()
    drawing = re.search(r'<div class="chart-static".*?</div>', content, re.S)[0]
    assert "&lt;b&gt;Kim&lt;/b&gt;" in drawing
    assert "<b>" not in drawing


def test_the_event_page_gives_each_participants_office_at_the_time(client):
    trump = LeaderFactory(name="Donald Trump")
    Office.objects.create(
        leader=trump,
        title="45th President of the United States",
        start_date=datetime.date(2017, 1, 20),
        end_date=datetime.date(2021, 1, 20),
    )
    Office.objects.create(
        leader=trump, title="47th President of the United States", start_date=datetime.date(2025, 1, 20)
    )
    Office.objects.create(leader=trump, title="Businessman")  # undated: never placed in time

    def page_for(start, precision="day"):
        event = EventFactory(start_date=start, start_precision=precision)
        ParticipationFactory(event=event, leader=trump)
        CitationFactory(event=event)
        return client.get(event.get_absolute_url()).content.decode()

    assert "at the time 45th President of the United States" in page_for(datetime.date(2019, 6, 30))
    assert "at the time 47th President" in page_for(datetime.date(2025, 10, 30))
    between = page_for(datetime.date(2023, 3, 1))
    assert "at the time" not in between, "out of office: no title claimed"
    both = page_for(datetime.date(2021, 1, 1), precision="year")
    assert "45th President of the United States" in both, "a year known only: what may have been held in it"
    assert "Businessman" not in both
