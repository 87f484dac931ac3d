"""The outgoing messages (core/notifications.py), sent here in the test's own process by the worker's `deliver`, to a
mail server or a fake GOV.UK Notify on this machine. tests/core/test_worker.py runs the real worker."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Job

from core import notifications
from core.models import OutgoingMessage
from core.notifications import MessageFailed, queue_email, queue_text, retry_wait
from referrals import lifecycle
from referrals.models import Referral
from tests.concurrency import at_the_same_moment
from tests.mail_servers import WorkingServer, free_port

Status = OutgoingMessage.Status
TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
EMAIL_TEMPLATE = "a55c2f2b-3a8d-4a3c-9a43-51a3d2f4d1e0"


@pytest.fixture
def smtp_on(settings):
    """Point the sender at a mail server on this machine, as production points it at the council's."""

    def point(port: int) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = (
            "127.0.0.1", port, False, 1
        )

    return point


@pytest.fixture
def mail_server(smtp_on):
    port = free_port()
    smtp_on(port)
    server = WorkingServer(port, refuse={"gone@example.org"})
    yield server
    server.close()


@pytest.fixture
def notify(settings, fake_notify):
    settings.NOTIFICATIONS_TRANSPORT = "notify"
    settings.NOTIFY_TEMPLATES = {}
    return fake_notify


def reload(message: OutgoingMessage) -> OutgoingMessage:
    return OutgoingMessage.objects.get(pk=message.pk)


# Queued with the change, or not at all ------------------------------------------------------------------------------


def test_a_change_that_rolls_back_queues_nothing(people, referral):
    with pytest.raises(RuntimeError), transaction.atomic():
        lifecycle.accept(referral=referral, by=people.jean)
        assert OutgoingMessage.objects.filter(to="ruth@worcestershire.example").count() == 1
        raise RuntimeError("something after the answer failed")

    assert not OutgoingMessage.objects.exists() and not ProcrastinateJob.objects.exists()
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.SENT


def test_each_message_is_written_with_a_job_for_the_worker(people, referral):
    lifecycle.accept(referral=referral, by=people.jean)

    message = OutgoingMessage.objects.get()
    job = ProcrastinateJob.objects.get()
    assert (message.kind, message.to, message.status) == (
        "referral_accepted_to_referrer", "ruth@worcestershire.example", Status.QUEUED
    )
    assert message.council_id == people.lunch_club.council_id
    assert (job.task_name, job.args, job.queue_name, job.status) == (
        "core.deliver_message", {"message_id": message.pk}, "messages", "todo"
    )


def test_an_empty_address_queues_nothing(db):
    assert queue_email("", "Subject", "Body", kind="test") is None
    assert queue_text("  ", kind="test") is None
    assert not OutgoingMessage.objects.exists()


# Sent once, by SMTP -------------------------------------------------------------------------------------------------


def test_a_queued_email_is_sent_once_and_its_words_are_then_forgotten(db, mail_server):
    message = queue_email("jean@lunchclub.example", "Your listing is published", "People can now find you.",
                          kind="listing_published")

    notifications.deliver(message.pk)
    notifications.deliver(message.pk)  # the job run again, after its worker seemed to have died

    [received] = mail_server.received
    assert (received.to, received.subject) == (["jean@lunchclub.example"], "Your listing is published")
    assert "People can now find you." in received.body
    sent = reload(message)
    assert (sent.status, sent.attempts, sent.body, sent.personalisation) == (Status.SENT, 1, "", {})
    assert sent.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_message_at_once_send_it_once(smtp_on):
    port = free_port()
    smtp_on(port)
    slow = WorkingServer(port, delay=0.5)  # the first is still sending when the second starts
    try:
        message = queue_email("ruth@worcestershire.example", "Subject", "Body", kind="test")

        _, errors = at_the_same_moment(lambda: notifications.deliver(message.pk))

        assert errors == []
        assert len(slow.received) == 1
        assert reload(message).attempts == 1
    finally:
        slow.close()


def test_an_address_the_mail_server_refuses_for_good_fails_at_once(db, mail_server):
    message = queue_email("gone@example.org", "Subject", "Body", kind="invitation", council_id=7)

    with pytest.raises(MessageFailed):
        notifications.deliver(message.pk)

    failed = reload(message)
    assert (failed.status, failed.attempts, failed.body) == (Status.FAILED, 1, "")
    assert "550" in failed.last_error and "No such mailbox" in failed.last_error


