"""The demo: a believable Worcestershire directory, made from the data files in demo/data/.

`seed_demo()` builds the demo for Worcestershire County Council: the towns of `towns.yaml` with their real centres,
the fictional micro-enterprises of `enterprises.yaml`, and their services, made from the kinds of service in
`kinds.yaml` at real postcodes near each town centre. Every choice is drawn from random sources seeded with 2026
(`random.Random(2026)` for the order, and one `Random("2026:<slug>:<n>")` per enterprise and per service so that
editing one never shifts another), so the demo is the same every time; only the "confirmed N days ago" dates move
with today.
It is idempotent: enterprises are matched by slug and updated in place (created when missing); a demo enterprise's
services are the demo's, matched by position (oldest first) and updated in place, surplus ones deleted. Running it
again changes nothing and keeps primary keys, and so anything that points at them (users, referrals).

The data files are read once, the first time `demo_data()` is called, with `yaml.safe_load`, and checked: a missing
or unknown field, a value of the wrong kind, or a town, kind, type of support or client group that does not exist
stops everything with a `DemoDataError` naming the file and the record. Each file's header says what its fields mean.

`build_service()` (one service of a kind, in a place, from a random source) also makes the generated services of
`benchmarks/scale.py`. The demo accounts are in `demo/accounts.py`, the demo referrals in `demo/referrals.py`; the
commands `seed_demo`, `demo_accounts` and `seed_demo_referrals` are thin wrappers around them. The council's starter set
of words people use (synonyms) is `synonyms.yaml`: any missing are added, and those its staff added are kept.
"""

import functools
import math
import random
import re
import string
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
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
    Synonym,
    WayToPay,
    Weekday,
)
from enterprises.signals import catalogue_changed
from enterprises.taxonomy import CATEGORIES, CLIENT_GROUPS, ensure_taxonomies

DATA = Path(__file__).resolve().parent / "data"
DEMO_COUNCIL_NAME = "Worcestershire County Council"
DEMO_SEED = 2026
STALE_SHARE = 0.10  # about one service in ten has a capacity status confirmed too long ago to show

LF = Enterprise.LegalForm
WEEKDAYS = [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI]
PLURAL_DAY = {value: f"{Weekday(value).label}s" for value in Weekday.values}


class DemoDataError(Exception):
    """Seeding cannot go ahead; the message says what to do (or which data file and record to put right)."""


# --------------------------------------------------------------------------------------------------------------------
# Reading the data files


def read_data(name: str):
    """The parsed YAML of demo/data/<name>; a file that is missing or is not YAML is a DemoDataError."""
    try:
        with (DATA / name).open(encoding="utf-8") as file:
            return yaml.safe_load(file)
    except (OSError, yaml.YAMLError) as error:
        raise DemoDataError(f"demo/data/{name}: {error}") from error


def records(name: str, data) -> list[tuple[str, object]]:
    """(label, record) for each record of a file that is a list of records: "record 3 ("Avonside Home Help")"."""
    if not isinstance(data, list):
        raise DemoDataError(f"demo/data/{name}: expected a list of records, each starting with `- `")
    labelled = []
    for number, value in enumerate(data, 1):
        title = (value.get("name") or value.get("key")) if isinstance(value, dict) else None
        labelled.append((f'record {number} ("{title}")' if title else f"record {number}", value))
    return labelled


