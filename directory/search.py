"""Finding services for a person: where they are, what they need, in a fair order.

The order is never alphabetical. With words, the best matches come first; then the nearest (services that come
to the person's home count as nearest). Services that tie — the same relevance band and the same whole mile —
are shuffled by a rotation that changes every day, so each provider takes its turn at the top.
"""

import difflib
import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    QuerySet,
    TextField,
    Window,
)
from django.db.models.expressions import RawSQL
from django.urls import reverse

from core.paging import counted_page, requested_page
from enterprises.areas import SAME_PLACE_METRES
from enterprises.models import (
    SEARCH_CONFIG,
    Area,
    AreaName,
    Category,
    Council,
    Enterprise,
    PlaceName,
    Postcode,
    Service,
    ServiceFacts,
    Synonym,
    coverage_circle_sql,
)
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
    """Where a person searched from, with its grid reference and the locality it is in. `postcode` is the full
    postcode, outward code or sector they gave ("WR11 4TP", "WR11", "WR11 4"), "" for a town; `name` is what the
    page calls it ("Evesham")."""

    postcode: str
    point: GridPoint
    area_id: int | None
    name: str = ""

    def __post_init__(self):
        if not self.name:
            object.__setattr__(self, "name", self.postcode)

    @property
    def is_full_postcode(self) -> bool:
        return normalise_postcode(self.postcode) == self.postcode


class PlaceError(PostcodeError):
    """A place we cannot use as it is: several have the name (`choices`, the labels of each), or none, perhaps
    with a close one (`suggestion`)."""

    def __init__(self, message: str, *, choices=(), suggestion: str | None = None):
        super().__init__(message)
        self.choices = list(choices)
        self.suggestion = suggestion


OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])$")
MISSPELLING_CUTOFF = 0.8
NEITHER = "Enter a full UK postcode, like WR1 2EY, or a town or village"


def _area_near(point_sql: str) -> str:
    """The SQL of the nearest area's id to a row `p` with `easting` and `northing` (within AREA_REACH_METRES)."""
    quote = connections[Area.objects.db].ops.quote_name
    return f"""(SELECT a.id FROM {quote(Area._meta.db_table)} a
                 WHERE a.easting BETWEEN {point_sql}.easting - %(reach)s AND {point_sql}.easting + %(reach)s
                   AND a.northing BETWEEN {point_sql}.northing - %(reach)s AND {point_sql}.northing + %(reach)s
                 ORDER BY power(a.easting - {point_sql}.easting, 2) + power(a.northing - {point_sql}.northing, 2), a.id
                 LIMIT 1)"""


def find_place(text: str) -> Place:
    """Look up a postcode someone typed. Raises PostcodeError with a message for them."""
    postcode = normalise_postcode(text)
    if postcode is None:
        raise PostcodeError("Enter a full UK postcode, like WR1 2EY")
    if is_northern_irish(postcode):
        raise PostcodeError(
            f"{postcode} is in Northern Ireland. This directory’s postcode data covers Great Britain only"
        )
    # By hand rather than through the ORM: it is on every search, and building this query took longer than running it.
    quote = connections[Postcode.objects.db].ops.quote_name
    with connections[Postcode.objects.db].cursor() as cursor:
        cursor.execute(
            f"""SELECT p.easting, p.northing, {_area_near("p")}
                  FROM {quote(Postcode._meta.db_table)} p WHERE p.postcode = %(postcode)s""",
            {"reach": AREA_REACH_METRES, "postcode": postcode},
        )
        found = cursor.fetchone()
    if found is None:
        raise PostcodeError(f"We could not find the postcode {postcode}. Check it and try again")
    easting, northing, area_id = found
    return Place(postcode=postcode, point=GridPoint(easting, northing), area_id=area_id)


