"""Demo and scale data: a believable Worcestershire directory, and as many generated services as a load test needs.

`seed_demo()` builds the demo for Worcestershire County Council: real towns with their real centres, about 80
fictional micro-enterprises and about 150 services at real postcodes near each town centre. Every choice is drawn from
random sources seeded with 2026 (`random.Random(2026)` for the order, and one `Random("2026:<slug>:<n>")` per
enterprise and per service so that editing one never shifts another), so the demo is the same every time; only the
"confirmed N days ago" dates move with today.
It is idempotent: enterprises are matched by slug and updated in place (created when missing); a demo enterprise's
services are the demo's, matched by position (oldest first) and updated in place, surplus ones deleted. Running it
again changes nothing and keeps primary keys, and so anything that points at them (users, referrals).

`seed_scale()` adds generated services at random real postcodes across the whole Postcode table until the
"Generated council" has the number asked for, in batches of 5,000: enterprises by bulk_create, services and their M2M
through rows by COPY (see `copy_insert`), and one search-vector UPDATE per batch through
`ServiceQuerySet.refresh_search_vectors`.

The commands `seed_demo` and `seed_scale` are thin wrappers around these two functions.
"""

import math
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time as clock
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from enterprises.models import (
    Area,
    Capacity,
    Category,
    ClientGroup,
    CostType,
    Council,
    Delivery,
    Enterprise,
    Postcode,
    Service,
    WayToPay,
    Weekday,
)
from enterprises.signals import catalogue_changed
from enterprises.taxonomy import ensure_taxonomies

DEMO_COUNCIL_NAME = "Worcestershire County Council"
SCALE_COUNCIL_NAME = "Generated council"
DEMO_SEED = 2026
STALE_SHARE = 0.10  # about one service in ten has a capacity status confirmed too long ago to show


class DemoDataError(Exception):
    """Seeding cannot go ahead; the message says what to do."""


# --------------------------------------------------------------------------------------------------------------------
# Towns: real Worcestershire towns, each centred on a real town-centre postcode (Code-Point Open grid reference).
# `prefixes` are the postcode sectors/districts whose postcodes count as the town when we pick venues and bases.


@dataclass(frozen=True)
class Town:
    name: str
    postcode: str
    easting: int
    northing: int
    prefixes: tuple[str, ...]
    venues: tuple[tuple[str, str], ...]  # (venue name, street)

    @property
    def slug(self) -> str:
        return slugify(self.name)

    def metres_to(self, other: "Town") -> float:
        return math.hypot(self.easting - other.easting, self.northing - other.northing)


TOWNS: tuple[Town, ...] = (
    Town(
        "Worcester",
        "WR1 2EY",
        384999,
        254789,
        ("WR1 ", "WR2 ", "WR3 ", "WR4 ", "WR5 "),
        (
            ("St John's Church Hall", "Bromyard Road"),
            ("The Hive community room", "Sawmill Walk"),
            ("Claines Methodist Church Hall", "Ombersley Road"),
            ("Lowesmoor Community Centre", "Lowesmoor"),
        ),
    ),
    Town(
        "Kidderminster",
        "DY10 1AA",
        383050,
        276592,
        ("DY10 ", "DY11 "),
        (
            ("Baxter Church Hall", "Bull Ring"),
            ("Stourminster Community Centre", "Vicar Street"),
            ("Comberton Methodist Hall", "Comberton Hill"),
        ),
    ),
    Town(
        "Bromsgrove",
        "B61 8DJ",
        395823,
        270679,
        ("B60 ", "B61 "),
        (
            ("St John's Church Hall", "Kidderminster Road"),
            ("Bromsgrove Methodist Centre", "Stratford Road"),
            ("Parkside Community Room", "Stourbridge Road"),
        ),
    ),
    Town(
        "Redditch",
        "B97 4AJ",
        404021,
        267701,
        ("B97 ", "B98 "),
        (
            ("St Stephen's Church Hall", "Church Green"),
            ("Batchley Community Centre", "Cherry Tree Walk"),
            ("Redditch Library community room", "Market Place"),
        ),
    ),
    Town(
        "Droitwich Spa",
        "WR9 8DY",
        389939,
        263326,
        ("WR9 ",),
        (
            ("St Andrew's Church Hall", "St Andrew's Street"),
            ("Droitwich Community Hall", "Heritage Way"),
            ("Salters Hall", "Victoria Square"),
        ),
    ),
    Town(
        "Evesham",
        "WR11 4RW",
        403702,
        243736,
        ("WR11 ",),
        (
            ("All Saints Church Hall", "Market Place"),
            ("Evesham Methodist Church Hall", "Bridge Street"),
            ("Hampton Community Centre", "Pershore Road"),
        ),
    ),
    Town(
        "Malvern",
        "WR14 4QG",
        377484,
        245887,
        ("WR14 ",),
        (
            ("Priory Church Hall", "Church Street"),
            ("Malvern Cube", "Albert Road North"),
            ("Barnards Green Methodist Hall", "Court Road"),
        ),
    ),
    Town(
        "Pershore",
        "WR10 1JE",
        394830,
        245640,
        ("WR10 ",),
        (
            ("Pershore Town Hall", "High Street"),
            ("Abbey Church Hall", "Church Row"),
            ("Pershore Methodist Church Hall", "Broad Street"),
        ),
    ),
    Town(
        "Stourport-on-Severn",
        "DY13 8BL",
        381105,
        271336,
        ("DY13 ",),
        (
            ("Stourport Civic Centre", "New Street"),
            ("St Michael's Church Hall", "Lickhill Road"),
            ("Areley Kings Village Hall", "Areley Common"),
        ),
    ),
    Town(
        "Tenbury Wells",
        "WR15 8BP",
        359474,
        268339,
        ("WR15 ",),
        (("Tenbury Pump Rooms", "Teme Street"), ("St Mary's Church Hall", "Church Street")),
    ),
    Town(
        "Upton-upon-Severn",
        "WR8 0NS",
        385215,
        240510,
        ("WR8 0",),
        (("Upton Memorial Hall", "School Lane"), ("Upton Methodist Hall", "Old Street")),
    ),
    Town(
        "Bewdley",
        "DY12 2DQ",
        378754,
        275286,
        ("DY12 ",),
        (("Bewdley Guildhall", "Load Street"), ("Wribbenhall Methodist Hall", "Kidderminster Road")),
    ),
    Town(
        "Broadway",
        "WR12 7AA",
        409509,
        237484,
        ("WR12 ",),
        (("Lifford Memorial Hall", "Church Close"), ("Broadway Methodist Church Hall", "High Street")),
    ),
    Town(
        "Hagley",
        "DY9 0QR",
        391430,
        281044,
        ("DY9 0",),
        (("Hagley Community Centre", "Worcester Road"), ("St Saviour's Church Hall", "Park Road")),
    ),
    Town(
        "Wythall",
        "B47 6JX",
        407339,
        274919,
        ("B47 ",),
        (("Wythall Community Hall", "Silver Street"), ("Hollywood Methodist Hall", "May Lane")),
    ),
    Town(
        "Martley",
        "WR6 6QY",
        375379,
        259739,
        ("WR6 6",),
        (("Martley Village Hall", "Main Road"), ("Martley Memorial Hall", "Lower Road")),
    ),
)
TOWNS_BY_SLUG = {town.slug: town for town in TOWNS}

VENUE_RADIUS_METRES = 1500  # venues: near the town centre
BASE_RADIUS_METRES = 3000  # home-visit bases: anywhere in the town
MIN_CANDIDATES = 8

# GB postcode areas and the place each is named after, for generated names ("Home help around Leeds").
POSTCODE_AREA_PLACES = {
    "AB": "Aberdeen", "AL": "St Albans", "B": "Birmingham", "BA": "Bath", "BB": "Blackburn", "BD": "Bradford",
    "BH": "Bournemouth", "BL": "Bolton", "BN": "Brighton", "BR": "Bromley", "BS": "Bristol", "CA": "Carlisle",
    "CB": "Cambridge", "CF": "Cardiff", "CH": "Chester", "CM": "Chelmsford", "CO": "Colchester", "CR": "Croydon",
    "CT": "Canterbury", "CV": "Coventry", "CW": "Crewe", "DA": "Dartford", "DD": "Dundee", "DE": "Derby",
    "DG": "Dumfries", "DH": "Durham", "DL": "Darlington", "DN": "Doncaster", "DT": "Dorchester", "DY": "Dudley",
    "E": "East London", "EC": "the City of London", "EH": "Edinburgh", "EN": "Enfield", "EX": "Exeter",
    "FK": "Falkirk", "FY": "Blackpool", "G": "Glasgow", "GL": "Gloucester", "GU": "Guildford", "HA": "Harrow",
    "HD": "Huddersfield", "HG": "Harrogate", "HP": "Hemel Hempstead", "HR": "Hereford", "HS": "the Western Isles",
    "HU": "Hull", "HX": "Halifax", "IG": "Ilford", "IP": "Ipswich", "IV": "Inverness", "KA": "Kilmarnock",
    "KT": "Kingston upon Thames", "KW": "Kirkwall", "KY": "Kirkcaldy", "L": "Liverpool", "LA": "Lancaster",
    "LD": "Llandrindod Wells", "LE": "Leicester", "LL": "Llandudno", "LN": "Lincoln", "LS": "Leeds", "LU": "Luton",
    "M": "Manchester", "ME": "Medway", "MK": "Milton Keynes", "ML": "Motherwell", "N": "North London",
    "NE": "Newcastle", "NG": "Nottingham", "NN": "Northampton", "NP": "Newport", "NR": "Norwich",
    "NW": "North West London", "OL": "Oldham", "OX": "Oxford", "PA": "Paisley", "PE": "Peterborough", "PH": "Perth",
    "PL": "Plymouth", "PO": "Portsmouth", "PR": "Preston", "RG": "Reading", "RH": "Redhill", "RM": "Romford",
    "S": "Sheffield", "SA": "Swansea", "SE": "South East London", "SG": "Stevenage", "SK": "Stockport",
    "SL": "Slough", "SM": "Sutton", "SN": "Swindon", "SO": "Southampton", "SP": "Salisbury", "SR": "Sunderland",
    "SS": "Southend", "ST": "Stoke-on-Trent", "SW": "South West London", "SY": "Shrewsbury", "TA": "Taunton",
    "TD": "the Scottish Borders", "TF": "Telford", "TN": "Tonbridge", "TQ": "Torquay", "TR": "Truro",
    "TS": "Teesside", "TW": "Twickenham", "UB": "Southall", "W": "West London", "WA": "Warrington",
    "WC": "Central London", "WD": "Watford", "WF": "Wakefield", "WN": "Wigan", "WR": "Worcester", "WS": "Walsall",
    "WV": "Wolverhampton", "YO": "York", "ZE": "Shetland",
}  # fmt: skip

GENERIC_VENUES = (
    "St Mary's Church Hall",
    "Methodist Church Hall",
    "Community Centre",
    "Village Hall",
    "Memorial Hall",
    "Library community room",
    "Baptist Church Hall",
    "Scout Hut",
    "Quaker Meeting House",
    "Community Café",
)

# --------------------------------------------------------------------------------------------------------------------
# Kinds of service: the vocabulary both seeders draw from.

WEEKDAYS = [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI]
PLURAL_DAY = {value: f"{Weekday(value).label}s" for value in Weekday.values}

SELF = WayToPay.SELF_FUNDED
DIRECT = WayToPay.DIRECT_PAYMENT
COUNCIL = WayToPay.COUNCIL_FUNDED


