"""Every email and text message the site sends goes through here: `queue_email` and `queue_text` to send one, the
worker's `deliver` to send it, by SMTP or GOV.UK Notify. ADR 12 says why it works this way.

Queueing writes the message (an `OutgoingMessage` row) and a job for the worker in the transaction of the change that
causes it: a change that rolls back sends nothing, and one that commits is never lost, whatever the mail server is
doing. The person's page never waits on the network. The worker (`manage.py procrastinate worker`, several at once on
several machines if need be: the database hands each job to one of them) then runs `deliver`:

- It locks the message's row, sends the message and marks it sent in that one transaction. A second run of the same
  message (another worker, or the job run again after its worker stopped answering) waits for the lock and then
  finds it sent. A worker that dies before that commit leaves the message waiting, and procrastinate's stalled-job
  recovery (`retry_stalled_jobs`) runs it again, which is right unless the mail server had already taken the message:
  the one window in which a message can go twice is between the mail server (or Notify) accepting it and our commit,
  a few milliseconds, and closing it would need the mail server to take part in our transaction.
- A failure is tried again MESSAGE_RETRY_FIRST_SECONDS later, then twice as long each time up to
  MESSAGE_RETRY_LONGEST_MINUTES apart, until MESSAGE_RETRY_HOURS after it was queued; the next failure marks it failed,
  which /healthz counts and council staff see (who it was to, what kind, when, the last error: never its words). A
  failure that no retry can mend (Notify refuses the request, the mail server refuses the address) fails at once.
- The words of a message are kept only until it is sent or has failed, and so is its address when it is not to be
  kept (`keep_recipient=False`).
"""

import smtplib
import sys
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.contrib.django import app

from core.models import OutgoingMessage

Status = OutgoingMessage.Status
Channel = OutgoingMessage.Channel


class PermanentFailure(Exception):
    """A failure that trying again cannot mend: the message fails at once."""


class NotifyUnreachable(Exception):
    """GOV.UK Notify did not answer in NOTIFY_TIMEOUT seconds, or could not be reached: tried again later."""


class MessageFailed(Exception):
    """The message has been marked failed: the worker must not try it again."""


# Queueing ------------------------------------------------------------------------------------------------------------


def queue_email(to: str, subject: str, body: str, *, kind: str, council_id: int | None = None,
                fields: dict | None = None, keep_recipient: bool = True) -> OutgoingMessage | None:
    """Send an email once the current transaction commits (nothing, if it rolls back). `kind` names it (and its
    GOV.UK Notify template); `fields` are the template's personalisation besides `subject` and `body`; `council_id`:
    whose staff see it if it fails; `keep_recipient=False`: the address is erased with the words once it is sent or
    has failed. An empty address sends nothing."""
    return _queue(Channel.EMAIL, to, kind=kind, council_id=council_id, subject=subject, body=body,
                  personalisation={**(fields or {}), "subject": subject, "body": body}, keep_recipient=keep_recipient)


def queue_text(phone_number: str, *, kind: str, fields: dict | None = None,
               council_id: int | None = None) -> OutgoingMessage | None:
    """Send a text message through GOV.UK Notify, with the template NOTIFY_TEMPLATE_<KIND> and these personalisation
    fields, once the current transaction commits. Never put a person's details in a text."""
    return _queue(Channel.TEXT, phone_number, kind=kind, council_id=council_id, personalisation=dict(fields or {}))


def texts_can_be_sent() -> bool:
    """Whether a text message would reach anyone: it needs GOV.UK Notify (in development it is shown in the
    terminal)."""
    return bool(settings.NOTIFY_API_KEY) or settings.DEBUG


def _queue(channel: str, to: str, **values) -> OutgoingMessage | None:
    to = (to or "").strip()
    if not to:
        return None
    with transaction.atomic():
        message = OutgoingMessage.objects.create(channel=channel, to=to, **values)
        deliver_message.defer(message_id=message.pk)  # procrastinate writes the job through this same connection
    return message


# Sending -------------------------------------------------------------------------------------------------------------


def deliver(message_id: int) -> None:
    """Send one queued message, exactly once (what the worker runs). Raises on failure, after recording it; raises
    MessageFailed once the message has been marked failed."""
    try:
        with transaction.atomic():
            message = OutgoingMessage.objects.select_for_update().filter(pk=message_id, status=Status.QUEUED).first()
            if message is None:  # sent (or failed) meanwhile, or forgotten
                return
            _send(message)
            now = timezone.now()
            message.status, message.sent_at, message.last_tried_at = Status.SENT, now, now
            message.attempts += 1
            _forget_words(message)
            message.save()
    except Exception as error:
        failed = _record_failure(message_id, error)
        if failed is None:  # sent meanwhile by another run, or forgotten: nothing left to do
            return
        if failed:
            raise MessageFailed(f"message {message_id} failed: {error}") from error
        raise


