"""Caching keyed by a data version: any change an editor saves starts a new version,
so nothing cached before it is read again (it simply expires).

With REDIS_URL every app server shares the version; the in-process fallback
is per process, fine for one server.
"""

import hashlib
import uuid

from django.core.cache import cache

VERSION_KEY = "newsdash:data-version"
TIMEOUT = 3600


def data_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def bump_data_version(**kwargs):
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached(name, parts, compute):
    """``compute()``'s value for these parts in the current data version."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"newsdash:{name}:{data_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
