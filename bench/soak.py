"""The soak: what an adversarial test of the production setup found, tried again and counted.

    make soak                                   # every scenario, about 6 minutes
    .venv/bin/python bench/soak.py --trials 20 --outages 5 --flood-seconds 10

Against gunicorn (2 workers, production settings, no Redis: the default setup) in
front of a PostgreSQL server of its own (so it can be stopped and frozen), holding
the parade dataset. Everything is on loopback, and every loop is bounded.

- Concurrent edits: two editors open the same event and save at the same moment;
  then two editors change the kinds of two events of the same year at the same moment.
  Counts lost edits (both told "saved", or the saved title not kept) and errors.
- Unpublish on two workers: readers keep reading the event's page, the export and a
  leader page while an editor unpublishes it; counts the stale answers to requests
  sent after the save returned.
- Preview flood: four clients ask for preview images never drawn before while a reader
  reads the (cached) timeline; the reader's p95 with and without the flood.
- Outages: PostgreSQL stopped for each duration, then frozen (its processes stopped);
  how long a reader waits for the 503, and how long after the database's return the
  site serves again.

Writes bench/results/soak.md and prints it. Ends by itself.
"""

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from loadtest import AdminSession, form_fields  # noqa: E402
from pgcluster import cluster_with_dataset, production_server  # noqa: E402

PASSWORD = "soak-editor-password-" + str(os.getpid())
EVENT = "beijing-military-parade-2025"
TITLE = "80th anniversary of the end of World War II"
READ_PAGES = [f"/events/{EVENT}/", "/timeline/export.json", "/leaders/kim-jong-un/"]


def get(url, timeout=30):
    """Status and body; a refused or dropped connection is status 0."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, reply.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except OSError:
        return 0, ""


def timed_get(url, timeout=30):
    started = time.monotonic()
    status, body = get(url, timeout)
    return status, body, time.monotonic() - started


def p95(values):
    return statistics.quantiles(values, n=20)[-1] * 1000 if len(values) >= 2 else float("nan")


def manage(url, code):
    env = os.environ | {"DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.split()


def prepare(url):
    """Two editors, and the primary keys of the event and of two events of one year."""
    code = f"""
from django.contrib.auth import get_user_model
from events.models import Event
for name in ("soak-a", "soak-b"):
    user, _ = get_user_model().objects.get_or_create(username=name)
    user.is_staff = user.is_superuser = True
    user.set_password({PASSWORD!r})
    user.save()
pair = Event.objects.published().filter(start_date__year=2025).order_by("pk").values_list("pk", flat=True)[:2]
print(Event.objects.get(slug={EVENT!r}).pk, *pair)
"""
    return [int(value) for value in manage(url, code)[-3:]]


def editors(base):
    sessions = [AdminSession(base), AdminSession(base)]
    for session, name in zip(sessions, ("soak-a", "soak-b"), strict=True):
        session.login(name, PASSWORD)
    return sessions


def save_at_once(submissions):
    """Post each (session, url, fields) at the same moment; each outcome is saved, refused or an error."""
    barrier = threading.Barrier(len(submissions))
    outcomes = [None] * len(submissions)

    def submit(index, session, url, fields):
        barrier.wait()
        try:
            reply = session.post(url, fields)
            refused = "after you opened it" in reply.read().decode()
            outcomes[index] = "refused" if refused else "saved" if reply.url.endswith("/event/") else "not saved"
        except urllib.error.HTTPError as error:
            outcomes[index] = f"error {error.code}"
        except OSError as error:
            outcomes[index] = f"error {error}"

    threads = [threading.Thread(target=submit, args=(index, *each)) for index, each in enumerate(submissions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def opened(session, pk, **changes):
    url = f"/admin/events/event/{pk}/change/"
    page, token = session.form(url)
    return session, url, form_fields(page) | {"csrfmiddlewaretoken": token, "_save": "Save", **changes}


def concurrent_edits(base, url, event_pk, pair, trials):
    sessions = editors(base)
    lost = errors = saved_one = 0
    for trial in range(trials):
        titles = [f"Soak edit {trial} by {name}" for name in ("A", "B")]
        submissions = [opened(session, event_pk, title=title) for session, title in zip(sessions, titles, strict=True)]
        outcomes = save_at_once(submissions)
        errors += sum(outcome.startswith("error") for outcome in outcomes)
        kept = form_fields(sessions[0].form(f"/admin/events/event/{event_pk}/change/")[0])["title"]
        saved = [title for title, outcome in zip(titles, outcomes, strict=True) if outcome == "saved"]
        if len(saved) > 1 or (saved and kept != saved[0]):
            lost += 1
        saved_one += len(saved) == 1
    kinds = ("meeting", "talks")
    kind_errors = 0
    for trial in range(trials):
        submissions = [
            opened(session, pk, kind=kinds[(trial + index) % 2])
            for index, (session, pk) in enumerate(zip(sessions, pair, strict=True))
        ]
        kind_errors += sum(outcome.startswith("error") for outcome in save_at_once(submissions))
    check = """
from django.db import transaction
from events import counts
from events.models import LaneCount
rows = lambda: sorted(LaneCount.objects.values_list("lanes", "lane", "year", "count", "first_day", "last_day"), key=str)
kept = rows()
with transaction.atomic():
    counts.rebuild()
    fresh = rows()
    transaction.set_rollback(True)
