import fcntl
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
from pytest_django.fixtures import validate_django_db

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
# pytest-xdist's worker (make test runs one a core): gw0, gw1 ...; 0 without xdist.
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def own_redis_database(url):
    """A Redis URL with a database of this worker's own: tests clear the cache, which empties
    the whole database (FLUSHDB), whatever the keys' prefix. Worker N takes the URL's database
    less N (databases 15, 14 ... for the tests' default of 15)."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(database - WORKER) % 16}").geturl()


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


class _Rollback(Exception):
    pass


def _insertable_rows(model, rows):
    """An INSERT of these model instances' columns, values as the database takes them."""
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    params = [[field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields] for row in rows]
    return sql, params


def _values(row):
    return tuple(getattr(row, field.attname) for field in row._meta.concrete_fields)


@pytest.fixture(scope="session")
def dataset_rows(django_db_setup, django_db_blocker):
    """What `load_dataset` writes (the records, their history, the counts), read once a run:
    loaded in a transaction that is then rolled back, so the database stays as it was."""
    models = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
    with django_db_blocker.unblock():
        before = {model: {row.pk: _values(row) for row in model._base_manager.all()} for model in models}
        new, touched = [], []
        try:
            with transaction.atomic():
                call_command("load_dataset", verbosity=0)
                for model in models:
                    rows = {row.pk: row for row in model._base_manager.order_by("pk")}
                    if any(pk not in rows or _values(rows[pk]) != values for pk, values in before[model].items()):
                        touched.append(model)
                    added = [row for pk, row in rows.items() if pk not in before[model]]
                    if added:
                        new.append((model, *_insertable_rows(model, added)))
                raise _Rollback
        except _Rollback:
            pass
    # Only added rows are written again for each test: fail loudly if the load ever changes others.
    assert not touched, f"load_dataset changed rows that were there before it, which `dataset` misses: {touched}"
    return new


@pytest.fixture
def dataset(db, dataset_rows):
    """The parade story, as `make run` loads it: the rows `load_dataset` writes, its history
    records included, written again in this test's database (much faster than loading the file
    anew each time), and a new data version, as after the load."""
    from events.cache import bump_data_version

    with transaction.atomic(), connection.cursor() as cursor:
        for _model, sql, params in dataset_rows:
            cursor.executemany(sql, params)
        for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, *_ in dataset_rows]):
            cursor.execute(sql)
        bump_data_version()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected as production serves them, once a run (collecting takes a core
    some 20 s), into STATIC_ROOT, where the gunicorn servers of the tests read them. The
    first xdist worker to ask collects; the others wait for it."""
    from django.conf import settings

    sys.path.insert(0, str(ROOT / "bench"))
    from pgcluster import collect_static

    run = tmp_path_factory.getbasetemp()
    run = run.parent if "PYTEST_XDIST_WORKER" in os.environ else run
    with open(run / "collectstatic.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = run / "collectstatic.done"
        if not done.exists():
            collect_static()
            done.touch()
    return Path(settings.STATIC_ROOT)


@pytest.fixture(scope="session", autouse=True)
def own_shared_directory(tmp_path_factory):
    """The server's shared directory (drawing slots, the data version without Redis) of this
    test run's own: another run on the same checkout must not renew versions or hold slots."""
    from django.conf import settings

    directory = tmp_path_factory.mktemp("shared")
    caches = settings.CACHES
    if "filebased" in caches["shared"]["BACKEND"]:
        caches = caches | {"shared": caches["shared"] | {"LOCATION": str(directory / "cache")}}
    # With REDIS_URL, each xdist worker a database of its own: a test clears the cache.
    caches = {
        alias: cache | {"LOCATION": own_redis_database(cache["LOCATION"])} if "redis" in cache["BACKEND"] else cache
        for alias, cache in caches.items()
    }
    with override_settings(SHARED_DIR=str(directory), CACHES=caches):
        yield


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes():
    """Passwords hashed in a blink: the production hasher (PBKDF2) takes a third of a second a
    password by design, and the suite creates and logs in accounts some hundreds of times. No
    test is about the hash itself; what they check (logins, lockouts, permissions) is the same."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
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


# Each test database's contents as migrated (the Editors group, content types, permissions), by
# alias, kept when the test databases are made; and pytest-django's database blocker.
MIGRATED = {}
BLOCKER = []
# The databases' names before pytest-django sets up test databases: it sets up only those the
# collected tests use, and a run of database-free tests alone must leave the real one be.
REAL_NAMES = {alias: settings["NAME"] for alias, settings in django_settings.DATABASES.items()}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, their migrated contents kept (see MIGRATED)."""
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            each = connections[alias]
            if each.settings_dict.get("TEST", {}).get("MIRROR") or each.settings_dict["NAME"] == REAL_NAMES[alias]:
                continue
            if not hasattr(each, "_test_serialized_contents"):
                each._test_serialized_contents = each.creation.serialize_db_to_string()
            MIGRATED[alias] = each._test_serialized_contents
    BLOCKER.append(django_db_blocker)
    yield
    MIGRATED.clear()


def transactional(item):
    """Whether pytest-django runs this test with real commits, and so empties every table after it."""
    marker = item.get_closest_marker("django_db")
    if marker:
        commits, reset_sequences, *_ = validate_django_db(marker)
        if commits or reset_sequences:
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test, the database as migrated again. Django empties every table after
    one, and gives the migrated rows back only at the start of a ``serialized_rollback`` test (and
    only through the connection object that made the test database, which Playwright's event loop
    hides); so a test after it found no Editors group, or content types whose ids had changed,
    unless pytest-django's ordering put every transactional test last. Now any order will do."""
    try:
        return (yield)
    finally:
        if nextitem is not None and MIGRATED and transactional(item):
            from django.contrib.contenttypes.models import ContentType
            from django.db import connections

            with BLOCKER[0].unblock():
                for alias, contents in MIGRATED.items():
                    call_command("flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True)
                    connections[alias].creation.deserialize_db_from_string(contents)
            ContentType.objects.clear_cache()


@pytest.fixture(scope="session", autouse=True)
def close_pools(django_db_setup):
    """Close PostgreSQL connection pools before the test databases are dropped:
    a pool's idle connections (the replica's too) would keep them in use."""
    yield
    from django.db import connections

    for each in connections.all(initialized_only=True):
        if hasattr(each, "close_pool"):
            each.close_pool()
