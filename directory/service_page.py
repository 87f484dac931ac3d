"""What the public service page tells a family beyond the listing's own fields: the venue's town, how to get there,
how fresh the listing is, the accessibility answers, and what its small map shows (issue 15).

Everything here is read in the service page's one query for the service (`with_page_facts`) or worked out from it,
so the page runs no more queries than before.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, FloatField, OuterRef, Subquery
from django.db.models.functions import Cast, Power

from core.geo import lat_long
from enterprises.models import Area, ListingEvent

# A venue is "in" the council's nearest named place only when that place's centre is this close (metres).
TOWN_WITHIN_METRES = 6000
# What the council does that makes it check a listing: approving it, its yearly review, approving changes to it.
COUNCIL_CHECKS = ["approved", "reviewed", "revision_approved"]
# The area a home service covers is drawn around its base postcode rounded to this (metres): the base postcode is
# often the provider's own home, and the page names only its district (Service.coverage_radius).
COVERAGE_CENTRE_ROUNDED_TO = 1000
METRES_PER_MILE = 1609.344


def with_page_facts(services):
    """The services with `venue_town` (the name of the council's nearest area to the venue, if near) and
    `council_checked_at` (when the council last approved or reviewed the listing, or approved a change to it), in
    the same query."""
    east, north = OuterRef("venue_easting"), OuterRef("venue_northing")
    squared = Cast(Power(F("easting") - east, 2) + Power(F("northing") - north, 2), FloatField())
    nearest_area = (
        Area.objects.filter(
            easting__range=(east - TOWN_WITHIN_METRES, east + TOWN_WITHIN_METRES),
            northing__range=(north - TOWN_WITHIN_METRES, north + TOWN_WITHIN_METRES),
        )
        .annotate(squared=squared)
        .filter(squared__lte=TOWN_WITHIN_METRES**2)
        .order_by("squared", "name")
        .values("name")[:1]
    )
    checked = (
        ListingEvent.objects.filter(enterprise_id=OuterRef("enterprise_id"), action__in=COUNCIL_CHECKS)
        .order_by("-at")
        .values("at")[:1]
    )
    return services.annotate(venue_town=Subquery(nearest_area), council_checked_at=Subquery(checked))


# Where -------------------------------------------------------------------------------------------------------------


def directions_url(postcode: str) -> str:
    """OpenStreetMap's directions to a postcode, from wherever the person says they start."""
    return "https://www.openstreetmap.org/directions?" + urlencode({"to": postcode})


def last_updated(service):
    """When the page's own details last changed: the service's, or its provider's (the contact details)."""
    return max(service.updated_at, service.enterprise.updated_at)


@dataclass(frozen=True)
class ServiceMap:
    """What the small map draws (a point, or a circle of `radius_metres`, or the areas' centres) and says in words."""

    points: list[tuple[float, float]]
    radius_metres: int | None
    description: str


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def service_map(service) -> ServiceMap | None:
    """The venue, or else the area a service that comes to people covers; nothing when map tiles are not set or
    there is nothing to place."""
    if not settings.MAP_TILE_URL:
        return None
    venue = lat_long(service.venue_easting, service.venue_northing)
    if venue is not None:
        where = ", ".join(part for part in (service.venue_town, service.venue_postcode) if part)
        return ServiceMap([venue], None, f"The map shows where {service.venue_name or 'the venue'} is: {where}.")
    if not service.comes_to_people:
        return None
    if service.coverage_radius:
        rounded = COVERAGE_CENTRE_ROUNDED_TO
        centre = lat_long(
            round(service.coverage_easting / rounded) * rounded, round(service.coverage_northing / rounded) * rounded
        ) if service.coverage_easting is not None and service.coverage_northing is not None else None
        if centre is not None:
            radius = round(service.coverage_radius_miles * METRES_PER_MILE)
            covers = _lower_first(service.coverage_radius)
            return ServiceMap([centre], radius, f"The map shows the area it covers: {covers}.")
    areas = list(service.coverage_areas.all())
    points = [point for point in (lat_long(area.easting, area.northing) for area in areas) if point]
    if points:
        names = ", ".join(area.name for area in areas)
        return ServiceMap(points, None, f"The map shows the places it covers: {names}.")
    return None