def days_text(days: list[str], plural: bool = True) -> str:
    """`['mon', 'thu']` → "Mondays and Thursdays" (or "Monday and Thursday" for a name)."""
    if days == WEEKDAYS:
        return "weekdays" if plural else "weekday"
    if len(days) == 7:
        return "every day"
    if days == WEEKDAYS + [Weekday.SAT]:
        return "Monday to Saturday"
    names = [PLURAL_DAY[day] if plural else Weekday(day).label for day in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def money(amount: Decimal | float | int) -> Decimal:
    return Decimal(str(amount)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Schedule:
    days: list[str]
    opens_at: clock | None
    closes_at: clock | None
    note: str = ""


@dataclass(frozen=True)
class Cost:
    type: str
    amount: Decimal | None = None
    note: str = ""


def _some_weekdays(rng: random.Random, count: int) -> list[str]:
    chosen = set(rng.sample(WEEKDAYS, count))
    return [day for day in WEEKDAYS if day in chosen]


@dataclass(frozen=True)
class Kind:
    """One kind of service, with the words and numbers a believable listing of it needs."""

    key: str
    where: str  # "venue" (at a hall), "home" (comes to people), "remote" (phone/online), "out" (out and about)
    delivery: tuple[str, ...]
    categories: tuple[str, ...]
    client_groups: tuple[tuple[str, ...], ...]  # one option is chosen
    names: tuple[str, ...]  # formatted with venue, town, days
    summaries: tuple[str, ...]
    descriptions: tuple[str, ...]
    cost: Callable[[random.Random], Cost]
    ways_to_pay: tuple[tuple[str, ...], ...]
    schedule: Callable[[random.Random], Schedule]
    enterprise_nouns: tuple[str, ...]  # for generated enterprise names
    ages: tuple[int | None, int | None] = (None, None)
    regulated: bool = False  # CQC-registered personal care


KINDS: dict[str, Kind] = {}


def _kind(**fields) -> Kind:
    kind = Kind(**fields)
    KINDS[kind.key] = kind
    return kind


_kind(
    key="day",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("day-clubs", "social-groups"),
    client_groups=(("older-people",), ("older-people", "dementia"), ("older-people", "dementia", "carers")),
    names=("Day club at {venue}", "{day} day club"),
    summaries=(
        "A full day of company, activities and a hot lunch for older people on {days}.",
        "A friendly day club in {town} with lunch, music and gentle activities.",
    ),
    descriptions=(
        "A friendly day out on {days} at {venue}, with a freshly cooked two-course lunch, quizzes, music and gentle "
        "exercise. Staff help with eating and getting about, and there is a quiet room for anyone who needs a rest.",
        "We welcome older people, including people living with dementia, for a full day of company on {days}. "
        "Lunch, tea and cake are included, and carers get a proper break knowing the person they look after is "
        "in good hands.",
        "Come along on {days} for a warm welcome, a hot lunch and an afternoon of crafts, bingo or a visiting singer. "
        "Many members have been coming for years, and new faces are always made to feel at home.",
    ),
    cost=lambda rng: Cost(
        CostType.PER_DAY,
        money(rng.choice([25, 28, 30, 32, 35, 38, 40, 45, 50, 55, 60])),
        rng.choice(["Includes lunch and refreshments.", "Transport from home is £5 each way.", ""]),
    ),
    ways_to_pay=((SELF, DIRECT, COUNCIL), (SELF, DIRECT), (SELF, COUNCIL)),
    schedule=lambda rng: Schedule(_some_weekdays(rng, rng.choice([1, 2, 2, 3])), clock(10), clock(15, 30)),
    enterprise_nouns=("Day Club", "Day Centre", "Friendship Club"),
)
_kind(
    key="day_ld",
    where="venue",
    delivery=(Delivery.VENUE, Delivery.OUT_AND_ABOUT),
    categories=("day-clubs", "arts-crafts-and-music"),
    client_groups=(("learning-disability", "autistic-people"), ("learning-disability",)),
    names=("Day opportunities at {venue}", "Skills and activities days"),
    summaries=("Day opportunities for adults with a learning disability: skills, creativity and friendship.",),
    descriptions=(
        "Adults with a learning disability and autistic adults spend the day learning new skills, cooking, making "
        "things and getting out into {town}. Everyone has a say in what we do, and we keep groups small so people "
        "get the support they need.",
        "Our days mix practical skills like cooking and money with art, music and trips out. We work at each "
        "person's pace and keep in close touch with families and support workers.",
    ),
    cost=lambda rng: Cost(CostType.PER_DAY, money(rng.choice([40, 45, 48, 52, 55, 60]))),
    ways_to_pay=((DIRECT, COUNCIL), (SELF, DIRECT, COUNCIL)),
    schedule=lambda rng: Schedule(WEEKDAYS, clock(9, 30), clock(15, 30)),
    enterprise_nouns=("Day Opportunities", "Skills Hub"),
)
_kind(
    key="lunch",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("lunch-clubs", "social-groups"),
    client_groups=(("older-people",), ("older-people", "physical-disability")),
    names=("Lunch club at {venue}", "{day} lunch club"),
    summaries=(
        "A hot two-course lunch and good company every week at {venue}.",
        "A home-cooked lunch with friends on {days}, in the middle of {town}.",
    ),
    descriptions=(
        "Two courses cooked on the day by our volunteers, followed by tea, coffee and a chat. We can cater for "
        "diabetic and soft diets if you let us know, and there is a raffle most weeks.",
        "Join us on {days} for a proper sit-down lunch: a roast or a pie, a pudding and a pot of tea. Lots of "
        "people come on their own and leave with new friends.",
        "A warm, busy room, a hot meal and someone to talk to. Tell us if you need help getting here and we will "
        "try to find you a lift.",
    ),
    cost=lambda rng: Cost(
        CostType.PER_SESSION,
        money(rng.choice([4.00, 4.50, 4.50, 4.50, 5.00, 5.50])),
        "Two courses and tea or coffee.",
    ),
    ways_to_pay=((SELF,),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(12), clock(14)),
    enterprise_nouns=("Lunch Club", "Dinner Club"),
)
_kind(
    key="meals",
    where="home",
    delivery=(Delivery.HOME,),
    categories=("lunch-clubs",),
    client_groups=(("older-people", "physical-disability"), ("older-people",)),
    names=("Hot meals delivered in {town}", "Meals at home"),
    summaries=("A hot, home-cooked lunch brought to your door, with a friendly check that you are well.",),
    descriptions=(
        "Our volunteer drivers bring a hot two-course lunch to your door around midday, cooked that morning. "
        "It is a chance for a quick chat too, and we will let your family know if something seems wrong.",
        "Home-cooked meals, delivered hot, for people who find cooking hard. Menus change weekly and we can "
        "cater for most diets.",
    ),
    cost=lambda rng: Cost(CostType.PER_SESSION, money(rng.choice([5.50, 6.00, 6.50])), "Per meal, with a pudding."),
    ways_to_pay=((SELF,), (SELF, DIRECT)),
    schedule=lambda rng: Schedule(WEEKDAYS, clock(11, 30), clock(13, 30)),
    enterprise_nouns=("Meals on Wheels", "Kitchen"),
)
_kind(
    key="home_help",
    where="home",
    delivery=(Delivery.HOME,),
    categories=("home-help",),
    client_groups=(("older-people",), ("older-people", "physical-disability"), ("physical-disability",)),
    names=("Home help in {town}", "Cleaning and home help around {town}"),
    summaries=(
        "Cleaning, laundry, shopping and a helping hand around the home, by the same friendly face each week.",
        "Reliable home help in {town}, so you can keep living at home your way.",
    ),
    descriptions=(
        "We help with cleaning, ironing, changing beds, shopping and collecting prescriptions. You see the same "
        "person every visit, and we always have time for a cup of tea and a chat.",
        "Home help at a time that suits you, from an hour a week upwards: housework, laundry, shopping and "
        "taking you to appointments. We are DBS checked and fully insured.",
        "Keeping on top of the house gets harder as we get older. We do the jobs you find difficult and leave "
        "you to enjoy the rest of your week.",
    ),
    cost=lambda rng: Cost(CostType.PER_HOUR, money(rng.choice([15, 16, 17, 18, 18.50, 19, 20, 21, 22, 24, 25]))),
    ways_to_pay=((SELF, DIRECT), (SELF,), (SELF, DIRECT, COUNCIL)),
    schedule=lambda rng: Schedule(
        rng.choice([WEEKDAYS, WEEKDAYS + [Weekday.SAT]]), clock(8), clock(18), "Visits arranged to suit you."
    ),
    enterprise_nouns=("Home Help", "Helping Hands", "Home Helpers"),
)
_kind(
    key="home_care",
    where="home",
    delivery=(Delivery.HOME,),
    categories=("home-care", "home-help"),
    client_groups=(
        ("older-people", "dementia", "physical-disability"),
        ("older-people", "dementia"),
        ("physical-disability", "learning-disability"),
    ),
    names=("Home care in {town}", "Personal care at home"),
    summaries=("Personal care at home from a small, registered team who get to know you well.",),
    descriptions=(
        "Help with washing, dressing, medicines and meals from a small team you will get to know by name. "
        "Visits are never rushed, and we work closely with your family, GP and district nurses.",
        "We are a small home care service registered with the Care Quality Commission. We offer personal care, "
        "medication support and end-of-life care, with the same carers every week wherever we can.",
    ),
    cost=lambda rng: Cost(CostType.PER_HOUR, money(rng.choice([22, 23.50, 24, 25, 26, 28]))),
    ways_to_pay=((SELF, DIRECT, COUNCIL),),
    schedule=lambda rng: Schedule(list(Weekday.values), clock(7), clock(22), "Visits from 7am to 10pm, every day."),
    enterprise_nouns=("Home Care", "Care at Home"),
    regulated=True,
)
_kind(
    key="sitting",
    where="home",
    delivery=(Delivery.HOME,),
    categories=("sitting-and-carer-breaks",),
    client_groups=(("carers", "dementia"), ("carers", "older-people"), ("carers", "dementia", "older-people")),
    names=("Sitting service in {town}", "Carer breaks at home"),
    summaries=(
        "A trusted sitter stays with the person you look after, so you can have a few hours for yourself.",
        "Regular breaks for carers in {town}, with a sitter who gets to know your family.",
    ),
    descriptions=(
        "We sit with the person you care for while you go out, rest or see friends. Our sitters are experienced "
        "with dementia and will follow your routines, from making lunch to a favourite television programme.",
        "Caring is hard work and everyone needs a break. Book a few hours each week or just now and then, "
        "daytime or evening, and we will do our best to send the same sitter each time.",
    ),
    cost=lambda rng: Cost(CostType.PER_HOUR, money(rng.choice([16, 17, 18, 19, 20, 22])), "Minimum two hours."),
    ways_to_pay=((SELF, DIRECT, COUNCIL), (SELF, DIRECT)),
    schedule=lambda rng: Schedule(
        WEEKDAYS + [Weekday.SAT], clock(9), clock(21), "Daytime and evening sits, booked in advance."
    ),
    enterprise_nouns=("Sitters", "Sitting Service", "Carer Breaks"),
)
_kind(
    key="befriend_phone",
    where="remote",
    delivery=(Delivery.PHONE,),
    categories=("befriending",),
    client_groups=(("older-people",), ("older-people", "mental-health"), ("older-people", "carers")),
    names=("Telephone befriending", "Friendly phone calls"),
    summaries=("A regular friendly phone call with a trained volunteer who looks forward to talking with you.",),
    descriptions=(
        "Our volunteers ring at the same time each week for a chat about anything and everything. It is free, "
        "there is nothing to sign up to, and you can stop whenever you like.",
        "Lonely or cut off? A friendly voice on the phone once or twice a week can make a real difference. We "
        "match you with a volunteer who shares your interests.",
    ),
    cost=lambda rng: Cost(CostType.FREE),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(WEEKDAYS, clock(10), clock(16), "A weekly call at a time that suits you."),
    enterprise_nouns=("Phone Friends", "Befrienders"),
)
_kind(
    key="befriend_visit",
    where="home",
    delivery=(Delivery.HOME, Delivery.OUT_AND_ABOUT),
    categories=("befriending",),
    client_groups=(("older-people",), ("older-people", "dementia"), ("older-people", "physical-disability")),
    names=("Befriending visits in {town}", "Home visits and companionship"),
    summaries=("A volunteer visits each week for company, a cuppa, and a trip out if you would like one.",),
    descriptions=(
        "A volunteer visits you at home every week for a chat, a game of cards or a walk to the shops. We take "
        "time to match you with someone you will get on with.",
        "Companionship at home and out and about: coffee in town, a visit to the garden centre or simply a good "
        "natter. Every volunteer is DBS checked and trained.",
    ),
    cost=lambda rng: rng.choice([Cost(CostType.FREE), Cost(CostType.DONATION, None, "Donations welcome.")]),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(WEEKDAYS, clock(10), clock(16), "A weekly visit, arranged with you."),
    enterprise_nouns=("Befrienders", "Companions", "Good Neighbours"),
)
_kind(
    key="peer_carers",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("peer-support", "social-groups"),
    client_groups=(("carers",),),
    names=("Carers' coffee morning at {venue}", "Carers' support group"),
    summaries=("A relaxed get-together for unpaid carers to share experience, tips and a laugh.",),
    descriptions=(
        "Time out for carers over coffee and cake, with people who understand. Now and then a guest speaker "
        "talks about benefits, care options or looking after yourself.",
        "Caring for someone can be lonely. Come along and meet other carers on {days}; you can bring the person "
        "you look after, and there is a volunteer to keep them company.",
    ),
    cost=lambda rng: Cost(CostType.FREE),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(
        _some_weekdays(rng, 1), clock(10, 30), clock(12), "First and third week of the month."
    ),
    enterprise_nouns=("Carers' Circle", "Carers' Network"),
)
_kind(
    key="peer_mh",
    where="venue",
    delivery=(Delivery.VENUE, Delivery.ONLINE),
    categories=("peer-support",),
    client_groups=(("mental-health",),),
    names=("Peer support group at {venue}", "Wellbeing peer support"),
    summaries=("A safe, friendly group where people living with mental ill health support each other.",),
    descriptions=(
        "We meet every week to talk, listen and try things that help, such as walking, journalling or just a "
        "good cup of tea. Everyone runs the group together and nobody has to talk if they would rather not.",
        "A peer support group for anyone struggling with anxiety, depression or low mood, led by people with "
        "their own experience. There is an online session too for people who cannot get out.",
    ),
    cost=lambda rng: rng.choice([Cost(CostType.FREE), Cost(CostType.DONATION, money(2), "Pay what you can.")]),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(18, 30), clock(20)),
    enterprise_nouns=("Peer Support", "Wellbeing Group"),
)
_kind(
    key="memory_cafe",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("peer-support", "social-groups"),
    client_groups=(("dementia", "carers"),),
    names=("Memory café at {venue}", "{day} memory café"),
    summaries=("A welcoming café for people living with dementia and the people who care for them.",),
    descriptions=(
        "Come together for tea, cake, music and reminiscence, in a place where nobody minds if you forget a name. "
        "Carers get to talk with others who understand, and with dementia advisers who drop in.",
        "A relaxed afternoon for people living with memory loss and their families: singing, quizzes, old photos "
        "and lots of chat. Just turn up, there is no need to book.",
    ),
    cost=lambda rng: Cost(CostType.DONATION, money(rng.choice([2, 3])), ""),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(14), clock(16), "Second week of the month."),
    enterprise_nouns=("Memory Café",),
)
_kind(
    key="garden",
    where="home",
    delivery=(Delivery.HOME,),
    categories=("gardening-and-odd-jobs",),
    client_groups=(("older-people", "physical-disability"), ("older-people",)),
    names=("Garden help in {town}", "Gardening and odd jobs"),
    summaries=("Lawns, hedges, weeding and small jobs around the house, done carefully and at a fair price.",),
    descriptions=(
        "Mowing, hedge cutting, weeding and tidying borders, plus the odd jobs that pile up: changing bulbs, "
        "putting up shelves, clearing gutters. I take the green waste away with me.",
        "Help to keep your garden a pleasure rather than a worry, on a regular visit or a one-off tidy. Small "
        "repairs and odd jobs in the house too.",
    ),
    cost=lambda rng: Cost(CostType.PER_HOUR, money(rng.choice([15, 16, 18, 20, 22]))),
    ways_to_pay=((SELF,), (SELF, DIRECT)),
    schedule=lambda rng: Schedule(WEEKDAYS, clock(8, 30), clock(17)),
    enterprise_nouns=("Gardening", "Garden Help", "Odd Jobs"),
)
_kind(
    key="arts",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("arts-crafts-and-music", "social-groups"),
    client_groups=(("older-people",), ("learning-disability", "autistic-people"), ("mental-health",)),
    names=("Art and craft group at {venue}", "{day} craft club"),
    summaries=("Painting, crafts and good company, for all abilities and no experience needed.",),
    descriptions=(
        "Try painting, card making, knitting or pottery in a relaxed group at {venue}. All materials are "
        "provided, and there is always someone on hand to help you get started.",
        "A creative, friendly session every week, with a different project each month. It is about enjoying "
        "making things together, not about being good at art.",
    ),
    cost=lambda rng: rng.choice(
        [Cost(CostType.PER_SESSION, money(rng.choice([3, 4, 5, 6, 8])), "Materials included."), Cost(CostType.DONATION)]
    ),
    ways_to_pay=((SELF,), (SELF, DIRECT)),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(10), clock(12)),
    enterprise_nouns=("Crafters", "Arts Collective", "Art Club"),
)
_kind(
    key="singing",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("arts-crafts-and-music", "social-groups"),
    client_groups=(("dementia", "carers"), ("older-people",), ("older-people", "mental-health")),
    names=("Singing group at {venue}", "{day} sing-along"),
    summaries=("Singing the songs everyone knows, for the joy of it; no auditions and no experience needed.",),
    descriptions=(
        "Songs from the shows, the fifties and the sixties, with song sheets in large print and a pianist who "
        "takes requests. Singing together lifts the mood, and people living with dementia often remember every "
        "word.",
        "A friendly sing-along followed by tea and biscuits. Come on your own or bring the person you care for.",
    ),
    cost=lambda rng: Cost(CostType.DONATION, money(rng.choice([2, 3])), "Suggested donation."),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(14), clock(15, 30)),
    enterprise_nouns=("Singers", "Choir"),
)
_kind(
    key="exercise",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("dance-and-exercise",),
    client_groups=(("older-people",), ("older-people", "physical-disability")),
    names=("Seated exercise at {venue}", "{day} chair-based exercise"),
    summaries=("Gentle exercise, mostly seated, to keep you strong, steady and smiling.",),
    descriptions=(
        "An hour of gentle, mostly seated exercise to music, led by a qualified instructor. It helps with "
        "balance, strength and confidence, and every move can be adapted to suit you.",
        "Keep moving with friendly chair-based exercise and a cuppa afterwards. Good for anyone who is "
        "recovering from a fall or an operation, or who simply wants to feel steadier on their feet.",
    ),
    cost=lambda rng: Cost(CostType.PER_SESSION, money(rng.choice([3, 3.50, 4, 4.50, 5]))),
    ways_to_pay=((SELF,),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, rng.choice([1, 2])), clock(11), clock(12)),
    enterprise_nouns=("Fitness", "Move More", "Chair Yoga"),
)
_kind(
    key="dance",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("dance-and-exercise", "social-groups"),
    client_groups=(("learning-disability", "autistic-people"), ("older-people",), ("physical-disability",)),
    names=("Dance class at {venue}", "{day} dance session"),
    summaries=("Inclusive dance for every body and every ability, with lots of laughter.",),
    descriptions=(
        "Inclusive dance sessions where everyone joins in their own way, standing or seated. We dance to "
        "everything from Motown to musicals and finish with a chat and a drink.",
        "A welcoming class that builds confidence, fitness and friendships. Support workers and family members "
        "are welcome to dance too.",
    ),
    cost=lambda rng: Cost(CostType.PER_SESSION, money(rng.choice([4, 5, 6]))),
    ways_to_pay=((SELF, DIRECT),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(13, 30), clock(15)),
    enterprise_nouns=("Dance", "Dance Company"),
)
_kind(
    key="walking",
    where="venue",  # the meeting point
    delivery=(Delivery.OUT_AND_ABOUT,),
    categories=("dance-and-exercise", "social-groups"),
    client_groups=(("older-people", "mental-health"), ("mental-health",), ("older-people",)),
    names=("Walk and talk from {venue}", "{day} wellbeing walk"),
    summaries=("Short, sociable walks at an easy pace, with a cuppa at the end.",),
    descriptions=(
        "We meet at {venue} and walk for about an hour on level paths, stopping to chat and take in the views. "
        "Walk leaders are trained in first aid and nobody gets left behind.",
        "Friendly, easy-going walks that are as much about company as exercise. Good for anyone building up "
        "their fitness or their confidence.",
    ),
    cost=lambda rng: Cost(CostType.FREE),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(10), clock(11, 30), "We walk in all weathers."),
    enterprise_nouns=("Walking Friends", "Walk and Talk"),
)
_kind(
    key="social",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("social-groups",),
    client_groups=(("older-people",), ("older-people", "carers"), ("older-people", "physical-disability")),
    names=("Tea and chat at {venue}", "{day} social club"),
    summaries=("A cup of tea, a biscuit and a good chat: a friendly social club in {town}.",),
    descriptions=(
        "Drop in for tea, cake and conversation, with a quiz, bingo or a speaker most weeks. It is a friendly "
        "bunch and we make sure nobody sits on their own.",
        "Our social club is a chance to get out of the house, catch up with friends and make new ones. We "
        "organise occasional trips and a big Christmas party.",
    ),
    cost=lambda rng: rng.choice(
        [Cost(CostType.FREE), Cost(CostType.DONATION, money(1.50)), Cost(CostType.PER_SESSION, money(2))]
    ),
    ways_to_pay=((), (SELF,)),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(14), clock(16)),
    enterprise_nouns=("Social Club", "Friendship Group", "Tea Club"),
)
_kind(
    key="mens_shed",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("social-groups", "gardening-and-odd-jobs"),
    client_groups=(("older-people", "mental-health"), ("older-people",)),
    names=("Men's shed at {venue}", "The Shed"),
    summaries=("A workshop and a brew for anyone who likes making, mending and a bit of banter.",),
    descriptions=(
        "A well-equipped workshop where members fix bikes, make bird boxes and mend things for the community. "
        "It is a place to share skills, and the kettle is always on.",
        "Shoulder to shoulder is sometimes easier than face to face. Come and potter, learn woodwork or just "
        "have a cuppa with a friendly crowd.",
    ),
    cost=lambda rng: Cost(CostType.DONATION, money(2), "Donation towards materials."),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 2), clock(9, 30), clock(13)),
    enterprise_nouns=("Men's Shed", "Community Shed"),
)
_kind(
    key="trips",
    where="out",
    delivery=(Delivery.OUT_AND_ABOUT,),
    categories=("trips-and-outings", "social-groups"),
    client_groups=(("older-people",), ("learning-disability",), ("older-people", "physical-disability")),
    names=("Days out from {town}", "Trips and outings"),
    summaries=("Accessible days out with company, help and door-to-door transport.",),
    descriptions=(
        "Monthly trips in our accessible minibus to gardens, the coast, garden centres and tea rooms, picked by "
        "members. We collect you from home and a volunteer stays with the group all day.",
        "Getting out is the best medicine. Our outings are unhurried, step-free where possible and always "
        "include a good lunch somewhere nice.",
    ),
    cost=lambda rng: Cost(
        CostType.PER_DAY, money(rng.choice([15, 18, 20, 25, 30, 35])), "Includes transport; lunch is extra."
    ),
    ways_to_pay=((SELF,), (SELF, DIRECT)),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 1), clock(9, 30), clock(17), "About once a month."),
    enterprise_nouns=("Outings", "Trips", "Days Out"),
)
_kind(
    key="transport",
    where="out",
    delivery=(Delivery.OUT_AND_ABOUT,),
    categories=("transport-and-escorting",),
    client_groups=(("older-people", "physical-disability"), ("older-people",)),
    names=("Community transport in {town}", "Lifts and escorts"),
    summaries=("Lifts to appointments, the shops and clubs, with a driver who waits and helps you in and out.",),
    descriptions=(
        "Volunteer drivers take you to the doctor, the hospital, the shops or your club, and bring you home "
        "again. They help you in and out of the car and will come into appointments with you if you like.",
        "Door-to-door lifts when the bus is not an option. Book at least two days ahead and we will do our "
        "best to find a driver.",
    ),
    cost=lambda rng: Cost(CostType.PER_HOUR, money(rng.choice([10, 12, 14])), "Plus 45p a mile."),
    ways_to_pay=((SELF,), (SELF, DIRECT)),
    schedule=lambda rng: Schedule(WEEKDAYS, clock(8, 30), clock(17), "Book two days ahead."),
    enterprise_nouns=("Wheels", "Community Transport", "Rides"),
)
_kind(
    key="advice",
    where="venue",
    delivery=(Delivery.VENUE, Delivery.PHONE),
    categories=("advice-and-advocacy",),
    client_groups=(("carers", "older-people"), ("learning-disability", "autistic-people"), ("mental-health",)),
    names=("Advice drop-in at {venue}", "Advocacy and advice"),
    summaries=("Free, independent help to understand your options, fill in forms and be heard.",),
    descriptions=(
        "Drop in or ring us for help with benefits forms, care assessments and letters you are not sure about. "
        "Our advocates can come to meetings with you and make sure your views are heard.",
        "Independent advice and advocacy, free and confidential. We explain things in plain English and help "
        "you get what you are entitled to.",
    ),
    cost=lambda rng: Cost(CostType.FREE),
    ways_to_pay=((),),
    schedule=lambda rng: Schedule(_some_weekdays(rng, 2), clock(10), clock(13), "Phone line open weekdays."),
    enterprise_nouns=("Advocacy", "Advice"),
)
_kind(
    key="family",
    where="venue",
    delivery=(Delivery.VENUE,),
    categories=("arts-crafts-and-music", "social-groups"),
    client_groups=(("children-and-families", "autistic-people"), ("children-and-families", "learning-disability")),
    names=("Sensory play at {venue}", "Saturday family session"),
    summaries=("Calm, sensory play sessions for disabled and autistic children and their families.",),
    descriptions=(
        "A calm, low-lit room full of sensory toys, music and messy play, for children who find busy places "
        "hard. Parents and carers stay and play, and get to meet other families over a coffee.",
        "Relaxed sessions where children can play at their own pace and families can relax. There is a quiet "
        "space to take a break, and no one will judge a meltdown.",
    ),
    cost=lambda rng: rng.choice([Cost(CostType.FREE), Cost(CostType.PER_SESSION, money(3), "Per family.")]),
    ways_to_pay=((), (SELF,)),
    schedule=lambda rng: Schedule([Weekday.SAT], clock(10), clock(12)),
    enterprise_nouns=("Family Group", "Sensory Play"),
    ages=(0, 11),
)
_kind(
    key="youth",
    where="venue",
    delivery=(Delivery.VENUE, Delivery.OUT_AND_ABOUT),
    categories=("social-groups", "trips-and-outings"),
    client_groups=(("children-and-families", "learning-disability", "autistic-people"),),
    names=("Youth club at {venue}", "Friday youth club"),
    summaries=("A youth club for young people with a learning disability or autism, with trips out.",),
    descriptions=(
        "Games, cooking, music and trips out, for young people who want to spend time with friends away "
        "from home. Our youth workers know every member well.",
        "A fun, safe Friday night out with friends, with plenty of choice about what to do.",
    ),
    cost=lambda rng: Cost(CostType.PER_SESSION, money(5)),
    ways_to_pay=((SELF, DIRECT),),
    schedule=lambda rng: Schedule([Weekday.FRI], clock(18), clock(20, 30)),
    enterprise_nouns=("Youth Club",),
    ages=(11, 18),
)

