"""Browser tests: Debian's chromium driven through Playwright's sync API against pytest-django's live server.

One headless chromium for all the browser tests; every test gets fresh browser contexts (its own cookies, so its own
shortlist) and builds its own data, committed so that the live server's thread can see it, and deleted afterwards.

Set BROWSER_SCREENSHOTS=/some/dir to save a full-page PNG of every page the accessibility tests check.
"""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.chromium import BUILT_CSS, CHROMIUM_ARGS, DESKTOP, REPO, chromium_path

# Every page here is local and small; the margin is for a CI machine busy with other work.
ACTION_TIMEOUT_MS = 15_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)


def empty_the_tables() -> None:
    """Delete every row the tests made. Django empties the tables with one TRUNCATE, which on the embedded PostgreSQL
    takes about 0.7 s whatever the tables hold; deleting the few rows a test made takes milliseconds. Django's foreign
    keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so inside one transaction the order of the deletes does not
    matter. Content types and permissions, which migrations create, stay."""
    from django.db import connection, transaction

    kept = {"django_content_type", "auth_permission"}
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True, include_views=False)
        if table not in kept
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
    connection.close()  # as Django's TransactionTestCase does: an open one would stop the test database's removal


@pytest.fixture
def transactional_db(django_db_setup, django_db_blocker):
    """pytest-django's `transactional_db` (which `live_server` asks for), emptying the tables with DELETE."""
    with django_db_blocker.unblock():
        yield
        empty_the_tables()


def data_built_once(build):
    """The two fixtures of a module whose tests share one set of data: `world`, which calls `build()` once in one
    commit (instead of a hundred) and deletes the data after the module's last test, and a `transactional_db` (which
    `live_server` asks for) that keeps the data from one test to the next.

    In the module: `world, transactional_db = data_built_once(build_something)`.
    """
    from django.db import transaction

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            try:
                with transaction.atomic():
                    built = build()
                yield built
            finally:
                empty_the_tables()

    @pytest.fixture
    def transactional_db(world):
        yield

    return world, transactional_db


@pytest.fixture(scope="package", autouse=True)
def _orm_calls_beside_playwright():
    """Let the tests use the ORM while Playwright runs.

    Playwright's sync API keeps an asyncio event loop running in the test thread from the moment it starts, so
    Django would refuse every ORM call (SynchronousOnlyOperation). The calls are ordinary synchronous ones: allow
    them, but only while this package's tests run. Set for the whole session, the variable would leak into other
    tests' subprocesses (`manage.py check --deploy` fails with async.E001 when it is set).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_orm_calls_beside_playwright):
    """One chromium for all the browser tests. It (and Playwright's event loop) stops when they are done, so the
    tests that run after them see no running event loop."""
    executable = chromium_path()
    if not BUILT_CSS.exists():
        pytest.fail(f"{BUILT_CSS.relative_to(REPO)} is missing: run `make frontend` (or `npm ci && npm run build`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, live_server):
    """Open a browser context (a fresh visitor) on the live server: `new_context(java_script_enabled=False)`."""
    contexts = []

    def open_context(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def worcester(transactional_db):
    """A small directory around Worcester: published services near WR1 2EY, and one unpublished one."""
    from django.db import transaction

    from tests.browser.worcester import build_worcester_directory

    with transaction.atomic():  # one commit instead of a hundred: much faster on the embedded PostgreSQL
        return build_worcester_directory()


# Signed-in people: providers and council staff -------------------------------------------------------------------

@pytest.fixture
def fast_password_hashing(settings):
    """MD5 instead of Argon2: the browser tests create and sign in several people, and need not wait for a slow hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_person(transactional_db, fast_password_hashing):
    """`make_person(email, password, name="")`: an account that signs in with `email` and `password`."""
    from django.contrib.auth import get_user_model

    def make(email: str, password: str, name: str = ""):
        return get_user_model().objects.create_user(username=email, email=email, password=password, first_name=name)

    return make


@pytest.fixture
def new_signed_in_context(new_context, live_server):
    """`new_signed_in_context(user, viewport=MOBILE)`: a browser context already signed in as `user`.

    The session is made by Django's test client (`force_login`) and handed to the browser as its cookie: quicker
    than the sign-in page, which the journeys use instead.
    """
    from django.conf import settings
    from django.test import Client

    def open_context(user, **options):
        client = Client()
        client.force_login(user)
        context = new_context(**options)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        return context

    return open_context