def find_place_or_postcode(text: str) -> Place:
    """What the search box takes: a full postcode, an outward code or sector (the centre of its postcodes), or a
    GB town or village by name (or by its label, "Newport, near Cardiff, Wales"). Raises PostcodeError (PlaceError
    for a name that is ambiguous or unknown) with a message for the person."""
    typed = " ".join((text or "").split())
    if normalise_postcode(typed) is not None:
        return find_place(typed)
    upper = typed.upper()
    if OUTWARD_CODE.match(upper) or SECTOR.match(upper):
        return _postcode_part(upper)
    if any(character.isdigit() for character in typed) or len(typed) < 2:
        raise PostcodeError(NEITHER)
    return _town(typed)


def _postcode_part(part: str) -> Place:
    if is_northern_irish(part):
        raise PostcodeError(f"{part} is in Northern Ireland. This directory’s postcode data covers Great Britain only")
    pattern = (part if " " in part else part + " ") + "%"
    quote = connections[Postcode.objects.db].ops.quote_name
    with connections[Postcode.objects.db].cursor() as cursor:
        cursor.execute(
            f"""SELECT p.easting, p.northing, {_area_near("p")}
                  FROM (SELECT round(avg(easting))::int AS easting, round(avg(northing))::int AS northing
                          FROM {quote(Postcode._meta.db_table)} WHERE postcode LIKE %(pattern)s) p
                 WHERE p.easting IS NOT NULL""",
            {"reach": AREA_REACH_METRES, "pattern": pattern},
        )
        found = cursor.fetchone()
    if found is None:
        raise PostcodeError(f"We could not find any postcodes starting {part}. Check it and try again")
    easting, northing, area_id = found
    return Place(postcode=part, point=GridPoint(easting, northing), area_id=area_id)


def _town(name: str) -> Place:
    """A town or village by name: from GeoNames (PlaceName), a council's own areas (Area), and the other names council
    staff gave their areas (AreaName); a council's name for a town GeoNames has already is the same place."""
    database = connections[PlaceName.objects.db]
    quote = database.ops.quote_name
    places, areas, area_names, councils = (quote(model._meta.db_table) for model in (PlaceName, Area, AreaName,
                                                                                       Council))
    with database.cursor() as cursor:
        cursor.execute(
            f"""SELECT p.name, p.label, p.easting, p.northing, {_area_near("p")}, lower(p.label) = lower(%(name)s),
                       p.from_council
                  FROM (SELECT name, label, easting, northing, population, false AS from_council FROM {places}
                         WHERE lower(name) = lower(%(name)s) OR lower(label) = lower(%(name)s)
                        UNION ALL
                        SELECT a.name, a.name || ', ' || c.name, a.easting, a.northing, 0, true
                          FROM {areas} a JOIN {councils} c ON c.id = a.council_id WHERE lower(a.name) = lower(%(name)s)
                        UNION ALL
                        SELECT n.name, n.name || ', ' || a.name || ', ' || c.name, n.easting, n.northing, 0, true
                          FROM {area_names} n JOIN {areas} a ON a.id = n.area_id
                          JOIN {councils} c ON c.id = a.council_id
                         WHERE lower(n.name) = lower(%(name)s)) p
                 ORDER BY p.from_council, p.population DESC, p.label""",
            {"reach": AREA_REACH_METRES, "name": name},
        )
        found = _one_row_per_place(cursor.fetchall())
    exact = [row for row in found if row[5]]
    if len(exact) == 1 or len(found) == 1:
        place_name, label, easting, northing, area_id, _, from_council = (exact or found)[0]
        return Place(postcode="", point=GridPoint(easting, northing), area_id=area_id,
                     name=place_name if from_council else label)
    if found:
        raise PlaceError(
            f"There is more than one place called {found[0][0]}. Choose which you mean",
            choices=[row[1] for row in found],
        )
    raise PlaceError(NEITHER, suggestion=_close_place_name(name))


def _one_row_per_place(rows: list[tuple]) -> list[tuple]:
    """The rows, but a council's name for a place already found (the same name within SAME_PLACE_METRES)."""
    kept = []
    for row in rows:  # GeoNames' rows first
        name, _, easting, northing, *_ = row
        if not any(name.casefold() == other[0].casefold()
                   and math.dist((easting, northing), (other[2], other[3])) <= SAME_PLACE_METRES for other in kept):
            kept.append(row)
    return kept


