"""Our published listings as Open Referral UK 3.0 JSON (the UK profile of HSDS 3.0).

Pure functions from model instances to the dictionaries the API returns; the views (opendata/api.py) choose which
records, and fetch them with the related rows these functions read. What maps to what, and why, is in
docs/adr/0006-open-referral-uk-api.md. In short:

- Every id is a UUID, as the standard requires, derived from the record's primary key, so the same record always has
  the same id and nothing is stored (see `oruk_id`); the ids clients send back carry the key, read by `pk_from_id`.
- An enterprise is an `organization`; a service is a `service`; a service's venue is a `location` (with one
  `address` and its `accessibility`) joined by a `service_at_location`; its days and times are one `schedule`;
  its coverage is `service_areas`; its cost is a `cost_option`; its categories and client groups are `attributes`
  linking to the terms of two taxonomies.
- Only what we hold is published: a field we do not have is left out (the schemas allow that), never invented.
  The base postcode a home-visit service travels from is private, so coverage gives only its postcode district.
"""

import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.dates import long_date
from core.geo import lat_long
from enterprises.models import Category, ClientGroup, CostType, Service, WayToPay, Weekday

# Fixed for ever: changing it would change every id we have ever published.
NAMESPACE = uuid.UUID("8670d335-77fc-4f33-801e-b0e8df16c96e")

HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"

BYDAY = {
    Weekday.MON: "MO", Weekday.TUE: "TU", Weekday.WED: "WE", Weekday.THU: "TH",
    Weekday.FRI: "FR", Weekday.SAT: "SA", Weekday.SUN: "SU",
}


# The records whose ids clients send back to us: their ids carry the primary key, so that it can be read back.
LOOKED_UP = {"service": 1, "service_at_location": 2, "category": 3, "client_group": 4}


def oruk_id(kind: str, pk, *parts) -> str:
    """The UUID of one of our records in the feed: stable, derived from its primary key, never stored.

    A record that clients look up by id gets a UUID (version 8, RFC 9562's custom layout) made of our prefix, a code
    for its kind and its key: `8670d335-0001-8000-8000-00000000002a` is service 42. Any other record gets
    `uuid5(NAMESPACE, "<kind>:<key>[:<part>]")`.
    """
    if kind in LOOKED_UP and not parts:
        return f"{NAMESPACE.hex[:8]}-{LOOKED_UP[kind]:04x}-8000-8000-{int(pk):012x}"
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in (kind, pk, *parts))))


def parse_uuid(text: str) -> uuid.UUID | None:
    """A UUID as a client sent it (any case, with or without hyphens or braces); None when it is not one."""
    try:
        return uuid.UUID(str(text).strip())
    except ValueError:
        return None


def pk_from_id(kind: str, value: uuid.UUID) -> int | None:
    """The primary key in an id that `oruk_id` made for a record of this kind, or None when it names none."""
    prefix, code, _, _, pk = str(value).split("-")
    if prefix != NAMESPACE.hex[:8] or code != f"{LOOKED_UP[kind]:04x}":
        return None
    return int(pk, 16)


# Taxonomies ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """One of our two small taxonomies, published as an ORUK taxonomy with its terms."""

    kind: str  # names the ids: "category:<pk>" for a term, "taxonomy:category" for the taxonomy
    model: type[models.Model]
    relation: str  # the Service field that holds a service's terms
    name: str
    description: str
    link_type: str  # how an attribute links a service to one of its terms

    @property
    def id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, f"taxonomy:{self.kind}"))

    def term_id(self, term) -> str:
        return oruk_id(self.kind, term.pk)


VOCABULARIES = (
    Vocabulary(
        "category", Category, "categories", "Types of support",
        "The kind of support a service gives: day clubs, home help, befriending and so on.", "type_of_support",
    ),
    Vocabulary(
        "client_group", ClientGroup, "client_groups", "Who it is for",
        "The people a service is for: older people, carers, people living with dementia and so on.",
        "intended_audience",
    ),
)
TERM_FIELDS = ("pk", "name", "description", "oruk_term")


def taxonomy(vocabulary: Vocabulary, terms=None) -> dict:
    data = {"id": vocabulary.id, "name": vocabulary.name, "description": vocabulary.description}
    if terms is not None:
        data["taxonomy_terms"] = [taxonomy_term(vocabulary, term) for term in terms]
    return data


