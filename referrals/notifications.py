"""Emails about referrals. They say that something happened and link to it; they never carry the person's details,
because email is not a safe place for them. Each is sent once the transaction has committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.urls import reverse

from core.dates import long_date
from enterprises.models import Council, StaffMembership
from referrals.models import Referral

TO_REFERRER = {
    "accepted": "{service} accepted referral {reference}",
    "declined": "{service} cannot take referral {reference}",
    "started": "Support has started for referral {reference}",
    "ended": "Support has ended for referral {reference}",
    "message": "New message about referral {reference}",
}
TO_PROVIDER = {
    "new": "New referral {reference} for {service}",
    "withdrawn": "Referral {reference} has been withdrawn",
    "message": "New message about referral {reference}",
    "reminder": "Referral {reference} is waiting for your answer",
}


def _send(recipients: list[str], subject: str, link: str, lead: str) -> None:
    recipients = sorted({email for email in recipients if email})
    if not recipients:
        return
    body = (
        f"{lead}\n\nSign in to see it: {settings.SITE_URL}{link}\n\n"
        "For the person’s privacy, this email does not include their details.\n\n"
        f"{settings.SITE_NAME}"
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


def _provider_emails(referral: Referral) -> list[str]:
    return list(referral.enterprise.members.values_list("email", flat=True))


def _subject(template: str, referral: Referral) -> str:
    return template.format(reference=referral.reference, service=referral.service_name)


def tell_provider(referral: Referral, what: str) -> None:
    subject = _subject(TO_PROVIDER[what], referral)
    _send(_provider_emails(referral), subject, referral.get_provider_url(), f"{subject}.")


def tell_referrer(referral: Referral, what: str) -> None:
    subject = _subject(TO_REFERRER[what], referral)
    _send([referral.referrer.email], subject, referral.get_absolute_url(), f"{subject}.")


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
    _send(list(staff), subject, reverse("referrals:council_unanswered"), lead)
