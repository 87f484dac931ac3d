"""The real worker, `manage.py procrastinate worker` in its own process against the test database, as production runs
it (docs/deployment.md): several at once send each message once, and one that cannot send gives up in the end and
says so to monitoring (tests/enterprises/test_failed_messages.py: what staff see)."""

import json

import pytest
from django.db import transaction
from django.test import Client

from core.models import OutgoingMessage
from core.notifications import queue_email
from tests.factories import make_council
from tests.mail_servers import WorkingServer, free_port
from tests.queue_worker import forget_jobs, running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutgoingMessage.Status


def nothing_waiting() -> bool:
    return not OutgoingMessage.objects.filter(status=Status.QUEUED).exists()


def test_two_workers_at_once_deliver_each_message_once(tmp_path):
    forget_jobs()
    port = free_port()
    server = WorkingServer(port, delay=0.02)
    addresses = [f"person{number}@example.org" for number in range(40)]
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    try:
        with running_worker(logs[0], smtp_port=port, name="first"), \
                running_worker(logs[1], smtp_port=port, name="second"):
            wait_until(lambda: all("Starting worker" in log.read_text() for log in logs), what="both workers")
            with transaction.atomic():  # one change that tells forty people: both workers are woken at once
                for address in addresses:
                    queue_email(address, "Your listing is published", "People can now find you.", kind="test")
            wait_until(nothing_waiting, timeout=60, what="every message to be sent")
        received = server.received
    finally:
        server.close()

    assert sorted(to for message in received for to in message.to) == sorted(addresses)
    assert all("Starting job core.deliver_message" in log.read_text() for log in logs), "both workers sent some"
    assert set(OutgoingMessage.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_a_message_that_cannot_be_sent_is_failed_in_the_end_and_counted(tmp_path):
    forget_jobs()
    queue_email("jean@lunchclub.example", "Your listing is suspended", "A complaint about safety",
                kind="listing_suspended", council_id=make_council().pk)

    with running_worker(tmp_path / "worker.log", smtp_port=free_port(), MESSAGE_RETRY_HOURS=0):
        wait_until(nothing_waiting, what="the worker to give up")

    failed = OutgoingMessage.objects.get()
    assert (failed.status, failed.attempts, failed.body) == (Status.FAILED, 1, "")
    assert "Connection refused" in failed.last_error
    assert json.loads(Client().get("/healthz").content)["failed_messages"] == 1
