"""Demo referrals: a handful from the demo referrer's team, in every status, so the referral pages have something to
show on `make run`. The referrals themselves are data, in demo/data/referrals.yaml; this is what turns them into rows.

They go from the demo referrer (referrer@example.org, in DEMO_REFERRER_ORGANISATION) to the published services of the
demo provider's enterprises (provider@example.org, who answers them) and to a couple of other published services.
Dates are counted back from today in working days, so one referral has always waited 12 working days without an
answer ("No response yet"): its provider was reminded, and then it was passed to the council's staff, whose list of
unanswered referrals it is on.

Idempotent: if the demo referrer already has referrals, nothing is added. Development only, like the demo accounts.
`make demo` runs `seed_demo_referrals` after `seed_demo`.
"""

import functools
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.dates import working_days_before
from demo.accounts import DEMO_ACCOUNTS, DEMO_REFERRER_ORGANISATION, demo_accounts_allowed
from demo.seed import Record, read_data, records
from enterprises.models import Organisation, Service
from enterprises.taxonomy import CATEGORIES, CLIENT_GROUPS
from referrals.models import (
    ConsentMethod,
    ContactMethod,
    DeclineReason,
    Funding,
    Outcome,
    Referral,
    ReferralEvent,
    Urgency,
)

Action = ReferralEvent.Action
REFERRER, PROVIDER, SYSTEM = "referrer", "provider", ""
SIDES = {"referrer": REFERRER, "provider": PROVIDER, "system": SYSTEM}  # `by:` in the data file
DEMO_KEYS = uuid.UUID("9c1d5a52-62a4-4c36-9d4e-2026d3e0f001")  # namespace for the demo referrals' submission keys
DEMO_REFERRER_PHONE = "01632 960999"  # the demo referrer's own number, given with each referral (Ofcom's drama range)

# The status a referral is in after each action (messages and reminders leave it where it was).
STATUS_AFTER = {
    Action.ACCEPTED: Referral.Status.ACCEPTED,
    Action.DECLINED: Referral.Status.DECLINED,
    Action.WITHDRAWN: Referral.Status.WITHDRAWN,
    Action.STARTED: Referral.Status.STARTED,
    Action.ENDED: Referral.Status.ENDED,
}
PERSON = {"person_name", "contact_method", "what_matters", "support_wanted"}  # and optionally:
PERSON_DETAILS = {"phone", "email", "address", "postcode", "date_of_birth", "safety_notes"}


class DemoReferralError(Exception):
    pass


@dataclass(frozen=True)
class Step:
    """Something that happened, `working_days_ago` working days before today at `at`."""

    working_days_ago: int
    at: clock
    action: str
    side: str
    message: str = ""


@dataclass(frozen=True)
class DemoReferral:
    key: str
    to_demo_provider: bool  # to one of the demo provider's services (they answer it), or to another enterprise's
    wants: tuple[str, ...]  # category slugs of the service it should go to, best first
    person: dict
    consent_method: str
    urgency: str
    sent: Step
    steps: tuple[Step, ...] = ()
    decline_reason: str = ""
    outcome: str = ""
    funding: str = Funding.NOT_KNOWN
    who: str = "older-people"  # the client group of the service it should go to, when there is one


def _step(record: Record, *, action: str | None = None) -> Step:
    return Step(
        working_days_ago=record.whole("working_days_ago"),
        at=record.time("at"),
        action=action or record.text("action", choices=[value for value in Action.values if value != Action.SENT]),
        side=REFERRER if action else SIDES[record.text("by", choices=list(SIDES))],
        message=record.text("message", ""),
    )


def _read_referral(record: Record) -> DemoReferral:
    person = record.part("person", required=PERSON, optional=PERSON_DETAILS)
    for name in person.values:
        if name == "date_of_birth":
            person.date(name)
        else:
            person.text(name, choices=ContactMethod.values if name == "contact_method" else None)
    steps = record.values.get("steps", [])
    record.check("steps", steps, isinstance(steps, list), "a list of steps, each starting with `- `")
    return DemoReferral(
        key=record.text("key"),
        to_demo_provider=record.flag("to_demo_provider", True),
        wants=record.items("wants", choices=[term.slug for term in CATEGORIES]),
        who=record.text("who", "older-people", choices=[term.slug for term in CLIENT_GROUPS]),
        person=dict(person.values),
        consent_method=record.text("consent_method", choices=ConsentMethod.values),
        urgency=record.text("urgency", choices=Urgency.values),
        sent=_step(record.part("sent", required={"working_days_ago", "at"}), action=Action.SENT),
        steps=tuple(
            _step(Record(f"{record.where}, step {number}", step, required={"working_days_ago", "at", "action", "by"},
                         optional={"message"}))
            for number, step in enumerate(steps, 1)
        ),
        decline_reason=record.text("decline_reason", "", choices=["", *DeclineReason.values]),
        outcome=record.text("outcome", "", choices=["", *Outcome.values]),
        funding=record.text("funding", Funding.NOT_KNOWN, choices=Funding.values),
    )


