"""One structured log line per request, and a friendly 503 page while the database cannot be reached.

RequestLogMiddleware comes first in MIDDLEWARE, so it sees every request and the final response.
DatabaseUnavailableMiddleware comes last, so its `process_exception` sees what a view (or the templates and context
processors it renders) raises. What other middleware raises when the database goes away (loading the session or
the signed-in user, saving the session) never reaches a `process_exception`: Django turns it into a 500 response
on the spot. The `got_request_exception` receiver below marks such a request, and RequestLogMiddleware, on the way
out, swaps that 500 for the same 503 page. Either way nobody sees a traceback, and the 503 page is rendered from a
minimal context without the request, so no context processor runs and nothing on it needs the database.

A POST that fails because the database is away gets "We could not save what you sent" with a "Try again" button:
a form that posts the same fields (passwords left out) to the same address, CSRF token included, so nothing typed
is lost and it works without JavaScript. Our forms have no file uploads.
"""

import json
import logging
import re
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject, empty

request_log = logging.getLogger("directory.requests")

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)

# An incoming X-Request-ID is kept when it looks like an id (a load balancer's or a proxy's); anything else is replaced.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")

# Never echoed back in the "Try again" form: the person types these again.
SECRET_FIELD = re.compile(r"pass(word|wd|phrase)|secret|totp|otp", re.IGNORECASE)

# Request-log values: a postcode is cut to its district; the values of these parameters (which come from fixed
# lists: slugs, numbers, yes/no) are kept; every other parameter is logged by name only, since it may hold words a
# person typed.
POSTCODE_PARAMETERS = {"postcode"}
PLAIN_PARAMETERS = {"category", "client_group", "delivery", "cost", "pay", "taking", "distance", "page", "per_page",
                    "change", "status", "lost"}
FULL_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")
DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_-]{0,40}$")
QUIET_WHEN_OK = {"/healthz"}  # a load balancer asks every few seconds: logged only when it is not healthy


def is_database_error(error) -> bool:
    return isinstance(error, DATABASE_ERRORS)


# The 503 page -------------------------------------------------------------------------------------------------------


def database_unavailable_response(request) -> HttpResponse:
    """The 503 answer: JSON for the API, otherwise the friendly page (with a "Try again" form for a POST)."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"message": "The service is unavailable for a moment: try again shortly."}, status=503
        )
    else:
        is_post = request.method == "POST"
        fields, left_out = _fields_to_post_again(request) if is_post else ([], False)
        context = {
            "SITE_NAME": settings.SITE_NAME,
            "COUNCIL_NAME": settings.COUNCIL_NAME,
            "is_post": is_post,
            "retry_url": request.get_full_path(),
            "fields": fields,
            "left_out": left_out,
        }
        # No `request`: context processors would load the session and the user, which needs the database.
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Set here too, since a 503 made in RequestLogMiddleware never passes XFrameOptionsMiddleware.
    response["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY")
    return response


def _fields_to_post_again(request) -> tuple[list[tuple[str, str]], bool]:
    """Every posted (name, value), in order, except secrets; and whether anything was left out."""
    fields, left_out = [], False
    try:
        posted = request.POST
    except Exception:  # an unreadable body: offer nothing to post again rather than fail here
        return [], True
    for name, values in posted.lists():
        if SECRET_FIELD.search(name):
            left_out = True
            continue
        fields.extend((name, value) for value in values)
    return fields, left_out


def _mark(request, error) -> None:
    first_line = (str(error).strip().splitlines() or [""])[0]
    request.database_error = f"{type(error).__name__}: {first_line}"[:300]


@receiver(got_request_exception, dispatch_uid="core.middleware.database_unavailable")
def _note_database_error(sender, request=None, **kwargs):
    """Called by Django inside its exception handling for anything no process_exception answered."""
    error = sys.exc_info()[1]
    if request is not None and is_database_error(error):
        _mark(request, error)


class DatabaseUnavailableMiddleware:
    """A friendly 503 page instead of a traceback while the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_error(exception):
            return None
        _mark(request, exception)
        return database_unavailable_response(request)


# Request logs --------------------------------------------------------------------------------------------------------


class RequestLogMiddleware:
    """One JSON line per request on the `directory.requests` logger; the request id echoed as X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        counter = QueryCounter() if settings.DEBUG else None
        with ExitStack() as stack:
            if counter is not None:
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)

        if response.status_code == 500 and getattr(request, "database_error", None):
            # The database went away inside another middleware (the session, the user): the same 503 page.
            response = _replace_keeping_headers(response, database_unavailable_response(request))
        response["X-Request-ID"] = request.request_id

        if not (request.path in QUIET_WHEN_OK and response.status_code == 200):
            line = {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "params": loggable_params(request.GET),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            }
            if getattr(request, "database_error", None):
                line["database_error"] = request.database_error
            if getattr(request, "page_cache", None):
                line["page_cache"] = request.page_cache  # "hit" or "miss" (directory/page_cache.py)
            if counter is not None:
                line["queries"] = counter.count
            request_log.info(json.dumps(line), extra={"json_line": True})
        return response


def _replace_keeping_headers(old: HttpResponse, new: HttpResponse) -> HttpResponse:
    """`new`, with the headers the outer middleware put on `old` (security headers, Vary), except its content's."""
    own = {"content-type", "content-length", "content-encoding", "retry-after", "cache-control"}
    for name, value in old.items():
        if name.lower() not in own and name not in new:
            new[name] = value
    new.cookies = old.cookies
    return new


def loggable_params(query) -> dict:
    """The query string's parameters: postcodes cut to their district, free text by name only (value null)."""
    params = {}
    for name in query:
        value = query.get(name, "")
        if name in POSTCODE_PARAMETERS:
            params[name] = postcode_district(value)
        elif name in PLAIN_PARAMETERS and all(PLAIN_VALUE.match(v) for v in query.getlist(name)):
            values = query.getlist(name)
            params[name] = values[0] if len(values) == 1 else values
        else:
            params[name] = None
    return params


def postcode_district(text: str) -> str | None:
    """The district (outward code) of a full or partial postcode, like "WR1" for "wr12ey"; None if it is not one."""
    compact = re.sub(r"\s+", "", text).upper()
    full = FULL_POSTCODE.fullmatch(compact)
    if full:
        return full.group(1)
    return compact if DISTRICT.fullmatch(compact) else None


def _user_id(request):
    """The signed-in user's id if this request already looked them up; never a database query of its own."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:  # not looked up during this request
            return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class QueryCounter:
    """Counts SQL queries (a database execute wrapper), in DEBUG only."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