class Record:
    """One record of a data file, whose every problem is a DemoDataError naming the file and the record."""

    def __init__(self, where: str, value, *, required: set[str], optional: frozenset[str] | set[str] = frozenset()):
        self.where = where
        if not isinstance(value, dict):
            raise self.error(f"expected fields (name: value), found {value!r}")
        missing = sorted(required - value.keys())
        unknown = sorted(map(str, value.keys() - required - optional))
        if missing:
            raise self.error(f"missing {', '.join(missing)}")
        if unknown:
            known = ", ".join(sorted(required | optional))
            raise self.error(f"unknown field {', '.join(unknown)} (the fields are {known})")
        self.values = value

    def error(self, message: str) -> DemoDataError:
        return DemoDataError(f"{self.where}: {message}")

    def part(self, name: str, **fields) -> "Record":
        """A record inside this one (cost, schedule, a step…)."""
        return Record(f"{self.where}, {name}", self.values[name], **fields)

    def has(self, name: str) -> bool:
        return name in self.values

    def check(self, name: str, value, test: bool, what: str):
        if not test:
            raise self.error(f"{name} should be {what}, not {value!r}")
        return value

    def text(self, name: str, default: str | None = None, *, choices=None) -> str:
        if name not in self.values:
            return default
        value = self.values[name]
        if choices is not None:
            return self.check(name, value, value in choices, "one of " + ", ".join(map(str, choices)))
        return self.check(name, value, isinstance(value, str), "text (in quotes if it looks like a number)")

    def whole(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name, default)
        whole = isinstance(value, int) and not isinstance(value, bool)
        return self.check(name, value, whole or name not in self.values, "a whole number")

    def flag(self, name: str, default: bool) -> bool:
        value = self.values.get(name, default)
        return self.check(name, value, isinstance(value, bool), "true or false")

    def date(self, name: str) -> date:
        value = self.values[name]
        return self.check(name, value, isinstance(value, date), "a date such as 1941-05-12")

    def time(self, name: str) -> clock:
        """A time of day, "10:20". Unquoted, YAML 1.1 reads 10:20 as the number 620 (base 60), which is taken back."""
        value = self.values[name]
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return clock(*divmod(value, 60))
        found = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value) if isinstance(value, str) else None
        self.check(name, value, found, 'a time such as "10:20"')
        return clock(int(found[1]), int(found[2]))

    def items(self, name: str, *, choices=None, empty: bool = False) -> tuple:
        """A list of texts (each one of `choices`, if given); empty only if `empty`."""
        value = self.values.get(name, [] if empty else None)
        self.check(name, value, isinstance(value, list) and (empty or value), "a list such as [a, b]")
        for item in value:
            if choices is not None:
                self.check(name, item, item in choices, "a list of " + ", ".join(map(str, choices)))
            else:
                self.check(name, item, isinstance(item, str), "a list of texts")
        return tuple(value)

    def lists(self, name: str, *, choices, empty: bool = False) -> tuple[tuple, ...]:
        """A list of lists of `choices`, to choose one list from (a list may be [] only if `empty`)."""
        value = self.values[name]
        self.check(name, value, isinstance(value, list) and value, "a list of lists, each on a line `- [a, b]`")
        return tuple(Record(self.where, {name: option}, required={name}).items(name, choices=choices, empty=empty)
                     for option in value)


def _formats(record: Record, name: str, texts: tuple[str, ...], words: set[str]) -> tuple[str, ...]:
    """Texts whose {placeholders} are all among `words`."""
    for text in texts:
        try:
            used = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
        except ValueError as error:
            raise record.error(f"{name}: {error} in {text!r}") from error
        if used - words:
            raise record.error(f"{name}: {{{', '.join(sorted(used - words))}}} is not one of "
                               f"{', '.join('{' + word + '}' for word in sorted(words))}, in {text!r}")
    return texts


# --------------------------------------------------------------------------------------------------------------------
# Towns (towns.yaml)


@dataclass(frozen=True)
class Town:
    name: str
    postcode: str
    easting: int
    northing: int
    districts: tuple[str, ...]  # postcode districts (WR1) or sectors (WR8 0) whose postcodes count as the town
    venues: tuple[tuple[str, str], ...]  # (venue name, street)

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """What the town's postcodes start with: "WR1 " (so not WR10), or a sector's "WR8 0"."""
        return tuple(district if " " in district else f"{district} " for district in self.districts)

    def metres_to(self, other: "Town") -> float:
        return math.hypot(self.easting - other.easting, self.northing - other.northing)


DISTRICT = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?( \d)?")


def read_towns() -> tuple[Town, ...]:
    towns = []
    for label, value in records("towns.yaml", read_data("towns.yaml")):
        record = Record(f"demo/data/towns.yaml, {label}", value,
                        required={"name", "postcode", "easting", "northing", "districts", "venues"})
        districts = record.items("districts")
        for district in districts:
            record.check("districts", district, DISTRICT.fullmatch(district), "postcode districts (WR1) or sectors")
        venues = record.values["venues"]
        record.check("venues", venues, isinstance(venues, list) and venues, "a list of {name: …, street: …}")
        venues = [Record(f"{record.where}, venue {number}", venue, required={"name", "street"})
                  for number, venue in enumerate(venues, 1)]
        towns.append(Town(record.text("name"), record.text("postcode"), record.whole("easting"),
                          record.whole("northing"), districts,
                          tuple((venue.text("name"), venue.text("street")) for venue in venues)))
    _unique("towns.yaml", "town", [town.slug for town in towns])
    return tuple(towns)


