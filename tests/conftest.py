from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Max
from django.template.backends import jinja2
from django.test.signals import template_rendered

from core.models import OutgoingMessage
from tests.queue_worker import deliver_queued

pytest_plugins = ["tests.personas", "tests.places", "tests.fake_notify"]  # the shared cast, places, a fake Notify


def _render_and_tell_the_test_client(self, context=None, request=None):
    """Django's test client records each template's context (`response.context`) only for its own engine: this tells
    it about the Jinja templates' too, context processors included."""
    context = {} if context is None else context
    html = _render_jinja(self, context, request)
    template_rendered.send(sender=self, template=self, context=context)
    return html


_render_jinja = jinja2.Template.render
jinja2.Template.render = _render_and_tell_the_test_client


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_shared_cache(request):
    """Tests that commit (the browser tests among them) would leave the public pages' cached content behind, in a
    table that flushing the database does not empty; the other tests' writes are rolled back with them."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        cache.clear()


@pytest.fixture
def deliver_queued_messages():
    """What the worker does a moment after a commit, done here: `deliver_queued_messages()` sends each queued message
    (tests/queue_worker.py, `deliver_queued`) to `mail.outbox`, and returns how many it sent."""
    return deliver_queued


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks, deliver_queued_messages):
    """pytest-django's, which runs what a commit would run; and then, as the worker would, sends what was queued
    within it (what a test's set-up queued is left waiting)."""

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        before = OutgoingMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        with django_capture_on_commit_callbacks(using=using, execute=execute) as callbacks:
            yield callbacks
        if execute:
            deliver_queued_messages(after=before)

    return capture