# --------------------------------------------------------------------------------------------------------------------
# The demo enterprises. Fictional names, people and businesses. `kinds` name the services; "kind@town-slug" puts a
# service in another town. Listed alphabetically here for editing, but created in a shuffled order so that database
# order never favours the start of the alphabet.


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    town: str
    legal_form: str
    contact: str
    kinds: tuple[str, ...]
    summary: str
    description: str
    status: str = Enterprise.Status.PUBLISHED
    languages: str = ""
    website: bool = True


LF = Enterprise.LegalForm
ST = Enterprise.Status


def _e(name, town, legal_form, contact, kinds, summary, description, **extra) -> DemoEnterprise:
    return DemoEnterprise(name, town, legal_form, contact, tuple(kinds.split()), summary, description, **extra)


DEMO_ENTERPRISES: tuple[DemoEnterprise, ...] = (
    _e("Abberley and Martley Good Neighbours", "martley", LF.UNINCORPORATED, "Sue Hadley",
       "transport befriend_visit social",
       "Village volunteers giving lifts, visits and a helping hand around Martley and Abberley.",
       "We are a group of neighbours who started by giving each other lifts to the surgery. Now twenty volunteers "
       "drive, visit and help out across the villages, and nobody is ever made to feel a nuisance."),
    _e("Acorn Day Opportunities", "redditch", LF.CIC, "Priya Sharma", "day_ld arts day_ld@bromsgrove",
       "Creative, practical days for adults with a learning disability in Redditch.",
       "Acorn was set up by two support workers who wanted days that felt like a life, not a timetable. Members "
       "cook, garden, make art and run a market stall, and choose together what comes next.",
       languages="English, Punjabi"),
    _e("Autumn Gold Lunch Club", "droitwich-spa", LF.UNINCORPORATED, "Margaret Price", "lunch",
       "A weekly lunch club in the centre of Droitwich, run by volunteers since 1998.",
       "Autumn Gold is a home-cooked lunch and a good natter every week. Our cooks are famous for their "
       "crumbles, and members are as likely to bring a joke as a raffle prize."),
    _e("Avonside Home Help", "evesham", LF.SOLE_TRADER, "Karen Bishop", "home_help",
       "Karen helps older people in Evesham with cleaning, shopping and errands.",
       "I have worked as a home help in Evesham for twelve years. I keep a small round so I can give everyone "
       "proper time, and I treat your home as if it were my own.",
       website=False),
    _e("Bewdley Befrienders", "bewdley", LF.CHARITY, "Tom Ellison", "befriend_visit befriend_phone social",
       "Friendly volunteers visiting and phoning older people who feel lonely in and around Bewdley.",
       "Bewdley Befrienders matches older people with volunteers who visit or ring every week. Many of our "
       "friendships have lasted years, and we hold a summer picnic by the river for everyone."),
    _e("Blossom Trail Trips", "evesham", LF.CIC, "Gareth Lloyd", "trips",
       "Accessible days out from the Vale of Evesham in our wheelchair-friendly minibus.",
       "Named after the Vale's famous spring blossom trail, we take older and disabled people out to gardens, "
       "markets and the seaside. Our drivers know every good tea room between here and the coast."),
    _e("Bluebell Sitting Service", "kidderminster", LF.PARTNERSHIP, "Helen and Ruth Coates", "sitting home_help",
       "Two sisters offering sitting, carer breaks and home help in Kidderminster.",
       "Helen and Ruth both cared for their mum, so they know how much a few hours off can mean. They sit with "
       "people living with dementia, help around the house and always leave things as they found them."),
    _e("Brew and Banter Men's Shed", "stourport-on-severn", LF.UNINCORPORATED, "Dave Turley", "mens_shed",
       "A men's shed in Stourport where members make, mend and chat over a brew.",
       "We started in a borrowed garage in 2019 and now have our own workshop. Members have built planters for "
       "the town, repaired hundreds of bikes and, most of all, made good friends.",
       website=False),
    _e("Broadway Village Lunch Club", "broadway", LF.UNINCORPORATED, "Ann Cotterell", "lunch social",
       "A lunch club and afternoon social for older residents of Broadway and nearby villages.",
       "Our volunteers cook a proper lunch every week in the Lifford Memorial Hall, and many members stay on "
       "for the afternoon social. Lifts can be arranged from the surrounding villages."),
    _e("Bromsgrove Carers' Coffee Morning", "bromsgrove", LF.UNINCORPORATED, "Linda Moss", "peer_carers",
       "A coffee morning where carers in Bromsgrove meet, share tips and get a break.",
       "Linda started the coffee morning when she was caring for her husband and felt she had nobody to talk to. "
       "It is now a lively group of carers who look out for each other between meetings too.",
       website=False),
    _e("Canalside Crafters", "worcester", LF.UNINCORPORATED, "Jo Pritchard", "arts",
       "A friendly craft group near the canal in Worcester, for all abilities.",
       "We knit, sew, paint and make cards, and teach each other as we go. Some members come for the crafts and "
       "some for the company, and both are welcome."),
    _e("Chair-ish Fitness", "malvern", LF.SOLE_TRADER, "Nikki Rowe", "exercise exercise@upton-upon-severn",
       "Seated exercise classes in Malvern and Upton, led by a qualified instructor.",
       "Nikki is a postural stability instructor who loves helping people feel steadier and stronger. Her "
       "classes are gentle, sociable and full of music from every decade.",
       status=ST.DRAFT),
    _e("Cherry Orchard Carers' Café", "pershore", LF.CHARITY, "Rev. Julia Mayne", "peer_carers memory_cafe",
       "A carers' café and memory café in the heart of Pershore.",
       "Run from the church hall by a team of volunteers, the café is a place for carers and people living with "
       "dementia to relax together. Local dementia advisers drop in every month."),
    _e("Clent Hills Companions", "hagley", LF.SOLE_TRADER, "Beverley Hart", "befriend_visit sitting",
       "Companionship, sitting and trips out for older people around Hagley and Clent.",
       "Beverley spent twenty years as a nurse before setting up on her own. She offers companionship at home, "
       "sitting so carers can get out, and gentle trips to the Clent Hills.",
       website=False),
    _e("Cuppa and Company", "kidderminster", LF.UNINCORPORATED, "Pat Oakley", "social lunch",
       "A weekly social club and lunch for older people in Kidderminster.",
       "Cuppa and Company began as a few friends meeting after church and now welcomes forty members a week. "
       "There is always a quiz, a raffle and someone new to meet."),
    _e("Daisy Chain Family Group", "redditch", LF.CIC, "Amira Hussain", "family youth",
       "Sensory play and a youth club for disabled and autistic children and their families in Redditch.",
       "Daisy Chain was set up by parents who could not find anywhere their children felt at ease. We run calm "
       "sensory play sessions for younger children and a Friday youth club for teenagers.",
       languages="English, Urdu, Punjabi"),
    _e("Dancing on the Square", "bromsgrove", LF.SOLE_TRADER, "Lucy Fenwick", "dance exercise",
       "Inclusive dance and gentle exercise classes in Bromsgrove.",
       "Lucy trained as a dance teacher and now runs classes where everyone dances, whether on their feet or in "
       "a chair. Expect Motown, musicals and a lot of laughing."),
    _e("Dorothy's Companions", "worcester", LF.SOLE_TRADER, "Dorothy Webb", "befriend_visit sitting",
       "Dorothy offers companionship and sitting for older people in Worcester.",
       "I visit people at home for a chat, a walk or a game of Scrabble, and sit with people so their carers can "
       "have a break. I have been a carer myself, so I know how much it matters.",
       website=False),
    _e("Droitwich Salt Singers", "droitwich-spa", LF.UNINCORPORATED, "Colin Baird", "singing",
       "A sing-along group in Droitwich for people living with dementia and their carers.",
       "We sing the songs everybody knows, from Vera Lynn to the Beatles, with a pianist and large-print song "
       "sheets. Carers tell us it is the best afternoon of their week."),
    _e("Elgar Country Walking Friends", "malvern", LF.UNINCORPORATED, "Frank Daley", "walking",
       "Easy, sociable walks around Malvern for people who want company and fresh air.",
       "Our walks follow level paths around Malvern and the commons, at the pace of the slowest walker. We end "
       "every walk at a café, which some members say is the real reason they come."),
    _e("Evergreen Day Club", "stourport-on-severn", LF.CHARITY, "Sandra Jukes", "day transport lunch",
       "A day club and community transport for older people in Stourport.",
       "Evergreen has run a day club in Stourport for over thirty years, with our own minibus to bring members "
       "in. We welcome people living with dementia and have staff trained to support them."),
    _e("Evesham Friendship Circle", "evesham", LF.UNINCORPORATED, "Halina Zielinska", "social lunch",
       "A friendship club and monthly lunch for older people in Evesham, with Polish spoken.",
       "The Friendship Circle brings together older people from every background in Evesham. Several members "
       "speak Polish, and our lunches have become famous for their pierogi as well as their crumbles.",
       languages="English, Polish"),
    _e("Fairweather Friends Phone Club", "tenbury-wells", LF.CHARITY, "Jenny Rudge", "befriend_phone",
       "Friendly phone calls for older people living alone in the Teme Valley.",
       "Living in the countryside can be isolating, especially in winter. Our volunteers ring members every "
       "week for a chat, and we run group calls with quizzes and guest speakers."),
    _e("Fix-it Phil's Odd Jobs", "bromsgrove", LF.SOLE_TRADER, "Phil Grainger", "garden",
       "Gardening, small repairs and odd jobs for older people in Bromsgrove.",
       "Phil is a retired joiner who can fix almost anything. He mows lawns, trims hedges, mends gates and puts "
       "up grab rails, and he never leaves a mess.",
       status=ST.SUBMITTED, website=False),
    _e("Forget-Me-Not Memory Café", "worcester", LF.CHARITY, "Carol Benbow", "memory_cafe singing day",
       "A memory café, a singing group and a weekly day club for people living with dementia in Worcester.",
       "Our memory café has met every month since 2012, with music, reminiscence and a lot of cake. We also "
       "run a singing group, because songs often stay when other memories fade, and a day club on Wednesdays."),
    _e("Friendly Voices", "kidderminster", LF.CIC, "Ian Marsh", "befriend_phone advice",
       "Telephone befriending and help with forms for people in the Wyre Forest.",
       "Friendly Voices rings people who live alone for a chat every week. If a problem comes up, such as a "
       "confusing letter or a benefits form, our advice worker can help sort it out."),
    _e("Gentle Hands Home Care", "droitwich-spa", LF.COMPANY, "Beata Nowak", "home_care sitting",
       "A small registered home care team covering Droitwich and nearby villages.",
       "Gentle Hands is a team of five carers who provide personal care, medication support and sitting. We "
       "keep our rounds small so visits are never rushed.",
       status=ST.SUSPENDED, languages="English, Polish"),
    _e("Good Company Sitters", "wythall", LF.PARTNERSHIP, "Sarah and Tom Platt", "sitting",
       "A husband-and-wife sitting service for carers in Wythall and Hollywood.",
       "Sarah and Tom sit with older people and people living with dementia so that family carers can have a "
       "proper break. They are happy to do evenings and weekends.",
       status=ST.SUBMITTED),
    _e("Green Fingers Garden Help", "pershore", LF.SOLE_TRADER, "Rob Hemming", "garden",
       "Regular garden help and one-off tidies for older people in Pershore.",
       "Rob grew up on a market garden in the Vale and loves bringing tired gardens back to life. He will work "
       "alongside you if you like to keep your hand in."),
    _e("Hagley Helping Hands", "hagley", LF.UNINCORPORATED, "Judith Parkes", "transport social befriend_phone",
       "Volunteer lifts and a weekly tea club for older people in Hagley.",
       "Hagley Helping Hands drives people to appointments and the shops, and runs a Thursday tea club. "
       "Our volunteers are neighbours who like to keep the village connected."),
    _e("Hearth and Home Care", "worcester", LF.CIC, "Michelle Grant", "home_care home_help home_care@droitwich-spa",
       "A community interest company giving personal care and home help in Worcester.",
       "Hearth and Home was set up by carers who wanted to do things properly: longer visits, fair pay and the "
       "same faces every week. Any profit goes back into training and the local community."),
    _e("Hill View Sitters", "malvern", LF.PARTNERSHIP, "Nadia and Lee Forbes", "sitting befriend_visit",
       "Sitting and companionship for older people and their carers around Malvern.",
       "Nadia and Lee offer sitting at home, so carers can get out, and companionship visits for people who live "
       "alone. They speak English and French and love a walk on the hills.",
       languages="English, French"),
    _e("Hollyhock Day Club", "bewdley", LF.CHARITY, "Joan Fairbrother", "day",
       "A day club for older people in Bewdley.",
       "Hollyhock ran a much-loved day club in Bewdley for many years. It has now closed and members have "
       "moved to other clubs nearby.",
       status=ST.ARCHIVED),
    _e("In Good Company Outings", "worcester", LF.CIC, "Steve Bayliss", "trips transport",
       "Trips out and accessible transport for older and disabled people in Worcester.",
       "Our two accessible minibuses take members to gardens, markets and the seaside, and give lifts to "
       "clubs and appointments during the week. Drivers are trained to help wheelchair users."),
    _e("Ivy House Meals", "upton-upon-severn", LF.UNINCORPORATED, "Valerie Stokes", "meals lunch",
       "Hot home-cooked lunches delivered to older people around Upton-upon-Severn.",
       "Ivy House volunteers cook in the Memorial Hall kitchen and deliver hot lunches across Upton and the "
       "villages. For many people, the driver is the only visitor they see that day."),
    _e("Jean's Home Help", "kidderminster", LF.SOLE_TRADER, "Jean Bradley", "home_help",
       "Jean helps older people in Kidderminster with cleaning, ironing and shopping.",
       "I have been helping people stay in their own homes for nine years. I am reliable, DBS checked and "
       "fully insured, and my clients say I make the best cup of tea in Kidderminster.",
       website=False),
    _e("Joyful Noise Community Choir", "redditch", LF.UNINCORPORATED, "Marcus Adeyemi", "singing singing@bromsgrove",
       "A welcoming community choir in Redditch; no auditions and no experience needed.",
       "Joyful Noise sings gospel, pop and old favourites, and everyone is welcome, whatever their voice. We "
       "have members in their nineties and members who come with their support workers."),
    _e("Just Ask Advocacy", "worcester", LF.CHARITY, "Fiona Lyle", "advice advice@kidderminster",
       "Free, independent advice and advocacy for carers and older people in Worcester and Kidderminster.",
       "Just Ask helps people understand their rights, fill in forms and speak up in meetings about their care. "
       "Our advocates are independent of the council and the NHS."),
    _e("Kidderminster Carers' Circle", "kidderminster", LF.UNINCORPORATED, "Brenda Holt", "peer_carers",
       "A support group for unpaid carers in Kidderminster.",
       "The Carers' Circle meets twice a month for coffee, a chat and sometimes a guest speaker. Members share "
       "what has worked for them and look out for each other between meetings.",
       website=False),
    _e("Kindred Spirits Peer Support", "bromsgrove", LF.CIC, "Dan Okafor", "peer_mh",
       "Peer support for people living with anxiety and depression in Bromsgrove.",
       "Kindred Spirits is run by people who have been through mental ill health themselves. Our groups are "
       "warm, confidential and there is never any pressure to talk."),
    _e("Kingfisher Home Care", "evesham", LF.COMPANY, "Agnieszka Kowalski", "home_care home_care@pershore",
       "Registered personal care at home across Evesham and the Vale.",
       "Kingfisher is a small, registered home care team that puts time and kindness first. Several of our "
       "carers speak Polish as well as English.",
       languages="English, Polish"),
    _e("Lantern Advocacy", "redditch", LF.CHARITY, "Rachel Ingram", "advice",
       "Advocacy for adults with a learning disability and autistic adults in Redditch.",
       "Lantern helps people with a learning disability speak up about what matters to them, from care plans to "
       "housing. We use easy read and take the time each person needs."),
    _e("Lickey Hills Walk and Talk", "bromsgrove", LF.UNINCORPORATED, "Graham Rea", "walking",
       "Friendly wellbeing walks from Bromsgrove town centre.",
       "We walk for about an hour at an easy pace, chatting as we go, then stop for a coffee. It is a gentle way "
       "to get fitter and feel better, with good company.",
       website=False),
    _e("Little Steps Sensory Play", "worcester", LF.SOLE_TRADER, "Hannah Cole", "family",
       "Sensory play sessions for young disabled and autistic children in Worcester.",
       "Hannah is a special needs teaching assistant who runs calm sensory sessions on Saturday mornings. "
       "Parents stay and play, and there is always a quiet corner.",
       status=ST.DRAFT),
    _e("Malvern Hills Lunch Club", "malvern", LF.UNINCORPORATED, "Rosemary Teague", "lunch social",
       "A lunch club and afternoon social for older people in Great Malvern.",
       "Malvern Hills Lunch Club serves a home-cooked lunch every week in the Priory Church Hall, followed by a "
       "quiz or a talk. Our volunteers can help with lifts from Barnards Green and the Link."),
    _e("Maple Leaf Day Centre", "redditch", LF.CHARITY, "Gurpreet Sandhu", "day lunch exercise trips",
       "A day centre and lunch club for older people in Redditch, with Punjabi and Urdu spoken.",
       "Maple Leaf serves fresh vegetarian food and runs activities, exercise and outings for older people from "
       "all communities. Staff speak Punjabi, Urdu and English.",
       languages="English, Punjabi, Urdu"),
    _e("Meadowsweet Home Care", "malvern", LF.COMPANY, "Claire Dunn", "home_care sitting home_care@upton-upon-severn",
       "Registered home care and sitting in Malvern and the surrounding villages.",
       "Meadowsweet is a team of six carers who provide personal care, sitting and end-of-life support. We "
       "are proud to be small enough to know every client well."),
    _e("Mike's Gardening and Odd Jobs", "droitwich-spa", LF.SOLE_TRADER, "Mike Tolley", "garden",
       "Garden help and handy jobs for older people in Droitwich.",
       "Mike mows, prunes, weeds and fixes, and will happily do the small jobs bigger firms turn down. Regular "
       "customers get the same day each fortnight.",
       website=False),
    _e("Needle and Natter", "tenbury-wells", LF.UNINCORPORATED, "Gill Bowkett", "arts social",
       "A knitting and sewing group with a weekly social in Tenbury Wells.",
       "Needle and Natter meets in the Pump Rooms to knit, sew and put the world to rights. We make blankets "
       "for the local hospice, and beginners are very welcome."),
    _e("Nightingale Carers' Breaks", "bromsgrove", LF.CIC, "Yvonne Carr", "sitting peer_carers",
       "Sitting services and a carers' group in Bromsgrove.",
       "Nightingale offers sitters so carers can have regular time off, and a monthly carers' group. Our "
       "sitters are experienced with dementia, Parkinson's and stroke."),
    _e("New Leaf Recovery Group", "kidderminster", LF.CIC, "Sam Whitehouse", "peer_mh walking",
       "Peer support and wellbeing walks for people recovering from mental ill health.",
       "New Leaf runs weekly peer support groups and walks, led by people with lived experience. We help "
       "members rebuild confidence, routine and friendships.",
       status=ST.SUBMITTED),
    _e("Oak Tree Day Opportunities", "kidderminster", LF.CIC, "Leanne Brooks", "day_ld trips arts",
       "Day opportunities and trips for adults with a learning disability in Kidderminster.",
       "At Oak Tree, members run a café, grow vegetables and plan their own trips out. We believe everyone "
       "deserves days that are interesting, useful and fun."),
    _e("Open Door Café", "evesham", LF.CHARITY, "Paul Newbury", "social peer_mh lunch",
       "A drop-in café and peer support group in Evesham.",
       "The Open Door Café is a warm place for anyone who feels lonely or low. Come for a coffee, join the "
       "Wednesday peer support group, or just sit and read the paper."),
    _e("Orchard Sitters", "pershore", LF.SOLE_TRADER, "Wendy Hollis", "sitting",
       "Sitting and carer breaks in Pershore and the villages.",
       "Wendy has cared for people living with dementia for fifteen years. She sits with your loved one so you "
       "can have a break, and keeps you in the picture about how the time went.",
       website=False),
    _e("Pershore Plum Club", "pershore", LF.UNINCORPORATED, "Eileen Careless", "day lunch",
       "A day club and lunch club for older people in Pershore.",
       "Named after the town's famous plums, our club offers a full day of company, crafts and a hot lunch. "
       "The lunch club is open to anyone who fancies a good meal and a chat."),
    _e("Positive Steps Dance", "worcester", LF.CIC, "Kemi Adebayo", "dance dance@kidderminster",
       "Inclusive dance for adults with a learning disability in Worcester and Kidderminster.",
       "Positive Steps runs joyful, inclusive dance classes and performs at festivals across the county. Our "
       "members choreograph many of their own routines."),
    _e("Primrose Home Help", "upton-upon-severn", LF.SOLE_TRADER, "Tracy Green", "home_help",
       "Home help for older people in Upton-upon-Severn and the villages.",
       "Tracy helps with cleaning, laundry and shopping, and keeps a friendly eye on her clients. She lives in "
       "Upton and knows the villages well.",
       status=ST.DRAFT, website=False),
    _e("Quayside Cuppa Club", "stourport-on-severn", LF.UNINCORPORATED, "Maureen Lench", "social",
       "A weekly tea and chat club by the canal basin in Stourport.",
       "The Cuppa Club is a simple idea: tea, cake and friendly faces every week. Members organise their own "
       "outings and a very competitive Christmas quiz.",
       website=False),
    _e("Quiet Minds Sensory Sessions", "bromsgrove", LF.SOLE_TRADER, "Laura Quinn", "family arts",
       "Calm sensory and creative sessions for autistic children and families in Bromsgrove.",
       "Laura is an occupational therapist who runs small, quiet sessions for children who find busy places "
       "overwhelming. Families can take part together and share ideas.",
       status=ST.DRAFT),
    _e("Riverside Memory Café", "upton-upon-severn", LF.CHARITY, "Gwen Morris", "memory_cafe",
       "A monthly memory café by the river in Upton-upon-Severn.",
       "Riverside Memory Café offers music, reminiscence and friendship to people living with dementia and "
       "their families. Our volunteers include a retired nurse and a former dementia adviser."),
    _e("Rosie's Rides", "evesham", LF.SOLE_TRADER, "Rosie Haynes", "transport",
       "Door-to-door lifts and escorts to appointments around Evesham.",
       "Rosie drives people to hospital appointments, the shops and family visits, and waits with them. Her "
       "car is adapted for people who find it hard to get in and out.",
       status=ST.SUSPENDED, website=False),
    _e("Rowan Home Help", "wythall", LF.SOLE_TRADER, "Debbie Fox", "home_help",
       "Home help for older people in Wythall, Hollywood and Drakes Cross.",
       "Debbie helps with housework, shopping and errands, and always has time for a chat. She is DBS checked "
       "and insured.",
       status=ST.DRAFT, website=False),
    _e("Severn Valley Sitters", "worcester", LF.PARTNERSHIP, "Anna and Mark Price",
       "sitting home_help sitting@droitwich-spa",
       "Sitting, carer breaks and home help across Worcester.",
       "Anna and Mark set up Severn Valley Sitters after caring for Anna's father. They give carers regular "
       "breaks and help around the home, with the same friendly faces every time."),
    _e("Silver Threads Social Club", "bromsgrove", LF.UNINCORPORATED, "Barbara Lowe", "social trips lunch",
       "A social club and monthly outings for older people in Bromsgrove.",
       "Silver Threads has met every week for over forty years. As well as our weekly social, we run monthly "
       "trips to gardens, theatres and the seaside."),
    _e("Sunflower Social Club", "worcester", LF.UNINCORPORATED, "Kath Dyson", "social lunch trips",
       "A friendly social club and lunch for older people in Worcester.",
       "Sunflower brings older people together for lunch, games and a good chat every week. Lots of members "
       "first came along after losing a husband or wife, and found a second family here."),
    _e("Tea and Chat Kidderminster", "kidderminster", LF.UNINCORPORATED, "Shirley Beddoes", "social",
       "An afternoon of tea and conversation every week in Kidderminster.",
       "Tea and Chat is for anyone who would like some company. Come once, come every week, bring a friend: "
       "the kettle is always on.",
       website=False),
    _e("Teme Valley Neighbours", "tenbury-wells", LF.CHARITY, "Hugh Preece", "transport befriend_visit meals",
       "Lifts, visits and meals for older people in Tenbury and the Teme Valley.",
       "In a rural area with few buses, our volunteers make sure nobody is cut off. We drive people to "
       "appointments, visit those who live alone and deliver hot meals three days a week."),
    _e("Together We Dance", "malvern", LF.UNINCORPORATED, "Isobel Grey", "dance",
       "Dance for people with Parkinson's and other conditions that affect movement, in Malvern.",
       "Together We Dance uses music and dance to help people move with more freedom and confidence. Partners "
       "and carers dance too, and everyone leaves smiling."),
    _e("Tuesday Friends", "droitwich-spa", LF.UNINCORPORATED, "Pam Hartley", "social exercise",
       "A social club with gentle exercise for older people in Droitwich.",
       "Tuesday Friends combines a gentle exercise session with tea, cake and conversation. Members range "
       "from sixty to ninety-eight and the oldest is the best at the quiz."),
    _e("Unity Carers' Network", "redditch", LF.CHARITY, "Farah Iqbal", "peer_carers advice",
       "Support, advice and friendship for carers from all communities in Redditch.",
       "Unity brings carers together for support groups and gives one-to-one help with assessments, benefits "
       "and forms. We speak Urdu, Punjabi and Bengali as well as English.",
       languages="English, Urdu, Punjabi, Bengali"),
    _e("Upton Good Neighbours", "upton-upon-severn", LF.UNINCORPORATED, "Roger Kemp",
       "transport befriend_phone befriend_visit",
       "Lifts and friendly phone calls for older people in Upton and the villages.",
       "Upton Good Neighbours has around thirty volunteers who give lifts to appointments and ring people who "
       "live alone. Just call and ask: that is what neighbours are for."),
    _e("Vale Home Helpers", "evesham", LF.PARTNERSHIP, "Julie and Paul Hyde", "home_help garden home_help@pershore",
       "Home help and garden help for older people across the Vale of Evesham.",
       "Julie looks after the house and Paul looks after the garden. Between them they help older people "
       "across the Vale stay comfortable and independent at home."),
    _e("Village Wheels", "broadway", LF.CHARITY, "Nigel Stanton", "transport trips",
       "Community transport and outings for Broadway and the Cotswold villages.",
       "Village Wheels connects people in the villages around Broadway with appointments, shops and friends. "
       "Our accessible minibus also runs monthly days out."),
    _e("Wednesday Welcome Club", "redditch", LF.UNINCORPORATED, "Jackie Finch", "lunch social",
       "A lunch and social club for older people in Redditch town centre.",
       "The Welcome Club is just that: a warm welcome, a hot lunch and an afternoon of bingo, quizzes and chat. "
       "Many members have been coming for more than ten years."),
    _e("Wellbeing Wednesdays Art Group", "droitwich-spa", LF.CIC, "Ellie Marshall", "arts peer_mh",
       "Art for wellbeing and peer support for people with mental ill health in Droitwich.",
       "Ellie is an art therapist who believes making things is good for the mind. Our groups are relaxed and "
       "welcoming, and no artistic skill is needed."),
    _e("Willow Tree Home Care", "worcester", LF.COMPANY, "Oluwaseun Bello", "home_care sitting",
       "Registered personal care at home across Worcester.",
       "Willow Tree is a small home care team registered with the Care Quality Commission. We give personal "
       "care, medication support and companionship, with time to do things properly."),
    _e("Wyre Forest Walk and Talk", "bewdley", LF.UNINCORPORATED, "Kevin Pugh",
       "walking befriend_phone walking@kidderminster",
       "Sociable walks in the Wyre Forest and friendly phone calls for people who cannot get out.",
       "We walk the forest trails at an easy pace every week, and our phone friends keep in touch with members "
       "who are unwell or housebound. Good for body and mind."),
    _e("Yew Tree Sitters", "hagley", LF.SOLE_TRADER, "Lorraine Yates", "sitting",
       "Sitting and carer breaks in Hagley and the surrounding villages.",
       "Lorraine sits with people living with dementia and other conditions so their carers can have some "
       "time to themselves. She is calm, patient and a great listener.",
       status=ST.SUBMITTED, website=False),
    _e("Young at Heart Day Club", "wythall", LF.CHARITY, "Christine Price", "day trips lunch",
       "A day club and trips for older people in Wythall.",
       "Young at Heart offers a full day of activities, a hot lunch and regular outings. Our volunteers "
       "collect members from home in the club minibus."),
    _e("Zest Chair Yoga", "worcester", LF.SOLE_TRADER, "Zoe Fairclough", "exercise exercise@droitwich-spa",
       "Chair yoga for older people in Worcester and Droitwich.",
       "Zoe teaches gentle chair yoga to help with flexibility, balance and relaxation. Classes are calm, "
       "friendly and suitable for complete beginners."),
)  # fmt: skip


