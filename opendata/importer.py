"""Bringing an existing directory in: rows read from a CSV file with our open data's columns (`read_csv`) or from
an Open Referral UK 3.0 API (`read_oruk_service`, fed by opendata/oruk_client.py), then a dry run (`plan`), then the
import itself (`apply`), which lists what is new as listings waiting for the council's approval.

A row is one service and its provider, as plain JSON-able values, so that the staff page can keep the dry run's rows
until they confirm. Each row is checked against the models' own rules (`full_clean`): a row that breaks one is
reported with its line (CSV) or id (API) and the reason, and is not imported. The import is one transaction.

What happens to each good row:
- **update**: its source id was imported before into this council, and its listing is not yet published (a published
  listing changes only through its own pages, with the council's approval; such rows are skipped with that reason);
- **duplicate**: a service of the council with the same name and venue postcode, or of an enterprise of the same name
  at that postcode, is already listed: not imported, for staff to look at;
- **create**: a new listing (one per provider), waiting for approval.
"""

import csv
import io
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.functions import Lower

from enterprises import listings
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
from enterprises.postcodes import normalise_postcode
from enterprises.signals import catalogue_changed
from opendata import oruk
from opendata.csv_export import COLUMNS
from opendata.models import ImportedService

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
HEADINGS = [heading for heading, _ in COLUMNS]
REQUIRED_HEADINGS = ("Service name", "Provider")

ENTERPRISE_FIELDS = ("name", "summary", "description", "contact_name", "phone", "email", "website")
SERVICE_FIELDS = (
    "name", "summary", "description", "delivery", "venue_name", "venue_address", "venue_postcode",
    "coverage_postcode", "coverage_radius_miles", "minimum_age", "maximum_age", "cost_type", "cost_amount",
    "cost_note", "ways_to_pay", "days", "opens_at", "closes_at", "schedule_note", "capacity", "capacity_confirmed_on",
    "step_free_access", "hearing_loop", "accessible_toilet", "languages", "accessibility_note", "cqc_registration",
)


class SourceError(Exception):
    """The whole source cannot be read (not a CSV file, not our columns, an API that does not answer): why."""


@dataclass
class Row:
    where: str  # "line 4" or "id 8670d335-…": how staff find it in their source
    source_id: str = ""
    provider_key: str = ""  # rows with the same key become services of one listing
    enterprise: dict = field(default_factory=dict)
    service: dict = field(default_factory=dict)
    categories: list = field(default_factory=list)
    client_groups: list = field(default_factory=list)
    areas: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # why it cannot be imported
    notes: list = field(default_factory=list)  # what of it will not be kept


# Reading words back into our fields ------------------------------------------------------------------------------


def _split(text: str, separator: str = ";") -> list[str]:
    return [part.strip() for part in (text or "").split(separator) if part.strip()]


def _by_label(choices, labels: list[str], row: Row, what: str) -> list[str]:
    known = {label.casefold(): value for value, label in choices.choices}
    values = []
    for label in labels:
        value = known.get(label.casefold())
        if value is None:
            row.notes.append(f"{what} “{label}” is not one of ours, so it is left out")
        elif value not in values:
            values.append(value)
    return values


TIME_PATTERN = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)$", re.IGNORECASE)


def _clock(text: str) -> time | None:
    """"10am", "3:30pm", "midday" (govuk_time) or "15:30" (the API) → a time; None when it is neither."""
    text = (text or "").strip().lower()
    if text == "midday":
        return time(12)
    if match := TIME_PATTERN.match(text):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return time(hour % 12 + (12 if match[3] == "pm" else 0), minute)
    if match := re.match(r"^(\d{1,2}):(\d{2})(?::\d{2})?", text):
        hour, minute = int(match[1]), int(match[2])
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    return None