def _unique(name: str, what: str, slugs: list[str]) -> None:
    repeated = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if repeated:
        raise DemoDataError(f"demo/data/{name}: two records make the {what} {', '.join(repeated)}")


# --------------------------------------------------------------------------------------------------------------------
# Kinds of service (kinds.yaml): the vocabulary the demo's services, and benchmarks' generated ones, are drawn from.


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


def _pick(rng: random.Random, value):
    """A tuple is a choice, one of it drawn at random; anything else is itself (and draws nothing)."""
    return rng.choice(value) if isinstance(value, tuple) else value


def _some_weekdays(rng: random.Random, count: int) -> list[str]:
    chosen = set(rng.sample(WEEKDAYS, count))
    return [day for day in WEEKDAYS if day in chosen]


@dataclass(frozen=True)
class CostRule:
    """A cost whose amount and note are each fixed or drawn from a tuple, the amount first."""

    type: str
    amount: Decimal | None | tuple[Decimal, ...] = None
    note: str | tuple[str, ...] = ""

    def draw(self, rng: random.Random) -> Cost:
        amount = _pick(rng, self.amount)
        return Cost(self.type, amount, _pick(rng, self.note))


@dataclass(frozen=True)
class CostChoice:
    """One of several costs: every option's own choices are drawn first, in order, then one option is chosen."""

    options: tuple[CostRule, ...]

    def draw(self, rng: random.Random) -> Cost:
        return rng.choice([option.draw(rng) for option in self.options])


@dataclass(frozen=True)
class ScheduleRule:
    """The days (fixed, some weekdays at random, or one of several lists), the opening hours and a note."""

    opens_at: clock
    closes_at: clock
    note: str = ""
    days: tuple[str, ...] = ()
    weekdays_at_random: int | tuple[int, ...] | None = None  # how many, or a tuple to draw how many from
    days_one_of: tuple[tuple[str, ...], ...] = ()

    def draw(self, rng: random.Random) -> Schedule:
        if self.weekdays_at_random is not None:
            days = _some_weekdays(rng, _pick(rng, self.weekdays_at_random))
        elif self.days_one_of:
            days = list(rng.choice(self.days_one_of))
        else:
            days = list(self.days)
        return Schedule(days, self.opens_at, self.closes_at, self.note)


@dataclass(frozen=True)
class Kind:
    """One kind of service, with the words and numbers a believable listing of it needs."""

    key: str
    where: str  # "venue" (at a hall), "home" (comes to people), "remote" (phone/online), "out" (out and about)
    delivery: tuple[str, ...]
    categories: tuple[str, ...]
    client_groups: tuple[tuple[str, ...], ...]  # one option is chosen
    names: tuple[str, ...]  # formatted with venue, town, days, day
    summaries: tuple[str, ...]
    descriptions: tuple[str, ...]
    cost: CostRule | CostChoice
    ways_to_pay: tuple[tuple[str, ...], ...]  # one option is chosen
    schedule: ScheduleRule
    ages: tuple[int | None, int | None] = (None, None)
    regulated: bool = False  # CQC-registered personal care


WHERE = ("venue", "home", "remote", "out")
WORDS = {"town", "venue", "days", "day"}


def money(amount: Decimal | float | int) -> Decimal:
    return Decimal(str(amount)).quantize(Decimal("0.01"))


def _one_or_choice(value, check):
    """A value, or a list of values to choose one from (as a tuple, which `_pick` draws from), each `check`ed."""
    return tuple(map(check, value)) if isinstance(value, list) and value else check(value)


def _cost(record: Record) -> CostRule | CostChoice:
    if record.has("one_of"):
        options = record.values["one_of"]
        record.check("one_of", options, isinstance(options, list) and options, "a list of costs")
        return CostChoice(tuple(
            _cost(Record(f"{record.where}, option {number}", option, required={"type"}, optional={"amount", "note"}))
            for number, option in enumerate(options, 1)
        ))
    if not record.has("type"):
        raise record.error("missing type (or one_of, a list of costs)")

    def price(value) -> Decimal:
        number = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        return money(record.check("amount", value, number, "a price in pounds, or a list of prices [3, 3.50, 4]"))

    def note(value) -> str:
        return record.check("note", value, isinstance(value, str), 'a text, or a list of texts ["…", "…"]')

    amount = record.values.get("amount")
    return CostRule(
        record.text("type", choices=CostType.values),
        None if amount is None else _one_or_choice(amount, price),
        _one_or_choice(record.values.get("note", ""), note),
    )


def _schedule(record: Record) -> ScheduleRule:
    ways = [name for name in ("days", "weekdays_at_random", "days_one_of") if record.has(name)]
    if len(ways) != 1:
        raise record.error("needs exactly one of days, weekdays_at_random, days_one_of")
    days, count, one_of = (), None, ()
    if ways == ["days"]:
        days = record.items("days", choices=Weekday.values)
    elif ways == ["days_one_of"]:
        one_of = record.lists("days_one_of", choices=Weekday.values)
    else:
        count = _one_or_choice(record.values["weekdays_at_random"], lambda number: record.check(
            "weekdays_at_random", number, number in range(1, 6), "1 to 5, or a list of such numbers [1, 2, 2, 3]"))
    return ScheduleRule(record.time("opens"), record.time("closes"), record.text("note", ""), days, count, one_of)


def read_kinds() -> dict[str, Kind]:
    kinds = {}
    categories = [term.slug for term in CATEGORIES]
    client_groups = [term.slug for term in CLIENT_GROUPS]
    data = read_data("kinds.yaml")
    if not isinstance(data, dict):
        raise DemoDataError("demo/data/kinds.yaml: expected each kind as `key:` followed by its fields")
    for key, value in data.items():
        record = Record(
            f'demo/data/kinds.yaml, kind "{key}"',
            value,
            required={"where", "delivery", "categories", "client_groups", "names", "summaries", "descriptions",
                      "cost", "ways_to_pay", "schedule"},
            optional={"minimum_age", "maximum_age", "regulated"},
        )
        kinds[key] = Kind(
            key=key,
            where=record.text("where", choices=WHERE),
            delivery=record.items("delivery", choices=Delivery.values),
            categories=record.items("categories", choices=categories),
            client_groups=record.lists("client_groups", choices=client_groups),
            names=_formats(record, "names", record.items("names"), WORDS),
            summaries=_formats(record, "summaries", record.items("summaries"), WORDS),
            descriptions=_formats(record, "descriptions", record.items("descriptions"), WORDS),
            cost=_cost(record.part("cost", required=set(), optional={"type", "amount", "note", "one_of"})),
            ways_to_pay=record.lists("ways_to_pay", choices=WayToPay.values, empty=True),
            schedule=_schedule(record.part("schedule", required={"opens", "closes"},
                                           optional={"note", "days", "weekdays_at_random", "days_one_of"})),
            ages=(record.whole("minimum_age"), record.whole("maximum_age")),
            regulated=record.flag("regulated", False),
        )
    return kinds


# --------------------------------------------------------------------------------------------------------------------
# The demo enterprises (enterprises.yaml). Listed alphabetically for editing, but created in a shuffled order so that
# database order never favours the start of the alphabet.


@dataclass(frozen=True)
class DemoEnterprise:
    name: str
    town: str
    legal_form: str
    contact: str
    services: tuple[str, ...]  # kinds; "kind@town-slug" puts a service in another town
    summary: str
    description: str
    status: str = Enterprise.Status.PUBLISHED
    languages: str = ""
    website: bool = True


def read_enterprises(towns: tuple[Town, ...], kinds: dict[str, Kind]) -> tuple[DemoEnterprise, ...]:
    enterprises = []
    town_slugs = [town.slug for town in towns]
    for label, value in records("enterprises.yaml", read_data("enterprises.yaml")):
        record = Record(
            f"demo/data/enterprises.yaml, {label}",
            value,
            required={"name", "town", "legal_form", "contact", "services", "summary", "description"},
            optional={"status", "languages", "website"},
        )
        services = record.items("services")
        for service in services:
            kind, _, town = service.partition("@")
            record.check("services", service, kind in kinds, "kinds from kinds.yaml: " + ", ".join(kinds))
            if town:
                record.check("services", service, town in town_slugs, "kind@town with a town from towns.yaml")
        enterprises.append(DemoEnterprise(
            name=record.text("name"),
            town=record.text("town", choices=town_slugs),
            legal_form=record.text("legal_form", choices=LF.values),
            contact=record.text("contact"),
            services=services,
            summary=record.text("summary"),
            description=record.text("description"),
            status=record.text("status", Enterprise.Status.PUBLISHED, choices=Enterprise.Status.values),
            languages=record.text("languages", ""),
            website=record.flag("website", True),
        ))
    _unique("enterprises.yaml", "slug", [slugify(enterprise.name) for enterprise in enterprises])
    return tuple(enterprises)


