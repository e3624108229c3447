"""Caching keyed by a data version: any change an editor saves starts a new version,
so nothing cached before it is read again (it simply expires).

The version lives in the ``shared`` cache, which every process of a server reads
(Redis with REDIS_URL, else files in one directory): a save is seen by every worker
as soon as it returns. Pages themselves may stay in each process's own memory.
"""

import datetime
import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from . import pinning

VERSION_KEY = "newsdash:data-version"
# Renewed by every withdrawal (events.takedown): even a settled past shows less after one.
TAKEDOWN_KEY = "newsdash:takedown-version"
TIMEOUT = 3600


def release(roots, patterns=("*.py", "*.html", "*.js", "*.css", "package-lock.json")):
    """A digest of the code that shapes what is cached: a new release never reads what an
    older one left in a shared cache (a page or a result of another shape)."""
    digest = hashlib.sha256()
    for root in roots:
        files = [root] if root.is_file() else sorted(f for pattern in patterns for f in root.rglob(pattern))
        for file in files:
            digest.update(str(file.relative_to(root.parent)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


CODE = ("newsdash", "events", "templates", "static", "package-lock.json")
RELEASE = release([settings.BASE_DIR / name for name in CODE])


# A moment this far back is settled: no save still in flight can be dated before it.
SETTLED = datetime.timedelta(minutes=1)


def data_version(moment=None):
    """The current version; for a view pinned to ``moment``, that moment. What a settled
    moment shows never changes, so its cache outlives later edits (the banner of what
    changed since is worked out afresh), but not a withdrawal."""
    if moment and moment < timezone.now() - SETTLED:
        return f"past@{pinning.format_moment(moment)}#{takedown_version()}"
    shared = caches["shared"]
    version = shared.get(VERSION_KEY)
    if version is None:
        shared.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = shared.get(VERSION_KEY)
    return f"{version}@{pinning.format_moment(moment)}" if moment else version


def new_version():
    caches["shared"].set(VERSION_KEY, uuid.uuid4().hex, None)


def bump_data_version(using=None, **kwargs):
    """A new version now, and again when the transaction commits: a reader who filled
    the cache from the data as it was before the commit had it under the first one."""
    new_version()
    transaction.on_commit(new_version, using=using)


def takedown_version():
    shared = caches["shared"]
    version = shared.get(TAKEDOWN_KEY)
    if version is None:
        shared.add(TAKEDOWN_KEY, uuid.uuid4().hex, None)
        version = shared.get(TAKEDOWN_KEY)
    return version


def new_takedown_version():
    caches["shared"].set(TAKEDOWN_KEY, uuid.uuid4().hex, None)


def bump_takedown_version(using=None, **kwargs):
    """As ``bump_data_version``, for a withdrawal saved or deleted."""
    new_takedown_version()
    transaction.on_commit(new_takedown_version, using=using)


def cached(name, parts, compute, moment=None):
    """``compute()``'s value for these parts in the current data version, or as of the
    ``moment`` a pinned view reads."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"newsdash:{RELEASE}:{name}:{data_version(moment)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


# Request headers that change what a page sends back: htmx fragments (a boosted or a
# history-restoring request gets the whole page whatever its target) and zoom refetches.
# Each is in the cache key and in Vary, so no variant is served for another.
PAGE_VARIANTS = ("HX-Request", "HX-Boosted", "HX-Target", "HX-History-Restore-Request", "X-Newsdash-Zoom")


def cached_page(view):
    """Serve a public page's response from the cache, per data version.

    Editors are never served from it (they may preview drafts), and only
    successful responses are kept; any saved change starts a new version.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = serve(request, *args, **kwargs)
        patch_vary_headers(response, PAGE_VARIANTS)
        return response

    def serve(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        variant = [request.get_host(), request.scheme, request.get_full_path()]
        variant += [request.headers.get(header, "") for header in PAGE_VARIANTS]
        variant.append("gzip" in request.headers.get("Accept-Encoding", ""))
        digest = hashlib.sha256(repr(variant).encode()).hexdigest()[:40]
        key = f"newsdash:{RELEASE}:page:{data_version()}:{digest}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                cache.set(key, response, TIMEOUT)
        return response

    return wrapper
