"""What the open data tests share: a service with every related record we can publish filled in."""

from datetime import date, time

import pytest
from django.utils import timezone

from enterprises.models import Capacity, CostType, Delivery, EnterpriseCheck, ListingEvent, WayToPay
from tests.factories import days_ago, make_enterprise, make_postcode, make_service, make_user


@pytest.fixture
def full_service(db, day_clubs, carers, worcester):
    """A service with every related record we can publish filled in."""
    day_clubs.oruk_term, day_clubs.description = "cd-day-clubs", "A day out with company."
    day_clubs.save()
    staff = make_user("officer@example.org")
    enterprise = make_enterprise(
        "Malvern Hills Lunch Club",
        summary="Lunch and company in Malvern.",
        description="Run by volunteers since 2019.",
        contact_name="Jean Smith",
        phone="01632 960123",
        email="hello@example.org",
        website="https://example.org/lunch",
        published_at=timezone.now() - timezone.timedelta(days=40),
        review_due_on=date.today() + timezone.timedelta(days=300),
    )
    EnterpriseCheck.objects.create(enterprise=enterprise, kind="quality_standard", checked_by=staff,
                                   checked_on=days_ago(30))
    ListingEvent.objects.create(enterprise=enterprise, action="reviewed", from_status="published",
                                to_status="published", actor=staff, at=timezone.now() - timezone.timedelta(days=20))
    base = make_postcode("WR14 2BB", 378000, 246500)
    return make_service(
        "Thursday day club",
        enterprise=enterprise,
        venue=make_postcode("WR14 4AA", 377500, 245800),
        venue_name="Priory Church Hall",
        venue_address="Church Street\nGreat Malvern",
        summary="A friendly day out with lunch.",
        description="Games, music and a hot two-course lunch.",
        categories=[day_clubs],
        client_groups=[carers],
        coverage_areas=[worcester],
        coverage_postcode=base.postcode, coverage_easting=base.easting, coverage_northing=base.northing,
        coverage_radius_miles=5,
        delivery=[Delivery.VENUE, Delivery.HOME],
        minimum_age=18,
        maximum_age=99,
        cost_type=CostType.PER_DAY,
        cost_amount=32,
        cost_note="Lunch included",
        ways_to_pay=[WayToPay.SELF_FUNDED, WayToPay.DIRECT_PAYMENT],
        days=["thu", "mon"],
        opens_at=time(10),
        closes_at=time(15, 30),
        schedule_note="Not on bank holidays",
        capacity=Capacity.WAITING_LIST,
        capacity_confirmed_on=days_ago(5),
        step_free_access=True,
        hearing_loop=True,
        accessible_toilet=True,
        languages="English, Polish and BSL",
        accessibility_note="Large-print menus",
        cqc_registration="1-123456789",
    )