# --------------------------------------------------------------------------------------------------------------------
# Building services from a kind, a place and a random source.


@dataclass
class ServiceDraft:
    fields: dict
    categories: tuple[str, ...]
    client_groups: tuple[str, ...]
    coverage_areas: list = field(default_factory=list)  # Area objects


@dataclass(frozen=True)
class PostcodePoint:
    postcode: str
    easting: int
    northing: int


def capacity_fields(rng: random.Random, today) -> dict:
    """Mostly taking / waiting list / full, confirmed recently; about one in ten confirmed too long ago."""
    status = rng.choices([Capacity.TAKING, Capacity.WAITING_LIST, Capacity.FULL], weights=[60, 25, 15])[0]
    if rng.random() < STALE_SHARE:
        confirmed = today - timedelta(days=rng.randint(70, 200))
    else:
        confirmed = today - timedelta(days=rng.randint(0, 45))
    return {"capacity": status, "capacity_confirmed_on": confirmed}


def _language(rng: random.Random, enterprise_languages: str) -> str:
    if enterprise_languages:
        return enterprise_languages
    return rng.choices(["English", "English, British Sign Language", "English, Polish"], weights=[90, 5, 5])[0]


def build_service(
    kind: Kind,
    rng: random.Random,
    today,
    *,
    town: str,
    venue: tuple[str, str] | None,
    languages: str = "",
) -> ServiceDraft:
    """Words, cost, schedule, capacity and accessibility for one service of `kind`. Location is added by the caller."""
    schedule = kind.schedule(rng)
    cost = kind.cost(rng)
    venue_name = venue[0] if venue else ""
    words = {
        "town": town,
        "venue": venue_name or town,
        "days": days_text(schedule.days),
        "day": days_text(schedule.days, plural=False),
    }
    name = rng.choice(kind.names).format(**words)
    name = name[0].upper() + name[1:]
    fields = {
        "name": name,
        "summary": rng.choice(kind.summaries).format(**words),
        "description": rng.choice(kind.descriptions).format(**words),
        "delivery": list(kind.delivery),
        "minimum_age": kind.ages[0],
        "maximum_age": kind.ages[1],
        "cost_type": cost.type,
        "cost_amount": cost.amount,
        "cost_note": cost.note,
        "ways_to_pay": list(rng.choice(kind.ways_to_pay)),
        "days": list(schedule.days),
        "opens_at": schedule.opens_at,
        "closes_at": schedule.closes_at,
        "schedule_note": schedule.note,
        "languages": _language(rng, languages),
        "cqc_registration": f"1-{rng.randint(100_000_000, 999_999_999)}{rng.randint(0, 9)}" if kind.regulated else "",
        "step_free_access": False,
        "hearing_loop": False,
        "accessible_toilet": False,
        "accessibility_note": "",
        **capacity_fields(rng, today),
    }
    if kind.where == "venue":
        fields["step_free_access"] = rng.random() < 0.85
        fields["hearing_loop"] = rng.random() < 0.4
        fields["accessible_toilet"] = rng.random() < 0.7
        fields["accessibility_note"] = rng.choice(
            [
                "Free parking next to the hall.",
                "Two minutes' walk from the bus stop.",
                "Level access from the car park at the back.",
                "Large-print menus and song sheets.",
                "",
                "",
            ]
        )
    return ServiceDraft(fields, kind.categories, rng.choice(kind.client_groups))


EMPTY_LOCATION = {
    "venue_name": "",
    "venue_address": "",
    "venue_postcode": "",
    "venue_easting": None,
    "venue_northing": None,
    "coverage_postcode": "",
    "coverage_easting": None,
    "coverage_northing": None,
    "coverage_radius_miles": None,
}


def venue_location(name: str, address: str, point: PostcodePoint) -> dict:
    return {
        **EMPTY_LOCATION,
        "venue_name": name,
        "venue_address": address,
        "venue_postcode": point.postcode,
        "venue_easting": point.easting,
        "venue_northing": point.northing,
    }


def coverage_location(point: PostcodePoint | None, radius_miles: int | None) -> dict:
    if point is None:
        return dict(EMPTY_LOCATION)
    return {
        **EMPTY_LOCATION,
        "coverage_postcode": point.postcode,
        "coverage_easting": point.easting,
        "coverage_northing": point.northing,
        "coverage_radius_miles": radius_miles,
    }


# --------------------------------------------------------------------------------------------------------------------
# Postcodes


def town_postcodes(town: Town, within_metres: int) -> list[PostcodePoint]:
    """Real postcodes of the town (by prefix) within `within_metres` of its centre, in postcode order."""
    prefixes = Q()
    for prefix in town.prefixes:
        prefixes |= Q(postcode__startswith=prefix)
    rows = (
        Postcode.objects.filter(prefixes)
        .filter(
            easting__range=(town.easting - within_metres, town.easting + within_metres),
            northing__range=(town.northing - within_metres, town.northing + within_metres),
        )
        .order_by("postcode")
        .values_list("postcode", "easting", "northing")
    )
    return [
        PostcodePoint(*row)
        for row in rows
        if math.hypot(row[1] - town.easting, row[2] - town.northing) <= within_metres
    ]