def taxonomy_term(vocabulary: Vocabulary, term) -> dict:
    data = {
        "id": vocabulary.term_id(term),
        "name": term.name,
        "description": term.description,
        "taxonomy": vocabulary.name,
        "taxonomy_id": vocabulary.id,
    }
    if term.oruk_term:
        data["term"] = term.oruk_term
    return data


# Small pieces ----------------------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _text(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _put(data: dict, **fields) -> dict:
    """Add the fields that have a value: the schemas let us leave out what we do not have, but not send null."""
    data.update({name: value for name, value in fields.items() if value not in (None, "", [])})
    return data


def timestamp(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as the schema's example: 2023-03-15T10:30:45.123Z."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def clock(value: time | None) -> str | None:
    """HH:MM, local UK time (the schema asks for an offset, but a weekly time has no single one: see the ADR)."""
    return value.strftime("%H:%M") if value is not None else None


def last_modified(service: Service) -> str:
    return timestamp(max(service.updated_at, service.enterprise.updated_at))


def public_coverage(service: Service, area_names: list[str] | None = None) -> list[str]:
    """What a service covers, in words: "Within 5 miles of WR14", then each area it lists (the names given, or
    its prefetched coverage areas)."""
    parts = [service.coverage_radius] if service.coverage_radius else []
    if area_names is None:
        area_names = [area.name for area in service.coverage_areas.all()]
    return parts + list(area_names)


def fees(service: Service) -> str:
    return ". ".join(part for part in (service.cost_label, service.cost_note.strip()) if part)


def alert(service: Service) -> str:
    """What may change soon: whether it is taking new people (with the date confirmed), and lapsed checks."""
    notes = []
    if service.capacity_is_current:
        notes.append(f"{service.public_capacity_label} (confirmed {long_date(service.capacity_confirmed_on)})")
    enterprise = service.enterprise
    if enterprise.insurance_has_expired:
        notes.append(f"The provider’s insurance expired on {long_date(enterprise.insurance_expires_on)}")
    if enterprise.review_is_overdue:
        notes.append(f"The council’s yearly review of this listing was due on {long_date(enterprise.review_due_on)}")
    return ". ".join(notes)


def accreditations(service: Service) -> str:
    """CQC registration, and the local quality standard when the council has checked it (needs checks prefetched)."""
    notes = []
    if service.cqc_registration:
        notes.append(f"Registered with the Care Quality Commission: {service.cqc_registration}")
    quality = [check for check in service.enterprise.checks.all() if check.kind == "quality_standard"]
    if quality:
        notes.append(f"Meets the local quality standard, checked {long_date(max(c.checked_on for c in quality))}")
    return ". ".join(notes)


def assured_date(service: Service) -> str | None:
    """When the council last approved or reviewed the listing: `assured_at`, annotated by the query."""
    value = getattr(service, "assured_at", None)
    return timezone.localdate(value).isoformat() if value else None


# Locations -------------------------------------------------------------------------------------------------------


def has_location(service: Service) -> bool:
    """A service has a location, and so a service_at_location, when it has a venue with a postcode."""
    return bool(service.venue_postcode)


def _address_lines(service: Service) -> list[str]:
    lines = [line.strip(" ,") for line in re.split(r"[\n,]", service.venue_address)]
    postcode = service.venue_postcode.replace(" ", "").upper()
    return [line for line in lines if line and line.replace(" ", "").upper() != postcode]


def address(service: Service) -> dict:
    """The venue's address. Ours is free text: its last line is taken as the town; we hold no county."""
    lines = _address_lines(service)
    town = lines.pop() if len(lines) > 1 else ""
    return {
        "id": oruk_id("address", service.pk),
        "location_id": oruk_id("location", service.pk),
        "address_1": ", ".join(lines),
        "city": town,
        "state_province": "",
        "postal_code": service.venue_postcode,
        "country": "GB",
        "address_type": "physical",
    }


ACCESSIBILITY_FEATURES = (
    ("step_free_access", "Step-free access"),
    ("hearing_loop", "Hearing loop"),
    ("accessible_toilet", "Accessible toilet"),
)


def accessibility(service: Service) -> list[dict]:
    location_id = oruk_id("location", service.pk)
    found = [
        {"id": oruk_id("accessibility", service.pk, field), "location_id": location_id, "description": label}
        for field, label in ACCESSIBILITY_FEATURES
        if getattr(service, field)
    ]
    if service.accessibility_note.strip():
        found.append({
            "id": oruk_id("accessibility", service.pk, "note"),
            "location_id": location_id,
            "description": service.accessibility_note.strip(),
        })
    return found


def location(service: Service, *, full: bool) -> dict:
    data = _put({"id": oruk_id("location", service.pk), "location_type": "physical"}, name=service.venue_name)
    point = lat_long(service.venue_easting, service.venue_northing)
    if point is not None:
        data["latitude"], data["longitude"] = point
    if full:
        data["addresses"] = [address(service)]
        _put(data, accessibility=accessibility(service))
    return data


def service_at_location(service: Service, *, full: bool) -> dict:
    """The link between a service and its venue; `full` adds the address and accessibility of the location."""
    return {
        "id": oruk_id("service_at_location", service.pk),
        "service_id": oruk_id("service", service.pk),
        "location_id": oruk_id("location", service.pk),
        "location": location(service, full=full),
    }


# Organizations and services --------------------------------------------------------------------------------------


def organization(enterprise) -> dict:
    return _put(
        {
            "id": oruk_id("organization", enterprise.pk),
            "name": enterprise.name,
            "description": _text(enterprise.summary, enterprise.description),
        },
        email=enterprise.email,
        website=enterprise.website,
    )


def service_summary(service: Service) -> dict:
    """The service's one-to-one fields and its organization: an item of /services (compiled/service_list.json)."""
    enterprise = service.enterprise
    return _put(
        {
            "id": oruk_id("service", service.pk),
            "organization_id": oruk_id("organization", enterprise.pk),
            "name": service.name,
        },
        description=_text(service.summary, service.description),
        url=absolute_url(service.get_absolute_url()),
        email=enterprise.email,
        status="active",
        fees=fees(service),
        accreditations=accreditations(service),
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        assured_date=assured_date(service),
        alert=alert(service),
        last_modified=last_modified(service),
        organization=organization(enterprise),
    )


def schedules(service: Service) -> list[dict]:
    """One weekly schedule from our days and times, with the free-text note and how it is delivered."""
    if not (service.days or service.schedule_note or service.delivery):
        return []
    data = {"id": oruk_id("schedule", service.pk), "service_id": oruk_id("service", service.pk)}
    if service.days:
        byday = ",".join(BYDAY[day] for day in Weekday.values if day in service.days)
        _put(data, freq="WEEKLY", interval=1, byday=byday, opens_at=clock(service.opens_at),
             closes_at=clock(service.closes_at))
    return [_put(
        data,
        description=service.days_and_times,
        notes=service.schedule_note,
        attending_type=", ".join(service.delivery_labels()),
    )]


def service_areas(service: Service) -> list[dict]:
    service_id = oruk_id("service", service.pk)
    areas = []
    if service.coverage_radius_miles and service.coverage_postcode:
        text = public_coverage(service)[0]
        areas.append({"id": oruk_id("service_area", service.pk, "radius"), "service_id": service_id, "name": text,
                      "service_area": text})
    for area in service.coverage_areas.all():
        areas.append({"id": oruk_id("service_area", service.pk, "area", area.pk), "service_id": service_id,
                      "name": area.name, "service_area": area.name})
    return areas


def cost_options(service: Service) -> list[dict]:
    """Our one cost: free, an amount per hour, session, day or week, or a donation; ways to pay as its condition."""
    if not service.cost_type:
        return []
    data = {"id": oruk_id("cost_option", service.pk), "service_id": oruk_id("service", service.pk)}
    if service.cost_type == CostType.FREE:
        data.update(amount=0, amount_description="Free")
    elif service.cost_type == CostType.DONATION:
        data["amount_description"] = "Donation, suggested amount" if service.cost_amount else "Donation"
        if service.cost_amount is not None:
            data["amount"] = float(service.cost_amount)
    elif service.cost_amount is not None:
        data.update(amount=float(service.cost_amount), amount_description=CostType(service.cost_type).label)
    else:
        return []
    ways = ", ".join(WayToPay(value).label.lower() for value in service.ways_to_pay)
    option = ". ".join(part for part in (service.cost_note.strip(), f"Ways to pay: {ways}" if ways else "") if part)
    return [_put(data, option=option)]


# ISO 639 codes of the languages most often spoken in England besides English; others are published by name only.
LANGUAGE_CODES = {
    "english": "en", "welsh": "cy", "polish": "pl", "punjabi": "pa", "urdu": "ur", "bengali": "bn",
    "gujarati": "gu", "hindi": "hi", "arabic": "ar", "romanian": "ro", "portuguese": "pt", "spanish": "es",
    "italian": "it", "french": "fr", "german": "de", "lithuanian": "lt", "latvian": "lv", "russian": "ru",
    "ukrainian": "uk", "bulgarian": "bg", "turkish": "tr", "somali": "so", "tamil": "ta", "chinese": "zh",
    "mandarin": "cmn", "cantonese": "yue", "persian": "fa", "farsi": "fa", "kurdish": "ku", "pashto": "ps",
    "tigrinya": "ti", "nepali": "ne", "greek": "el", "british sign language": "bfi", "bsl": "bfi",
}


def languages(service: Service) -> list[dict]:
    """'English, Polish and BSL' → one language each, with its name and, where we know it, its ISO 639 code."""
    found, seen = [], set()
    for name in re.split(r",|;|/|&|\band\b", service.languages, flags=re.IGNORECASE):
        name = name.strip(" .")
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        data = {"id": oruk_id("language", service.pk, name.lower()), "service_id": oruk_id("service", service.pk),
                "name": name}
        found.append(_put(data, code=LANGUAGE_CODES.get(name.lower())))
    return found


def phones(service: Service) -> list[dict]:
    phone = service.enterprise.phone.strip()
    if not phone:
        return []
    return [{"id": oruk_id("phone", service.pk), "service_id": oruk_id("service", service.pk), "number": phone}]


def contacts(service: Service) -> list[dict]:
    name = service.enterprise.contact_name.strip()
    if not name:
        return []
    return [{"id": oruk_id("contact", service.pk), "service_id": oruk_id("service", service.pk), "name": name}]


def attributes(service: Service) -> list[dict]:
    """Each category and client group of the service, as an attribute linking it to the taxonomy term."""
    service_id = oruk_id("service", service.pk)
    found = []
    for vocabulary in VOCABULARIES:
        for term in getattr(service, vocabulary.relation).all():
            found.append({
                "id": oruk_id("attribute", service.pk, vocabulary.kind, term.pk),
                "link_id": service_id,
                "link_type": vocabulary.link_type,
                "link_entity": "service",
                "taxonomy_term_id": vocabulary.term_id(term),
                "taxonomy_term": taxonomy_term(vocabulary, term),
            })
    return found


def service_detail(service: Service, *, with_locations: bool = True) -> dict:
    """A fully nested service (compiled/service.json). Reads categories, client groups, coverage areas and the
    enterprise's checks, which the caller prefetches. `phones` and each language's `name` and `code` are HSDS 3.0
    fields that the UK profile's compiled schema leaves out; the profile allows them."""
    data = service_summary(service)
    if with_locations:
        data["service_at_locations"] = [service_at_location(service, full=True)] if has_location(service) else []
    data.update(
        schedules=schedules(service),
        service_areas=service_areas(service),
        languages=languages(service),
        cost_options=cost_options(service),
        phones=phones(service),
        contacts=contacts(service),
        attributes=attributes(service),
    )
    return data


def service_at_location_detail(service: Service) -> dict:
    """A fully nested service_at_location (compiled/service_at_location.json): the full location and service."""
    data = service_at_location(service, full=True)
    data["service"] = service_detail(service, with_locations=False)
    return data


def service_at_location_summary(service: Service) -> dict:
    """An item of /service_at_locations (compiled/service_at_location_list.json)."""
    data = service_at_location(service, full=False)
    data["service"] = service_summary(service)
    return data


# Paging ----------------------------------------------------------------------------------------------------------


def page(contents: list, *, number: int, per_page: int, total: int) -> dict:
    """The list wrapper of the ORUK API. A page past the end is empty, not an error (see the ADR)."""
    total_pages = math.ceil(total / per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }

