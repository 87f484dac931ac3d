"""Emails about referrals. They say that something happened and link to it; they never carry the person's details,
because email is not a safe place for them. Each is sent once the transaction has committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

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