def _close_place_name(name: str) -> str | None:
    """The known place name closest to a misspelt one, if one is close enough."""
    names = {
        *PlaceName.objects.values_list("name", flat=True).distinct(),
        *Area.objects.values_list("name", flat=True),
        *AreaName.objects.values_list("name", flat=True),
    }
    by_casefold = {known.casefold(): known for known in sorted(names)}
    close = difflib.get_close_matches(name.casefold(), list(by_casefold), n=1, cutoff=MISSPELLING_CUTOFF)
    return by_casefold[close[0]] if close else None


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

    In SQL by hand: built from the ORM's expressions (each used two or three times, so copied and resolved each
    time), these tests took longer to make on every search than PostgreSQL took to answer them. The SQL names the
    service table itself, so run what this returns as a query of its own, never inside another (`pk__in=`), where
    Django gives that table another name.
    """
    quote = connections[services.db].ops.quote_name
    service = quote(Service._meta.db_table)
    reach = miles_to_metres(miles)
    e, n = place.point.easting, place.point.northing
    venue_metres = f"(point({service}.venue_easting, {service}.venue_northing) <-> point(%s, %s))"
    reaches_place = (
        f"(point({service}.coverage_easting, {service}.coverage_northing) <-> point(%s, %s))"
        f" <= ({service}.coverage_radius_miles::double precision * %s)"
    )
    reaches_params = [e, n, METRES_PER_MILE]
    circle = coverage_circle_sql(services.db)
    candidates = (
        f"({service}.venue_easting BETWEEN %s AND %s AND {service}.venue_northing BETWEEN %s AND %s)"
        f" OR ({circle} @> circle(point(%s, %s), 0))"
    )
    candidates_params = [e - reach, e + reach, n - reach, n + reach, e, n]
    if place.area_id is not None:
        links = quote(Service.coverage_areas.through._meta.db_table)
        covering = f"SELECT l.service_id FROM {links} l WHERE l.area_id = %s"
        # In the OR of candidates, `id = ANY(ARRAY(…))`, so that the primary key index serves it; for each
        # candidate, `id IN (…)`, which PostgreSQL answers from a hash table built once.
        candidates += f" OR {service}.id = ANY(ARRAY({covering}))"
        candidates_params.append(place.area_id)
        reaches_place += f" OR {service}.id IN ({covering})"
        reaches_params.append(place.area_id)
    in_reach = f"({venue_metres} <= %s OR {reaches_place})"
    return (
        services.filter(RawSQL(f"({candidates})", candidates_params, output_field=BooleanField()))
        .filter(RawSQL(in_reach, [e, n, reach, *reaches_params], output_field=BooleanField()))
        .annotate(
            reaches_place=RawSQL(
                f"CASE WHEN ({reaches_place}) THEN true ELSE false END", reaches_params, output_field=BooleanField()
            ),
            venue_miles=RawSQL(
                f"CASE WHEN {venue_metres} <= %s THEN {venue_metres} / %s ELSE NULL END",
                [e, n, reach, e, n, METRES_PER_MILE],
                output_field=FloatField(),
            ),
            distance_band=RawSQL(
                f"CASE WHEN ({reaches_place}) THEN 0 ELSE floor({venue_metres} / %s)::integer END",
                [*reaches_params, e, n, METRES_PER_MILE],
                output_field=IntegerField(),
            ),
        )
    )


def _synonym_rewrites(connection) -> str:
    """The SELECT whose rows `ts_rewrite` applies to a search's words (`%L`, put in by `format`): each synonym whose
    words are among them (read as search words are, and, of several words, also as the quoted phrase) becomes its
    words or what the synonym also finds. Words that read as nothing (only words as common as "the") are left out."""
    quote = connection.ops.quote_name
    table = quote(Synonym._meta.db_table)
    words, phrase, also_find = (
        f"s.{quote(name)}" for name in ("words_query", "words_phrase_query", "also_find_query")
    )
    return f"""SELECT DISTINCT target, target || {also_find}
                 FROM {table} s CROSS JOIN LATERAL (VALUES ({words}), ({phrase})) AS t(target)
                WHERE %L::tsquery @> target AND numnode(target) > 0 AND numnode({also_find}) > 0"""


# The words as the search reads them (`websearch_to_tsquery`), with the words people use widened by the synonyms staff
# gave them: a search for "day centre evesham" becomes ("day centre" or "day club") and "evesham". Worked out once
# inside the search's own statement (a scalar subquery): no query of its own, nothing to cache. Only the synonyms whose
# words the search has are read (`@>`: every word of one is in the other). Its parameters: the synonyms' SELECT
# (`_synonym_rewrites`), the search configuration, the words.
_SEARCH_WORDS = """(SELECT ts_rewrite(typed.query, format(%s, typed.query::text))
                     FROM (SELECT websearch_to_tsquery(%s::regconfig, %s) AS query) typed)"""


def matching_words(services: QuerySet, words: str, *, near_a_place: bool = False) -> QuerySet:
    """Services whose text matches the words or the synonyms of words among them, each annotated with its
    `relevance_band` (its rank in tenths, rounded).

    Alone, the full-text index finds them (`@@`). Near a place, each service the place's indexes found is tested
    instead with `ts_match_vq`, the function behind `@@`, which no index serves: a common word ("club", "help") is in
    tens of thousands of services, and reading them all from the full-text index cost more than testing the few
    hundred near the place. In SQL by hand, as `near` is, and for the same reason.
    """
    connection = connections[services.db]
    vector = f"{connection.ops.quote_name(Service._meta.db_table)}.search_vector"
    query, params = _SEARCH_WORDS, [_synonym_rewrites(connection), SEARCH_CONFIG, words]
    test = f"ts_match_vq({vector}, {query})" if near_a_place else f"{vector} @@ {query}"
    relevance = f"round((ts_rank({vector}, {query}) * 10)::numeric(1000, 15), 0)"
    return services.filter(RawSQL(test, params, output_field=BooleanField())).annotate(
        relevance_band=RawSQL(relevance, params, output_field=DecimalField())
    )


def rotation_key(day: date) -> RawSQL:
    """A per-service key that reshuffles every day: each provider's turn at the top comes round."""
    service = connections[Service.objects.db].ops.quote_name(Service._meta.db_table)
    return RawSQL(f"md5({service}.id::text || %s)", [day.isoformat()], output_field=TextField())


