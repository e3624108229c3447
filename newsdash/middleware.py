"""Request ids for the logs, a 413 for a body too large to read, a friendly 503 while
the database is down, and the CSP nonce for templates.

Every request gets an id: the proxy's X-Request-ID when it sends a sane one, else a
new one. It is sent back in the response and stamped on every log record made
while the request is served, so an error report and the proxy's log meet.
"""

import contextvars
import io
import logging
import re
import uuid

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.response import SimpleTemplateResponse

logger = logging.getLogger("newsdash")

current_request_id = contextvars.ContextVar("request_id", default="-")
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.id = given if SANE_ID.fullmatch(given) else uuid.uuid4().hex
        token = current_request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """For handlers: records made outside a request say "-"."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


_make_record = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs):
    # Stamped when the record is made, so every handler (and a test's capture) sees it.
    record = _make_record(*args, **kwargs)
    record.request_id = current_request_id.get()
    return record


logging.setLogRecordFactory(_record_with_request_id)


def csp_nonce(request):
    """The nonce as django-htmx's {% htmx_script %} looks for it, and for our own tags."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class LimitBodyMiddleware:
    """A request body over MAX_REQUEST_BODY_SIZE is answered 413 before any of it is read.

    Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves out files, so a 100 MB "file"
    posted to any form, the login page's included, was read in full. A body sent without a
    length (chunked) is read up to the limit and no further; within it, Django gets it as if
    its length had been sent (Django reads a body by its Content-Length, so would see none).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_SIZE
        try:
            size = int(request.META.get("CONTENT_LENGTH") or "")
        except ValueError:
            size = None
        if size is not None:
            if size > limit:
                return too_large(megabytes(size, limit), limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower() and request.META.get(
            "wsgi.input_terminated"  # the server ends the stream with the body (PEP 3333's extension)
        ):
            body = request.META["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return too_large(f"more than {megabytes(limit, limit)}", limit)
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        return self.get_response(request)


def megabytes(size, limit):
    shown = f"{size / 2**20:.1f} MB"
    if shown == f"{limit / 2**20:.1f} MB" and size != limit:  # just over: say how much
        shown = f"{size:,} bytes"
    return shown.replace(".0 MB", " MB")


def too_large(sent, limit):
    return HttpResponse(
        f"Request too large: it sends {sent}, and newsdash accepts at most {megabytes(limit, limit)}. "
        "Nothing was read or saved.",
        status=413,
        content_type="text/plain; charset=utf-8",
    )


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with a page saying so, at once
    (the pool gives up after 1.5 seconds), and the next request tries again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        response = SimpleTemplateResponse("503.html", status=503)
        response["Retry-After"] = "30"
        return response.render()


class RefuseNulMiddleware:
    """A NUL character in a link is never meant, and PostgreSQL cannot even compare
    text with one: such a request is answered 400 before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # lists(), not items(): items() gives only the last of a repeated parameter's values.
        values = (item for key, values in request.GET.lists() for item in (key, *values))
        if "\x00" in request.path or any("\x00" in item for item in values):
            return HttpResponseBadRequest(
                "This link contains a NUL character (%00), which no newsdash page uses.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
