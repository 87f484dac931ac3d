"""Keeping the directory trustworthy: the yearly review and public liability insurance.

Two lists for council staff (`review_overdue`, `insurance_expiring`) and the daily reminder to providers
(`send_reminders`, run by `manage.py send_listing_reminders`).

A reminder is recorded as a ListingEvent whose message is the due date it is about (ISO format), so running the
command again, the same day or any later day, sends nothing more for that date; a new review date or a new insurance
expiry date gets its own reminder.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from core.dates import long_date
from enterprises.listings import tell_providers
from enterprises.models import Council, Enterprise, ListingEvent, hidden_from, insurance_warning_until

LIVE = [Enterprise.Status.PUBLISHED, Enterprise.Status.SUSPENDED]
REVIEW_REMINDER = "review_reminder_sent"
INSURANCE_REMINDER = "insurance_reminder_sent"


def _live(council: Council | None):
    listings = Enterprise.objects.filter(status__in=LIVE)
    return listings.for_council(council) if council is not None else listings


def review_overdue(council: Council | None, *, today: date | None = None):
    """Live listings whose review date has passed, the longest overdue first."""
    today = today or timezone.localdate()
    return _live(council).filter(review_due_on__lt=today).order_by("review_due_on", "name", "pk")


def review_due(council: Council | None, *, today: date | None = None):
    """Live listings whose review falls due today or has passed: the ones whose providers are reminded."""
    today = today or timezone.localdate()
    return _live(council).filter(review_due_on__lte=today).order_by("review_due_on", "name", "pk")


def insurance_expiring(council: Council | None, *, today: date | None = None):
    """Live listings whose insurance expires within INSURANCE_WARNING_DAYS, or has already expired; soonest first."""
    today = today or timezone.localdate()
    until = insurance_warning_until(today)
    return _live(council).filter(insurance_expires_on__lte=until).order_by("insurance_expires_on", "name", "pk")


@dataclass(frozen=True)
class SentReminders:
    review: int = 0
    insurance: int = 0


def _remind_once(listing: Enterprise, *, action: str, due: date, subject: str, body: str, kind: str) -> bool:
    """Record and send one reminder about `due`, unless it was sent before. Safe if two runs overlap."""
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=listing.pk)
        if locked.status not in LIVE:
            return False
        if ListingEvent.objects.filter(enterprise=locked, action=action, message=due.isoformat()).exists():
            return False
        ListingEvent.objects.create(
            enterprise=locked, action=action, from_status=locked.status, to_status=locked.status,
            message=due.isoformat(),
        )
        tell_providers(locked, subject, body, kind=kind)
    return True


def send_reminders(*, today: date | None = None) -> SentReminders:
    """Email the providers whose review is due or whose insurance is about to expire, once for each due date."""
    today = today or timezone.localdate()
    review = insurance = 0
    for listing in review_due(None, today=today):
        due = listing.review_due_on
        review += _remind_once(
            listing,
            action=REVIEW_REMINDER,
            kind="listing_review_due",
            due=due,
            subject=f"Your listing is due for its yearly review: {listing.name}",
            body=(
                f"The council reviews every listing once a year. The review of {listing.name} was due on "
                f"{long_date(due)}.\n\nPlease check that your listing is still correct, update anything that has "
                f"changed, and contact the council if they have not been in touch.\n\nIf the review has not been "
                f"done by {long_date(hidden_from(due))}, your listing will not be shown to the public until it is."
            ),
        )
    for listing in insurance_expiring(None, today=today):
        due = listing.insurance_expires_on
        when = f"expired on {long_date(due)}" if due < today else f"expires on {long_date(due)}"
        insurance += _remind_once(
            listing,
            action=INSURANCE_REMINDER,
            kind="listing_insurance_expiring",
            due=due,
            subject=f"Your public liability insurance {when}: {listing.name}",
            body=(
                f"The public liability insurance for {listing.name} {when}.\n\nWhen you have renewed it, update the "
                f"expiry date on your listing and send the council a copy of the new certificate. Your listing tells "
                f"the public when insurance has expired."
            ),
        )
    return SentReminders(review=review, insurance=insurance)