def _days_and_times(text: str, row: Row) -> dict:
    """"Monday, Thursday, 10am to 3:30pm" (`Service.days_and_times`) → days, opens_at, closes_at."""
    parts = _split(text, ",")
    days = _by_label(Weekday, [p for p in parts if p.casefold() in {d.label.casefold() for d in Weekday}], row, "Day")
    times = [p for p in parts if p.casefold() not in {d.label.casefold() for d in Weekday}]
    found = {"days": days}
    if times:
        opens, _, closes = times[-1].partition(" to ")
        found["opens_at"], found["closes_at"] = _clock(opens), _clock(closes) if closes else None
        if found["opens_at"] is None or (closes and found["closes_at"] is None):
            row.problems.append(f"Days and times: “{times[-1]}” is not a time like 10am or 3:30pm")
    return found


COVERAGE_PATTERN = re.compile(r"^Within (\d+) miles? of ([A-Z0-9]{2,4})$", re.IGNORECASE)


def _coverage(names: list[str], row: Row) -> dict:
    """"Within 5 miles of WR14" → a radius from the district; any other name → one of the council's areas."""
    found = {}
    for name in names:
        if match := COVERAGE_PATTERN.match(name):
            found["coverage_radius_miles"], found["coverage_postcode"] = _number(match[1]), match[2].upper()
        else:
            row.areas.append(name)
    return found


def _number(text) -> int | str | None:
    """A whole number as given; anything else is passed on as typed for the model's own check to report."""
    if text is None or text == "":
        return None
    text = str(text).strip()
    return int(text) if re.fullmatch(r"\d{1,18}", text) else text


COST_PATTERN = re.compile(r"^£(\d[\d,]*(?:\.\d{1,2})?) (per hour|per session|per day|per week)$")
DONATION_PATTERN = re.compile(r"^Donation(?: \(suggested £(\d[\d,]*(?:\.\d{1,2})?)\))?$")


def _money(text: str) -> Decimal | str:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text


def _cost(text: str) -> dict:
    """"£5.00 per hour. Bring a packed lunch" (`oruk.fees`) → the cost's type, amount and note."""
    label, _, note = (text or "").strip().partition(". ")
    if label == "Free":
        return {"cost_type": CostType.FREE, "cost_note": note}
    if label in ("Ask about cost", ""):
        return {"cost_type": "", "cost_note": note}
    if match := DONATION_PATTERN.match(label):
        return {"cost_type": CostType.DONATION, "cost_amount": _money(match[1]) if match[1] else None,
                "cost_note": note}
    if match := COST_PATTERN.match(label):
        kind = {choice.label: choice.value for choice in CostType}[match[2]]
        return {"cost_type": kind, "cost_amount": _money(match[1]), "cost_note": note}
    return {"cost_type": "", "cost_note": text.strip()}


def _accessibility(descriptions: list[str]) -> dict:
    features = {label.casefold(): name for name, label in oruk.ACCESSIBILITY_FEATURES}
    found, notes = {}, []
    for text in descriptions:
        if text.casefold() in features:
            found[features[text.casefold()]] = True
        else:
            notes.append(text)
    found["accessibility_note"] = "; ".join(notes)
    return found


def _summary_and_description(text: str) -> dict:
    """Our API gives summary and description as one text, the summary first: the first paragraph becomes the
    summary when it fits, the rest the description."""
    first, _, rest = (text or "").strip().partition("\n\n")
    if len(first) <= Service._meta.get_field("summary").max_length and "\n" not in first:
        return {"summary": first, "description": rest.strip()}
    return {"summary": "", "description": (text or "").strip()}


# A CSV file with our open data's columns ------------------------------------------------------------------------