print("yes" if fresh == kept else "no")
"""
    counts_right = manage(url, check)[-1]
    return {
        "trials": trials,
        "lost": lost,
        "errors": errors,
        "one saved, one refused": saved_one,
        "kind errors": kind_errors,
        "counts right": counts_right,
    }


def unpublish_on_two_workers(base, event_pk, trials):
    session = editors(base)[0]
    stale = reads = 0
    longest = 0.0
    for _ in range(trials):
        for page in READ_PAGES:  # both workers cache the pages while the event is published
            for _ in range(4):
                get(base + page)
        _, token = session.form("/admin/events/event/")
        session.post(
            "/admin/events/event/",
            {"action": "unpublish", "_selected_action": event_pk, "csrfmiddlewaretoken": token, "index": "0"},
        )
        returned = time.monotonic()
        for _ in range(6):
            for page in READ_PAGES:
                status, body = get(base + page)
                reads += 1
                if (status == 200 and page.startswith("/events/")) or TITLE in body:
                    stale += 1
                    longest = max(longest, time.monotonic() - returned)
        _, token = session.form("/admin/events/event/")
        session.post(
            "/admin/events/event/",
            {"action": "publish", "_selected_action": event_pk, "csrfmiddlewaretoken": token, "index": "0"},
        )
    return {"trials": trials, "reads after the save": reads, "stale": stale, "longest stale s": round(longest, 2)}


def reader_latencies(base, seconds):
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        latencies.append(timed_get(base + "/timeline/")[2])
        time.sleep(0.05)
    return latencies


def preview_flood(base, seconds):
    get(base + "/timeline/")  # cached, as a page readers share is
    quiet = reader_latencies(base, seconds / 3)
    stop = threading.Event()
    answers = {"drawn": 0, "busy (503)": 0, "other": 0}

    def flood(client):
        n = 0
        while not stop.is_set():
            n += 1
            status, _ = get(f"{base}/preview/timeline.png?q=flood{client}x{n}", timeout=60)
            answers["drawn" if status == 200 else "busy (503)" if status == 503 else "other"] += 1

    clients = [threading.Thread(target=flood, args=(client,)) for client in range(4)]
    for client in clients:
        client.start()
    loud = reader_latencies(base, seconds)
    stop.set()
    for client in clients:
        client.join()
    return {
        "reader p95 ms, quiet": round(p95(quiet), 1),
        "reader p95 ms, flooded": round(p95(loud), 1),
        "reader requests": len(loud),
        **answers,
    }


def until_serving(base, limit=120):
    """Seconds until an uncached page answers 200 again."""
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < limit:
        n += 1
        if get(f"{base}/timeline/?q=back{n}", timeout=10)[0] == 200:
            return round(time.monotonic() - started, 2)
        time.sleep(0.1)
    return float("inf")


def outage_waits(base, seconds):
    """The longest and the usual wait for an answer while the database is away."""
    waits, statuses = [], set()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        status, _, waited = timed_get(f"{base}/timeline/?q=away{n}{time.monotonic()}", timeout=60)
        waits.append(waited)
        statuses.add(status)
        time.sleep(0.2)
    return {
        "answers": sorted(statuses),
        "longest wait s": round(max(waits), 2),
        "median wait s": round(statistics.median(waits), 2),
    }


def outages(base, cluster, durations, frozen):
    rows = []
    for duration in durations:
        cluster.stop()
        waits = outage_waits(base, duration)
        cluster.start()
        rows.append({"what": f"stopped {duration} s", **waits, "serving again after s": until_serving(base)})
    processes = cluster.processes()
    for pid in processes:
        os.kill(pid, signal.SIGSTOP)
    try:
        waits = outage_waits(base, frozen)
    finally:
        for pid in processes:
            os.kill(pid, signal.SIGCONT)
    rows.append({"what": f"frozen {frozen} s", **waits, "serving again after s": until_serving(base)})
    return rows


def table(rows):
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(row[key]) for key in header) + " |" for row in rows]
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--unpublish-trials", type=int, default=10)
    parser.add_argument("--flood-seconds", type=int, default=30)
    parser.add_argument("--outages", default="20,90", help="seconds PostgreSQL stays stopped, comma-separated")
    parser.add_argument("--frozen", type=int, default=10)
    args = parser.parse_args()
    durations = [int(value) for value in args.outages.split(",") if value]
    with cluster_with_dataset() as cluster:
        event_pk, *pair = prepare(cluster.url)
        with production_server(cluster.url, workers=2) as base:
            edits = concurrent_edits(base, cluster.url, event_pk, pair, args.trials)
            print("concurrent edits:", edits, flush=True)
            unpublish = unpublish_on_two_workers(base, event_pk, args.unpublish_trials)
            print("unpublish:", unpublish, flush=True)
            flood = preview_flood(base, args.flood_seconds)
            print("preview flood:", flood, flush=True)
            away = outages(base, cluster, durations, args.frozen)
            print("outages:", away, flush=True)
    lines = [
        "# Soak: lost edits, stale answers, readers under a preview flood, outages",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.node()}, {os.cpu_count()} cores · `make soak`: gunicorn "
        "with 2 workers, production settings, no Redis (the default setup), a PostgreSQL server of its own "
        "holding the parade dataset; all on loopback.",
        "",
        f"## Concurrent edits ({args.trials} trials each)",
        "",
        *table([edits]),
        "",
        "Two editors save the same event's form, opened at the same version, at the same moment: one is "
        "saved and the other refused with what changed, or neither is lost. Then two editors change the kinds "
        "of two events of the same year at once; the lane counts must equal a fresh count.",
        "",
        "## Unpublish on two workers",
        "",
        *table([unpublish]),
        "",
        "Stale: a read sent after the unpublishing save returned that still showed the event.",
        "",
        f"## Preview flood ({args.flood_seconds} s, 4 clients asking for new preview images)",
        "",
        *table([flood]),
        "",
        "## Outages",
        "",
        *table(away),
        "",
        "Waits are for an uncached page while the database is away; serving again is counted from the moment "
        "PostgreSQL is started (or woken) again.",
    ]
    (ROOT / "bench" / "results" / "soak.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
