"""Importing an article through the admin, in a real browser, by keyboard."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from events.models import Citation, Source

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ARTICLE = (
    Path(__file__).resolve().parents[2] / "events" / "data" / "sources" / "kim-jong-un-to-attend-beijing-parade.txt"
)


def test_an_editor_reviews_and_imports_an_article(page, site, django_user_model):
    django_user_model.objects.create_superuser("chief", password="a-long-chief-password")
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-chief-password")
    page.press("#id_password", "Enter")
    sources = Source.objects.count()
    page.goto(f"{site}/admin/events/source/")
    page.get_by_role("link", name="Import an article").click()
    page.get_by_label("or its text").fill(ARTICLE.read_text(encoding="utf-8"))
    page.get_by_label("Article's date").fill("2025-09-01")
    page.get_by_role("button", name="Read the article").press("Enter")

    parade = page.get_by_role("group", name="“September 3rd”: 3 September 2025 (day)")
    expect(
        parade.get_by_role("radio", name="Cite for the existing event Military parade at Tiananmen Square")
    ).to_be_checked()
    assert axe_violations(page) == []
    assert Source.objects.count() == sources, "reading saves nothing"

    page.get_by_role("button", name="Import what is chosen").press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("Everything new is a draft.")
    source = Source.objects.latest("pk")  # the one the import made
    assert Citation.objects.filter(source=source, event__slug="beijing-military-parade-2025").exists()