def _csv_row(values: dict[str, str], row: Row) -> None:
    get = lambda heading: (values.get(heading) or "").strip()  # noqa: E731
    row.source_id = get("Open Referral UK ID")
    row.provider_key = get("Provider").casefold()
    row.enterprise = {"name": get("Provider"), "phone": get("Phone"), "email": get("Email"),
                      "website": get("Website")}
    service = {"name": get("Service name"), "summary": get("Summary"), "venue_name": get("Venue"),
               "venue_address": get("Venue address"), "venue_postcode": get("Venue postcode"),
               "minimum_age": _number(get("Minimum age")), "maximum_age": _number(get("Maximum age")),
               "schedule_note": get("When it runs"), "languages": get("Languages spoken")}
    row.categories = _split(get("Types of support"))
    row.client_groups = _split(get("Who it is for"))
    service["delivery"] = _by_label(Delivery, _split(get("How it is delivered")), row, "How it is delivered:")
    service.update(_coverage(_split(get("Areas covered")), row))
    service.update(_cost(get("Cost")))
    service["ways_to_pay"] = _by_label(WayToPay, _split(get("Ways to pay")), row, "Way to pay")
    service.update(_days_and_times(get("Days and times"), row))
    capacity = _by_label(Capacity, _split(get("Taking new people")), row, "Taking new people:")
    service["capacity"] = capacity[0] if capacity else Capacity.NOT_KNOWN
    service["capacity_confirmed_on"] = get("Capacity confirmed on") or None
    service.update(_accessibility(_split(get("Accessibility"))))
    row.service = service


def read_csv(data: bytes) -> list[Row]:
    """The rows of a CSV file with our open data's columns (any of them, in any order; at least the service's and
    the provider's names). Raises SourceError when the file as a whole cannot be read."""
    if not data.strip():
        raise SourceError("The file is empty")
    if b"\x00" in data:
        raise SourceError("The file is not a CSV file: save it from your spreadsheet as “CSV UTF-8”")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headings = [heading.strip() for heading in next(reader)]
        missing = [heading for heading in REQUIRED_HEADINGS if heading not in headings]
        if missing:
            raise SourceError(
                f"The file does not have the columns of our open data: it needs at least "
                f"“{'” and “'.join(missing)}”. Its first row must be the column headings"
            )
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise SourceError(f"The file has more than {MAX_ROWS:,} services: split it into smaller files")
            row = Row(where=f"line {reader.line_num}")
            if len(values) > len(headings):
                row.problems.append("It has more cells than there are column headings")
            _csv_row(dict(zip(headings, values, strict=False)), row)
            rows.append(row)
    except csv.Error as error:
        raise SourceError(f"The file cannot be read as CSV at line {reader.line_num}: {error}") from None
    if not rows:
        raise SourceError("The file has column headings but no services")
    return [check(row) for row in rows]


# A service from an Open Referral UK 3.0 API ---------------------------------------------------------------------


