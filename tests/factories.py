"""Small builders for test data. Each takes keyword overrides and saves to the real database."""

import itertools
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.text import slugify

from enterprises.models import (
    Area,
    Capacity,
    Category,
    ClientGroup,
    Council,
    Delivery,
    Enterprise,
    PlaceName,
    Postcode,
    Service,
)
from enterprises.postcodes import normalise_postcode

_sequence = itertools.count(1)


def make_postcode(postcode: str, easting: int, northing: int) -> Postcode:
    return Postcode.objects.update_or_create(
        postcode=normalise_postcode(postcode), defaults={"easting": easting, "northing": northing}
    )[0]


def make_council(name: str = "Worcestershire County Council") -> Council:
    return Council.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


def make_place(name: str, easting: int, northing: int, *, label: str = "", population: int = 1000) -> PlaceName:
    """A town or village to search from, as `import_places` loads them from GeoNames."""
    return PlaceName.objects.create(
        name=name, label=label or name, easting=easting, northing=northing, population=population,
        geonames_id=next(_geonames_ids),
    )


_geonames_ids = itertools.count(9_000_000)


def make_area(name: str, easting: int, northing: int, council: Council | None = None) -> Area:
    return Area.objects.create(
        council=council or make_council(), name=name, slug=slugify(name), easting=easting, northing=northing
    )


def make_category(name: str) -> Category:
    return Category.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


def make_client_group(name: str) -> ClientGroup:
    return ClientGroup.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


def make_enterprise(name: str | None = None, status: str = Enterprise.Status.PUBLISHED, **fields) -> Enterprise:
    name = name or f"Enterprise {next(_sequence)}"
    fields.setdefault("council", make_council())
    fields.setdefault("slug", f"{slugify(name)}-{next(_sequence)}")
    fields.setdefault("summary", f"{name} supports people in their community.")
    return Enterprise.objects.create(name=name, status=status, **fields)


def make_service(
    name: str | None = None,
    *,
    enterprise: Enterprise | None = None,
    venue: Postcode | None = None,
    categories=(),
    client_groups=(),
    coverage_areas=(),
    **fields,
) -> Service:
    name = name or f"Service {next(_sequence)}"
    if venue is not None:
        fields.setdefault("delivery", [Delivery.VENUE])
        fields.update(venue_postcode=venue.postcode, venue_easting=venue.easting, venue_northing=venue.northing)
    fields.setdefault("capacity", Capacity.TAKING)
    fields.setdefault("capacity_confirmed_on", timezone.localdate())
    service = Service.objects.create(enterprise=enterprise or make_enterprise(), name=name, **fields)
    service.categories.set(categories)
    service.client_groups.set(client_groups)
    service.coverage_areas.set(coverage_areas)
    return service


def days_ago(days: int) -> date:
    return timezone.localdate() - timezone.timedelta(days=days)


def working_days_ago(days: int) -> datetime:
    """Midday, `days` working days before today (weekends and bank holidays skipped): a referral sent then has waited
    exactly that long, whatever today is."""
    from core.dates import working_days_before

    return timezone.make_aware(datetime.combine(working_days_before(timezone.localdate(), days), time(12)))


def make_user(email: str, *, name: str = "", password: str = "a long test password 1"):
    from django.contrib.auth import get_user_model

    first, _, last = name.partition(" ")
    return get_user_model().objects.create_user(
        username=email, email=email, password=password, first_name=first, last_name=last
    )


def make_referral(*, service: Service, referrer, organisation=None, referring_enterprise=None, **fields):
    """A referral as `send_referral` would save it (with its "sent" event), without going through the form."""
    import uuid

    from referrals.models import Referral, ReferralEvent

    fields.setdefault("person_name", "Margaret Evans")
    fields.setdefault("contact_method", "phone")
    fields.setdefault("phone", "01905 000111")
    fields.setdefault("postcode", "WR1 2EY")
    fields.setdefault("what_matters", "Getting out of the house and seeing people")
    fields.setdefault("support_wanted", "A weekly day club with lunch")
    fields.setdefault("safety_notes", "Uses a walking frame")
    fields.setdefault("consent_method", "in_person")
    fields.setdefault("consent_given_on", timezone.localdate())
    fields.setdefault("urgency", "week")
    fields.setdefault("funding", "not_known")
    fields.setdefault("referrer_phone", "01905 765432")
    if organisation is None and referring_enterprise is None:
        organisation = referrer.organisations.first()
    referral = Referral.objects.create(
        submission_key=uuid.uuid4(), service=service, service_name=service.name, enterprise=service.enterprise,
        referrer=referrer, organisation=organisation, referring_enterprise=referring_enterprise, **fields,
    )
    ReferralEvent.objects.create(
        referral=referral, action="sent", actor=referrer, side="referrer", to_status="sent", at=referral.sent_at
    )
    return referral