def demo_postcodes() -> dict[str, tuple[list[PostcodePoint], list[PostcodePoint]]]:
    """For each town: (postcodes near the centre for venues, postcodes anywhere in town for home-visit bases)."""
    found, missing = {}, []
    for town in TOWNS:
        near = town_postcodes(town, VENUE_RADIUS_METRES)
        wide = town_postcodes(town, BASE_RADIUS_METRES)
        if len(near) < MIN_CANDIDATES:
            near = wide
        if not near:
            missing.append(f"{town.name} ({town.prefixes[0].strip()})")
        found[town.slug] = (near, wide)
    if missing:
        raise DemoDataError(
            f"No postcodes found for {', '.join(missing)}. Run manage.py import_postcodes --areas WR,B,DY first."
        )
    return found


# --------------------------------------------------------------------------------------------------------------------
# The demo


@dataclass
class DemoResult:
    council: Council
    areas: int
    enterprises_created: int
    enterprises_updated: int
    services_created: int
    services_updated: int
    seconds: float

    @property
    def enterprises(self) -> int:
        return self.enterprises_created + self.enterprises_updated

    @property
    def services(self) -> int:
        return self.services_created + self.services_updated


ENTERPRISE_FIELDS = [
    "council",
    "name",
    "summary",
    "description",
    "legal_form",
    "contact_name",
    "phone",
    "email",
    "website",
    "people_supported",
    "paid_staff",
    "volunteers",
    "status",
]


def enterprise_figures(rng: random.Random, legal_form: str) -> dict:
    """Self-reported yearly figures that fit the size of the organisation."""
    if legal_form == LF.SOLE_TRADER:
        return {"people_supported": rng.randint(4, 15), "paid_staff": 1, "volunteers": 0}
    if legal_form == LF.PARTNERSHIP:
        return {"people_supported": rng.randint(8, 22), "paid_staff": 2, "volunteers": 0}
    if legal_form == LF.UNINCORPORATED:
        return {"people_supported": rng.randint(12, 40), "paid_staff": 0, "volunteers": rng.randint(4, 20)}
    if legal_form == LF.COMPANY:
        return {"people_supported": rng.randint(15, 45), "paid_staff": rng.randint(3, 5), "volunteers": 0}
    return {"people_supported": rng.randint(12, 45), "paid_staff": rng.randint(1, 5), "volunteers": rng.randint(3, 25)}


def _nearest_towns(town: Town, count: int) -> list[Town]:
    others = sorted((other for other in TOWNS if other is not town), key=town.metres_to)
    return others[:count]


