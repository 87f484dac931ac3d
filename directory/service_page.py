"""What the public service page tells a family beyond the listing's own fields: the venue's town, how to get there,
how fresh the listing is, the accessibility answers, and what its small map shows (issue 15).

Everything here is read in the service page's one query (`with_page_facts`) or worked out from it.
"""

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.db import connections, models
from django.db.models import CharField, DateTimeField, Field
from django.db.models.expressions import RawSQL

from core.geo import lat_long
from enterprises.models import Area, Category, ClientGroup, EnterpriseCheck, ListingEvent, Service

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
    `council_checked_at` (when the council last approved or reviewed the listing, or approved a change to it), and
    the rows their pages list (types of support, client groups, coverage areas, the listing's checks and its other
    services), all in the same query: `page_facts(service)` then gives each service what its page reads of them.

    In SQL by hand: built with the ORM's expressions, these took longer to compile on every page than the whole
    query took to run, and the queries for the rows (`prefetch_related`) took longer to set up than to answer. The
    SQL names the service table itself: run what this returns as a query of its own, never inside another."""
    quote = connections[services.db].ops.quote_name
    service, area, event = (quote(model._meta.db_table) for model in (Service, Area, ListingEvent))
    venue_town = RawSQL(
        f"""SELECT a.name FROM {area} a
             WHERE a.easting BETWEEN {service}.venue_easting - %s AND {service}.venue_easting + %s
               AND a.northing BETWEEN {service}.venue_northing - %s AND {service}.venue_northing + %s
               AND power(a.easting - {service}.venue_easting, 2) + power(a.northing - {service}.venue_northing, 2)
                   <= %s
             ORDER BY power(a.easting - {service}.venue_easting, 2) + power(a.northing - {service}.venue_northing, 2),
                      a.name
             LIMIT 1""",
        [TOWN_WITHIN_METRES] * 4 + [TOWN_WITHIN_METRES**2],
        output_field=CharField(),
    )
    council_checked_at = RawSQL(
        f"""SELECT max(e.at) FROM {event} e
             WHERE e.enterprise_id = {service}.enterprise_id AND e.action = ANY(%s)""",
        [COUNCIL_CHECKS],
        output_field=DateTimeField(),
    )
    rows = {
        f"{name}_rows": RawSQL(_json_rows(listed, service, quote), [], output_field=Field())
        for name, listed in LISTED.items()
    }
    return services.annotate(venue_town=venue_town, council_checked_at=council_checked_at, **rows)


def _linked(name: str):
    """`where` for the rows of the service's many-to-many field `name`."""

    def where(model, service: str, quote) -> str:
        field = Service._meta.get_field(name)
        links = field.remote_field.through._meta
        link_to_service = quote(links.get_field(field.m2m_field_name()).column)
        link_to_related = quote(links.get_field(field.m2m_reverse_field_name()).column)
        return f"""r.{quote(model._meta.pk.column)} IN (SELECT l.{link_to_related} FROM {quote(links.db_table)} l
                             WHERE l.{link_to_service} = {service}.{quote(Service._meta.pk.column)})"""

    return where


def _same_listing(model, service: str, quote) -> str:
    """`where` for the rows (of a model with an `enterprise`) that belong to the service's listing."""
    listing = quote(Service._meta.get_field("enterprise").column)
    return f"r.{quote(model._meta.get_field('enterprise').column)} = {service}.{listing}"


def _other_services(model, service: str, quote) -> str:
    pk = quote(Service._meta.pk.column)
    return f"{_same_listing(model, service, quote)} AND r.{pk} <> {service}.{pk}"


def _on_service(service: Service, name: str, objects: list) -> None:
    _prefetched(service, name, objects)


def _on_listing(service: Service, name: str, objects: list) -> None:
    _prefetched(service.enterprise, name, objects)


def _as_attribute(service: Service, name: str, objects: list) -> None:
    setattr(service, name, objects)


@dataclass(frozen=True)
class Listed:
    """Rows a service's page lists: of `model`, those `where(model, service_table, quote)` gives (about the rows as
    `r`), with `fields` of them (all when None); `put(service, name, objects)` leaves them where the page reads them."""

    model: type[models.Model]
    where: Callable[..., str]
    put: Callable[[Service, str, list], None] = _on_service
    fields: tuple[str, ...] | None = None

    def concrete_fields(self) -> list:
        fields = self.model._meta.concrete_fields
        return [field for field in fields if self.fields is None or field.attname in self.fields]


# What a service's page lists, read as JSON in the service's own query.
LISTED = {
    "categories": Listed(Category, _linked("categories")),
    "client_groups": Listed(ClientGroup, _linked("client_groups")),
    "coverage_areas": Listed(Area, _linked("coverage_areas")),
    "checks": Listed(EnterpriseCheck, _same_listing, put=_on_listing),  # service.enterprise.checks.all()
    "other_services": Listed(Service, _other_services, put=_as_attribute, fields=("id", "name")),  # names and links
}


def _json_rows(listed: Listed, service: str, quote) -> str:
    """SQL for the rows `listed` describes, as a JSON array in their model's order."""
    meta = listed.model._meta

    def column(name: str) -> str:
        return quote(meta.pk.column if name == "pk" else meta.get_field(name).column)

    order = ", ".join(
        f"r.{column(key.removeprefix('-'))}{' DESC' if key.startswith('-') else ''}" for key in meta.ordering
    )
    columns = ", ".join(f"'{field.attname}', r.{quote(field.column)}" for field in listed.concrete_fields())
    return f"""SELECT coalesce(json_agg(json_build_object({columns}) ORDER BY {order}, r.{column("pk")}), '[]')
                 FROM {quote(meta.db_table)} r WHERE {listed.where(listed.model, service, quote)}"""


def page_facts(service: Service) -> Service:
    """The service, with the rows `with_page_facts` read answering `service.categories.all()` and the listing's
    `checks.all()` with no query, and `service.other_services`. The service's `enterprise` must have come with it
    (`select_related`), or reading it would cost a query."""
    for name, listed in LISTED.items():
        fields = listed.concrete_fields()
        objects = [
            listed.model.from_db(
                service._state.db, [f.attname for f in fields], [f.to_python(row[f.attname]) for f in fields]
            )
            for row in getattr(service, f"{name}_rows")
        ]
        listed.put(service, name, objects)
    return service


def _prefetched(instance, relation: str, objects: list) -> None:
    """What Django's prefetch_related leaves on an instance (QuerySet.prefetch_related_objects does the same)."""
    queryset = getattr(instance, relation).get_queryset()
    queryset._result_cache, queryset._prefetch_done = objects, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset


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
