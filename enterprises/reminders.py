"""Keeping the directory trustworthy: the yearly review and public liability insurance.

Four lists for council staff (`review_overdue`, `insurance_expiring`, and the listings that cannot be in those two
because a date is missing: `no_review_date`, `no_insurance_date`), counted together by `trust_counts`, and the daily
reminder to providers (`send_reminders`, run by `manage.py send_listing_reminders`).

A reminder is recorded as a ListingEvent whose message is the due date it is about (ISO format), so running the
command again, the same day or any later day, sends nothing more for that date; a new review date or a new insurance
expiry date gets its own reminder.

The review reminder carries a "my listing is still correct" link for a provider with nothing to change: signed (so
nobody can make one up), for one listing and one review date, working for REVIEW_CONFIRMATION_LINK_DAYS, and once.
Following it needs no signing in; confirming records a ListingEvent that staff see beside the overdue review.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.dates import long_date
from enterprises.checks import INSURANCE, needs_check
from enterprises.listings import tell_providers
from enterprises.models import Council, Enterprise, ListingEvent, hidden_from, insurance_warning_until

LIVE = [Enterprise.Status.PUBLISHED, Enterprise.Status.SUSPENDED]
REVIEW_REMINDER = "review_reminder_sent"
INSURANCE_REMINDER = "insurance_reminder_sent"
REVIEW_CONFIRMED = "review_confirmed_by_provider"


def _live(council: Council | None):
    listings = Enterprise.objects.filter(status__in=LIVE)
    return listings.for_council(council) if council is not None else listings


def review_overdue(council: Council | None, *, today: date | None = None):
    """Live listings whose review date has passed, the longest overdue first."""
    today = today or timezone.localdate()
    return _live(council).filter(_overdue(today)).order_by("review_due_on", "name", "pk")


def review_due(council: Council | None, *, today: date | None = None):
    """Live listings whose review falls due today or has passed: the ones whose providers are reminded."""
    today = today or timezone.localdate()
    return _live(council).filter(review_due_on__lte=today).order_by("review_due_on", "name", "pk")


def insurance_expiring(council: Council | None, *, today: date | None = None):
    """Live listings whose insurance expires within INSURANCE_WARNING_DAYS, or has already expired; soonest first."""
    today = today or timezone.localdate()
    return _live(council).filter(_insurance_warned(today)).order_by("insurance_expires_on", "name", "pk")


def _overdue(today: date) -> Q:
    return Q(review_due_on__lt=today)


def _insurance_warned(today: date) -> Q:
    return Q(insurance_expires_on__lte=insurance_warning_until(today))


def _no_review_date() -> Q:
    return Q(review_due_on__isnull=True)


def _no_insurance_date() -> Q:
    """No expiry date given, where the listing's types of support need insurance (enterprises/checks.py)."""
    return Q(insurance_expires_on__isnull=True) & needs_check(INSURANCE)


def no_review_date(council: Council | None):
    """Live listings with no review date: never reminded, never hidden for being overdue. By name."""
    return _live(council).filter(_no_review_date()).order_by("name", "pk")


def no_insurance_date(council: Council | None):
    """Live listings whose types of support need insurance and whose provider has given no expiry date. By name."""
    return _live(council).filter(_no_insurance_date()).order_by("name", "pk")


@dataclass(frozen=True)
class TrustCounts:
    review_overdue: int
    insurance_expiring: int
    no_review_date: int
    no_insurance_date: int


def trust_counts(council: Council | None, *, today: date | None = None) -> TrustCounts:
    """How many listings each of the four lists holds, in one query."""
    today = today or timezone.localdate()
    return TrustCounts(**_live(council).aggregate(
        review_overdue=Count("pk", filter=_overdue(today)),
        insurance_expiring=Count("pk", filter=_insurance_warned(today)),
        no_review_date=Count("pk", filter=_no_review_date()),
        no_insurance_date=Count("pk", filter=_no_insurance_date()),
    ))


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
                f"changed, and contact the council if they have not been in touch.\n\nIf nothing has changed, tell "
                f"the council so without signing in: {still_correct_url(listing, due)}\n(This link works once, for "
                f"{settings.REVIEW_CONFIRMATION_LINK_DAYS} days.)\n\nIf the review has not been done by "
                f"{long_date(hidden_from(due))}, your listing will not be shown to the public until it is."
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


# "My listing is still correct" -------------------------------------------------------------------------------------

STILL_CORRECT_SALT = "enterprises.reminders.still-correct"


class LinkProblem(Exception):
    """A "still correct" link that cannot be used, with what to tell the person."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def still_correct_token(listing: Enterprise, due: date) -> str:
    return signing.dumps({"listing": listing.pk, "due": due.isoformat()}, salt=STILL_CORRECT_SALT)


def still_correct_url(listing: Enterprise, due: date) -> str:
    path = reverse("provider:still_correct", kwargs={"token": still_correct_token(listing, due)})
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class StillCorrectLink:
    listing: Enterprise
    due: date
    confirmed_on: date | None  # when it was used, if it has been

    @property
    def reviewed_since(self) -> bool:
        """The council has done the review the link is about: the listing's next one is later."""
        return self.listing.review_due_on is None or self.listing.review_due_on > self.due


def read_still_correct_link(token: str) -> StillCorrectLink:
    """The listing and review date a link is for. Raises LinkProblem for a link that was never ours (or was changed),
    has expired, or is for a listing no longer live; a used one is returned with the day it was used."""
    try:
        data = signing.loads(token, salt=STILL_CORRECT_SALT, max_age=settings.REVIEW_CONFIRMATION_LINK_DAYS * 86400)
        listing_pk, due = int(data["listing"]), date.fromisoformat(data["due"])
    except signing.SignatureExpired as error:
        raise LinkProblem("This link has expired", 410) from error
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise LinkProblem("This link does not work", 404) from error
    listing = Enterprise.objects.filter(pk=listing_pk, status__in=LIVE).first()
    if listing is None:
        raise LinkProblem("This listing is no longer in the directory", 410)
    used = ListingEvent.objects.filter(enterprise=listing, action=REVIEW_CONFIRMED, message=due.isoformat()).first()
    return StillCorrectLink(listing, due, timezone.localdate(used.at) if used else None)


def confirm_still_correct(token: str) -> StillCorrectLink:
    """Record that the provider says the listing is still correct, for the review the link is about: once, however
    often (or however many people at once) the link is used. Raises LinkProblem as `read_still_correct_link`."""
    link = read_still_correct_link(token)
    with transaction.atomic():
        listing = Enterprise.objects.select_for_update().get(pk=link.listing.pk)
        used = ListingEvent.objects.filter(enterprise=listing, action=REVIEW_CONFIRMED, message=link.due.isoformat())
        reviewed_since = listing.review_due_on is None or listing.review_due_on > link.due
        if listing.status in LIVE and not reviewed_since and not used.exists():
            ListingEvent.objects.create(
                enterprise=listing, action=REVIEW_CONFIRMED, from_status=listing.status, to_status=listing.status,
                message=link.due.isoformat(),
            )
    return read_still_correct_link(token)
