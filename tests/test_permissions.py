"""Who may open what: every admin and public URL against four kinds of visitor.

The matrix is checked in one test (one database setup) and every mismatch is
listed together, so a failure reads as a table of what went wrong.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from events.models import Status

from .factories import ArrangementFactory, CitationFactory, CollectionFactory, EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Secret draft summit"
ADMIN_VIEWS = ["changelist", "add", "change", "delete", "history"]
# Accounts, groups and login lockouts are for administrators only.
STAFF_ONLY = {"user", "group", "accessattempt", "accesslog", "accessfailurelog"}
NO_ADD = {"accessattempt", "accesslog", "accessfailurelog"}  # written by django-axes itself


@pytest.fixture
def visitors(client, django_user_model, editor):
    reader = django_user_model.objects.create_user("reader", password="a-long-reader-password")
    boss = django_user_model.objects.create_superuser("boss", password="a-long-boss-password")
    return {"anonymous": None, "reader": reader, "editor": editor, "superuser": boss}


@pytest.fixture
def objects(dataset, django_user_model):
    """One object of each model the admin manages, and a draft that must stay hidden."""
    draft = EventFactory(title=DRAFT_TITLE, slug="secret-draft-summit", status=Status.DRAFT, summary="Not yet.")
    participation = ParticipationFactory(event=draft)
    citation = CitationFactory(event=draft)
    arrangement = ArrangementFactory(event=draft)
    CollectionFactory(slug="drafts-too")
    found = {model._meta.model_name: model.objects.order_by("pk").first() for model in admin.site._registry}
    found |= {"participation": participation, "citation": citation, "seatingarrangement": arrangement}
    found["group"] = Group.objects.get(name="Editors")
    found["user"] = django_user_model.objects.get(username="editor")
    return found | {"draft": draft}


def admin_urls(objects):
    urls = [("/admin/", "index"), ("/admin/events/", "app"), ("/admin/auth/", "auth-app")]
    urls += [("/admin/axes/", "auth-app")]
    for model in admin.site._registry:
        meta = model._meta
        for view in ADMIN_VIEWS:
            name = f"admin:{meta.app_label}_{meta.model_name}_{view}"
            instance = objects.get(meta.model_name)
            if view in ("changelist", "add"):
                urls.append((reverse(name), meta.model_name + ("-add" if view == "add" else "")))
            elif instance is not None:
                urls.append((reverse(name, args=[instance.pk]), meta.model_name))
    return urls


def expected_admin_status(visitor, model):
    if visitor in ("anonymous", "reader"):
        return 302  # to the login page
    if visitor == "editor" and model == "auth-app":
        return 404  # the admin hides an app with nothing the visitor may see
    if model.removesuffix("-add") in NO_ADD and model.endswith("-add"):
        return 403
    if visitor == "editor" and model.removesuffix("-add") in STAFF_ONLY:
        return 403
    return 200


PUBLIC = [
    "/",
    "/timeline/",
    "/timeline/?q=secret",
    "/timeline/?q=summit&kind=summit",
    "/embed/timeline/",
    "/timeline/export.csv",
    "/timeline/export.json",
    "/timeline/export.timelinejs.json",
    "/timeline/export.json?q=secret",
    "/leaders/",
    "/leaders/kim-jong-un/",
    "/collections/kim-jong-un-and-china/",
    "/events/beijing-military-parade-2025/",
    "/seating/compare/",
    "/healthz",
]


def test_the_permission_matrix(client, visitors, objects):
    mismatches, checked = [], 0
    draft_leader = objects["draft"].participations.get().leader
    public = [*PUBLIC, f"/timeline/?leader={draft_leader.slug}"]
    for visitor, user in visitors.items():
        client.logout()
        if user:
            client.force_login(user)
        for url, model in admin_urls(objects):
            status = client.get(url).status_code
            checked += 1
            if status != expected_admin_status(visitor, model):
                mismatches.append(f"{visitor} {url}: {status}, expected {expected_admin_status(visitor, model)}")
        for url in public:
            response = client.get(url)
            checked += 1
            body = response.content.decode()
            if response.status_code != 200:
                mismatches.append(f"{visitor} {url}: {response.status_code}")
            if DRAFT_TITLE in body and visitor in ("anonymous", "reader"):
                mismatches.append(f"{visitor} {url}: shows the draft")
        # Editors preview drafts, and a leader known only from drafts; the public sees neither.
        expected = 200 if visitor in ("editor", "superuser") else 404
        for name, url in (
            ("draft page", objects["draft"].get_absolute_url()),
            ("draft's leader", draft_leader.get_absolute_url()),
        ):
            status = client.get(url).status_code
            checked += 1
            if status != expected:
                mismatches.append(f"{visitor} {name}: {status}, expected {expected}")
    assert mismatches == [], "\n".join(mismatches)
    assert checked > 300, f"only {checked} pairs checked"
    print(f"permission matrix: {checked} visitor × URL pairs")  # shown with pytest -s


def test_editors_cannot_give_themselves_more_rights(editor_client, editor):
    response = editor_client.post(
        reverse("admin:auth_user_change", args=[editor.pk]), {"username": "editor", "is_superuser": "on"}
    )
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser
    assert editor_client.post(reverse("admin:auth_group_add"), {"name": "Admins"}).status_code == 403
    assert not Group.objects.filter(name="Admins").exists()
