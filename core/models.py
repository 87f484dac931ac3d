"""The one table of core: the outgoing messages (core/notifications.py)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutgoingMessageQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status=OutgoingMessage.Status.FAILED)


class OutgoingMessage(models.Model):
    """An email or text message, written in the transaction of the change that causes it and sent by the worker.

    Its words (`body`, `personalisation`) are kept only until it is sent or has failed; the record of who it went to,
    what kind it was and what went wrong stays for MESSAGES_KEPT_DAYS. A message to someone we have no other business
    with (a shortlist emailed to an address a visitor typed) forgets its address too (`keep_recipient` off).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        TEXT = "text", "Text message"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=60, help_text="What the message is about, e.g. referral_accepted")
    to = models.CharField(max_length=254, help_text="An email address, or a phone number for a text message")
    keep_recipient = models.BooleanField(default=True, help_text="Off: `to` is erased with the words")
    subject = models.TextField(blank=True)
    body = models.TextField(blank=True)
    personalisation = models.JSONField(default=dict, blank=True, help_text="The fields of the GOV.UK Notify template")
    # The council whose staff see the message if it fails; None: superusers only. An id rather than a foreign key,
    # because core sits below the app that knows councils (docs/architecture.md).
    council_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingMessageQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["council_id", "failed_at"], condition=Q(status="failed"), name="core_message_failed"),
            models.Index(fields=["created_at"], name="core_message_created"),
        ]

    @property
    def about(self) -> str:
        """Its kind in words: "referral_accepted_to_referrer" is "Referral accepted to referrer"."""
        return self.kind.replace("_", " ").capitalize()

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.kind} to {self.to} ({self.get_status_display().lower()})"