def fair_order(
    services: QuerySet, *, day: date, by_words: bool, by_distance: bool, nearest_first: bool = False
) -> QuerySet:
    """Best match first (then nearest), or with `nearest_first` nearest first (then best match)."""
    ordering = []
    if by_words:
        ordering.append(F("relevance_band").desc())
    if by_distance:
        ordering.insert(0 if nearest_first else len(ordering), F("distance_band").asc())
    services = services.annotate(rotation=rotation_key(day))
    return services.order_by(*ordering, "rotation", "pk")


def find_anything(searches: list[QuerySet]) -> list[bool]:
    """Whether each search finds at least one service, asked in one statement."""
    if not searches:
        return []
    alias = searches[0].db
    parts, params = [], []
    for services in searches:
        sql, more = services.values("pk")[:1].query.get_compiler(alias).as_sql()
        parts.append(f"EXISTS({sql})")
        params.extend(more)
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [bool(found) for found in cursor.fetchone()]


# The page of results --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultProvider:
    """The enterprise a result is from: what a result shows of it."""

    name: str
    summary: str
    slug: str

    def get_absolute_url(self):
        return reverse("enterprise", kwargs={"slug": self.slug})


@dataclass(frozen=True, slots=True)
class TypeOfSupport:
    name: str


class TypesOfSupport(tuple):
    """A result's types of support, in their usual order; `.all()` as a Service's `categories.all()` answers."""

    def all(self):
        return self