def _demo_enterprise_fields(spec: DemoEnterprise, number: int, rng: random.Random) -> dict:
    slug = slugify(spec.name)
    domain = f"{slug}.example.org"
    first_name = spec.contact.split()[0].lower().strip(".")
    if first_name in {"rev"}:
        first_name = spec.contact.split()[1].lower()
    return {
        "name": spec.name,
        "slug": slug,
        "summary": spec.summary,
        "description": spec.description,
        "legal_form": spec.legal_form,
        "contact_name": spec.contact,
        # Ofcom's drama range: 01632 960000 to 960999 is never allocated to a real line. 37 is coprime with 1000,
        # so every enterprise gets a different number.
        "phone": f"01632 960{(number * 37 + 101) % 1000:03d}",
        "email": f"{first_name if spec.legal_form == LF.SOLE_TRADER else 'hello'}@{domain}",
        "website": f"https://www.{domain}/" if spec.website else "",
        "status": spec.status,
        **enterprise_figures(rng, spec.legal_form),
    }


def _demo_service_drafts(spec: DemoEnterprise, today, postcodes, venue_points, areas) -> list[ServiceDraft]:
    """The services of one demo enterprise. Each service has its own random sources, seeded from DEMO_SEED, the
    enterprise and the service's position: `rng` draws the words and numbers, `where` the postcodes, so editing one
    service (or a change in the Postcode table) never shifts what another one draws."""
    drafts, names = [], set()
    slug = slugify(spec.name)
    for index, entry in enumerate(spec.kinds):
        rng = random.Random(f"{DEMO_SEED}:{slug}:{index}")
        where = random.Random(f"{DEMO_SEED}:{slug}:{index}:where")
        key, _, town_slug = entry.partition("@")
        kind = KINDS[key]
        town = TOWNS_BY_SLUG[town_slug or spec.town]
        venue = rng.choice(town.venues) if kind.where == "venue" else None
        draft = build_service(kind, rng, today, town=town.name, venue=venue, languages=spec.languages)
        mode = rng.choices(["radius", "areas", "both"], weights=[40, 25, 35])[0]
        radius = rng.randint(3, 15)
        nearby = _nearest_towns(town, rng.randint(0, 3))
        county_wide = rng.random() < 0.5
        _near, wide = postcodes[town.slug]

        if kind.where == "venue":
            draft.fields.update(
                venue_location(venue[0], f"{venue[0]}, {venue[1]}, {town.name}", venue_points[(town.slug, venue[0])])
            )
        elif kind.where == "remote":
            # Phone and online services cover areas, not a distance: the whole county or the nearest towns.
            draft.fields.update(coverage_location(None, None))
            if county_wide:
                draft.coverage_areas = list(areas.values())
            else:
                draft.coverage_areas = [areas[town.slug]] + [areas[t.slug] for t in _nearest_towns(town, 4)]
        else:  # at home or out and about: a radius from a base postcode, a list of areas, or both
            base = where.choice(wide)
            if mode == "areas":
                draft.fields.update(coverage_location(None, None))
            else:
                draft.fields.update(coverage_location(base, radius))
            if mode != "radius":
                draft.coverage_areas = [areas[town.slug]] + [areas[t.slug] for t in nearby]

        name = draft.fields["name"]
        if name in names:  # two services of one kind in one enterprise: tell them apart by place
            name = f"{name} ({town.name})"
        names.add(name)
        draft.fields["name"] = name
        drafts.append(draft)
    return drafts


def _through_rows(service_ids_and_drafts, categories, client_groups):
    category_through = Service.categories.through
    group_through = Service.client_groups.through
    area_through = Service.coverage_areas.through
    rows = ([], [], [])
    for service_id, draft in service_ids_and_drafts:
        rows[0].extend(category_through(service_id=service_id, category_id=categories[s].pk) for s in draft.categories)
        rows[1].extend(
            group_through(service_id=service_id, clientgroup_id=client_groups[s].pk) for s in draft.client_groups
        )
        rows[2].extend(area_through(service_id=service_id, area_id=area.pk) for area in draft.coverage_areas)
    return rows


def _write_through_rows(rows, batch_size: int = 5000) -> None:
    models = (Service.categories.through, Service.client_groups.through, Service.coverage_areas.through)
    for model, model_rows in zip(models, rows):
        model.objects.bulk_create(model_rows, batch_size=batch_size)


def ensure_demo_council() -> tuple[Council, dict[str, Area]]:
    council, _ = Council.objects.get_or_create(name=DEMO_COUNCIL_NAME, defaults={"slug": slugify(DEMO_COUNCIL_NAME)})
    areas = {}
    for town in TOWNS:
        areas[town.slug], _ = Area.objects.update_or_create(
            council=council,
            slug=town.slug,
            defaults={"name": town.name, "easting": town.easting, "northing": town.northing},
        )
    return council, areas


@transaction.atomic
def seed_demo() -> DemoResult:
    """Create or refresh the Worcestershire demo. Idempotent; see the module docstring."""
    started = time.monotonic()
    postcodes = demo_postcodes()  # fails first, before anything is written, if postcodes are missing
    ensure_taxonomies()
    categories = {item.slug: item for item in Category.objects.all()}
    client_groups = {item.slug: item for item in ClientGroup.objects.all()}
    council, areas = ensure_demo_council()

    rng = random.Random(DEMO_SEED)
    today = timezone.localdate()
    now = timezone.now()

    # Each venue is at one real postcode near its town's centre, the same for every service that meets there.
    venue_points = {}
    for town in TOWNS:
        near, _ = postcodes[town.slug]
        town_rng = random.Random(f"{DEMO_SEED}:{town.slug}")
        for (venue_name, _street), point in zip(town.venues, town_rng.sample(near, min(len(near), len(town.venues)))):
            venue_points[(town.slug, venue_name)] = point
        for venue_name, _street in town.venues:  # a town with fewer candidates than venues shares postcodes
            venue_points.setdefault((town.slug, venue_name), near[0])

    specs = list(DEMO_ENTERPRISES)
    rng.shuffle(specs)  # database order (and so any tie-break by id) must not follow the alphabet

    existing = {e.slug: e for e in Enterprise.objects.filter(slug__in=[slugify(spec.name) for spec in specs])}
    enterprises, to_create, to_update, drafts_by_slug = [], [], [], {}
    for number, spec in enumerate(specs):
        # One random source per enterprise (seeded from DEMO_SEED and its slug), and one per service: what one draws
        # never shifts another's, so the demo stays the same as the list is edited.
        own = random.Random(f"{DEMO_SEED}:{slugify(spec.name)}")
        values = _demo_enterprise_fields(spec, number, own)
        created_at = now - timedelta(days=own.randint(30, 1800))
        enterprise = existing.get(values["slug"]) or Enterprise(created_at=created_at)
        for name, value in values.items():
            setattr(enterprise, name, value)
        enterprise.council = council
        enterprise.updated_at = now
        (to_update if enterprise.pk else to_create).append(enterprise)
        enterprises.append(enterprise)
        drafts_by_slug[values["slug"]] = _demo_service_drafts(spec, today, postcodes, venue_points, areas)

    Enterprise.objects.bulk_create(to_create)
    Enterprise.objects.bulk_update(to_update, ENTERPRISE_FIELDS + ["updated_at"], batch_size=100)

    # A demo enterprise's services are the demo's: the n-th service (oldest first) is the n-th in the definition,
    # updated in place, so primary keys survive a re-run even when the wording changes; any beyond are removed.
    existing_services = defaultdict(list)
    for service in Service.objects.filter(enterprise__in=enterprises).order_by("enterprise_id", "pk"):
        existing_services[service.enterprise_id].append(service)
    services_new, services_old, surplus, pairs = [], [], [], []
    for enterprise in enterprises:
        drafts = drafts_by_slug[enterprise.slug]
        current = existing_services.get(enterprise.pk, [])
        surplus.extend(service.pk for service in current[len(drafts) :])
        for index, draft in enumerate(drafts):
            service = current[index] if index < len(current) else Service(enterprise=enterprise)
            for name, value in draft.fields.items():
                setattr(service, name, value)
            service.updated_at = now
            (services_old if service.pk else services_new).append(service)
            pairs.append((service, draft))
    service_fields = list(pairs[0][1].fields) + ["updated_at"]
    Service.objects.filter(pk__in=surplus).delete()
    Service.objects.bulk_create(services_new)
    Service.objects.bulk_update(services_old, service_fields, batch_size=50)

    service_ids = [service.pk for service, _ in pairs]
    for model in (Service.categories.through, Service.client_groups.through, Service.coverage_areas.through):
        model.objects.filter(service_id__in=service_ids).delete()
    _write_through_rows(_through_rows([(s.pk, d) for s, d in pairs], categories, client_groups))
    Service.objects.filter(pk__in=service_ids).refresh_search_vectors()
    catalogue_changed.send(sender=None)  # bulk writes send no signals

    return DemoResult(
        council=council,
        areas=len(areas),
        enterprises_created=len(to_create),
        enterprises_updated=len(to_update),
        services_created=len(services_new),
        services_updated=len(services_old),
        seconds=time.monotonic() - started,
    )


# --------------------------------------------------------------------------------------------------------------------
# Scale: generated services across the whole of Great Britain

SCALE_KIND_WEIGHTS = {
    "day": 8, "day_ld": 3, "lunch": 8, "meals": 3, "home_help": 12, "home_care": 6, "sitting": 7,
    "befriend_phone": 4, "befriend_visit": 5, "peer_carers": 4, "peer_mh": 4, "memory_cafe": 4, "garden": 6,
    "arts": 5, "singing": 3, "exercise": 5, "dance": 3, "walking": 3, "social": 8, "mens_shed": 2, "trips": 3,
    "transport": 4, "advice": 3, "family": 2, "youth": 1,
}  # fmt: skip
NAME_STEMS = (
    "Acorn", "Alder", "Beacon", "Bluebell", "Bramble", "Buttercup", "Cedar", "Chestnut", "Clover", "Cornerstone",
    "Daisy", "Dovecote", "Evergreen", "Elm Tree", "Fern", "Foxglove", "Good Neighbours", "Greenway", "Harbour",
    "Hawthorn", "Heather", "Hollybush", "Ivy", "Jasmine", "Juniper", "Kestrel", "Kingfisher", "Lark", "Laurel",
    "Lavender", "Maple", "Meadow", "Millstone", "Nightingale", "Northgate", "Oak Tree", "Orchard", "Poppy",
    "Primrose", "Quayside", "Quince", "Riverside", "Robin", "Rowan", "Sunflower", "Swallow", "Thistle", "Tulip",
    "Unity", "Upland", "Valley", "Village", "Willow", "Wren", "Yew Tree", "Yarrow", "Zest", "Zinnia",
)  # fmt: skip
FIRST_NAMES = (
    "Aisha", "Alan", "Angela", "Bev", "Bilal", "Carol", "Chris", "Deborah", "Dylan", "Elaine", "Eve", "Fatima", "Gary",
    "Gwen", "Harpreet", "Ian", "Jo", "Kerry", "Leon", "Lesley", "Mandy", "Mo", "Niamh", "Owen", "Pauline", "Rhys",
    "Sadia", "Shona", "Tariq", "Una", "Vicky", "Wayne", "Yvonne", "Zara",
)  # fmt: skip
SURNAMES = (
    "Ahmed", "Bell", "Campbell", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan", "Lewis",
    "MacLeod", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Underwood", "Walsh",
    "Williams", "Young",
)  # fmt: skip
SCALE_AREA_COUNT = 8
SAMPLE_SYSTEM_FROM = 20_000  # below this many postcodes wanted, sample rows (BERNOULLI) for a better spread


@dataclass
class ScaleResult:
    council: Council
    before: int
    added: int
    enterprises_added: int
    seconds: float

    @property
    def total(self) -> int:
        return self.before + self.added


def postcode_area(postcode: str) -> str:
    return "".join(char for char in postcode.split(" ")[0] if char.isalpha())


def sample_postcodes(count: int, rng: random.Random) -> list[PostcodePoint]:
    """`count` random real postcodes from the whole Postcode table, in postcode order (so neighbours are near).

    TABLESAMPLE reads only a fraction of the table however big it is (1.7 million rows for all of GB): SYSTEM (whole
    pages, fastest) for big samples, BERNOULLI (single rows, a better spread) for small ones. The sample is twice the
    size wanted, then thinned in Python; if it still comes up short, `ORDER BY random() LIMIT` makes up the rest.
    When the table has fewer rows than asked for, postcodes repeat.
    """
    table = Postcode._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        total = cursor.fetchone()[0]
        if total == 0:
            raise DemoDataError(
                "The Postcode table is empty, so there is nowhere to put services. "
                "Run manage.py import_postcodes --all (or --areas WR,B,DY) first."
            )
        want = min(count, total)
        percent = min(100.0, 100.0 * max(2 * want, want + 1000) / total)
        method = "SYSTEM" if want >= SAMPLE_SYSTEM_FROM else "BERNOULLI"
        cursor.execute(
            f"SELECT postcode, easting, northing FROM {table} TABLESAMPLE {method} (%s) REPEATABLE (%s)",
            [percent, rng.randint(0, 2**31 - 1)],
        )
        rows = cursor.fetchall()
        if len(rows) < want:
            cursor.execute("SELECT setseed(%s)", [rng.random()])
            cursor.execute(f"SELECT postcode, easting, northing FROM {table} ORDER BY random() LIMIT %s", [want])
            rows = cursor.fetchall()
    rows.sort()
    picked = rng.sample(rows, want)
    if want < count:
        picked += rng.choices(rows, k=count - want)
    picked.sort()
    return [PostcodePoint(*row) for row in picked]


