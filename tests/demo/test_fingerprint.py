"""The demo comes out the same: a fingerprint of every row the demo commands write, checked against the one the demo
made before its data moved from Python literals to demo/data/*.yaml.

Each section is a digest of the rows in a stable order, with no primary keys (sequences are not rolled back between
tests) and with dates counted from today, so it is the same on any day. If the demo is changed on purpose, run this
file, check that only the sections you meant to change differ, and paste the new digests into EXPECTED.
"""

import hashlib
import json
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from enterprises.models import Council, Enterprise, Organisation, Service
from referrals.models import Referral
from tests.demo.test_seed import make_town_postcodes

pytestmark = pytest.mark.django_db

DEMO_COUNCIL = "Worcestershire County Council"
REFERRALS_DAY = date(2026, 12, 1)  # a Tuesday: the demo referrals' dates are counted back from it in working days

ENTERPRISE_FIELDS = [
    "name", "slug", "summary", "description", "legal_form", "contact_name", "phone", "email", "website",
    "people_supported", "paid_staff", "volunteers", "status",
]  # fmt: skip
SERVICE_FIELDS = [
    "name", "summary", "description", "delivery", "venue_name", "venue_address", "venue_postcode", "venue_easting",
    "venue_northing", "coverage_postcode", "coverage_easting", "coverage_northing", "coverage_radius_miles",
    "minimum_age", "maximum_age", "cost_type", "cost_amount", "cost_note", "ways_to_pay", "days", "opens_at",
    "closes_at", "schedule_note", "capacity", "step_free_access", "hearing_loop", "accessible_toilet", "languages",
    "accessibility_note", "cqc_registration",
]  # fmt: skip
REFERRAL_FIELDS = [
    "submission_key", "service_name", "person_name", "contact_method", "phone", "email", "address", "postcode",
    "date_of_birth", "what_matters", "support_wanted", "safety_notes", "consent_method", "consent_given_on", "urgency",
    "status", "decline_reason", "outcome", "sent_at", "first_response_at", "accepted_at", "started_at", "closed_at",
    "provider_reminded_at",
]  # fmt: skip

EXPECTED = {
    "areas": "23e912c35cf7338b",
    "enterprises": "583d4edfbb860b9a",  # created_at counted in calendar days, not 24-hour spans of the hour it runs
    "history": "d28d8dc33f066007",
    "services per enterprise": "7eb6568f882c0546",
    "services": "78beb768a63d5fe3",
    "accounts": "6c206a7d589e1d85",
    "referrals": "9aaece276c83d4b0",  # bank holidays skipped; the unanswered one passed to the council (issue 14)
}


def digest(rows) -> str:
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()[:16]


def days_from(today: date, day) -> int | None:
    if day is None:
        return None
    return ((timezone.localdate(day) if hasattr(day, "hour") else day) - today).days


def listing_dates(e, today: date) -> list:
    return [e.slug, *(days_from(today, getattr(e, name)) for name in ("submitted_at", "published_at", "review_due_on",
                                                                      "insurance_expires_on")),
            e.dbs_answer, e.has_safeguarding_policy]


def history_rows(e, today: date) -> list:
    """Checks and events, with days counted from today (a reminder's message is the ISO date it is about)."""
    checks = sorted([c.kind, days_from(today, c.checked_on), c.checked_by.email] for c in e.checks.all())
    events = [
        [ev.action, ev.from_status, ev.to_status, getattr(ev.actor, "email", ""), days_from(today, ev.at),
         timezone.localtime(ev.at).time(),
         days_from(today, date.fromisoformat(ev.message)) if ev.action.endswith("reminder_sent") else ev.message]
        for ev in sorted(e.events.all(), key=lambda ev: (ev.at, ev.action))
    ]
    return [checks, events]


def fingerprint() -> dict[str, str]:
    today = timezone.localdate()
    council = Council.objects.get(name=DEMO_COUNCIL)
    enterprises = Enterprise.objects.filter(council=council).order_by("pk")
    services = (
        Service.objects.filter(enterprise__council=council)
        .order_by("enterprise_id", "pk")
        .prefetch_related("categories", "client_groups", "coverage_areas")
        .select_related("enterprise")
    )
    history = enterprises.prefetch_related("checks__checked_by", "events__actor").order_by("slug")
    referrals = Referral.objects.order_by("pk").select_related("service__enterprise", "organisation", "referrer")
    users = get_user_model().objects.filter(email__endswith="@example.org").order_by("email")
    return {
        "areas": digest(list(council.areas.order_by("slug").values_list("slug", "name", "easting", "northing"))),
        "enterprises": digest(
            [[*(getattr(e, name) for name in ENTERPRISE_FIELDS), days_from(today, e.created_at)] for e in enterprises]
        ),
        "history": digest([[*listing_dates(e, today), *history_rows(e, today)] for e in history]),
        "services per enterprise": digest([[e.slug, e.services.count()] for e in enterprises]),
        "services": digest(
            [
                [
                    s.enterprise.slug,
                    *(getattr(s, name) for name in SERVICE_FIELDS),
                    (today - s.capacity_confirmed_on).days,
                    sorted(c.slug for c in s.categories.all()),
                    sorted(g.slug for g in s.client_groups.all()),
                    sorted(a.slug for a in s.coverage_areas.all()),
                ]
                for s in services
            ]
        ),
        "accounts": digest(
            [
                [
                    u.email,
                    u.first_name,
                    u.is_staff,
                    u.is_superuser,
                    u.check_password("community-demo-2026"),
                    sorted(u.enterprises.values_list("slug", flat=True)),
                    sorted(Organisation.objects.filter(members=u).values_list("name", flat=True)),
                    getattr(getattr(u, "staff_membership", None), "council_id", None) == council.pk,
                ]
                for u in users
            ]
        ),
        "referrals": digest(
            [
                [
                    r.service.enterprise.slug,
                    r.organisation.name,
                    r.referrer.email,
                    *(getattr(r, name) for name in REFERRAL_FIELDS),
                    [
                        [e.action, e.side, e.from_status, e.to_status, e.message, e.at, getattr(e.actor, "email", "")]
                        for e in r.events.order_by("at", "pk")
                    ],
                ]
                for r in referrals
            ]
        ),
    }


def test_the_demo_comes_out_the_same_as_before_its_data_moved_to_yaml():
    from demo.referrals import seed_demo_referrals

    make_town_postcodes()
    call_command("seed_demo", stdout=StringIO())
    seed_demo_referrals(today=REFERRALS_DAY)

    found = fingerprint()

    assert Enterprise.objects.filter(council__name=DEMO_COUNCIL).count() == 80
    assert found == EXPECTED