def test_an_address_not_to_be_kept_is_forgotten_when_its_message_fails(db, mail_server):
    message = queue_email("gone@example.org", "Subject", "Body", kind="shortlist", keep_recipient=False)

    with pytest.raises(MessageFailed):
        notifications.deliver(message.pk)

    failed = reload(message)
    assert (failed.status, failed.to, failed.body) == (Status.FAILED, "", "")
    assert "No such mailbox" in failed.last_error


# Tried again with longer waits, for MESSAGE_RETRY_HOURS, then failed ----------------------------------------------


def test_each_wait_is_twice_the_last_up_to_an_hour(settings):
    settings.MESSAGE_RETRY_FIRST_SECONDS, settings.MESSAGE_RETRY_LONGEST_MINUTES = 30, 60

    waits = [retry_wait(attempts) for attempts in range(12)]

    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600]
    assert retry_wait(10_000) == 3600


def test_the_worker_waits_before_trying_again_and_never_after_a_message_has_failed(settings):
    settings.MESSAGE_RETRY_FIRST_SECONDS = 30
    backoff = notifications.deliver_message.retry_strategy
    job = Job(id=1, queue="messages", lock=None, queueing_lock=None, task_name="core.deliver_message", attempts=2)

    decision = backoff.get_retry_decision(exception=ConnectionRefusedError(), job=job)

    assert timedelta(seconds=119) < decision.retry_at - timezone.now() <= timedelta(seconds=120)
    assert backoff.get_retry_decision(exception=MessageFailed("failed"), job=job) is None


def queued_hours_ago(hours: float, **values) -> OutgoingMessage:
    message = queue_email("ruth@worcestershire.example", "Subject", "Body", kind="test", **values)
    OutgoingMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=hours))
    return message


def test_a_failure_within_the_retry_hours_is_recorded_and_tried_again(db, settings, smtp_on):
    settings.MESSAGE_RETRY_HOURS = 24
    smtp_on(free_port())  # refuses connections
    message = queued_hours_ago(23.9)

    with pytest.raises(ConnectionRefusedError):
        notifications.deliver(message.pk)

    waiting = reload(message)
    assert (waiting.status, waiting.attempts, waiting.body) == (Status.QUEUED, 1, "Body")
    assert "Connection refused" in waiting.last_error and waiting.last_tried_at is not None


def test_the_first_failure_after_the_retry_hours_marks_it_failed(db, settings, smtp_on):
    settings.MESSAGE_RETRY_HOURS = 24
    smtp_on(free_port())
    message = queued_hours_ago(24)

    with pytest.raises(MessageFailed):
        notifications.deliver(message.pk)

    failed = reload(message)
    assert (failed.status, failed.body, failed.personalisation) == (Status.FAILED, "", {})
    assert "Connection refused" in failed.last_error and failed.failed_at is not None
    assert list(notifications.failed_messages()) == [failed]


def test_records_of_old_messages_are_forgotten_but_not_those_still_waiting(db, settings):
    settings.MESSAGES_KEPT_DAYS = 30
    old_sent, old_failed, old_waiting, recent = (queued_hours_ago(days * 24) for days in (31, 31, 31, 29))
    OutgoingMessage.objects.filter(pk__in=[old_sent.pk, recent.pk]).update(status=Status.SENT)
    OutgoingMessage.objects.filter(pk=old_failed.pk).update(status=Status.FAILED)

    assert notifications.forget_old_messages() == 2
    assert set(OutgoingMessage.objects.values_list("pk", flat=True)) == {old_waiting.pk, recent.pk}


# GOV.UK Notify ------------------------------------------------------------------------------------------------------


def test_with_notify_each_kind_uses_its_own_template_and_fields(people, referral, notify, settings,
                                                                deliver_queued_messages):
    settings.NOTIFY_TEMPLATES = {"referral_accepted_to_referrer": TEMPLATE, "email": EMAIL_TEMPLATE}
    lifecycle.accept(referral=referral, by=people.jean)

    assert deliver_queued_messages() == 1

    [request] = notify.requests
    message = OutgoingMessage.objects.get()
    assert request.path == "/v2/notifications/email"
    assert (request.body["email_address"], request.body["template_id"], request.body["reference"]) == (
        "ruth@worcestershire.example", TEMPLATE, str(message.pk)
    )
    fields = request.body["personalisation"]
    assert fields["reference"] == referral.reference and fields["service"] == "Thursday Day Club"
    assert fields["link"].endswith(referral.get_absolute_url())
    assert fields["subject"] == f"Thursday Day Club accepted referral {referral.reference}"
    assert "Margaret" not in str(fields)  # never the person's details
    assert message.status == Status.SENT