def _items(value) -> list[dict]:
    """The records of a list in the JSON: none when it is not a list, and only those that are records."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _first(value) -> dict:
    items = _items(value)
    return items[0] if items else {}


def _str(value) -> str:
    """Text from JSON: trimmed, without NUL characters (PostgreSQL refuses them)."""
    text = value if isinstance(value, str) else "" if value is None or isinstance(value, dict | list) else str(value)
    return text.replace("\x00", "").strip()


WAYS_TO_PAY = re.compile(r"(?:^|\. )Ways to pay: (.*)$")


def _cost_option(data: dict, row: Row) -> dict:
    option = _first(data.get("cost_options"))
    if not option:
        return _cost(_str(data.get("fees")))
    text, amount = _str(option.get("amount_description")), option.get("amount")
    note = _str(option.get("option"))
    found = {}
    if match := WAYS_TO_PAY.search(note):
        found["ways_to_pay"] = _by_label(WayToPay, _split(match[1], ","), row, "Way to pay")
        note = note[: match.start()].strip()
    found["cost_note"] = note
    amount = _money(str(amount)) if amount is not None else None
    if text.casefold() == "free" or (amount == 0 and not text.startswith("Donation")):
        found["cost_type"] = CostType.FREE
    elif text.startswith("Donation"):
        found.update(cost_type=CostType.DONATION, cost_amount=amount)
    elif (kind := {c.label: c.value for c in CostType}.get(text)) and amount is not None:
        found.update(cost_type=kind, cost_amount=amount)
    else:
        found.update(cost_type="", cost_note=_str(data.get("fees")))
    return found


def _schedule(data: dict, row: Row) -> dict:
    schedule = _first(data.get("schedules"))
    found = {"schedule_note": _str(schedule.get("notes"))}
    byday = {code: day for day, code in oruk.BYDAY.items()}
    found["days"] = [byday[code] for code in _split(_str(schedule.get("byday")), ",") if code in byday]
    for name in ("opens_at", "closes_at"):
        if schedule.get(name):
            found[name] = _clock(_str(schedule[name]))
            if found[name] is None:
                row.problems.append(f"schedules: {name} “{schedule[name]}” is not a time")
    found["delivery"] = _by_label(Delivery, _split(_str(schedule.get("attending_type")), ","), row,
                                  "How it is delivered:")
    return found


ALERT_PATTERN = re.compile(r"^(.+) \(confirmed (\d{1,2} \w+ \d{4})\)$")


def _capacity(alert: str) -> dict:
    """Our `oruk.alert` says "Taking new people (confirmed 3 March 2026)": the capacity and its date."""
    labels = {choice.label: choice.value for choice in Capacity}
    for part in alert.split(". "):
        if (match := ALERT_PATTERN.match(part)) and match[1] in labels:
            try:
                confirmed = datetime.strptime(match[2], "%d %B %Y").date()
            except ValueError:
                continue
            return {"capacity": labels[match[1]], "capacity_confirmed_on": confirmed.isoformat()}
    return {"capacity": Capacity.NOT_KNOWN, "capacity_confirmed_on": None}


def _location(data: dict) -> dict:
    location = _first(data.get("service_at_locations")).get("location")
    location = location if isinstance(location, dict) else {}
    address = _first(location.get("addresses"))
    lines = [_str(address.get("address_1")), _str(address.get("address_2")), _str(address.get("city"))]
    found = {
        "venue_name": _str(location.get("name")),
        "venue_address": "\n".join(line for line in lines if line),
        "venue_postcode": _str(address.get("postal_code")),
    }
    descriptions = [_str(item.get("description")) for item in _items(location.get("accessibility"))
                    if isinstance(item, dict)]
    found.update(_accessibility([text for text in descriptions if text]))
    return found


def read_oruk_service(data) -> Row:
    """One service as an Open Referral UK 3.0 API gives it at /services/{id} (ours: `oruk.service_detail`)."""
    if not isinstance(data, dict):
        return Row(where="a service", problems=["It is not a service record"])
    row = Row(where=f"id {_str(data.get('id'))[:100] or '(none)'}", source_id=_str(data.get("id")))
    organization = data.get("organization") if isinstance(data.get("organization"), dict) else {}
    phone, contact = _first(data.get("phones")), _first(data.get("contacts"))
    row.provider_key = _str(data.get("organization_id") or organization.get("id") or organization.get("name"))
    row.enterprise = {
        "name": _str(organization.get("name")),
        **_summary_and_description(_str(organization.get("description"))),
        "email": _str(organization.get("email") or data.get("email")),
        "website": _str(organization.get("website")),
        "phone": _str(phone.get("number")),
        "contact_name": _str(contact.get("name")),
    }
    service = {
        "name": _str(data.get("name")),
        **_summary_and_description(_str(data.get("description"))),
        "minimum_age": _number(data.get("minimum_age")),
        "maximum_age": _number(data.get("maximum_age")),
        "languages": ", ".join(_str(item.get("name")) for item in _items(data.get("languages"))
                               if isinstance(item, dict) and _str(item.get("name"))),
        **_location(data),
        **_schedule(data, row),
        **_cost_option(data, row),
        **_capacity(_str(data.get("alert"))),
    }
    cqc = re.search(r"Registered with the Care Quality Commission: (\S+)", _str(data.get("accreditations")))
    service["cqc_registration"] = cqc[1] if cqc else ""
    service.update(_coverage([_str(area.get("name") or area.get("service_area"))
                              for area in _items(data.get("service_areas")) if isinstance(area, dict)], row))
    for attribute in _items(data.get("attributes")):
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if not isinstance(term, dict) or not _str(term.get("name")):
            continue
        audience = attribute.get("link_type") == "intended_audience" or term.get("taxonomy") == "Who it is for"
        (row.client_groups if audience else row.categories).append(_str(term.get("name")))
    row.service = service
    return check(row)


# Checking a row against the models' own rules -------------------------------------------------------------------


# A field named as our CSV's column heading that holds it, where the field's own name would puzzle a person.
LABELS = {
    (Enterprise, "name"): "Provider", (Service, "name"): "Service name", (Service, "venue_name"): "Venue",
    (Service, "coverage_radius_miles"): "Areas covered", (Service, "coverage_postcode"): "Areas covered",
    (Service, "cost_type"): "Cost", (Service, "cost_amount"): "Cost", (Service, "cost_note"): "Cost",
    (Service, "opens_at"): "Days and times", (Service, "closes_at"): "Days and times",
    (Service, "capacity"): "Taking new people", (Service, "accessibility_note"): "Accessibility",
}


def _field_label(model, name: str) -> str:
    return LABELS.get((model, name)) or str(model._meta.get_field(name).verbose_name).capitalize()


def check(row: Row) -> Row:
    """Report what breaks the models' rules (lengths, emails, web addresses, numbers, dates) as the row's problems,
    and put the values as the database takes them. The row stays JSON-able: dates and times as ISO text."""
    if len(row.source_id) > ImportedService._meta.get_field("source_id").max_length:
        row.problems.append("Its id is longer than 200 characters")
    if row.service.get("venue_postcode"):
        postcode = normalise_postcode(row.service["venue_postcode"])
        if postcode is None:
            row.problems.append(f"Venue postcode: “{row.service['venue_postcode']}” is not a postcode")
        else:
            row.service["venue_postcode"] = postcode
    for model, values, exclude in (
        (Enterprise, row.enterprise, {"council", "slug"}),
        (Service, row.service, {"enterprise"}),
    ):
        instance = model(**{name: value for name, value in values.items() if value is not None})
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                what = _field_label(model, name)
                row.problems.extend(f"{what}: {message}" for message in messages)
        else:
            for name in values:
                value = getattr(instance, name)
                values[name] = value.isoformat() if isinstance(value, date | time) else (
                    str(value) if isinstance(value, Decimal) else value)
    low, high = row.service.get("minimum_age"), row.service.get("maximum_age")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        row.problems.append("Minimum age: it is more than the maximum age")
    return row


# The dry run and the import ---------------------------------------------------------------------------------------


@dataclass
class Plan:
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    duplicate: list = field(default_factory=list)  # (row, the existing service it looks like)
    skipped: list = field(default_factory=list)  # (row, why): bad rows, and published listings
    notes: list = field(default_factory=list)  # (row, what will not be kept)

    @property
    def to_import(self) -> int:
        return len(self.create) + len(self.update)


def rows_as_data(rows: list[Row]) -> list[dict]:
    """The rows as JSON, to keep until staff confirm (a bad row may hold a value as it was typed: a Decimal)."""
    return json.loads(json.dumps([asdict(row) for row in rows], cls=DjangoJSONEncoder))


def rows_from_data(data: list[dict]) -> list[Row]:
    return [Row(**item) for item in data]


def plan(rows: list[Row], council) -> Plan:
    """What importing these rows into this council would do, without doing it."""
    result = Plan()
    known = {
        record.source_id: record.service
        for record in ImportedService.objects.filter(
            council=council, source_id__in=[row.source_id for row in rows if row.source_id]
        ).select_related("service__enterprise")
    }
    seen, looks_like = {}, _listed(council)
    for row in rows:
        problems = list(row.problems)
        if row.source_id and row.source_id in seen:
            problems.append(f"It has the same id as {seen[row.source_id]}")
        if problems:
            result.skipped.append((row, "; ".join(problems)))
            continue
        if row.source_id:
            seen[row.source_id] = row.where
        if row.notes:
            result.notes.append((row, "; ".join(row.notes)))
        service = known.get(row.source_id)
        if service is not None:
            if service.enterprise.is_live or service.enterprise.status == Enterprise.Status.ARCHIVED:
                result.skipped.append((row, f"Already listed as {service.name} ({service.enterprise.name}), "
                                            f"which is {Enterprise.Status(service.enterprise.status).label.lower()}"
                                            f": change it from its own page"))
            else:
                result.update.append((row, service))
        elif (existing := looks_like(row)) is not None:
            result.duplicate.append((row, existing))
        else:
            result.create.append(row)
    return result


def _listed(council):
    """`looks_like(row)`: an existing service of the council (not archived) with the same name, or of an enterprise
    of the same name, at the same venue postcode; with no postcode, the same service and enterprise names. The
    council's services are read once."""
    by_name, by_enterprise = {}, {}
    services = (
        Service.objects.filter(enterprise__council=council)
        .exclude(enterprise__status=Enterprise.Status.ARCHIVED)
        .select_related("enterprise")
        .only("name", "venue_postcode", "enterprise__name", "enterprise__status")
        .order_by("pk")
    )
    for service in services:
        name, enterprise = service.name.casefold(), service.enterprise.name.casefold()
        by_name.setdefault((name, service.venue_postcode), service)
        by_enterprise.setdefault((enterprise, service.venue_postcode), service)
        if not service.venue_postcode:
            by_name.setdefault((name, enterprise, ""), service)

    def looks_like(row: Row) -> Service | None:
        name, enterprise = row.service["name"].casefold(), row.enterprise["name"].casefold()
        postcode = row.service.get("venue_postcode") or ""
        if not postcode:
            return by_name.get((name, enterprise, ""))
        return by_name.get((name, postcode)) or by_enterprise.get((enterprise, postcode))

    return looks_like


