"""The directory the browser tests search: a handful of providers within a few miles of WR1 2EY, in Worcester.

Searching "day club" within 5 miles of WR1 2EY finds four published services:

    service                   capacity                         cost
    Riverside Day Club        taking new people                £25.00 per day
    Memory Café Afternoons    waiting list                     £5.00 per session
    Tuesday Lunch and Chat    taking new people                free
    Sunday Social Club        taking, but confirmed long ago   donation

so "Only show services taking new people" leaves two, and "Free only" then leaves Tuesday Lunch and Chat.
Two home-help services come to people's homes. "Unapproved Day Club" matches everything but its enterprise is
not published: it must never appear.
"""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from core.geo import lat_long
from enterprises.models import Capacity, CostType, Delivery, Enterprise, Service, WayToPay, Weekday
from tests.factories import (
    days_ago,
    make_area,
    make_category,
    make_client_group,
    make_enterprise,
    make_place,
    make_postcode,
    make_service,
)

HOME_POSTCODE = "WR1 2EY"
# Where a phone standing about 100 m from WR1 2EY's centre says it is ("Use my location"), as Playwright's geolocation.
HOME_POSITION = dict(zip(("latitude", "longitude"), lat_long(385080, 255060), strict=True))
LUNCH_CLUB_PHONE = "01905 700100"


@dataclass(frozen=True)
class WorcesterDirectory:
    rich_service: Service  # every optional detail filled in
    rich_enterprise: Enterprise
    lunch_club: Service  # the one left after the journey's filters
    hidden_service: Service  # its enterprise is not published


def build_worcester_directory() -> WorcesterDirectory:
    make_postcode(HOME_POSTCODE, 385000, 255000)
    hall = make_postcode("WR1 3AA", 385600, 255400)  # 0.4 miles
    west = make_postcode("WR2 5AA", 383000, 254000)  # 1.4 miles
    south = make_postcode("WR5 1AA", 387500, 253500)  # 1.8 miles
    east = make_postcode("WR4 9AA", 388000, 256000)  # 2.0 miles
    north = make_postcode("WR3 7AA", 385500, 258500)  # 2.2 miles
    worcester = make_area("Worcester", 385100, 255100)
    # Evesham, 13 miles south-east: places and postcodes to search from, and no services within 5 miles.
    make_place("Evesham", 403600, 243800, population=27684)
    make_postcode("WR11 4TP", 404000, 244000)
    make_place("Newport", 330930, 188126, label="Newport, near Cardiff, Wales", population=161506)
    make_place("Newport", 374637, 318872, label="Newport, near Telford, England", population=12741)

    day_clubs = make_category("Day clubs")
    home_help = make_category("Home help")
    older_people = make_client_group("Older people")
    dementia = make_client_group("People living with dementia")
    carers = make_client_group("Carers")

    riverside = make_enterprise(
        "Riverside Friends CIC",
        summary="A community interest company run by two former care workers in St John’s.",
        description="We started in 2019 with a single Wednesday club.\n\nWe now run two clubs and a café.",
        legal_form=Enterprise.LegalForm.CIC,
        contact_name="Mary Evans",
        phone="01905 612345",
        email="hello@riverside-friends.example",
        website="https://riverside-friends.example/",
    )
    rich_service = make_service(
        "Riverside Day Club",
        enterprise=riverside,
        venue=hall,
        delivery=[Delivery.VENUE, Delivery.OUT_AND_ABOUT],
        summary="A friendly day out with lunch, games, music and trips.",
        description="Come for the whole day or part of it.\n\nWe can collect you from home in our minibus.",
        categories=[day_clubs],
        client_groups=[older_people, dementia],
        coverage_areas=[worcester],
        venue_name="St John’s Community Hall",
        venue_address="12 Bransford Road\nWorcester",
        minimum_age=55,
        cost_type=CostType.PER_DAY,
        cost_amount=Decimal("25.00"),
        cost_note="Includes a hot lunch and transport",
        ways_to_pay=[WayToPay.SELF_FUNDED, WayToPay.DIRECT_PAYMENT, WayToPay.COUNCIL_FUNDED],
        days=[Weekday.MON, Weekday.WED, Weekday.FRI],
        opens_at=time(10, 0),
        closes_at=time(15, 30),
        schedule_note="Closed on bank holidays",
        step_free_access=True,
        hearing_loop=True,
        accessible_toilet=True,
        languages="English and Polish",
        accessibility_note="Large-print menus and a quiet room",
        cqc_registration="1-234567890",
    )
    make_service(
        "Memory Café Afternoons",
        enterprise=riverside,
        venue=south,
        categories=[day_clubs],
        client_groups=[dementia, carers],
        cost_type=CostType.PER_SESSION,
        cost_amount=Decimal("5.00"),
        capacity=Capacity.WAITING_LIST,
    )
    lunch_club = make_service(
        "Tuesday Lunch and Chat",
        enterprise=make_enterprise(
            "St Peter’s Lunch Club",
            legal_form=Enterprise.LegalForm.UNINCORPORATED,
            contact_name="Joan Price",
            phone=LUNCH_CLUB_PHONE,
        ),
        venue=west,
        summary="A two-course lunch and a chat, every Tuesday.",
        categories=[day_clubs],
        client_groups=[older_people],
        cost_type=CostType.FREE,
        days=[Weekday.TUE],
        schedule_note="From noon",
    )
    make_service(
        "Sunday Social Club",
        enterprise=make_enterprise("Sunday Socials", phone="07700 900123"),
        venue=north,
        categories=[day_clubs],
        cost_type=CostType.DONATION,
        cost_amount=Decimal("3.00"),
        capacity=Capacity.TAKING,
        capacity_confirmed_on=days_ago(200),  # too long ago to be believed: shown as not known
    )
    make_service(
        "Helping Hands at Home",
        enterprise=make_enterprise("Helping Hands Worcester", legal_form=Enterprise.LegalForm.SOLE_TRADER),
        delivery=[Delivery.HOME],
        coverage_postcode=east.postcode,
        coverage_easting=east.easting,
        coverage_northing=east.northing,
        coverage_radius_miles=10,
        categories=[home_help],
        client_groups=[older_people],
        cost_type=CostType.PER_HOUR,
        cost_amount=Decimal("18.00"),
        ways_to_pay=[WayToPay.SELF_FUNDED, WayToPay.DIRECT_PAYMENT],
    )
    make_service(
        "Green Fingers Garden Help",
        enterprise=make_enterprise("Green Fingers"),
        delivery=[Delivery.HOME],
        coverage_areas=[worcester],
        categories=[home_help],
        cost_type=CostType.PER_HOUR,
        cost_amount=Decimal("15.00"),
        capacity=Capacity.FULL,
    )
    hidden_service = make_service(
        "Unapproved Day Club",
        enterprise=make_enterprise("Not Yet Approved Ltd", status=Enterprise.Status.SUBMITTED),
        venue=hall,
        categories=[day_clubs],
        client_groups=[older_people],
        cost_type=CostType.FREE,
    )
    return WorcesterDirectory(
        rich_service=rich_service, rich_enterprise=riverside, lunch_club=lunch_club, hidden_service=hidden_service
    )
