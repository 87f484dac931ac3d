"""Structured request logs: one JSON line per request on `directory.requests`, with a request id that is echoed back,
and nothing personal: no full postcode, no words a person typed, no email address."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.logs import JsonFormatter
from tests.factories import make_postcode, make_service, make_user

FIELDS = {"time", "request_id", "method", "path", "params", "status", "duration_ms", "user_id"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="directory.requests")

    def lines():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "directory.requests"]

    return lines


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_request_makes_one_json_line_with_what_happened(client, db, request_lines):
    response = client.get("/accessibility/")

    (line,) = request_lines()
    assert set(line) == FIELDS  # no query count: DEBUG is off
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/accessibility/", 200, None)
    assert line["params"] == {}
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")
    assert response["X-Request-ID"] == line["request_id"]
    assert len(line["request_id"]) == 32


def test_the_search_is_logged_by_postcode_district_and_parameter_names_only(client, db, request_lines):
    make_postcode("WR1 2EY", 385000, 255000)
    client.get("/search/", {"postcode": "wr1 2ey", "q": "mum jane@example.org 07700 900123", "category": "day-clubs",
                            "distance": "10"})

    (line,) = request_lines()
    text = json.dumps(line)
    assert line["params"] == {"postcode": "WR1", "q": None, "category": "day-clubs", "distance": "10"}
    for personal in ("2EY", "2ey", "jane", "example.org", "07700", "mum"):
        assert personal not in text


@pytest.mark.parametrize("typed, district", [("WR1 2EY", "WR1"), ("wr12ey", "WR1"), ("WR12 7AB", "WR12"),
                                              ("EC1A 1BB", "EC1A"), ("wr1", "WR1"), ("not a postcode", None)])
def test_a_postcode_is_cut_to_its_district(typed, district):
    from core.middleware import postcode_district

    assert postcode_district(typed) == district


def test_a_signed_in_person_is_logged_by_id_never_email(client, db, request_lines):
    person = make_user("ruth@worcestershire.example", name="Ruth Jones")
    client.force_login(person)

    client.get("/shortlist/")

    (line,) = request_lines()
    assert line["user_id"] == person.pk
    assert "ruth" not in json.dumps(line).lower()


def test_a_sane_incoming_request_id_is_kept_and_echoed(client, db, request_lines):
    response = client.get("/accessibility/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")

    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"
    assert request_lines()[0]["request_id"] == "lb-7f3a9c2e-0001"


@pytest.mark.parametrize("incoming", ["short", "has spaces in it", "<script>x</script>", "x" * 101, "a\r\nb: c"])
def test_anything_else_sent_as_a_request_id_is_replaced(client, db, request_lines, incoming):
    response = client.get("/accessibility/", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32
    assert request_lines()[0]["request_id"] == response["X-Request-ID"]


def test_in_debug_the_line_counts_the_queries(client, db, request_lines, settings):
    settings.DEBUG = True
    service = make_service("Thursday Day Club")

    client.get(f"/services/{service.pk}/")

    (line,) = request_lines()
    assert line["queries"] >= 1


def test_a_healthy_healthz_is_not_logged_but_other_statuses_are(client, db, request_lines):
    client.get("/healthz")
    client.get("/no-such-page/")

    assert [(line["path"], line["status"]) for line in request_lines()] == [("/no-such-page/", 404)]


def test_a_post_is_logged_without_its_fields(client, db, request_lines):
    client.post("/sign-in/", {"email": "ruth@worcestershire.example", "password": "a secret password 1"})

    text = json.dumps(request_lines())
    assert "ruth" not in text and "secret" not in text
    assert request_lines()[0]["method"] == "POST"


def test_the_json_formatter_writes_other_records_as_json_with_the_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",), sys.exc_info()
        )

    line = json.loads(JsonFormatter().format(record))

    assert (line["level"], line["logger"], line["message"]) == ("ERROR", "django.request", "Internal Server Error: /x/")
    assert "ValueError: boom" in line["exception"]


def test_production_logs_are_json_lines_on_standard_output():
    """A real production-settings process: its request log line arrives on stdout, as JSON."""
    code = (
        "import django, logging, json; django.setup(); "
        "from django.conf import settings; "
        "h = logging.getLogger().handlers[0]; "
        "print(type(h.formatter).__name__, h.stream.name); "
        "logging.getLogger('directory.requests').info(json.dumps({'path': '/'}), extra={'json_line': True}); "
        "logging.getLogger('django.request').warning('Not Found: %s', '/x/')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV": "production",
           "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "directory.example.org"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)

    assert result.returncode == 0, result.stderr
    described, request_line, other_line = result.stdout.strip().splitlines()[-3:]
    assert described == "JsonFormatter <stdout>"
    assert json.loads(request_line) == {"path": "/"}
    assert json.loads(other_line)["message"] == "Not Found: /x/"


def test_the_database_unavailable_filter_makes_one_warning_without_a_traceback():
    from core.logs import DatabaseUnavailableFilter

    class Request:
        path = "/search/"
        database_error = "OperationalError: connection refused"

    try:
        raise RuntimeError("a long traceback")
    except RuntimeError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/search/",), sys.exc_info(),
            extra={"request": Request()},
        )

    assert DatabaseUnavailableFilter().filter(record)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage() == "Database unavailable (OperationalError: connection refused): /search/"