def test_a_kind_without_a_template_of_its_own_uses_the_email_template(db, notify, settings):
    settings.NOTIFY_TEMPLATES = {"email": EMAIL_TEMPLATE}
    message = queue_email("jean@example.org", "Reset your password", "Use this link", kind="password_reset",
                          fields={"link": "https://example.org/reset/x/y/"})

    notifications.deliver(message.pk)

    [request] = notify.requests
    assert request.body["template_id"] == EMAIL_TEMPLATE
    assert request.body["personalisation"] == {
        "link": "https://example.org/reset/x/y/", "subject": "Reset your password", "body": "Use this link"
    }


def test_a_kind_with_no_template_fails_at_once_naming_the_setting(db, notify):
    message = queue_email("jean@example.org", "Subject", "Body", kind="password_reset")

    with pytest.raises(MessageFailed):
        notifications.deliver(message.pk)

    assert notify.requests == []
    assert "NOTIFY_TEMPLATE_PASSWORD_RESET" in reload(message).last_error
    assert reload(message).status == Status.FAILED


def test_a_request_notify_refuses_fails_at_once_with_its_reason(db, notify, settings):
    settings.NOTIFY_TEMPLATES = {"email": EMAIL_TEMPLATE}
    notify.fail_with(400, "Can’t send to this recipient using a team-only API key")
    message = queue_email("someone@example.org", "Subject", "Body", kind="invitation")

    with pytest.raises(MessageFailed):
        notifications.deliver(message.pk)

    assert reload(message).status == Status.FAILED
    assert "team-only API key" in reload(message).last_error


@pytest.mark.parametrize("trouble", ["server error", "wrong key", "no answer"])
def test_notify_in_trouble_is_tried_again_later(db, notify, settings, trouble):
    settings.NOTIFY_TEMPLATES, settings.NOTIFY_TIMEOUT = {"email": EMAIL_TEMPLATE}, 1
    if trouble == "server error":
        notify.fail_with(500, "Internal server error")
    elif trouble == "wrong key":  # the fake checks the token's signature, as Notify does
        settings.NOTIFY_API_KEY = notify.api_key[:-36] + "00000000-0000-0000-0000-000000000000"
    else:
        notify.hang()
    message = queue_email("someone@example.org", "Subject", "Body", kind="invitation")

    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        notifications.deliver(message.pk)

    assert time.monotonic() - started < 3  # NOTIFY_TIMEOUT, not the client's own 30 s
    assert not isinstance(raised.value, MessageFailed)
    waiting = reload(message)
    assert (waiting.status, waiting.attempts) == (Status.QUEUED, 1)
    expected = {"server error": "500", "wrong key": "403", "no answer": "did not answer"}[trouble]
    assert expected in waiting.last_error


def test_a_text_message_goes_through_notify_with_its_template(people, notify, settings, deliver_queued_messages):
    settings.NOTIFY_TEMPLATES = {"referral_accepted_text": TEMPLATE}
    with transaction.atomic():
        message = queue_text("07700 900123", kind="referral_accepted_text", fields={"reference": "3BVT-UF8D"},
                             council_id=people.lunch_club.council_id)

    assert deliver_queued_messages() == 1

    [request] = notify.requests
    assert request.path == "/v2/notifications/sms"
    assert (request.body["phone_number"], request.body["template_id"], request.body["personalisation"]) == (
        "07700 900123", TEMPLATE, {"reference": "3BVT-UF8D"}
    )
    assert reload(message).status == Status.SENT and reload(message).channel == OutgoingMessage.Channel.TEXT


def test_a_text_to_a_number_notify_cannot_text_fails_at_once(db, notify, settings):
    settings.NOTIFY_TEMPLATES = {"referral_accepted_text": TEMPLATE}
    message = queue_text("01905 765432", kind="referral_accepted_text", fields={"reference": "3BVT-UF8D"})

    with pytest.raises(MessageFailed):
        notifications.deliver(message.pk)

    assert "Not a UK mobile number" in reload(message).last_error


def test_without_notify_a_text_is_shown_in_development_and_fails_in_production(db, settings, capsys):
    settings.NOTIFY_API_KEY = ""
    settings.DEBUG = True
    shown = queue_text("07700 900123", kind="referral_accepted_text", fields={"reference": "3BVT-UF8D"})
    notifications.deliver(shown.pk)
    assert "Text message referral_accepted_text to 07700 900123" in capsys.readouterr().out
    assert reload(shown).status == Status.SENT

    settings.DEBUG = False
    refused = queue_text("07700 900123", kind="referral_accepted_text")
    with pytest.raises(MessageFailed):
        notifications.deliver(refused.pk)
    assert "NOTIFY_API_KEY is not set" in reload(refused).last_error