@dataclass(slots=True)
class Result(ServiceFacts):
    """One service on a page of results: the fields a result shows, read without a model instance, with the same
    names (and, from ServiceFacts, the same labels) as a Service; where it is from the person (`venue_miles`,
    None when its venue is out of reach or it has none) and whether its coverage reaches them (`reaches_place`)."""

    pk: int
    name: str
    summary: str
    venue_name: str
    delivery: list[str]
    cost_type: str
    cost_amount: Decimal | None
    capacity: str
    capacity_confirmed_on: date | None
    enterprise: ResultProvider
    categories: TypesOfSupport
    venue_miles: float | None = None
    reaches_place: bool = False

    @property
    def id(self) -> int:
        return self.pk


# A result's own columns, as the page's statement reads them (the order of Result's fields after pk).
_RESULT_COLUMNS = (
    "name", "summary", "venue_name", "delivery", "cost_type", "cost_amount", "capacity", "capacity_confirmed_on",
)


def results_page(services: QuerySet, number, per_page: int) -> Page:
    """Page `number` (the first for nonsense, the last past the end) of a search in its fair order, in one query.

    `services` is the search as `near`, `matching_words` and `fair_order` make it. PostgreSQL finds the matches,
    counts them and puts them in order on narrow rows (ids, distances and the order's keys), and only then reads
    the page's rows whole, with the names of their types of support: never the text of every match.
    """
    number = requested_page(number, per_page)
    ordering = _ordering_keys(services)
    annotations = services.query.annotations
    wanted = ["pk", "enterprise_id"] + [name for name in ("venue_miles", "reaches_place") if name in annotations]
    wanted += [name for name, _ in ordering if name not in wanted]
    narrow = services.annotate(total_matches=Window(Count("*"))).values_list(*wanted, "total_matches")
    rows, total = _fetch(services.db, narrow, wanted, ordering, number, per_page)
    if not rows and number > 1:  # past the end: the last page
        total = services.count()
        number = max((total - 1) // per_page + 1, 1)
        if total:
            rows, _ = _fetch(services.db, narrow, wanted, ordering, number, per_page)
    return counted_page(rows, number, per_page, total)


def _ordering_keys(services: QuerySet) -> list[tuple[str, bool]]:
    """(name, descending) of each key of the queryset's order, as `fair_order` set it."""
    keys = []
    for item in services.query.order_by:
        if isinstance(item, str):
            keys.append((item.removeprefix("-"), item.startswith("-")))
        else:
            keys.append((item.expression.name, item.descending))
    return keys


def _fetch(alias: str, narrow: QuerySet, columns: list[str], ordering, number: int, per_page: int):
    """The page's Results and the number of matches, in one statement around the narrow query."""
    offset = (number - 1) * per_page
    inner, params = narrow[offset : offset + per_page].query.get_compiler(alias).as_sql()
    connection = connections[alias]
    quote = connection.ops.quote_name
    service, enterprise = quote(Service._meta.db_table), quote(Enterprise._meta.db_table)
    links, category = quote(Service.categories.through._meta.db_table), quote(Category._meta.db_table)
    order = ", ".join(f"m.{quote(name)} {'DESC' if descending else 'ASC'}" for name, descending in ordering)
    distance = [f"m.{quote(name)}" if name in columns else "NULL" for name in ("venue_miles", "reaches_place")]
    sql = f"""SELECT m."pk", {", ".join(f"s.{quote(column)}" for column in _RESULT_COLUMNS)},
               e."name", e."summary", e."slug",
               ARRAY(SELECT c."name" FROM {links} l JOIN {category} c ON c."id" = l."category_id"
                      WHERE l."service_id" = s."id" ORDER BY c."position", c."name"),
               {distance[0]}, {distance[1]}, m."total_matches"
          FROM ({inner}) m
          JOIN {service} s ON s."id" = m."pk"
          JOIN {enterprise} e ON e."id" = m."enterprise_id"
         ORDER BY {order}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    rows = [
        Result(
            pk,
            *fields,
            ResultProvider(provider_name, provider_summary, slug),
            TypesOfSupport(TypeOfSupport(name) for name in types),
            venue_miles,
            bool(reaches_place),
        )
        for pk, *fields, provider_name, provider_summary, slug, types, venue_miles, reaches_place, _ in found
    ]
    return rows, (found[0][-1] if found else 0)