@dataclass(frozen=True)
class DemoData:
    towns: tuple[Town, ...]
    towns_by_slug: dict[str, Town]
    kinds: dict[str, Kind]
    enterprises: tuple[DemoEnterprise, ...]


@functools.cache
def demo_data() -> DemoData:
    """The data files, read and checked once, the first time something needs them (so importing this module reads
    nothing, and a mistake in a file is a DemoDataError where it is used, which the commands print as one line)."""
    towns, kinds = read_towns(), read_kinds()
    return DemoData(towns, {town.slug: town for town in towns}, kinds, read_enterprises(towns, kinds))


VENUE_RADIUS_METRES = 1500  # venues: near the town centre
BASE_RADIUS_METRES = 3000  # home-visit bases: anywhere in the town
MIN_CANDIDATES = 8


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
    schedule = kind.schedule.draw(rng)
    cost = kind.cost.draw(rng)
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
    for town in demo_data().towns:
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
    others = sorted((other for other in demo_data().towns if other is not town), key=town.metres_to)
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
    data = demo_data()
    for index, entry in enumerate(spec.services):
        rng = random.Random(f"{DEMO_SEED}:{slug}:{index}")
        where = random.Random(f"{DEMO_SEED}:{slug}:{index}:where")
        key, _, town_slug = entry.partition("@")
        kind = data.kinds[key]
        town = data.towns_by_slug[town_slug or spec.town]
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
    for town in demo_data().towns:
        areas[town.slug], _ = Area.objects.update_or_create(
            council=council,
            slug=town.slug,
            defaults={"name": town.name, "easting": town.easting, "northing": town.northing},
        )
    return council, areas


# Words people use (synonyms.yaml)


def read_synonyms() -> tuple[tuple[str, str], ...]:
    """(words, also_find) of each synonym of the starter set."""
    pairs = []
    for label, value in records("synonyms.yaml", read_data("synonyms.yaml")):
        record = Record(f"demo/data/synonyms.yaml, {label}", value, required={"words", "also_find"})
        words = record.text("words")
        pairs += [(words, also_find) for also_find in record.items("also_find")]
    return tuple(pairs)


def ensure_demo_synonyms(council: Council) -> None:
    """Add the starter set's synonyms the council lacks, keeping any its staff added or changed."""
    have = {(words.casefold(), also_find.casefold())
            for words, also_find in council.synonyms.values_list("words", "also_find")}
    Synonym.objects.bulk_create([
        Synonym(council=council, words=words, also_find=also_find) for words, also_find in read_synonyms()
        if (words.casefold(), also_find.casefold()) not in have
    ])


@transaction.atomic
def seed_demo() -> DemoResult:
    """Create or refresh the Worcestershire demo. Idempotent; see the module docstring."""
    started = time.monotonic()
    postcodes = demo_postcodes()  # fails first, before anything is written, if postcodes are missing
    ensure_taxonomies()
    categories = {item.slug: item for item in Category.objects.all()}
    client_groups = {item.slug: item for item in ClientGroup.objects.all()}
    council, areas = ensure_demo_council()
    ensure_demo_synonyms(council)

    rng = random.Random(DEMO_SEED)
    today = timezone.localdate()
    now = timezone.now()

    # Each venue is at one real postcode near its town's centre, the same for every service that meets there.
    venue_points = {}
    for town in demo_data().towns:
        near, _ = postcodes[town.slug]
        town_rng = random.Random(f"{DEMO_SEED}:{town.slug}")
        for (venue_name, _street), point in zip(town.venues, town_rng.sample(near, min(len(near), len(town.venues)))):
            venue_points[(town.slug, venue_name)] = point
        for venue_name, _street in town.venues:  # a town with fewer candidates than venues shares postcodes
            venue_points.setdefault((town.slug, venue_name), near[0])

    specs = list(demo_data().enterprises)
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
