"""Referrals: a referrer (or a provider) asks an enterprise to support a person, and both follow it through.

A referral's personal details are the fields in `PERSONAL_FIELDS`. They are read only from the scopes in
`referrals/access.py`, every opening of them is an `AccessLog` row, and `referrals.retention` erases them once the
referral has been closed long enough, keeping the facts the reports need (service, dates, statuses, outcome).
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise, Organisation, Service

# Letters and digits that cannot be mistaken for each other when read out on the phone (no 0/O, 1/I/L, 5/S, 2/Z).
REFERENCE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"


def new_reference() -> str:
    """A reference a person can quote on the phone: two groups of four, like "K7QM-3FXD"."""
    characters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{characters[:4]}-{characters[4:]}"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    REFERRER = "referrer", "Through me, the referrer"


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "On the phone"
    WRITING = "writing", "In writing (letter, email or form)"
    REPRESENTATIVE = "representative", "By someone with the legal right to decide for them"


class Urgency(models.TextChoices):
    SOON = "soon", "Soon – within 2 working days"
    WEEK = "week", "Within a week"
    ROUTINE = "routine", "No rush – within a month"


class Funding(models.TextChoices):
    """How the support will be paid for; the first three are the ways to pay a service may take (WayToPay)."""

    SELF_FUNDED = "self_funded", "Self-funded – they will pay for it themselves"
    DIRECT_PAYMENT = "direct_payment", "Direct payment or personal budget"
    COUNCIL_FUNDED = "council_funded", "Funded by the council"
    NOT_KNOWN = "not_known", "Not known yet"


class DeclineReason(models.TextChoices):
    FULL = "full", "We have no space at the moment"
    NOT_SUITABLE = "not_suitable", "Our service is not suitable for this person’s needs"
    OUTSIDE_AREA = "outside_area", "The person lives outside the area we cover"
    NEEDS_MORE_SUPPORT = "needs_more_support", "The person needs more support than we can safely give"
    OTHER = "other", "Another reason"


class Outcome(models.TextChoices):
    ONGOING_ELSEWHERE = "ongoing_elsewhere", "Support is going on elsewhere"
    GOALS_MET = "goals_met", "The person’s goals were met"
    CHOSE_TO_STOP = "chose_to_stop", "The person chose to stop"
    COULD_NOT_CONTACT = "could_not_contact", "We could not contact the person"
    OTHER = "other", "Another outcome"


class ReferralQuerySet(models.QuerySet):
    def closed(self):
        return self.filter(status__in=Referral.CLOSED)

    def unanswered(self):
        """Sent, and the provider has done nothing with it yet (no answer, no question)."""
        return self.filter(status=Referral.Status.SENT, first_response_at__isnull=True)

    def escalated(self):
        """Unanswered after the reminder, and so passed to the council's staff (referrals.reminders)."""
        return self.unanswered().filter(escalated_at__isnull=False)

    def without_personal_details(self):
        """Only the facts: for council staff and reports, who never see who the person is."""
        return self.defer(*PERSONAL_FIELDS)


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        STARTED = "started", "Support started"
        ENDED = "ended", "Support ended"

    CLOSED = [Status.DECLINED, Status.WITHDRAWN, Status.ENDED]

    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    # The key of the form that sent it: a second submission of the same form finds this referral instead of
    # creating another.
    submission_key = models.UUIDField(unique=True, editable=False)

    # Where it went. The service's name is kept so the referral still reads right if the service is later removed.
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, related_name="referrals")
    service_name = models.CharField(max_length=200)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="referrals_received")

    # Who sent it: a referrer for their organisation, or a provider for their enterprise. Their team follows it.
    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    referring_enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_sent"
    )

    # The person (personal details: see PERSONAL_FIELDS).
    person_name = models.CharField(max_length=200)
    contact_method = models.CharField(max_length=20, choices=ContactMethod.choices)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    what_matters = models.TextField(blank=True)
    support_wanted = models.TextField(blank=True)
    safety_notes = models.TextField(blank=True)

    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    consent_given_on = models.DateField()
    urgency = models.CharField(max_length=20, choices=Urgency.choices)
    # How the support will be paid for; blank on referrals sent before the form asked.
    funding = models.CharField(max_length=20, choices=Funding.choices, blank=True)
    # The referrer’s own phone number, for the provider; erased with the person’s details.
    referrer_phone = models.CharField(max_length=40, blank=True)
    # The referrer asked to be told by text message too (to `referrer_phone`) when it is accepted, declined or ended.
    text_updates = models.BooleanField(default=False)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)

    sent_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    provider_reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    personal_details_erased_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "status", "sent_at"]),
            models.Index(fields=["status", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, referring_enterprise__isnull=True)
                | models.Q(organisation__isnull=True, referring_enterprise__isnull=False),
                name="referral_sent_for_one_team",
            )
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        """The referrer's view of it."""
        return reverse("referrals:detail", kwargs={"reference": self.reference})

    def get_provider_url(self):
        return reverse("referrals:provider_detail", kwargs={"reference": self.reference})

    @property
    def sent_by_team(self) -> str:
        """The referrer's organisation, or the enterprise that referred."""
        team = self.organisation or self.referring_enterprise
        return team.name if team else ""

    @property
    def personal_details_erased(self) -> bool:
        return self.personal_details_erased_at is not None

    @property
    def may_be_withdrawn(self) -> bool:
        return self.status in {self.Status.SENT, self.Status.ACCEPTED}


PERSONAL_FIELDS = [
    "person_name",
    "phone",
    "email",
    "address",
    "postcode",
    "date_of_birth",
    "what_matters",
    "support_wanted",
    "safety_notes",
    "referrer_phone",
]


class ReferralEvent(models.Model):
    """Append-only history of a referral: each change of status and each message, with who and when."""

    class Action(models.TextChoices):
        SENT = "sent", "Referral sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        STARTED = "started", "Support started"
        ENDED = "ended", "Support ended"
        MESSAGE = "message", "Message"
        REMINDED = "reminded", "Provider reminded"
        ESCALATED = "escalated", "Passed to the council"
        ERASED = "erased", "Personal details erased"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # Which side acted: "referrer" or "provider" (blank for the system), so the timeline can say "The provider".
    side = models.CharField(max_length=10, blank=True)
    # A message, or the text given with a decline or an outcome. May hold personal details: erased with them.
    message = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class AccessLog(models.Model):
    """Who saw which referral's personal details, and when: on the referral's own page, or its row in a list."""

    class Where(models.TextChoices):
        PAGE = "page", "The referral’s page"
        LIST = "list", "A list of referrals"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    seen_in = models.CharField(max_length=4, choices=Where.choices, default=Where.PAGE)

    class Meta:
        ordering = ["-at", "-pk"]
