"""Emails (and, for referrers who asked, text messages) about referrals. They say that something happened and link to
it; they never carry the person's details, because email is not a safe place for them. Each is queued in the
transaction of the change (core/notifications.py): sent by the worker once it commits, never if it rolls back."""

from django.conf import settings
from django.template.defaultfilters import pluralize
from django.urls import reverse

from core.dates import long_date
from core.notifications import queue_email, queue_text
from enterprises.models import Council, StaffMembership
from referrals.models import Referral

TO_REFERRER = {
    "accepted": "{service} accepted referral {reference}",
    "declined": "{service} cannot take referral {reference}",
    "started": "Support has started for referral {reference}",
    "ended": "Support has ended for referral {reference}",
    "message": "New message about referral {reference}",
}
# What a referrer who asked for texts is also told by text: only the reference and the service, as in the emails.
TEXT_TO_REFERRER = {
    "accepted": "{service} accepted referral {reference}. Sign in to see what happens next: {link}",
    "declined": "{service} cannot take referral {reference}. Sign in to see why: {link}",
    "ended": "Support has ended for referral {reference}. Sign in to see it: {link}",
}
TO_PROVIDER = {
    "new": "New referral {reference} for {service}",
    "withdrawn": "Referral {reference} has been withdrawn",
    "message": "New message about referral {reference}",
    "reminder": "Referral {reference} is waiting for your answer",
}


def _send(recipients: list[str], subject: str, link: str, lead: str, *, kind: str = "referral",
          referral: Referral | None = None, council_id: int | None = None) -> None:
    """One email to each recipient, queued in the current transaction. `kind` names it and its GOV.UK Notify template
    (`referral_<what>_to_<whom>`); staff of the referral's council see it if it cannot be sent."""
    body = (
        f"{lead}\n\nSign in to see it: {settings.SITE_URL}{link}\n\n"
        "For the person’s privacy, this email does not include their details.\n\n"
        f"{settings.SITE_NAME}"
    )
    fields = {"link": f"{settings.SITE_URL}{link}"}
    if referral is not None:
        fields |= {"reference": referral.reference, "service": referral.service_name}
    if referral is not None:
        council_id = referral.enterprise.council_id
    for email in sorted({email for email in recipients if email}):
        queue_email(email, subject, body, kind=kind, council_id=council_id, fields=fields)


def _provider_emails(referral: Referral) -> list[str]:
    return list(referral.enterprise.members.values_list("email", flat=True))


def _subject(template: str, referral: Referral) -> str:
    return template.format(reference=referral.reference, service=referral.service_name)


def tell_provider(referral: Referral, what: str) -> None:
    subject = _subject(TO_PROVIDER[what], referral)
    _send(_provider_emails(referral), subject, referral.get_provider_url(), f"{subject}.",
          kind=f"referral_{what}_to_provider", referral=referral)


def tell_referrer(referral: Referral, what: str) -> None:
    subject = _subject(TO_REFERRER[what], referral)
    _send([referral.referrer.email], subject, referral.get_absolute_url(), f"{subject}.",
          kind=f"referral_{what}_to_referrer", referral=referral)
    if referral.text_updates and what in TEXT_TO_REFERRER:
        fields = {"reference": referral.reference, "service": referral.service_name,
                  "link": f"{settings.SITE_URL}{referral.get_absolute_url()}"}
        queue_text(referral.referrer_phone, kind=f"referral_{what}_text", council_id=referral.enterprise.council_id,
                   fields={**fields, "message": TEXT_TO_REFERRER[what].format(**fields)})


def tell_council_staff(council: Council, referrals: list[Referral], working_days_waited: dict[int, int]) -> None:
    """Tell the council's staff of referrals passed to them: references, services and days waited, nothing more."""
    count = len(referrals)
    subject = f"{count} referral{pluralize(count)} still waiting for an answer after a reminder"
    lines = "\n".join(
        f"- {referral.reference} to {referral.service_name} ({referral.enterprise.name}), sent "
        f"{long_date(referral.sent_at)}: {working_days_waited[referral.pk]} working days waiting"
        for referral in referrals
    )
    who = "The provider of this referral has" if count == 1 else "The providers of these referrals have"
    lead = (
        f"{who} not answered, even after a reminder:\n\n{lines}\n\n"
        f"The referrer{pluralize(count)} can see that {'it was' if count == 1 else 'they were'} passed to you. "
        "Please contact the provider."
    )
    staff = StaffMembership.objects.filter(council=council, user__is_active=True).values_list("user__email", flat=True)
    _send(list(staff), subject, reverse("referrals:council_unanswered"), lead,
          kind="unanswered_referrals_to_council_staff", council_id=council.pk)