def _named(model, names: list[str]) -> list:
    wanted = {name.casefold() for name in names}
    return list(model.objects.annotate(lower=Lower("name")).filter(lower__in=wanted))


class _Lookups:
    """What every row of an import looks up, read once: the types of support, client groups and the council's areas
    by name, and the grid references of the rows' postcodes and coverage districts."""

    def __init__(self, rows: list[Row], council):
        def by_name(queryset):
            return {item.name.casefold(): item for item in queryset}

        self.categories, self.client_groups = by_name(Category.objects.all()), by_name(ClientGroup.objects.all())
        self.areas = by_name(Area.objects.filter(council=council))
        postcodes = {row.service.get("venue_postcode") for row in rows} - {None, ""}
        self.points = {p.postcode: (p.easting, p.northing) for p in Postcode.objects.filter(postcode__in=postcodes)}
        self.districts = {}
        for district in {row.service.get("coverage_postcode") for row in rows} - {None, ""}:
            point = Postcode.objects.filter(postcode__startswith=f"{district} ").order_by("postcode").first()
            self.districts[district] = (point.easting, point.northing) if point else (None, None)

    @staticmethod
    def named(terms: dict, names: list[str]) -> list:
        return [terms[name.casefold()] for name in names if name.casefold() in terms]


def _fill(service: Service, row: Row, lookups: _Lookups) -> Service:
    for name in SERVICE_FIELDS:
        if name in row.service:
            setattr(service, name, row.service[name])
    service.venue_easting, service.venue_northing = lookups.points.get(service.venue_postcode, (None, None))
    service.coverage_easting, service.coverage_northing = lookups.districts.get(service.coverage_postcode, (None, None))
    return service


