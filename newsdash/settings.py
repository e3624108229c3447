"""newsdash settings: one module, read from the environment.

The defaults serve development (DEBUG on, a SQLite file in the repository);
with DEBUG=0 the settings refuse to start without a real SECRET_KEY and
ALLOWED_HOSTS.
"""

import hashlib
import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY: DEBUG is off and there is no development key.")
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS: DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "nested_admin",
    "csp",
    "axes",
    "simple_history",
    "events",
]

MIDDLEWARE = [
    "newsdash.middleware.RequestIdMiddleware",
    "newsdash.middleware.LimitBodyMiddleware",  # before anything reads the body (CSRF does)
    "newsdash.middleware.DatabaseUnavailableMiddleware",
    "newsdash.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Login throttling: after 10 failed logins to an account from one address, that account
# is locked for an hour for that address, and the lockout is logged (logger "axes").
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
# The account and the address together: guessing one editor's password from one address is
# throttled, but a stranger's failures cannot lock out an editor who logs in from elsewhere,
# nor one editor's typos the rest of a newsroom behind the same address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address as the reverse proxies in front of gunicorn report it (newsdash.proxy): set
# TRUSTED_PROXY_COUNT to their number, or every client is the proxy's own address.
AXES_CLIENT_IP_CALLABLE = "newsdash.proxy.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]  # the log names the account and address, never a password

ROOT_URLCONF = "newsdash.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdash.middleware.csp_nonce",
                "events.context_processors.citation",
            ],
        },
    },
]

WSGI_APPLICATION = "newsdash.wsgi.application"

# DATABASE_URL picks the database; PostgreSQL goes through psycopg 3 with
# Django's own connection pool (which requires CONN_MAX_AGE = 0).
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}


# App servers (newsdash/wsgi.py) bound every statement: a page waits at most this long for
# the database, then answers 503. Commands and migrations run unbounded (0).
STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT") or 0)
# How long a connection waits for any answer before taking the server for frozen: a little
# longer, so that a server still running ends a slow statement itself and keeps the connection.
DATABASE_WAIT = STATEMENT_TIMEOUT + 0.3 if STATEMENT_TIMEOUT else None


def pooled(database):
    """PostgreSQL through a pool that gives up within 1.5 seconds when the server is down,
    so a page answers 503 at once instead of hanging, and that reconnects as soon as the
    server is back: a failed reconnection gives up after a second instead of backing off
    ever longer, so the next request tries afresh. Connections are checked before use, so
    none broken by an outage is handed to a page."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["pool"] = {
            "min_size": 1,
            "max_size": 8,
            "timeout": 1.5,
            "reconnect_timeout": 1,
            "connection_class": import_string("newsdash.db.Connection"),
        }
        options["connect_timeout"] = 2
        database["CONN_HEALTH_CHECKS"] = True
        if STATEMENT_TIMEOUT:
            milliseconds = round(STATEMENT_TIMEOUT * 1000)
            options["options"] = f"-c statement_timeout={milliseconds} -c lock_timeout={milliseconds}"
    return database


pooled(DATABASES["default"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes the write lock as it begins, so what a save checks before writing
    # (the version an editor opened, the lane counts) cannot change under it; a save waits
    # for the one before it instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

# A read replica (PostgreSQL streaming replication, say): reads go there, writes
# to the primary. Tests mirror it onto the primary's test database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = pooled(dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsdash.routers.ReplicaRouter"]

# What every process of one server shares on its disk (one checkout, one database): drawing
# slots, and without Redis the "shared" cache.
SHARED_DIR = os.environ.get("SHARED_DIR") or os.path.join(
    tempfile.gettempdir(), "newsdash-" + hashlib.sha256(f"{BASE_DIR}|{DATABASE_URL}".encode()).hexdigest()[:12]
)

# "shared" holds what every process must agree on (the data version): a save on one worker
# is seen by the others at once. Pages may stay in each process's own memory ("default").
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "newsdash"}
    CACHES = {"default": redis, "shared": redis}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(SHARED_DIR, "cache"),
        },
    }

# Link preview images drawn at once by one server, and how many more may wait their turn:
# with two sync workers, one drawing leaves the other free for readers.
PREVIEW_DRAWERS = int(os.environ.get("PREVIEW_DRAWERS", 1))
PREVIEW_QUEUE = int(os.environ.get("PREVIEW_QUEUE", 0))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Browser libraries come from npm (package.json and its lockfile), never copied in.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/plotly", BASE_DIR / "node_modules" / "plotly.js-basic-dist-min"),
]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "admin:login"

# The admin's history pages show who changed what; reverting is a change too.
SIMPLE_HISTORY_REVERT_DISABLED = False

# Development serves static files straight from the finders; production
# serves the collected, compressed copies.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG


# HTTPS in production: the reverse proxy terminates TLS and says so in X-Forwarded-Proto
# (it must set that header itself, never pass on a client's). Each can be turned off
# for a plain-HTTP loopback server, as the benchmarks run one.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Content Security Policy: scripts only from our own files or with this response's
# nonce, never inline or eval. Styles may be inline because plotly.js writes its own
# style elements and attributes. Pages may be framed by our own pages only, except
# the embed (see events.views.embed_timeline).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Errors and every admin change are logged with the request's id (X-Request-ID).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsdash.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "newsdash": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# Request size limits: an article's full text (200,000 characters) fits, a runaway
# upload does not; an event with many seats and citations stays within the field count.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The same for the whole body, files included, which Django's limit leaves out: more is
# answered 413 before it is read (newsdash.middleware.LimitBodyMiddleware).
MAX_REQUEST_BODY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