def _record_failure(message_id: int, error: Exception) -> bool | None:
    """Count the attempt and keep its error; mark the message failed if it is time to give up. True if it failed,
    False if it is to be tried again, None if it is no longer waiting."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().filter(pk=message_id, status=Status.QUEUED).first()
        if message is None:
            return None
        now = timezone.now()
        message.attempts += 1
        message.last_tried_at = now
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        if isinstance(error, PermanentFailure) or now - message.created_at >= timedelta(
            hours=settings.MESSAGE_RETRY_HOURS
        ):
            message.status, message.failed_at = Status.FAILED, now
            _forget_words(message)
        message.save()
        return message.status == Status.FAILED


def _forget_words(message: OutgoingMessage) -> None:
    message.body, message.personalisation = "", {}
    if not message.keep_recipient:
        message.to = ""


def _send(message: OutgoingMessage) -> None:
    if message.channel == Channel.TEXT:
        _send_text(message)
    elif settings.NOTIFICATIONS_TRANSPORT == "notify":
        _notify(lambda client: client.send_email_notification(
            email_address=message.to, template_id=_template(message), personalisation=message.personalisation,
            reference=str(message.pk),
        ))
    else:
        _send_by_smtp(message)


def _send_by_smtp(message: OutgoingMessage) -> None:
    try:
        EmailMessage(message.subject, message.body, None, [message.to]).send()  # EMAIL_TIMEOUT bounds the wait
    except smtplib.SMTPRecipientsRefused as error:
        if all(code >= 500 for code, _ in error.recipients.values()):
            raise PermanentFailure(f"the mail server refused the address: {error.recipients}") from error
        raise


def _send_text(message: OutgoingMessage) -> None:
    if not settings.NOTIFY_API_KEY:
        if settings.DEBUG:  # development: shown in the terminal, as the console email backend shows emails
            sys.stdout.write(f"Text message {message.kind} to {message.to}: {message.personalisation}\n")
            return
        raise PermanentFailure("text messages need GOV.UK Notify: NOTIFY_API_KEY is not set")
    _notify(lambda client: client.send_sms_notification(
        phone_number=message.to, template_id=_template(message), personalisation=message.personalisation or None,
        reference=str(message.pk),
    ))


def _template(message: OutgoingMessage) -> str:
    templates = settings.NOTIFY_TEMPLATES
    template = templates.get(message.kind) or (templates.get("email") if message.channel == Channel.EMAIL else None)
    if not template:
        raise PermanentFailure(f"no GOV.UK Notify template: set NOTIFY_TEMPLATE_{message.kind.upper()}")
    return template


def _notify(request) -> None:
    client = NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL,
                                    timeout=settings.NOTIFY_TIMEOUT)
    try:
        request(client)
    except HTTPError as error:
        if error.response is None:  # no answer at all: the client gives only "503 - Request failed"
            raise NotifyUnreachable(f"GOV.UK Notify did not answer: {error.__cause__}") from error
        if error.status_code == 400:  # Notify's word that this request will never work: a bad number, no template
            raise PermanentFailure(f"GOV.UK Notify refused it: {error.message}") from error
        raise


# The worker's tasks --------------------------------------------------------------------------------------------------


def retry_wait(attempts: int) -> int:
    """Seconds before trying a message again after `attempts` earlier tries of its job (0 after the first)."""
    longest = settings.MESSAGE_RETRY_LONGEST_MINUTES * 60
    return min(settings.MESSAGE_RETRY_FIRST_SECONDS * 2 ** min(attempts, 30), longest)


class _Backoff(BaseRetryStrategy):
    def get_retry_decision(self, *, exception, job):
        if isinstance(exception, MessageFailed):
            return None
        return RetryDecision(retry_in={"seconds": retry_wait(job.attempts)})


@app.task(name="core.deliver_message", queue="messages", retry=_Backoff())
def deliver_message(message_id: int) -> None:
    deliver(message_id)


@app.periodic(cron="*/5 * * * *")
@app.task(name="core.retry_stalled_jobs", queue="messages", queueing_lock="core.retry_stalled_jobs",
          pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    """Give the jobs of a worker that stopped answering (killed, its machine gone) to the workers still running."""
    for job in await context.app.job_manager.get_stalled_jobs():
        await context.app.job_manager.retry_job(job)


@app.periodic(cron="17 3 * * *")
@app.task(name="core.forget_old_messages", queue="messages", queueing_lock="core.forget_old_messages",
          pass_context=True)
async def forget_old_messages_daily(context, timestamp: int) -> None:
    await sync_to_async(forget_old_messages)()
    await context.app.job_manager.delete_old_jobs(nb_hours=24 * settings.MESSAGES_KEPT_DAYS, include_failed=True)


def forget_old_messages() -> int:
    """Delete the records of messages sent or failed more than MESSAGES_KEPT_DAYS ago; how many were deleted."""
    cutoff = timezone.now() - timedelta(days=settings.MESSAGES_KEPT_DAYS)
    deleted, _ = OutgoingMessage.objects.exclude(status=Status.QUEUED).filter(created_at__lt=cutoff).delete()
    return deleted


# What staff and /healthz see -----------------------------------------------------------------------------------------


def failed_messages():
    """Messages that could not be sent, newest first, without their words."""
    return OutgoingMessage.objects.failed().defer("body", "personalisation").order_by("-failed_at", "-pk")