def _terms(row: Row, lookups: _Lookups) -> dict:
    """What each of a service's many-to-many fields should hold."""
    return {
        "categories": lookups.named(lookups.categories, row.categories),
        "client_groups": lookups.named(lookups.client_groups, row.client_groups),
        "coverage_areas": lookups.named(lookups.areas, row.areas),
    }


def unknown_terms(rows: list[Row], council) -> list[str]:
    """The types of support, groups and areas the rows name that we do not have: left out when imported."""
    missing = []
    for model, names in ((Category, {n for r in rows for n in r.categories}),
                         (ClientGroup, {n for r in rows for n in r.client_groups})):
        have = {term.name.casefold() for term in _named(model, list(names))}
        missing += [f"{model._meta.verbose_name.capitalize()} “{n}”" for n in sorted(names) if n.casefold() not in have]
    areas = {n for r in rows for n in r.areas}
    have = {a.casefold() for a in Area.objects.filter(council=council).values_list("name", flat=True)}
    missing += [f"Area “{n}”" for n in sorted(areas) if n.casefold() not in have]
    return missing


@transaction.atomic
def apply(rows: list[Row], *, council, by, source: str) -> dict:
    """Import what `plan` would: new listings waiting for approval, updates to listings not yet published. One
    transaction: all of it, or (on any error) none of it. New services are written in bulk (a file may hold
    thousands), so they send no model signals: their search documents are made here, and `catalogue_changed` sent."""
    # One import at a time per council: the second sees what the first imported (as updates, or likely duplicates).
    Council.objects.select_for_update().get(pk=council.pk)
    result = plan(rows, council)
    lookups = _Lookups(rows, council)
    enterprises = {}
    updated = 0
    for row, service in result.update:
        enterprise = Enterprise.objects.select_for_update().get(pk=service.enterprise_id)
        if enterprise.is_live or enterprise.status == Enterprise.Status.ARCHIVED:
            continue  # approved (or archived) since the plan was made: it changes only through its own pages now
        updated += 1
        for name in ENTERPRISE_FIELDS:
            if row.enterprise.get(name):
                setattr(enterprise, name, row.enterprise[name])
        enterprise.save()
        enterprises.setdefault(row.provider_key, enterprise)
        _fill(service, row, lookups).save()
        for relation, terms in _terms(row, lookups).items():
            getattr(service, relation).set(terms)
    new = {}
    for row in result.create:
        if row.provider_key not in enterprises and row.provider_key not in new:
            new[row.provider_key] = {name: value for name in ENTERPRISE_FIELDS if (value := row.enterprise.get(name))}
    made = listings.import_listings(council=council, by=by, listings=list(new.values()), source=source)
    enterprises.update(zip(new, made, strict=True))
    created = [(row, _fill(Service(enterprise=enterprises[row.provider_key]), row, lookups)) for row in result.create]
    Service.objects.bulk_create([service for _, service in created])
    for relation in ("categories", "client_groups", "coverage_areas"):
        through = getattr(Service, relation).through
        target = getattr(Service, relation).field.m2m_reverse_field_name()
        through.objects.bulk_create([
            through(service_id=service.pk, **{f"{target}_id": term.pk})
            for row, service in created
            for term in _terms(row, lookups)[relation]
        ])
    ImportedService.objects.bulk_create([
        ImportedService(council=council, source_id=row.source_id, service=service)
        for row, service in created if row.source_id
    ])
    Service.objects.filter(pk__in=[service.pk for _, service in created]).refresh_search_vectors()
    catalogue_changed.send(sender=Service)
    return {"created": len(created), "updated": updated, "listings": len(made)}
