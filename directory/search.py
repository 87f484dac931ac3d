"""Finding services for a person: where they are, what they need, in a fair order.

The order is never alphabetical. With words, the best matches come first; then the nearest (services that come
to the person's home count as nearest). Services that tie — the same relevance band and the same whole mile —
are shuffled by a rotation that changes every day, so each provider takes its turn at the top.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import MD5, Cast, Concat, Floor, Power, Round, Sqrt

from enterprises.models import MAX_COVERAGE_MILES, Area, Postcode, Service
from enterprises.postcodes import GridPoint, PostcodeError, is_northern_irish, miles_to_metres, normalise_postcode

AREA_REACH_METRES = 8000


@dataclass(frozen=True)
class Place:
    """The postcode a person searched from, with its grid reference and the locality it is in."""

    postcode: str
    point: GridPoint
    area_id: int | None


def find_place(text: str) -> Place:
    """Look up a postcode someone typed. Raises PostcodeError with a message for them."""
    postcode = normalise_postcode(text)
    if postcode is None:
        raise PostcodeError("Enter a full UK postcode, like WR1 2EY")
    if is_northern_irish(postcode):
        raise PostcodeError(
            f"{postcode} is in Northern Ireland. This directory’s postcode data covers Great Britain only"
        )
    nearest_area = Area.objects.filter(
        easting__gte=OuterRef("easting") - AREA_REACH_METRES,
        easting__lte=OuterRef("easting") + AREA_REACH_METRES,
        northing__gte=OuterRef("northing") - AREA_REACH_METRES,
        northing__lte=OuterRef("northing") + AREA_REACH_METRES,
    ).annotate(
        distance_squared=Power(F("easting") - OuterRef("easting"), 2) + Power(F("northing") - OuterRef("northing"), 2)
    ).order_by("distance_squared", "pk")
    found = (
        Postcode.objects.filter(pk=postcode)
        .annotate(area_id=Subquery(nearest_area.values("pk")[:1]))
        .values_list("easting", "northing", "area_id")
        .first()
    )
    if found is None:
        raise PostcodeError(f"We could not find the postcode {postcode}. Check it and try again")
    easting, northing, area_id = found
    return Place(postcode=postcode, point=GridPoint(easting, northing), area_id=area_id)


def _distance_metres(easting_field: str, northing_field: str, point: GridPoint):
    return Sqrt(Power(F(easting_field) - point.easting, 2) + Power(F(northing_field) - point.northing, 2))


def near(services: QuerySet, place: Place, miles: float) -> QuerySet:
    """Services with a venue within `miles` of the place, or whose coverage reaches it.

    Each is annotated with `venue_miles` (None when the venue is out of range or there is none),
    `reaches_place` (its coverage includes the place) and `distance_band` (whole miles, 0 when it reaches the place).
    """
    reach = miles_to_metres(miles)
    widest_coverage = miles_to_metres(MAX_COVERAGE_MILES)
    e, n = place.point.easting, place.point.northing
    venue_in_box = Q(venue_easting__range=(e - reach, e + reach), venue_northing__range=(n - reach, n + reach))
    coverage_in_box = Q(
        coverage_easting__range=(e - widest_coverage, e + widest_coverage),
        coverage_northing__range=(n - widest_coverage, n + widest_coverage),
    )
    covers_area = Exists(
        Service.coverage_areas.through.objects.filter(service_id=OuterRef("pk"), area_id=place.area_id)
    )
    services = services.filter(venue_in_box | coverage_in_box | covers_area).annotate(
        venue_metres=Case(
            When(venue_in_box, then=_distance_metres("venue_easting", "venue_northing", place.point)),
            output_field=FloatField(),
        ),
        coverage_metres=Case(
            When(coverage_in_box, then=_distance_metres("coverage_easting", "coverage_northing", place.point)),
            output_field=FloatField(),
        ),
        covers_area=covers_area,
    )
    reaches_place = Q(covers_area=True) | Q(
        coverage_metres__lte=Cast(F("coverage_radius_miles"), FloatField()) * 1609.344
    )
    services = services.filter(Q(venue_metres__lte=reach) | reaches_place)
    return services.annotate(
        reaches_place=Case(When(reaches_place, then=Value(True)), default=Value(False), output_field=BooleanField()),
        venue_miles=Case(When(venue_metres__lte=reach, then=F("venue_metres") / 1609.344), output_field=FloatField()),
        distance_band=Case(
            When(reaches_place, then=Value(0)),
            default=Cast(Floor(F("venue_metres") / 1609.344), IntegerField()),
            output_field=IntegerField(),
        ),
    )


def matching_words(services: QuerySet, words: str) -> QuerySet:
    query = SearchQuery(words, search_type="websearch", config="english")
    return services.filter(search_vector=query).annotate(
        relevance_band=Round(SearchRank(F("search_vector"), query) * 10)
    )


def rotation_key(day: date):
    """A per-service key that reshuffles every day: each provider's turn at the top comes round."""
    return MD5(Concat(Cast("pk", output_field=TextField()), Value(day.isoformat()), output_field=TextField()))


def fair_order(services: QuerySet, *, day: date, by_words: bool, by_distance: bool) -> QuerySet:
    ordering = []
    if by_words:
        ordering.append(F("relevance_band").desc())
    if by_distance:
        ordering.append(F("distance_band").asc())
    services = services.annotate(rotation=rotation_key(day))
    return services.order_by(*ordering, "rotation", "pk")
