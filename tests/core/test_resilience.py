"""When the database goes away: a friendly 503 page at once (never a traceback, never a hang), nothing a person
typed is lost, and the site works again as soon as the database is back, without a restart.

How the outage is made, honestly:
- `database_unreachable()` points this process's connection at a local port where nothing listens, so the next
  query must open a real connection and psycopg really fails to connect ("Connection refused"), exactly as it does
  while PostgreSQL is stopped. The shared test database itself is never stopped. Tests that use it run with
  `transaction=True`, since a connection cannot be closed and reopened inside the test's transaction.
- For a failure in the middle of a request (the database going away after the view has run, while the session is
  saved) a Django execute wrapper raises Django's own OperationalError for the session's write: an outage at the
  connection layer, not fake data.
- `test_a_real_outage_…` stops and starts a real PostgreSQL: a separate pgserver instance in a temporary
  directory, served by gunicorn with production settings, never the shared one. `make loadtest --outage` (manage.py
  loadtest --outage 5) does the same to the shared embedded database under load.
"""

import html
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from enterprises.models import Organisation
from tests.factories import make_council, make_postcode, make_service, make_user

ROOT = Path(__file__).resolve().parents[2]
REAL_OUTAGE_TIMEOUT = 120


# Making the database unreachable ------------------------------------------------------------------------------------


def closed_port() -> int:
    """A local TCP port where nothing listens (so connecting is refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    """This process's default connection points at a closed port until the block ends."""
    settings_dict = connection.settings_dict
    saved = {key: settings_dict.get(key) for key in ("HOST", "PORT", "OPTIONS")}
    options = dict(saved["OPTIONS"] or {})
    options.pop("host", None)  # a DATABASE_URL's ?host= would win over HOST
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()), OPTIONS=options)
    try:
        yield
    finally:
        connection.close()
        settings_dict.update(saved)


def session_write_fails(execute, sql, params, many, context):
    """An execute wrapper: the database goes away just as the session is written."""
    if "django_session" in sql and sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


# Reading the 503 page ---------------------------------------------------------------------------------------------


class Forms(HTMLParser):
    """The POST forms on a page: their action and hidden fields, in order."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.forms.append({"action": attrs.get("action"), "fields": []})
        elif tag == "input" and attrs.get("type") == "hidden" and self.forms:
            self.forms[-1]["fields"].append((attrs["name"], attrs.get("value", "")))


def post_forms(response) -> list[dict]:
    parser = Forms()
    parser.feed(response.content.decode())
    return parser.forms


def assert_friendly_503(response):
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Traceback" not in page and "OperationalError" not in page and "psycopg" not in page
    assert "Worcestershire County Council" in page  # the site's own layout, rendered without the database
    return page


# People and places ----------------------------------------------------------------------------------------------------


@pytest.fixture
def day_club(db):
    return make_service("Thursday Day Club", venue=make_postcode("WR1 2EY", 385000, 255000))


@pytest.fixture
def referrer(db):
    ruth = make_user("ruth@worcestershire.example", name="Ruth Jones")
    team = Organisation.objects.create(council=make_council(), name="Adult Social Care – Wyre Forest team")
    team.members.add(ruth)
    return ruth


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


# While the database is away ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_page_answers_at_once_with_the_friendly_503_page_and_no_traceback(client, day_club):
    client = Client(raise_request_exception=False)  # as a real server: an exception is an answer, not a re-raise
    client.post(reverse("shortlist_add", args=[day_club.pk]))  # a visitor with a session, which needs the database

    with database_unreachable():
        began = time.perf_counter()
        response = client.get(reverse("search"), {"postcode": "WR1 2EY"})
        took = time.perf_counter() - began

    page = assert_friendly_503(response)
    assert took < 3
    assert "Sorry, the service is unavailable" in page
    assert 'href="/search/?postcode=WR1+2EY"' in page  # "try again" goes back to the same page
    assert "We could not save" not in page


@pytest.mark.django_db(transaction=True)
def test_a_visitor_without_a_session_gets_the_503_page_for_a_page_that_needs_the_database(day_club):
    with database_unreachable():
        response = Client(raise_request_exception=False).get(reverse("service", args=[day_club.pk]))

    assert_friendly_503(response)


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_in_json(day_club):
    with database_unreachable():
        response = Client(raise_request_exception=False).get("/api/oruk/services")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert "try again" in response.json()["message"]


@pytest.mark.django_db(transaction=True)
def test_answers_posted_while_the_database_is_away_come_back_in_a_form_that_sends_them_again(day_club, referrer):
    """Ruth types a person's details; the database is away when she presses Continue. She is told that nothing
    was saved, and "Try again" posts exactly what she typed (with her CSRF token) once the database is back."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(referrer)
    start_url = reverse("referrals:start", kwargs={"pk": day_club.pk})
    client.post(start_url, {"csrfmiddlewaretoken": csrf_token(client.get(start_url))})
    consent_url = reverse("referrals:consent", kwargs={"pk": day_club.pk})
    client.post(consent_url, {"csrfmiddlewaretoken": csrf_token(client.get(consent_url)), "consent": "phone"})
    person_url = reverse("referrals:person", kwargs={"pk": day_club.pk})
    token = csrf_token(client.get(person_url))
    typed = {
        "csrfmiddlewaretoken": token,
        "person_name": 'Margaret "Peggy" Evans <script>alert(1)</script>',
        "date_of_birth_day": "27", "date_of_birth_month": "3", "date_of_birth_year": "1948",
        "contact_method": "phone", "phone": "01905 000111", "email": "",
        "address": "4 Foregate Street\nWorcester & District",
    }

    with database_unreachable():
        response = client.post(person_url, typed)

    page = assert_friendly_503(response)
    assert "We could not save what you sent" in page
    assert "Nothing you typed has been lost" in page
    assert "<script>alert(1)</script>" not in page  # escaped, not run
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (form,) = post_forms(response)
    assert form["action"] == person_url
    assert form["fields"] == list(typed.items())  # every field, in order, the CSRF token included

    again = client.post(html.unescape(form["action"]), dict(form["fields"]))  # the database is back

    assert again.status_code == 302, again.content.decode()
    assert again.url == reverse("referrals:postcode", kwargs={"pk": day_club.pk})
    draft = client.session["referral_drafts"][str(day_club.pk)]
    assert draft["person_name"] == typed["person_name"]
    assert draft["address"].splitlines() == ["4 Foregate Street", "Worcester & District"]


