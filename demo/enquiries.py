"""Demo enquiries from people who want to start a community micro-enterprise, one at each stage, so the council's
enquiries pages and the reports have something to show on `make run`. The enquiries are data, in
demo/data/enquiries.yaml; this turns them into rows for the demo council. Idempotent: an enquiry already seeded (by
its key) is left as it is. Development only, like the demo accounts; `make demo` runs `seed_demo_enquiries`.
"""

import functools
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from demo.accounts import DEMO_ACCOUNTS, demo_accounts_allowed
from demo.seed import DemoDataError, Record, demo_data, ensure_demo_council, read_data, records
from enterprises.models import Enquiry, EnquiryEvent, Enterprise

Stage = Enquiry.Stage
DEMO_KEYS = uuid.UUID("5f0e1d3a-7b7c-4f4e-9a51-2026d3e0f017")  # namespace for the demo enquiries' submission keys


class DemoEnquiryError(Exception):
    pass


@dataclass(frozen=True)
class DemoEnquiry:
    key: str
    area: str
    details: dict
    received: int
    talking: int | None = None
    started: int | None = None
    became: str = ""
    not_going_ahead: int | None = None
    reason: str = ""


def _read(record: Record, towns: list[str]) -> DemoEnquiry:
    details = {name: record.text(name, "") for name in ["idea", "who_it_would_support", "name", "email", "phone"]}
    if not (details["email"] or details["phone"]):
        raise record.error("give an email or a phone number")
    spec = DemoEnquiry(
        key=record.text("key"), area=record.text("area", choices=towns), details=details,
        received=record.whole("received"), talking=record.whole("talking"), started=record.whole("started"),
        became=record.text("became", ""), not_going_ahead=record.whole("not_going_ahead"),
        reason=record.text("reason", ""),
    )
    if (spec.started is None) != (not spec.became):
        raise record.error("`started` and `became` go together")
    if (spec.not_going_ahead is None) != (not spec.reason):
        raise record.error("`not_going_ahead` and `reason` go together")
    return spec


@functools.cache
def demo_enquiries() -> tuple[DemoEnquiry, ...]:
    """demo/data/enquiries.yaml, read and checked once (a mistake in it is a DemoDataError naming the record)."""
    towns = [town.slug for town in demo_data().towns]
    return tuple(
        _read(Record(f"demo/data/enquiries.yaml, {label}", value,
                     required={"key", "area", "idea", "who_it_would_support", "name", "received"},
                     optional={"email", "phone", "talking", "started", "became", "not_going_ahead", "reason"}),
              towns)
        for label, value in records("enquiries.yaml", read_data("enquiries.yaml"))
    )


@transaction.atomic
def seed_demo_enquiries() -> int:
    """Add the demo enquiries not yet there; how many were added."""
    if not demo_accounts_allowed():
        raise DemoEnquiryError("Demo enquiries are for development only, and DJANGO_ENV is production")
    council, areas = ensure_demo_council()
    staff_email = next(account.email for account in DEMO_ACCOUNTS if account.role == "staff")
    staff = get_user_model().objects.filter(email=staff_email).first()
    now = timezone.now()
    added = 0
    for spec in demo_enquiries():
        key = uuid.uuid5(DEMO_KEYS, spec.key)
        if Enquiry.objects.filter(submission_key=key).exists():
            continue
        became = None
        if spec.became:
            became = Enterprise.objects.filter(council=council, slug=slugify(spec.became)).first()
            if became is None:
                raise DemoDataError(f"demo/data/enquiries.yaml, {spec.key}: no listing {spec.became!r}: run seed_demo")
        received = now - timedelta(days=spec.received)
        enquiry = Enquiry.objects.create(
            submission_key=key, council=council, area=areas[spec.area], received_at=received,
            consented_at=received, **spec.details,
        )
        events = [EnquiryEvent(enquiry=enquiry, to_stage=Stage.NEW, at=received)]
        stage = Stage.NEW
        for to, days in [(Stage.TALKING, spec.talking), (Stage.STARTED, spec.started),
                         (Stage.NOT_GOING_AHEAD, spec.not_going_ahead)]:
            if days is None:
                continue
            at = now - timedelta(days=days)
            events.append(EnquiryEvent(enquiry=enquiry, from_stage=stage, to_stage=to, actor=staff, at=at))
            stage = to
            if to == Stage.TALKING:
                enquiry.talking_at = at
            if to == Stage.STARTED:
                enquiry.started_at, enquiry.enterprise = at, became
            if to in Enquiry.CLOSED:
                enquiry.closed_at = at
        enquiry.stage, enquiry.reason = stage, spec.reason
        enquiry.save()
        EnquiryEvent.objects.bulk_create(events)
        added += 1
    return added