@functools.cache
def demo_referrals() -> tuple[DemoReferral, ...]:
    """demo/data/referrals.yaml, read and checked once (a mistake in it is a DemoDataError naming the record)."""
    return tuple(
        _read_referral(Record(
            f"demo/data/referrals.yaml, {label}",
            value,
            required={"key", "to_demo_provider", "wants", "who", "person", "consent_method", "urgency", "sent"},
            optional={"steps", "decline_reason", "outcome", "funding"},
        ))
        for label, value in records("referrals.yaml", read_data("referrals.yaml"))
    )


def _moment(today: date, step: Step) -> datetime:
    day = working_days_before(today, step.working_days_ago)
    return timezone.make_aware(datetime.combine(day, step.at))


def _choose(services: list[Service], spec: DemoReferral, used: set[int]) -> Service | None:
    """A service for the person's client group offering the best wanted category, preferring one not referred to yet;
    failing that, any service for the group, or any service at all."""
    for_group = [service for service in services if spec.who in {group.slug for group in service.client_groups.all()}]
    for candidates in ([service for service in for_group if service.pk not in used], for_group):
        for slug in spec.wants:
            for service in candidates:
                if slug in {category.slug for category in service.categories.all()}:
                    return service
    return min(for_group or services, key=lambda service: service.pk in used, default=None)


def _demo_people():
    User = get_user_model()
    emails = {account.role: account.email for account in DEMO_ACCOUNTS}
    referrer = User.objects.filter(email=emails["referrer"]).first()
    provider = User.objects.filter(email=emails["provider"]).first()
    organisation = Organisation.objects.filter(name=DEMO_REFERRER_ORGANISATION, members=referrer).first()
    return referrer, provider, organisation


def build_referral(spec: DemoReferral, *, service: Service, referrer, organisation, provider, today: date):
    """The referral and its events, with the timestamps its steps imply (not saved). `provider` is who answers for
    the service's enterprise (None for an enterprise without a demo account: its events then name nobody)."""
    sent_at = _moment(today, spec.sent)
    referral = Referral(
        submission_key=uuid.uuid5(DEMO_KEYS, spec.key),
        service=service,
        service_name=service.name,
        enterprise=service.enterprise,
        referrer=referrer,
        organisation=organisation,
        consent_method=spec.consent_method,
        consent_given_on=timezone.localdate(sent_at),
        urgency=spec.urgency,
        funding=spec.funding,
        referrer_phone=DEMO_REFERRER_PHONE,
        decline_reason=spec.decline_reason,
        outcome=spec.outcome,
        sent_at=sent_at,
        **spec.person,
    )
    events = [
        ReferralEvent(action=Action.SENT, actor=referrer, side=REFERRER, to_status=Referral.Status.SENT, at=sent_at)
    ]
    status = Referral.Status.SENT
    for step in spec.steps:
        at = _moment(today, step)
        actor = {REFERRER: referrer, PROVIDER: provider}.get(step.side)
        event = ReferralEvent(action=step.action, actor=actor, side=step.side, message=step.message, at=at)
        if step.side == PROVIDER and referral.first_response_at is None:
            referral.first_response_at = at
        if step.action == Action.REMINDED:
            referral.provider_reminded_at = at
        if step.action == Action.ESCALATED:
            referral.escalated_at = at
        if step.action in STATUS_AFTER:
            event.from_status, event.to_status = status, STATUS_AFTER[step.action]
            status = STATUS_AFTER[step.action]
            if step.action == Action.ACCEPTED:
                referral.accepted_at = at
            elif step.action == Action.STARTED:
                referral.started_at = at
            if status in Referral.CLOSED:
                referral.closed_at = at
        events.append(event)
    referral.status = status
    return referral, events


@transaction.atomic
def seed_demo_referrals(*, today: date | None = None) -> int:
    """Add the demo referrals, unless the demo referrer already has some. Returns how many were added."""
    if not demo_accounts_allowed():
        raise DemoReferralError("Demo referrals are for development only, and DJANGO_ENV is production")
    referrer, provider, organisation = _demo_people()
    if referrer is None or provider is None or organisation is None:
        raise DemoReferralError("There are no demo accounts yet: run `manage.py seed_demo` first")
    if Referral.objects.filter(referrer=referrer).exists():
        return 0
    today = today or timezone.localdate()
    published = Service.objects.published().select_related("enterprise").prefetch_related("categories", "client_groups")
    own = list(published.filter(enterprise__members=provider).order_by("enterprise__name", "pk"))
    others = list(
        published.filter(enterprise__council=organisation.council).exclude(enterprise__members=provider).order_by("pk")
    )
    if not own and not others:
        raise DemoReferralError("There are no published services to refer to: run `manage.py seed_demo` first")
    used: set[int] = set()
    referrals, events = [], []
    for spec in demo_referrals():
        service = _choose(own if spec.to_demo_provider and own else others or own, spec, used)
        used.add(service.pk)
        answerer = provider if service in own else None
        referral, its_events = build_referral(
            spec, service=service, referrer=referrer, organisation=organisation, provider=answerer, today=today
        )
        referrals.append(referral)
        events.append(its_events)
    Referral.objects.bulk_create(referrals)
    for referral, its_events in zip(referrals, events):
        for event in its_events:
            event.referral = referral
    ReferralEvent.objects.bulk_create([event for its_events in events for event in its_events])
    return len(referrals)
