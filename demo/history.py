"""A year of history for the demo listings, so the council's pages look like a directory a year after it opened.

Most listings were approved on believable dates over the last 14 months, with the checks their types of support need
(enterprises/checks.py) recorded on the day; a few were approved without one of them, with the reason in their
history; those approved more than a year ago were mostly reviewed, and some are now overdue (never so long that they
are hidden). Providers gave insurance expiry dates through the coming year, so a few expire within the warning period
and one has just expired; a few listings carried over from the council's old directory have no review date, and a few
providers never gave an insurance date. Listings waiting for approval were sent days ago, not years. The daily
reminders that would have gone out are recorded too.

Everything is drawn from one random source per listing, seeded from DEMO_SEED and its slug, with dates counted back
from the day the history is written. Drafts have no history. A listing that already has any (events, checks, a date
it was sent or published) is left alone, so running `seed_demo` again changes nothing, and what someone did on a demo
listing is never overwritten.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from demo.seed import DEMO_COUNCIL_NAME, DEMO_SEED, demo_data
from enterprises.checks import checks_needed
from enterprises.listings import APPROVED_WITHOUT_CHECKS, without_checks_message
from enterprises.models import Enterprise, EnterpriseCheck, ListingEvent
from enterprises.reminders import INSURANCE_REMINDER, REVIEW_REMINDER
from enterprises.signals import catalogue_changed

Status = Enterprise.Status
Kind = EnterpriseCheck.Kind
ONCE_PUBLISHED = {Status.PUBLISHED, Status.SUSPENDED, Status.ARCHIVED}
OPENED_DAYS_AGO = 420  # the directory opened about 14 months ago, with a first batch of listings
YEAR = 365

CARRIED_OVER = 0.05  # from the council's old directory: no checks, no review date
WITHOUT_ONE_CHECK = 0.12  # approved without one of the checks it needs, with a reason
QUALITY_STANDARD = 0.15
REVIEWED_ON_TIME = 0.65  # of those approved more than a year ago
NO_INSURANCE_DATE = 0.07

REASONS = {
    Kind.INSURANCE: "The certificate they sent had just run out; the renewed one is on its way.",
    Kind.DBS: "DBS certificates for the new volunteers are on their way. Checking them at the first review.",
    Kind.SAFEGUARDING: "Their safeguarding policy is with our safeguarding team to read. Listed meanwhile.",
    Kind.CQC: "Registration confirmed by phone with the CQC; the number goes on the listing at the first review.",
}
SUSPENSIONS = "We are looking into a complaint about missed visits. The listing is hidden until we have spoken to them."
ARCHIVED = "The club has closed: its organiser has retired."
CARRIED_OVER_NOTE = "Carried over from the council’s old directory of services."


def _at(day: date, rng: random.Random) -> datetime:
    """A moment in the working day of `day`."""
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.choice([0, 10, 20, 30, 45]))))


class _History:
    """What is written for one listing: its dates, its checks and its events."""

    def __init__(self, listing: Enterprise, staff, today: date):
        self.listing, self.staff, self.today = listing, staff, today
        self.rng = random.Random(f"{DEMO_SEED}:{listing.slug}:history")
        self.checks: list[EnterpriseCheck] = []
        self.events: list[ListingEvent] = []
        self.member = next(iter(listing.members.all()), None)
        slugs = {category.slug for service in listing.services.all() for category in service.categories.all()}
        self.needed = checks_needed(slugs)
        self.has_cqc_number = any(service.cqc_registration for service in listing.services.all())

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def event(self, action: str, day: date, *, by, from_status="", to_status="", message=""):
        self.events.append(ListingEvent(enterprise=self.listing, action=action, from_status=from_status,
                                        to_status=to_status, actor=by, message=message, at=_at(day, self.rng)))

    def check(self, kind: str, day: date):
        self.checks.append(EnterpriseCheck(enterprise=self.listing, kind=kind, checked_by=self.staff, checked_on=day))

    def providers_answers(self):
        rng, listing = self.rng, self.listing
        needs_insurance = Kind.INSURANCE in self.needed
        if (needs_insurance and rng.random() >= NO_INSURANCE_DATE) or (not needs_insurance and rng.random() < 0.5):
            listing.insurance_expires_on = self.today + timedelta(days=rng.randint(-3, 360))
        if Kind.DBS in self.needed:
            listing.dbs_answer = rng.choices([Enterprise.DbsAnswer.ALL_CHECKED, Enterprise.DbsAnswer.SOME_CHECKED],
                                             weights=[85, 15])[0]
        else:
            listing.dbs_answer = rng.choice([Enterprise.DbsAnswer.NOT_NEEDED, ""])
        listing.has_safeguarding_policy = True if Kind.SAFEGUARDING in self.needed else rng.random() < 0.6

    def sent(self, day: date):
        self.listing.created_at = _at(day - timedelta(days=self.rng.randint(3, 30)), self.rng)
        self.listing.submitted_at = _at(day, self.rng)
        if self.member is not None:  # who sent it; the demo's other enterprises have no accounts
            self.event("submitted", day, by=self.member, from_status=Status.DRAFT, to_status=Status.SUBMITTED)

    def approved(self, days_ago: int):
        rng, listing = self.rng, self.listing
        day = self.days_ago(days_ago)
        self.sent(day - timedelta(days=rng.randint(1, 12)))
        listing.published_at = _at(day, rng)
        if rng.random() < CARRIED_OVER:
            listing.review_due_on = None
            self.event("approved", day, by=self.staff, from_status=Status.SUBMITTED, to_status=Status.PUBLISHED,
                       message=CARRIED_OVER_NOTE)
            return
        can_check = [kind for kind in self.needed if kind != Kind.CQC or self.has_cqc_number]
        missing = [kind for kind in self.needed if kind not in can_check]
        if can_check and rng.random() < WITHOUT_ONE_CHECK:
            missing.append(rng.choice(can_check))
        for kind in self.needed:
            if kind not in missing:
                self.check(kind, day)
        if rng.random() < QUALITY_STANDARD:
            self.check(Kind.QUALITY_STANDARD, day)
        self.event("approved", day, by=self.staff, from_status=Status.SUBMITTED, to_status=Status.PUBLISHED)
        if missing:
            self.event(APPROVED_WITHOUT_CHECKS, day, by=self.staff, from_status=Status.PUBLISHED,
                       to_status=Status.PUBLISHED,
                       message=without_checks_message(missing, " ".join(REASONS[kind] for kind in missing)))
        due = day + timedelta(days=YEAR)
        if due < self.today and rng.random() < REVIEWED_ON_TIME:
            reviewed = due - timedelta(days=rng.randint(0, 21))
            for kind in self.needed:  # a renewed insurance certificate, and what was missing a year ago
                if kind in can_check and (kind == Kind.INSURANCE or kind in missing):
                    self.check(kind, reviewed)
            self.event("reviewed", reviewed, by=self.staff, from_status=Status.PUBLISHED, to_status=Status.PUBLISHED)
            due = reviewed + timedelta(days=YEAR)
        listing.review_due_on = due
        if due <= self.today:
            self.event(REVIEW_REMINDER, due, by=None, from_status=Status.PUBLISHED, to_status=Status.PUBLISHED,
                       message=due.isoformat())

    def insurance_reminder(self):
        expires = self.listing.insurance_expires_on
        if expires is not None and self.listing.status in {Status.PUBLISHED, Status.SUSPENDED}:
            warned = expires - timedelta(days=30)
            if warned <= self.today:
                self.event(INSURANCE_REMINDER, warned, by=None, from_status=self.listing.status,
                           to_status=self.listing.status, message=expires.isoformat())

    def write(self):
        rng, listing = self.rng, self.listing
        status = listing.status
        self.providers_answers()
        if status in ONCE_PUBLISHED:
            launch = rng.random() < 0.35
            self.approved(rng.randint(YEAR + 5, OPENED_DAYS_AGO) if launch else rng.randint(20, YEAR + 4))
            if status == Status.SUSPENDED:
                self.event("suspended", self.days_ago(rng.randint(3, 12)), by=self.staff,
                           from_status=Status.PUBLISHED, to_status=Status.SUSPENDED, message=SUSPENSIONS)
            elif status == Status.ARCHIVED:
                self.event("archived", self.days_ago(rng.randint(10, 60)), by=self.staff,
                           from_status=Status.PUBLISHED, to_status=Status.ARCHIVED, message=ARCHIVED)
            self.insurance_reminder()
        else:
            self.sent(self.days_ago(rng.randint(0, 9)))
            if status != Status.SUBMITTED:  # changes requested, or rejected
                self.event(status, self.days_ago(0), by=self.staff, from_status=Status.SUBMITTED, to_status=status,
                           message="Please tell people what a session costs.")
        self.events.sort(key=lambda event: event.at)


HISTORY_FIELDS = ["created_at", "submitted_at", "published_at", "review_due_on", "insurance_expires_on", "dbs_answer",
                  "has_safeguarding_policy"]


@transaction.atomic
def seed_demo_history(staff, *, today: date | None = None) -> int:
    """Give each demo listing that has no history yet a year of it, with `staff` as the council's member of staff.
    Returns how many listings were given one."""
    today = today or timezone.localdate()
    slugs = [slugify(spec.name) for spec in demo_data().enterprises]
    untouched = (
        Enterprise.objects.filter(council__name=DEMO_COUNCIL_NAME, slug__in=slugs, events__isnull=True,
                                  checks__isnull=True, submitted_at__isnull=True, published_at__isnull=True)
        .exclude(status=Status.DRAFT)  # a draft has no history, and the demo's keep what the seed gave them
        .distinct()
        .order_by("slug")
        .prefetch_related("services__categories", "members")
    )
    histories = [_History(listing, staff, today) for listing in untouched]
    for history in histories:
        history.write()
    Enterprise.objects.bulk_update([history.listing for history in histories], HISTORY_FIELDS, batch_size=100)
    EnterpriseCheck.objects.bulk_create([check for history in histories for check in history.checks])
    ListingEvent.objects.bulk_create([event for history in histories for event in history.events])
    if histories:
        catalogue_changed.send(sender=None)  # bulk writes send no signals
    return len(histories)
