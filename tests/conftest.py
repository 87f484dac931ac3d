from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Max

from core import notifications
from core.models import OutgoingMessage

pytest_plugins = ["tests.personas", "tests.places", "tests.fake_notify"]  # the shared cast, places, a fake Notify


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
    """What the worker does a moment after a commit: send each queued message (those queued after the message
    `after`, if given), with the worker's own `deliver`, here to `mail.outbox`. Returns how many it sent."""

    def deliver_all(after: int = 0) -> int:
        waiting = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.QUEUED, pk__gt=after).order_by("pk")
        ids = list(waiting.values_list("pk", flat=True))
        for message_id in ids:
            notifications.deliver(message_id)
        return len(ids)

    return deliver_all


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
