"""Issue 14's test, as a provider lives it: the mail server first refuses connections, then accepts them and says
nothing. Jean's answers are saved and her pages come back at once all the while, and when the server is back the
real worker (its own process, against the test database) delivers each email to Ruth once."""

import time

import pytest
from django.test import Client

from core.models import OutgoingMessage
from referrals.models import Referral
from tests.mail_servers import HangingServer, WorkingServer, free_port
from tests.queue_worker import forget_jobs, running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def timed_post(client: Client, path: str, data: dict):
    started = time.monotonic()
    response = client.post(path, data)
    return response, time.monotonic() - started


def email(kind: str) -> OutgoingMessage:
    return OutgoingMessage.objects.get(kind=kind)


def test_jean_answers_while_the_mail_server_is_down_and_ruth_is_told_once_it_is_back(people, referral, tmp_path):
    forget_jobs()
    port = free_port()
    jean = Client()
    jean.force_login(people.jean)
    provider_page = f"/provider/referrals/{referral.reference}/"

    with running_worker(tmp_path / "worker.log", smtp_port=port):
        response, took = timed_post(jean, f"{provider_page}accept/", {"accept-message": "We have a place"})
        assert response.status_code == 302 and took < 1
        assert Referral.objects.get(pk=referral.pk).status == Referral.Status.ACCEPTED
        wait_until(lambda: "Connection refused" in email("referral_accepted_to_referrer").last_error,
                   what="the worker to find the mail server refusing connections")

        hanging = HangingServer(port)
        try:
            response, took = timed_post(jean, f"{provider_page}message/", {"message-text": "See you on Thursday"})
            assert response.status_code == 302 and took < 1
            assert Referral.objects.get(pk=referral.pk).events.filter(action="message").exists()
            wait_until(lambda: "timed out" in email("referral_message_to_referrer").last_error,
                       what="the worker to give up on the silent mail server")
        finally:
            hanging.close()
        assert OutgoingMessage.objects.filter(status=OutgoingMessage.Status.QUEUED).count() == 2

        server = WorkingServer(port)
        try:
            wait_until(lambda: not OutgoingMessage.objects.filter(status=OutgoingMessage.Status.QUEUED).exists(),
                       what="both emails to be sent")
            time.sleep(1)  # a second copy of either would arrive with the next try
            received = server.received
        finally:
            server.close()

    assert sorted((message.to, message.subject) for message in received) == [
        (["ruth@worcestershire.example"], f"New message about referral {referral.reference}"),
        (["ruth@worcestershire.example"], f"Thursday Day Club accepted referral {referral.reference}"),
    ]
    for sent in OutgoingMessage.objects.all():
        assert sent.status == OutgoingMessage.Status.SENT and sent.attempts >= 2
