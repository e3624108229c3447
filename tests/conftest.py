import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings

CHROMIUM = Path("/usr/bin/chromium")


def require_chromium(purpose):
    """Debian's Chromium draws browser tests and preview images: CI (CI=true) fails
    without it; elsewhere the test is skipped with the command that enables it."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI needs Chromium at {CHROMIUM} for {purpose}: apt-get install -y chromium")
    pytest.skip(f"{purpose.capitalize()} need Chromium at {CHROMIUM}: run `apt-get install -y chromium` to enable them")


@pytest.fixture
def editor(django_user_model):
    """A staff account in the Editors group, as `manage.py create_editor` makes it."""
    user = django_user_model.objects.create_user("editor", password="a-long-editor-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def dataset(db):
    """The parade story, loaded as `make run` loads it."""
    call_command("load_dataset", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def own_shared_directory(tmp_path_factory):
    """The server's shared directory (drawing slots, the data version without Redis) of this
    test run's own: another run on the same checkout must not renew versions or hold slots."""
    from django.conf import settings

    directory = tmp_path_factory.mktemp("shared")
    caches = settings.CACHES
    if "filebased" in caches["shared"]["BACKEND"]:
        caches = caches | {"shared": caches["shared"] | {"LOCATION": str(directory / "cache")}}
    with override_settings(SHARED_DIR=str(directory), CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with nothing cached, as a new server would."""
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()
    yield
    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture(scope="session", autouse=True)
def close_pools(django_db_setup):
    """Close PostgreSQL connection pools before the test databases are dropped:
    a pool's idle connections (the replica's too) would keep them in use."""
    yield
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if hasattr(connection, "close_pool"):
            connection.close_pool()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last (after pytest-django has put transactional tests after the rest):
    Playwright's event loop leaves Django a connection object that lacks the serialized test
    data, so a ``serialized_rollback`` test after one would start from an empty database."""
    items.sort(key=lambda item: item.path.parent.name == "browser")