@pytest.mark.django_db(transaction=True)
def test_a_password_is_never_sent_back_in_the_page(referrer):
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.post(reverse("sign_in"), {"email": "ruth@worcestershire.example",
                                                    "password": "my secret password 123"})

    page = assert_friendly_503(response)
    assert "my secret password 123" not in page
    (form,) = post_forms(response)
    assert form["fields"] == [("email", "ruth@worcestershire.example")]
    assert "type your password again" in page


@pytest.mark.django_db(transaction=True)
def test_the_next_request_after_the_outage_works_without_a_restart(day_club):
    client = Client(raise_request_exception=False)
    client.post(reverse("shortlist_add", args=[day_club.pk]))
    with database_unreachable():
        assert client.get(reverse("shortlist")).status_code == 503

    response = client.get(reverse("shortlist"))

    assert response.status_code == 200
    assert "Thursday Day Club" in response.content.decode()  # the session and its shortlist were never lost


def test_the_database_going_away_while_the_session_is_saved_gets_the_same_503_page(day_club):
    """The view has run; saving the session (in SessionMiddleware, outside any view) fails."""
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(session_write_fails):
        response = client.post(reverse("shortlist_add", args=[day_club.pk]), {"next": "/shortlist/"})

    page = assert_friendly_503(response)
    assert "We could not save what you sent" in page
    assert ("next", "/shortlist/") in post_forms(response)[0]["fields"]
    assert response["X-Frame-Options"] == "DENY"  # the security headers of the page it replaced are kept
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_the_503_page_needs_no_database_at_all(rf):
    """No `db` fixture: pytest-django refuses any database access here, so rendering it must need none."""
    from core.middleware import database_unavailable_response

    request = rf.post("/provider/listing/about/", {"name": "Severn Sitters", "new_password1": "x"})
    response = database_unavailable_response(request)

    assert response.status_code == 503
    assert "Severn Sitters" in response.content.decode()


def test_other_errors_are_not_mistaken_for_the_database_being_away():
    from core.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    assert middleware.process_exception(None, ValueError("not the database")) is None


# A real outage, on a PostgreSQL of its own -------------------------------------------------------------------------


@pytest.fixture
def own_postgres():
    """A separate embedded PostgreSQL in a temporary directory, with the project's tables: never the shared one."""
    import shutil
    import tempfile

    import pgserver

    from benchmarks.management.commands.loadtest import LocalPostgres

    parent = Path(tempfile.mkdtemp(prefix="res-"))  # a short path: a Unix socket's must stay under ~100 characters
    pgdata = parent / "pg"
    server = pgserver.get_server(pgdata, cleanup_mode="delete")
    try:
        server.psql("CREATE DATABASE directory;")
        url = f"postgresql://postgres@/directory?host={pgdata}"
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "--verbosity=0"], cwd=ROOT,
                       env={**os.environ, "DATABASE_URL": url}, check=True, timeout=REAL_OUTAGE_TIMEOUT)
        postgres = LocalPostgres(pgdata)
        yield url, postgres
    finally:
        # pg_ctl stops the server the test started again (pgserver only knows the one it started), then pgserver
        # deletes the directory.
        try:
            if LocalPostgres(pgdata).is_running():
                LocalPostgres(pgdata).stop()
        finally:
            server.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


def get(port, path, *, timeout=10):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    except OSError as error:
        return 0, str(error)
    finally:
        conn.close()


def test_a_real_outage_gets_503_pages_and_the_running_app_recovers_when_postgresql_is_back(own_postgres):
    url, postgres = own_postgres
    port = closed_port()  # free now: gunicorn takes it
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_ENV": "production", "SECRET_KEY": "x" * 60,
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "HASHED_STATIC": "false"}
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "gthread", "--workers", "1", "--threads", "2", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while get(port, "/healthz")[0] != 200:
            assert time.monotonic() < deadline and app.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
        assert get(port, "/search/?q=club")[0] == 200

        postgres.stop()
        began = time.perf_counter()
        status, page = get(port, "/search/?q=club")
        took = time.perf_counter() - began
        health = get(port, "/healthz")
        postgres.start()

        assert status == 503 and took < 3
        assert "Sorry, the service is unavailable" in page and "Traceback" not in page
        assert health == (503, '{"status": "unavailable", "database": "unavailable", "migrations": "unknown"}')
        assert get(port, "/search/?q=club")[0] == 200  # the same gunicorn, not restarted
        assert get(port, "/healthz")[0] == 200
        assert app.poll() is None
    finally:
        app.terminate()
        app.wait(20)
