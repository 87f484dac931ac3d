"""Finding services for a person: where they are, what they need, in a fair order.

The order is never alphabetical. With words, the best matches come first; then the nearest (services that come
to the person's home count as nearest). Services that tie — the same relevance band and the same whole mile —
are shuffled by a rotation that changes every day, so each provider takes its turn at the top.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import MD5, Cast, Concat, Floor, Power, Round
from django.db.models.lookups import LessThanOrEqual

from enterprises.models import COVERAGE_CIRCLE, Area, Postcode, Service
from enterprises.postcodes import (
    METRES_PER_MILE,
    GridPoint,
    PostcodeError,
    is_northern_irish,
    miles_to_metres,
    normalise_postcode,
)

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


class _Distance(Func):
    """`point <-> point`: the straight-line distance between two points on the grid."""

    template = "(%(expressions)s)"
    arg_joiner = " <-> "
    output_field = FloatField()


def _distance_metres(easting_field: str, northing_field: str, point: GridPoint):
    return _Distance(
        Func(F(easting_field), F(northing_field), function="point"),
        Func(Value(point.easting), Value(point.northing), function="point"),
    )


class _Contains(Func):
    """`circle @> circle`: PostgreSQL's containment operator, which a GiST index serves."""

    template = "(%(expressions)s)"
    arg_joiner = " @> "
    output_field = BooleanField()


class _IsAnyOf(Func):
    """`value = ANY(ARRAY(subquery))`: the array is worked out once, and an index on `value` serves the test."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        value, array = self.get_source_expressions()
        value_sql, value_params = compiler.compile(value)
        array_sql, array_params = compiler.compile(array)
        return f"{value_sql} = ANY({array_sql})", (*value_params, *array_params)


def near(services: QuerySet, place: Place, miles: float) -> QuerySet:
    """Services with a venue within `miles` of the place, or whose coverage reaches it.

    Each is annotated with `venue_miles` (None when the venue is out of range or there is none),
    `reaches_place` (its coverage includes the place) and `distance_band` (whole miles, 0 when it reaches the place).

    The first filter finds the candidates with three tests that each have an index, so that PostgreSQL can OR
    the three index scans together (a BitmapOr) and read only the candidates, never the whole table: a venue in
    the square around the place (B-tree on the venue's grid reference), a coverage circle that contains the place
    (GiST on COVERAGE_CIRCLE), or an id among the services that list the place's area (primary key). An EXISTS,
    or a box as wide as the widest coverage, in that OR would make it scan every service. The second filter is
    the exact test, on those candidates only.
    """
    reach = miles_to_metres(miles)
    e, n = place.point.easting, place.point.northing
    venue_metres = _distance_metres("venue_easting", "venue_northing", place.point)
    venue_in_reach = LessThanOrEqual(venue_metres, reach)
    radius_metres = Cast(F("coverage_radius_miles"), FloatField()) * METRES_PER_MILE
    coverage_metres = _distance_metres("coverage_easting", "coverage_northing", place.point)
    reaches_place = Q(LessThanOrEqual(coverage_metres, radius_metres))
    venue_in_box = Q(venue_easting__range=(e - reach, e + reach), venue_northing__range=(n - reach, n + reach))
    the_place = Func(Func(Value(e), Value(n), function="point"), Value(0), function="circle")
    candidates = venue_in_box | Q(_Contains(COVERAGE_CIRCLE, the_place))
    if place.area_id is not None:
        covering = Service.coverage_areas.through.objects.filter(area_id=place.area_id).values("service_id")
        # In the OR of candidates, `pk = ANY(ARRAY(…))`, so that the primary key index serves it; for each
        # candidate, `pk IN (…)`, which PostgreSQL answers from a hash table built once.
        candidates |= Q(_IsAnyOf(F("pk"), ArraySubquery(covering)))
        reaches_place |= Q(pk__in=covering)
    return (
        services.filter(candidates)
        .filter(Q(venue_in_reach) | reaches_place)
        .annotate(
            reaches_place=Case(When(reaches_place, then=Value(True)), default=Value(False)),
            venue_miles=Case(When(venue_in_reach, then=venue_metres / METRES_PER_MILE), output_field=FloatField()),
            distance_band=Case(
                When(reaches_place, then=Value(0)),
                default=Cast(Floor(venue_metres / METRES_PER_MILE), IntegerField()),
            ),
        )
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
