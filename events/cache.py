"""Caching keyed by a data version: any change an editor saves starts a new version,
so nothing cached before it is read again (it simply expires).

With REDIS_URL every app server shares the version; the in-process fallback
is per process, fine for one server.
"""

import datetime
import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import pinning

VERSION_KEY = "newsdash:data-version"
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


def data_version():
    """The current version; for a pinned view, its moment. What a settled moment shows
    never changes, so its cache outlives later edits (the banner of what changed since
    is worked out afresh)."""
    moment = pinning.pinned_at()
    if moment and moment < timezone.now() - SETTLED:
        return f"past@{pinning.format_moment(moment)}"
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return f"{version}@{pinning.format_moment(moment)}" if moment else version


def bump_data_version(**kwargs):
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached(name, parts, compute):
    """``compute()``'s value for these parts in the current data version."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"newsdash:{RELEASE}:{name}:{data_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


# Request headers that change what a page sends back (htmx fragments, zoom refetches).
PAGE_VARIANTS = ("HX-Request", "HX-Target", "HX-History-Restore-Request", "X-Newsdash-Zoom")


def cached_page(view):
    """Serve a public page's response from the cache, per data version.

    Editors are never served from it (they may preview drafts), and only
    successful responses are kept; any saved change starts a new version.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
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