def ensure_scale_council(rng: random.Random) -> tuple[Council, list[Area]]:
    council, _ = Council.objects.get_or_create(name=SCALE_COUNCIL_NAME, defaults={"slug": slugify(SCALE_COUNCIL_NAME)})
    areas = list(council.areas.order_by("pk"))
    if not areas:
        for point in sample_postcodes(SCALE_AREA_COUNT, rng):
            district = point.postcode.split(" ")[0]
            place = POSTCODE_AREA_PLACES.get(postcode_area(point.postcode), postcode_area(point.postcode))
            name = f"{place} ({district})"
            area, _ = Area.objects.get_or_create(
                council=council,
                slug=slugify(name),
                defaults={"name": name, "easting": point.easting, "northing": point.northing},
            )
            if area not in areas:
                areas.append(area)
    return council, areas


def _scale_service(kind, rng, today, point: PostcodePoint, place: str, areas: list[Area]) -> ServiceDraft:
    venue_name = rng.choice(GENERIC_VENUES)
    venue = (venue_name, place) if kind.where == "venue" else None
    draft = build_service(kind, rng, today, town=place, venue=venue)
    if venue:
        draft.fields.update(venue_location(venue_name, f"{venue_name}, {place}", point))
    else:
        radius = rng.randint(15, 40) if kind.where == "remote" else rng.randint(3, 15)
        draft.fields.update(coverage_location(point, radius))
        if rng.random() < 0.2:
            draft.coverage_areas = [rng.choice(areas)]
    return draft


SCALE_LOCK = 2026_0001  # a PostgreSQL advisory lock key: one seed_scale at a time


def seed_scale(
    target: int, batch_size: int = 5000, seed: int | None = None, on_batch: Callable[[int, int], None] | None = None
) -> ScaleResult:
    """Add generated, published services to the "Generated council" until it has at least `target` of them.

    Two runs at once (say `manage.py bench` and a person) would both count the same "before" and both add; an
    advisory lock makes the second wait for the first and then find nothing (or less) to add.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [SCALE_LOCK])
    try:
        return _seed_scale(target, batch_size, seed, on_batch)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SCALE_LOCK])


def copy_rows(table: str, columns: list[str], rows) -> None:
    """Stream plain tuples into a table with PostgreSQL COPY."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def copy_insert(model, objects: list) -> None:
    """Insert unsaved instances with PostgreSQL COPY, giving each its primary key from the table's sequence first.

    For services, `bulk_create` cannot use its fast UNNEST form (ArrayField columns rule it out) and falls back to a
    VALUES list with ~40 parameters a row, which Django and psycopg spend most of their time building; COPY is several
    times quicker. Values go to psycopg as they are (str, int, bool, Decimal, date, time, datetime, list of str all
    adapt directly); auto_now fields are filled first. No signals are sent, as with bulk_create.
    """
    if not objects:
        return
    meta = model._meta
    fields = meta.concrete_fields
    automatic = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for instance, (pk,) in zip(objects, cursor.fetchall()):
            instance.pk = pk
            for auto_field in automatic:
                auto_field.pre_save(instance, True)
            instance._state.adding = False
            instance._state.db = connection.alias
    attnames = [field.attname for field in fields]
    copy_rows(
        meta.db_table,
        [field.column for field in fields],
        ([getattr(instance, attname) for attname in attnames] for instance in objects),
    )


def _copy_through_rows(pairs, categories, client_groups) -> None:
    """The M2M rows of generated services, streamed with COPY (no model instance per row)."""
    links = (
        (Service.categories.through, "category_id", lambda draft: (categories[slug].pk for slug in draft.categories)),
        (
            Service.client_groups.through,
            "clientgroup_id",
            lambda draft: (client_groups[slug].pk for slug in draft.client_groups),
        ),
        (Service.coverage_areas.through, "area_id", lambda draft: (area.pk for area in draft.coverage_areas)),
    )
    for through, column, targets in links:
        copy_rows(
            through._meta.db_table,
            ["service_id", column],
            ((service.pk, target) for service, draft in pairs for target in targets(draft)),
        )


def _seed_scale(target: int, batch_size: int, seed: int | None, on_batch) -> ScaleResult:
    started = time.monotonic()
    rng = random.Random(seed)
    ensure_taxonomies()
    categories = {item.slug: item for item in Category.objects.all()}
    client_groups = {item.slug: item for item in ClientGroup.objects.all()}
    council, areas = ensure_scale_council(rng)
    before = Service.objects.filter(enterprise__council=council).count()
    needed = max(0, target - before)
    if needed == 0:
        return ScaleResult(council, before, 0, 0, time.monotonic() - started)

    points = sample_postcodes(needed, rng)
    kinds, weights = [KINDS[key] for key in SCALE_KIND_WEIGHTS], list(SCALE_KIND_WEIGHTS.values())
    token = uuid.UUID(int=rng.getrandbits(128)).hex[:6] if seed is not None else uuid.uuid4().hex[:6]
    today = timezone.localdate()
    now = timezone.now()
    added = enterprises_added = 0
    position = 0

    while position < needed:
        batch_end = min(needed, position + batch_size)
        enterprises, plans = [], []
        while position < batch_end:
            size = min(rng.choice([1, 2, 2, 2, 3]), batch_end - position)
            first = points[position]
            area_code = postcode_area(first.postcode)
            place = POSTCODE_AREA_PLACES.get(area_code, area_code)
            kind = rng.choices(kinds, weights)[0]
            name = f"{rng.choice(NAME_STEMS)} {rng.choice(kind.enterprise_nouns)} ({first.postcode.split(' ')[0]})"
            legal_form = rng.choice(LF.values)
            number = enterprises_added + len(enterprises)
            enterprises.append(
                Enterprise(
                    council=council,
                    name=name,
                    slug=f"{slugify(name)}-{token}{number}",
                    summary=rng.choice(kind.summaries).format(town=place, venue=place, days="weekdays"),
                    description=f"A community micro-enterprise serving people around {place}.",
                    legal_form=legal_form,
                    contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                    phone=f"01632 960{rng.randint(0, 999):03d}",
                    email=f"hello@{slugify(name)}.example.org",
                    website=f"https://www.{slugify(name)}.example.org/",
                    status=Enterprise.Status.PUBLISHED,
                    created_at=now - timedelta(days=rng.randint(1, 1800)),
                    **enterprise_figures(rng, legal_form),
                )
            )
            service_kinds = [kind] + [rng.choices(kinds, weights)[0] for _ in range(size - 1)]
            plans.append(
                [
                    _scale_service(service_kind, rng, today, points[position + offset], place, areas)
                    for offset, service_kind in enumerate(service_kinds)
                ]
            )
            position += size

        with transaction.atomic():
            Enterprise.objects.bulk_create(enterprises, batch_size=batch_size)
            services, pairs = [], []
            for enterprise, drafts in zip(enterprises, plans):
                for draft in drafts:
                    service = Service(enterprise=enterprise, **draft.fields)
                    services.append(service)
                    pairs.append((service, draft))
            copy_insert(Service, services)
            _copy_through_rows(pairs, categories, client_groups)
            Service.objects.filter(pk__in=[service.pk for service in services]).refresh_search_vectors()
        added += len(services)
        enterprises_added += len(enterprises)
        if on_batch:
            on_batch(before + added, target)
    catalogue_changed.send(sender=None)  # bulk writes send no signals

    return ScaleResult(council, before, added, enterprises_added, time.monotonic() - started)


def clear_scale_data() -> tuple[int, int]:
    """Delete the generated council with its services, enterprises and areas. Returns (services, enterprises).

    Plain DELETEs, table by table, because the ORM's cascade collector loads every one of 100,000 rows first (about
    a minute). Anything else that points at these rows (a referral, say) makes PostgreSQL's foreign keys refuse the
    whole transaction, and nothing is deleted.
    """
    council = Council.objects.filter(name=SCALE_COUNCIL_NAME).first()
    if council is None:
        return 0, 0
    tables = {
        "service": Service._meta.db_table,
        "enterprise": Enterprise._meta.db_table,
        "categories": Service.categories.through._meta.db_table,
        "client_groups": Service.client_groups.through._meta.db_table,
        "coverage_areas": Service.coverage_areas.through._meta.db_table,
        "members": Enterprise.members.through._meta.db_table,
        "area": Area._meta.db_table,
    }
    services = (
        f"SELECT s.id FROM {tables['service']} s JOIN {tables['enterprise']} e ON e.id = s.enterprise_id "
        "WHERE e.council_id = %s"
    )
    enterprises = f"SELECT id FROM {tables['enterprise']} WHERE council_id = %s"
    areas = f"SELECT id FROM {tables['area']} WHERE council_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        for through in ("categories", "client_groups", "coverage_areas"):
            cursor.execute(f"DELETE FROM {tables[through]} WHERE service_id IN ({services})", [council.pk])
        cursor.execute(f"DELETE FROM {tables['coverage_areas']} WHERE area_id IN ({areas})", [council.pk])
        cursor.execute(f"DELETE FROM {tables['service']} WHERE enterprise_id IN ({enterprises})", [council.pk])
        service_count = cursor.rowcount
        cursor.execute(f"DELETE FROM {tables['members']} WHERE enterprise_id IN ({enterprises})", [council.pk])
        cursor.execute(f"DELETE FROM {tables['enterprise']} WHERE council_id = %s", [council.pk])
        enterprise_count = cursor.rowcount
        cursor.execute(f"DELETE FROM {tables['area']} WHERE council_id = %s", [council.pk])
        council.delete()
    return service_count, enterprise_count


# --------------------------------------------------------------------------------------------------------------------
# Demo accounts, one for every role, with one shared password: development only (`manage.py demo_accounts` prints them)

DEMO_PASSWORD = "community-demo-2026"
DEMO_REFERRER_ORGANISATION = "Worcestershire Adult Social Care – Wyre Forest team"
DEMO_PROVIDER_PUBLISHED_LISTINGS = 3


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("provider@example.org", "Demo Provider", "provider"),
    DemoAccount("referrer@example.org", "Demo Referrer", "referrer"),
    DemoAccount("staff@example.org", "Demo Staff", "staff"),
    DemoAccount("admin@example.org", "Demo Admin", "superuser"),
)


def has_demo_enterprises() -> bool:
    return Enterprise.objects.filter(slug__in=[slugify(spec.name) for spec in DEMO_ENTERPRISES]).exists()


def demo_accounts_allowed() -> bool:
    from django.conf import settings

    return not getattr(settings, "PRODUCTION", False)


def ensure_demo_accounts() -> dict[str, object]:
    """Create or refresh the demo accounts (idempotent); refused in production. Returns the users by role.

    The provider belongs to the first three published demo enterprises and the first draft one (in the order they are
    defined), the referrer to DEMO_REFERRER_ORGANISATION, the staff member to the demo council; the admin is a
    superuser. Each has DEMO_PASSWORD (set again if it was changed).
    """
    from django.contrib.auth import get_user_model

    from enterprises.models import Organisation, StaffMembership

    if not demo_accounts_allowed():
        raise DemoDataError("Demo accounts are for development only, and DJANGO_ENV is production")
    User = get_user_model()
    council, _ = ensure_demo_council()
    users = {}
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=account.email, defaults={"email": account.email, "first_name": account.name}
            )
            user.email, user.first_name, user.is_active = account.email, account.name, True
            user.is_staff = user.is_superuser = account.role == "superuser"
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
            user.save()
            users[account.role] = user

        published = [spec for spec in DEMO_ENTERPRISES if spec.status == Enterprise.Status.PUBLISHED]
        drafts = [spec for spec in DEMO_ENTERPRISES if spec.status == Enterprise.Status.DRAFT]
        wanted = [slugify(spec.name) for spec in published[:DEMO_PROVIDER_PUBLISHED_LISTINGS] + drafts[:1]]
        users["provider"].enterprises.add(*Enterprise.objects.filter(council=council, slug__in=wanted))

        organisation, _ = Organisation.objects.get_or_create(council=council, name=DEMO_REFERRER_ORGANISATION)
        organisation.members.add(users["referrer"])
        StaffMembership.objects.update_or_create(user=users["staff"], defaults={"council": council})
    return users
