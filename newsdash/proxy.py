"""The client's address, as the reverse proxies in front of gunicorn report it."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address a request came from, for django-axes' login throttle.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it was reached from to
    X-Forwarded-For, so the client's is that many entries from the right; anything further
    left was written by the client and proves nothing (a throttle keyed on it could be
    escaped with a new made-up address for each guess). Without proxies (0), or when the
    header lacks their entries, the connection's own address.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if count and len(forwarded) >= count:
        candidate = forwarded[-count].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")
