"""Reports for council staff: what exists where, where the gaps are, how referrals flow, what people search for.

Each section function takes a `Scope` (one council, with its areas and the types of support) and the page's
`Filters`, runs a fixed number of queries whatever the amount of data (the counting is done in SQL: GROUP BY,
COUNT … FILTER, TruncMonth, percentile_cont), and returns `Table`s that both the page (with a chart) and the CSV
downloads show.

Definitions
-----------
- A *listing* is an enterprise. A *published* listing or service is one the public can see (`public_listing`:
  published, and not long overdue for its review), as on the public pages.
- A service *reaches* an area when its venue is within `REACH_MILES` (5) miles of the area's centre, or its coverage
  includes the area: it lists the area, or its coverage circle contains the area's centre. This is the public
  search's own rule (`directory.search.near`), so "reaches" means "a resident there would find it".
- A listing's *areas* are the areas its services reach. A listing whose services reach several areas counts once in
  each, so the by-area column does not add up to the number of listings (the table has a "Services" column too).
- A *gap* is an area × type of support that no published service reaches. The gaps table counts the published
  services of every council, not only this one's: people search across council boundaries, so a neighbouring
  council's day club 2 miles over the border fills the gap. Every other section counts this council's listings only.
- A referral's *area* is an area its service reaches: a referral belongs to every area its service reaches. The
  person's own postcode is personal, and these reports never read it.
- *Acceptance rate* = accepted ÷ answered, where *accepted* means the provider accepted it (it is accepted, support
  started or ended, or it was accepted and later withdrawn) and *answered* means accepted or declined. Referrals
  still waiting, or withdrawn before an answer, are left out of both.
- *Days to first answer* runs from sending to the provider’s first action or message (`first_response_at`), in
  days and fractions of a day; the *median* is PostgreSQL's `percentile_cont(0.5)` over the referrals sent in the
  period that have had a first answer (with an even number, the mean of the middle two).
- An *enquiry* is someone's idea for a micro-enterprise sent from "Start a community micro-enterprise", counted in
  the area they chose (not a place anyone lives). One *became an enterprise* when staff marked it started, linked to
  a listing. *Days to start* runs from receiving it to marking it started (`enterprises.enquiries.DAYS_TO_START`);
  the median is over those received in the period that have started.
- *Capacity* is what the public is told: a status confirmed more than CAPACITY_STALE_AFTER_DAYS ago, or never
  confirmed, is "not known" (`enterprises.models.current_capacity`, the rule the public pages use).

Filters
-------
- The date range (default: the last 24 months, to today) applies to what happens on a date: new listings (by the
  date first published), referrals (by the date sent) and searches (by the date searched).
- The area applies everywhere: listings and services that reach it, referrals to services that reach it, the gaps
  table's row for it, searches made from it, and enquiries made for it.
- The date range applies to enquiries by the date received. The type of support does not apply to them.
- The type of support applies everywhere else: listings and services of that type, referrals to services of that type,
  the gaps table's column for it, and searches that chose it.
- The listing, capacity, yearly-figure and gaps sections are as things stand today: the date range does not change
  them.
- Courses and meet-ups for providers are counted by the day they started (only those that have started), and
  belong to no area or type of support, so only the date range changes them.

Queries: 18 for the whole page (3 of them for enquiries, 2 for courses and meet-ups), whatever the amount
of data; everything counted by area (listings, referrals and gaps) is one query (`area_figures`), so which
services reach which area is worked out once.

Personal data: referrals are read only as counts (`values()`/`aggregate()` on a queryset that defers the
personal fields), so no query here so much as selects a person's name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from directory.models import SearchRecord
from directory.problems import reported_out_of_date
from directory.search import Place, near
from enterprises.enquiries import DAYS_TO_START
from enterprises.models import (
    Area,
    Capacity,
    Category,
    Council,
    Enquiry,
    Enterprise,
    Event,
    Service,
    coverage_circle_sql,
    current_capacity,
    public_listing,
)
from enterprises.postcodes import GridPoint, miles_to_metres
from referrals.models import Referral
from referrals.reminders import DAYS_TO_FIRST_ANSWER

REACH_MILES = 5
REACH_METRES = miles_to_metres(REACH_MILES)
DEFAULT_MONTHS = 24
MAX_YEARS = 10
TOP = 10  # rows in the "commonest" tables
NOTHING_FOUND_ROWS = 20

ReferralStatus = Referral.Status
ACCEPTED = Q(accepted_at__isnull=False) | Q(
    status__in=[ReferralStatus.ACCEPTED, ReferralStatus.STARTED, ReferralStatus.ENDED]
)
ANSWERED = ACCEPTED | Q(status=ReferralStatus.DECLINED)


# What the functions take and give ------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    area: Area | None = None
    category: Category | None = None

    @classmethod
    def make(cls, start: date | None = None, end: date | None = None, *, area=None, category=None, today=None):
        """No end: today. No start: the first of the month 23 months before the end's (24 months in all)."""
        end = end or today or timezone.localdate()
        start = start or add_months(end, -(DEFAULT_MONTHS - 1))
        return cls(start=start, end=end, area=area, category=category)

    @property
    def months(self) -> list[date]:
        """The first day of each month from the start's month to the end's."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def ends_before(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


@dataclass(frozen=True)
class Scope:
    """One council, its areas (the gaps table's rows) and every type of support (its columns)."""

    council: Council
    areas: list[Area]
    categories: list[Category]

    @classmethod
    def of(cls, council: Council) -> "Scope":
        return cls(
            council=council,
            areas=list(Area.objects.filter(council=council).order_by("name", "pk")),
            categories=list(Category.objects.order_by("position", "name", "pk")),
        )

    # Figures one section works out for another on the same page (area_figures), by the filters they are for.
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def areas_for(self, filters: Filters) -> list[Area]:
        return [filters.area] if filters.area else self.areas

    def categories_for(self, filters: Filters) -> list[Category]:
        return [filters.category] if filters.category else self.categories


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple


@dataclass
class Table:
    slug: str  # also its CSV's name
    caption: str
    columns: list[str]  # the first names the row labels
    rows: list[Row]
    chart: str = ""  # "bars" (horizontal, one per row), "months" (vertical, one per month), or ""
    chart_column: int = 0  # which value the chart shows
    chart_title: str = ""
    flag_zeros: bool = False  # the gaps table: an empty cell must stand out
    text_columns: tuple[int, ...] = ()  # values that are words, not figures (left-aligned)
    empty: str = "Nothing to show."
    # A link on each row, to act on its label: the link's words, and the address the label is added to.
    row_action: str = ""
    row_action_url: str = ""
    svg: str = ""  # its chart, drawn by the view (reports.charts)
    layout: str = ""  # the classes that fit it to the screen, chosen by the view (reports.tables)

    @property
    def chart_bars(self) -> list[tuple[str, float]]:
        return [(row.label, row.values[self.chart_column] or 0) for row in self.rows]

    @property
    def header(self) -> list[tuple[str, bool]]:
        """(column, is a figure) for the page."""
        return [(column, index > 0 and index - 1 not in self.text_columns) for index, column in enumerate(self.columns)]

    @property
    def display_rows(self) -> list[tuple[str, list[tuple[str, bool, bool]]]]:
        """(label, [(value as shown, is a figure, is a gap)]) for the page: figures with thousands separators."""
        return [
            (
                row.label,
                [
                    (
                        f"{value:,}" if isinstance(value, int) else str(value),
                        index not in self.text_columns,
                        self.flag_zeros and value == 0,
                    )
                    for index, value in enumerate(row.values)
                ],
            )
            for row in self.rows
        ]

    def as_lists(self) -> list[list]:
        """Header and rows, for the CSV."""
        return [list(self.columns), *([row.label, *row.values] for row in self.rows)]


@dataclass
class Section:
    slug: str
    title: str
    filtered_by: str  # which filters change it, for the page
    tables: list[Table]
    notes: list[str] = field(default_factory=list)


# Shared pieces -------------------------------------------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's `percentile_cont(0.5)`: the median, interpolated between the middle two of an even count."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def month_label(month: date) -> str:
    return f"{month:%B %Y}"


def _month(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _per_month(filters: Filters, counts: dict[date, tuple], width: int) -> list[Row]:
    return [Row(month_label(month), counts.get(month, (0,) * width)) for month in filters.months]


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "No answers yet"


def _reaching(scope: Scope, area: Area) -> RawSQL:
    """Ids of the services that reach an area: the public search's own test (`near`), from the area's centre.

    Compiled to SQL once per page: the sections use it a dozen times, and building that query is not free."""
    key = ("reaching", area.pk)
    if key not in scope.cache:
        place = Place(postcode="", point=GridPoint(area.easting, area.northing), area_id=area.pk)
        scope.cache[key] = _sql(near(Service.objects.order_by(), place, REACH_MILES).values("pk"))
    return RawSQL(*scope.cache[key])


def _services(scope: Scope, filters: Filters, *, published: bool = True) -> QuerySet:
    """The council's services the filters pick: of the type chosen, reaching the area chosen."""
    services = Service.objects.published() if published else Service.objects.all()
    services = services.filter(enterprise__council=scope.council)
    if filters.category:
        services = services.filter(categories=filters.category)
    if filters.area:
        services = services.filter(pk__in=_reaching(scope, filters.area))
    return services.order_by()


def _listings(scope: Scope, filters: Filters, *, published: bool) -> QuerySet:
    listings = Enterprise.objects.filter(council=scope.council)
    if published:
        listings = listings.filter(public_listing())
    if filters.area or filters.category:
        listings = listings.filter(pk__in=_services(scope, filters, published=published).values("enterprise_id"))
    return listings.order_by()


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.sql_with_params()


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _referrals(scope: Scope, filters: Filters) -> QuerySet:
    """Referrals to the council's listings sent in the period, as facts only (see the module's docstring)."""
    referrals = Referral.objects.filter(
        enterprise__council=scope.council, sent_at__gte=filters.starts_at, sent_at__lt=filters.ends_before
    )
    if filters.category:
        referrals = referrals.filter(service__categories=filters.category)
    if filters.area:
        referrals = referrals.filter(service_id__in=_reaching(scope, filters.area))
    return referrals.without_personal_details().order_by()


def _referrals_per_service(scope: Scope, filters: Filters) -> QuerySet:
    """(service_id, n, answered, accepted): a few hundred rows, which the tables by type and by area add up."""
    return (
        _referrals(scope, filters)
        .values("service_id")
        .annotate(n=Count("pk"), answered=Count("pk", filter=ANSWERED), accepted=Count("pk", filter=ACCEPTED))
    )


@dataclass(frozen=True)
class AreaFigures:
    listings: dict  # area id → (published listings, published services) of the council that reach it
    referrals: dict  # area id → (referrals, answered, accepted) to the council's services that reach it
    gaps: dict  # (area id, category id) → published services of any council that reach it
    gap_totals: dict  # area id → published services of any council, of any type, that reach it


def area_figures(scope: Scope, filters: Filters) -> AreaFigures:
    """Everything counted by area, in one query (so which services reach which area is worked out once), kept on
    the scope for the other sections of the same page.

    `near(area_id, service_id, enterprise_id)` pairs each of the council's areas (or the one chosen) with each
    service, of any council and status, of the type chosen, that reaches it: three joins, each served by an index,
    UNIONed (which also removes duplicates): a venue in the square round the area's centre and within reach of it
    (B-tree on the venue's grid reference); a coverage circle that contains the centre (GiST on COVERAGE_CIRCLE: the
    very expression, compiled from the model); the areas a service lists. Then three counts over it: the council's
    published listings and services, the council's referrals (counted per service first), and the gaps (published
    services of any council, by type of support, with GROUPING SETS for each area's total).
    """
    cached = scope.cache.get(("areas", filters))
    if cached is not None:
        return cached
    area_table, service_table = Area._meta.db_table, Service._meta.db_table
    coverage_table = Service.coverage_areas.through._meta.db_table
    categories_table = Service.categories.through._meta.db_table
    where = "a.council_id = %s" + (" AND a.id = %s" if filters.area else "")
    where_params = [scope.council.pk, *([filters.area.pk] if filters.area else [])]
    category_params = [filters.category.pk] if filters.category else []
    of_type = "AND category_id = %s" if filters.category else ""
    circle_sql = coverage_circle_sql(connection.alias)
    council_sql, council_params = _sql(
        Enterprise.objects.filter(public_listing(), council=scope.council).order_by().values("id")
    )
    public_sql, public_params = _sql(Enterprise.objects.filter(public_listing()).order_by().values("id"))
    per_service_sql, per_service_params = _sql(_referrals_per_service(scope, filters))
    s = f'"{service_table}"'
    sql = f"""
    WITH found AS (
        SELECT a.id AS area_id, {s}.id AS service_id, {s}.enterprise_id
          FROM {area_table} a JOIN {service_table}
            ON {s}.venue_easting BETWEEN a.easting - %s AND a.easting + %s
           AND {s}.venue_northing BETWEEN a.northing - %s AND a.northing + %s
           AND (point({s}.venue_easting, {s}.venue_northing) <-> point(a.easting, a.northing)) <= %s
         WHERE {where}
        UNION
        SELECT a.id, {s}.id, {s}.enterprise_id
          FROM {area_table} a JOIN {service_table}
            ON ({circle_sql}) @> circle(point(a.easting, a.northing), 0)
         WHERE {where}
        UNION
        SELECT c.area_id, c.service_id, {s}.enterprise_id
          FROM {coverage_table} c JOIN {area_table} a ON a.id = c.area_id
          JOIN {service_table} ON {s}.id = c.service_id
         WHERE {where}
    ),
    near AS MATERIALIZED (
        SELECT * FROM found
        {f"WHERE EXISTS (SELECT 1 FROM {categories_table} WHERE service_id = found.service_id {of_type})"
         if filters.category else ""}
    ),
    types AS (
        SELECT service_id, category_id FROM {categories_table}
         WHERE service_id = ANY(ARRAY(SELECT service_id FROM near)) {of_type}
    ),
    per_service AS ({per_service_sql})
    SELECT 'listings', area_id, NULL::bigint, COUNT(DISTINCT enterprise_id), COUNT(DISTINCT service_id), NULL::bigint
      FROM near WHERE enterprise_id IN ({council_sql})
     GROUP BY area_id
    UNION ALL
    SELECT 'referrals', near.area_id, NULL, SUM(r.n)::bigint, SUM(r.answered)::bigint, SUM(r.accepted)::bigint
      FROM near JOIN per_service r ON r.service_id = near.service_id
     GROUP BY near.area_id
    UNION ALL
    SELECT 'gaps', near.area_id, types.category_id, GROUPING(types.category_id), COUNT(DISTINCT near.service_id),
           NULL
      FROM near LEFT JOIN types ON types.service_id = near.service_id
     WHERE near.enterprise_id IN ({public_sql})
     GROUP BY GROUPING SETS ((near.area_id, types.category_id), (near.area_id))
    """
    params = [
        *[REACH_METRES] * 5, *where_params, *where_params, *where_params,
        *category_params, *category_params, *per_service_params, *council_params, *public_params,
    ]
    listings, referrals, gaps, gap_totals = {}, {}, {}, {}
    for kind, area_id, category_id, first, second, third in _fetch(sql, params):
        if kind == "listings":
            listings[area_id] = (int(first), int(second))
        elif kind == "referrals":
            referrals[area_id] = (int(first), int(second), int(third))
        elif first:  # GROUPING(category_id) = 1: the area's total
            gap_totals[area_id] = int(second)
        elif category_id is not None:
            gaps[area_id, category_id] = int(second)
    figures = AreaFigures(listings=listings, referrals=referrals, gaps=gaps, gap_totals=gap_totals)
    scope.cache["areas", filters] = figures
    return figures


# 1. Listings ---------------------------------------------------------------------------------------------------------


def listings(scope: Scope, filters: Filters) -> Section:
    status_counts = dict(_listings(scope, filters, published=False).values_list("status").annotate(n=Count("pk")))
    by_status = Table(
        "listings-by-status",
        f"Listings by status ({sum(status_counts.values()):,} in all)",
        ["Status", "Listings"],
        [Row(label, (status_counts.get(value, 0),)) for value, label in Enterprise.Status.choices],
        chart="bars",
        chart_title="Listings by status",
    )

    through = Service.categories.through.objects.filter(service__in=_services(scope, filters))
    by_category = {
        row["category_id"]: (row["listings"], row["services"])
        for row in through.order_by()
        .values("category_id")
        .annotate(listings=Count("service__enterprise_id", distinct=True), services=Count("service_id", distinct=True))
    }
    by_type = Table(
        "listings-by-type",
        "Published listings by type of support",
        ["Type of support", "Listings", "Services"],
        [Row(category.name, by_category.get(category.pk, (0, 0))) for category in scope.categories_for(filters)],
        chart="bars",
        chart_title="Published listings by type of support",
        empty="There are no types of support yet.",
    )

    per_area = area_figures(scope, filters).listings
    by_area = Table(
        "listings-by-area",
        "Published listings by area they reach",
        ["Area", "Listings", "Services"],
        [Row(area.name, per_area.get(area.pk, (0, 0))) for area in scope.areas_for(filters)],
        chart="bars",
        chart_title="Published listings by area they reach",
        empty="This council has no areas yet.",
    )

    new = {
        _month(row["month"]): (row["n"],)
        for row in _listings(scope, filters, published=False)
        .filter(published_at__gte=filters.starts_at, published_at__lt=filters.ends_before)
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    new_listings = Table(
        "new-listings",
        "New listings each month (by the date first published)",
        ["Month", "New listings"],
        _per_month(filters, new, 1),
        chart="months",
        chart_title="New listings each month",
    )
    published = _listings(scope, filters, published=True).aggregate(
        listings=Count("pk"), reported=Count("pk", filter=reported_out_of_date())
    )
    reported = Table(
        "listings-reported",
        "Published listings reported as out of date",
        ["Listings", "Number"],
        [Row("Published", (published["listings"],)),
         Row("With a problem reported and not yet dealt with", (published["reported"],))],
    )
    return Section(
        "listings",
        "Listings",
        "Area and type of support. The date range changes only the new listings each month.",
        [by_status, by_type, by_area, new_listings, reported],
        notes=[
            f"A listing reaches an area when one of its services has a venue within {REACH_MILES} miles of the "
            "area’s centre, or visits people at home there. A listing can reach several areas, so the areas "
            "add up to more than the number of listings.",
        ],
    )


# 2. Capacity ---------------------------------------------------------------------------------------------------------

CAPACITY_ROWS = [
    (Capacity.TAKING, "Taking new people"),
    (Capacity.WAITING_LIST, "Waiting list"),
    (Capacity.FULL, "Full"),
]


def capacity(scope: Scope, filters: Filters) -> Section:
    current = current_capacity()
    counts = _services(scope, filters).aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(capacity=value) & current) for value, _ in CAPACITY_ROWS},
    )
    known = [Row(label, (counts[value],)) for value, label in CAPACITY_ROWS]
    not_known = counts["total"] - sum(row.values[0] for row in known)
    table = Table(
        "capacity",
        f"Published services by capacity ({counts['total']:,} in all)",
        ["Capacity", "Services"],
        [*known, Row("Not known", (not_known,))],
        chart="bars",
        chart_title="Published services by capacity",
    )
    return Section(
        "capacity",
        "Capacity",
        "Area and type of support.",
        [table],
        notes=[
            f"As the public sees it: a status not confirmed in the last {settings.CAPACITY_STALE_AFTER_DAYS} days "
            "counts as not known.",
        ],
    )


# 3. Providers' yearly figures ----------------------------------------------------------------------------------------


def figures(scope: Scope, filters: Filters) -> Section:
    gave_figures = Q(people_supported__isnull=False) | Q(paid_staff__isnull=False) | Q(volunteers__isnull=False)
    totals = _listings(scope, filters, published=True).aggregate(
        listings=Count("pk"),
        reporting=Count("pk", filter=gave_figures),
        people=Coalesce(Sum("people_supported"), 0),
        paid=Coalesce(Sum("paid_staff"), 0),
        volunteers=Coalesce(Sum("volunteers"), 0),
    )
    table = Table(
        "yearly-figures",
        f"What {totals['reporting']:,} of {totals['listings']:,} published listings say they do in a year",
        ["Figure", "Total"],
        [
            Row("People supported", (totals["people"],)),
            Row("Paid staff", (totals["paid"],)),
            Row("Volunteers", (totals["volunteers"],)),
        ],
        chart="bars",
        chart_title="Providers’ yearly figures added up",
    )
    return Section(
        "figures",
        "People supported, jobs and volunteers",
        "Area and type of support.",
        [table],
        notes=["The providers’ own figures, added up over the published listings that gave them."],
    )


# 4. Referrals --------------------------------------------------------------------------------------------------------


def _rate_row(label: str, referrals: int, answered: int, accepted: int) -> Row:
    return Row(label, (referrals, answered, accepted, percent(accepted, answered)))


def referrals(scope: Scope, filters: Filters) -> Section:
    scoped = _referrals(scope, filters)
    totals = scoped.aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=ANSWERED),
        accepted=Count("pk", filter=ACCEPTED),
        declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
        first_answers=Count("first_response_at"),
        median_days=Median(DAYS_TO_FIRST_ANSWER),
    )
    median = totals["median_days"]
    summary = Table(
        "referrals-summary",
        "Referrals: answers and how long they took",
        ["Measure", "Figure"],
        [
            Row("Referrals sent", (totals["sent"],)),
            Row("Answered (accepted or declined)", (totals["answered"],)),
            Row("Accepted", (totals["accepted"],)),
            Row("Declined", (totals["declined"],)),
            Row("Acceptance rate (accepted ÷ answered)", (percent(totals["accepted"], totals["answered"]),)),
            Row(
                "Median days to first answer",
                (f"{median:.1f}" if median is not None else "No answers yet",),
            ),
        ],
    )

    statuses = ReferralStatus.choices
    monthly = {
        _month(row["month"]): (row["n_all"], *(row[f"n_{value}"] for value, _ in statuses))
        for row in scoped.annotate(month=TruncMonth("sent_at"))
        .values("month")
        .annotate(n_all=Count("pk"), **{f"n_{value}": Count("pk", filter=Q(status=value)) for value, _ in statuses})
    }
    per_month = Table(
        "referrals-by-month",
        "Referrals sent each month, by where they are now",
        ["Month", "Sent", *(label for _, label in statuses)],
        _per_month(filters, monthly, 1 + len(statuses)),
        chart="months",
        chart_title="Referrals sent each month",
    )

    # Counted per service first (a few hundred rows), then added up by type of support and by area in SQL.
    per_service_sql, per_service_params = _sql(_referrals_per_service(scope, filters))
    categories_table = Service.categories.through._meta.db_table
    of_type = "AND sc.category_id = %s" if filters.category else ""
    by_category = {
        category_id: counts
        for category_id, *counts in _fetch(
            f"SELECT sc.category_id, SUM(r.n)::int, SUM(r.answered)::int, SUM(r.accepted)::int "
            f"FROM ({per_service_sql}) r JOIN {categories_table} sc ON sc.service_id = r.service_id {of_type} "
            f"GROUP BY sc.category_id",
            [*per_service_params, *([filters.category.pk] if filters.category else [])],
        )
    }
    rate_columns = ["Referrals", "Answered", "Accepted", "Acceptance rate"]
    by_type = Table(
        "referrals-by-type",
        "Referrals by type of support",
        ["Type of support", *rate_columns],
        [
            _rate_row(category.name, *by_category.get(category.pk, (0, 0, 0)))
            for category in scope.categories_for(filters)
        ],
        chart="bars",
        chart_title="Referrals by type of support",
        empty="There are no types of support yet.",
    )

    per_area = area_figures(scope, filters).referrals
    by_area = Table(
        "referrals-by-area",
        "Referrals by area the service reaches",
        ["Area", *rate_columns],
        [_rate_row(area.name, *per_area.get(area.pk, (0, 0, 0))) for area in scope.areas_for(filters)],
        chart="bars",
        chart_title="Referrals by area the service reaches",
        empty="This council has no areas yet.",
    )
    return Section(
        "referrals",
        "Referrals",
        "Date range (by the date sent), area and type of support.",
        [summary, per_month, by_type, by_area],
        notes=[
            "Referrals to this council’s listings. Accepted means the provider accepted it (including referrals "
            "where support has since started or ended, or that were withdrawn after being accepted); answered means "
            "accepted or declined. Referrals still waiting, or withdrawn before an answer, are left out of the rate.",
            "Days to first answer run from sending to the provider’s first answer or message. The median is the "
            "middle value: half were answered sooner, half later.",
            "A referral counts in every area its service reaches. These reports never use the person’s address.",
        ],
    )


# 5. Gaps -------------------------------------------------------------------------------------------------------------


def gaps(scope: Scope, filters: Filters) -> Section:
    """Areas × types of support: how many published services reach each area, of each type (any council's, since
    residents search across council boundaries): from `area_figures`, the one query that counts by area."""
    found = area_figures(scope, filters)
    cells, totals = found.gaps, found.gap_totals
    categories = scope.categories_for(filters)
    all_types = [] if filters.category else ["All types"]
    table = Table(
        "gaps",
        "Published services that reach each area, by type of support",
        ["Area", *(category.name for category in categories), *all_types],
        [
            Row(
                area.name,
                (
                    *(cells.get((area.pk, category.pk), 0) for category in categories),
                    *([totals.get(area.pk, 0)] if all_types else []),
                ),
            )
            for area in scope.areas_for(filters)
        ],
        flag_zeros=True,
        empty="This council has no areas yet.",
    )
    return Section(
        "gaps",
        "Gaps: where nothing reaches",
        "Area (its row) and type of support (its column).",
        [table],
        notes=[
            f"Each cell counts the published services that reach the area: a venue within {REACH_MILES} miles of "
            "its centre, or home visits that cover it. Services of neighbouring councils count too, because "
            "people search across council boundaries. “None” marks a gap.",
        ],
    )


# 6. Searches ---------------------------------------------------------------------------------------------------------


def _searches(scope: Scope, filters: Filters) -> QuerySet:
    records = SearchRecord.objects.filter(
        area__council=scope.council, searched_on__gte=filters.start, searched_on__lte=filters.end
    )
    if filters.area:
        records = records.filter(area=filters.area)
    if filters.category:
        records = records.filter(category_slugs__contains=[filters.category.slug])
    return records.order_by()


def _commonest_types(records: QuerySet) -> list[tuple]:
    """The TOP types of support these searches chose most, with how many chose each."""
    sql, params = _sql(records.values("category_slugs"))
    return _fetch(
        f"SELECT slug, COUNT(*) FROM ({sql}) r CROSS JOIN LATERAL unnest(r.category_slugs) AS slug "
        f"GROUP BY slug ORDER BY COUNT(*) DESC, slug LIMIT {TOP}",
        params,
    )


def searches(scope: Scope, filters: Filters) -> Section:
    records = _searches(scope, filters)
    names = {category.slug: category.name for category in scope.categories}

    monthly = {
        _month(row["month"]): (row["n"], row["nothing"])
        for row in records.annotate(month=TruncMonth("searched_on"))
        .values("month")
        .annotate(n=Count("pk"), nothing=Count("pk", filter=Q(result_count=0)))
    }
    per_month = Table(
        "searches-by-month",
        "Searches each month",
        ["Month", "Searches", "Found nothing"],
        _per_month(filters, monthly, 2),
        chart="months",
        chart_title="Searches each month",
    )

    types = Table(
        "searched-types",
        f"The {TOP} types of support searched for most",
        ["Type of support", "Searches"],
        [Row(names.get(slug, slug), (count,)) for slug, count in _commonest_types(records)],
        chart="bars",
        chart_title="Types of support searched for most",
        empty="No searches chose a type of support.",
    )

    districts = Table(
        "searched-districts",
        f"The {TOP} postcode districts searched from most",
        ["Postcode district", "Searches"],
        [
            Row(row["postcode_district"], (row["n"],))
            for row in records.exclude(postcode_district="")
            .values("postcode_district")
            .annotate(n=Count("pk"))
            .order_by("-n", "postcode_district")[:TOP]
        ],
        chart="bars",
        chart_title="Postcode districts searched from most",
        empty="No searches with a postcode.",
    )

    least = max(1, settings.SEARCH_WORDS_MIN_VISITORS)
    nothing_sql, nothing_params = _sql(records.filter(result_count=0).values("words", "visitor", "searched_on"))
    words = _fetch(
        f"SELECT word, COUNT(*) FROM ({nothing_sql}) r "
        "CROSS JOIN LATERAL unnest(string_to_array(r.words, ' ')) AS word "
        "WHERE word <> '' GROUP BY word "
        "HAVING COUNT(DISTINCT NULLIF(r.visitor, '')) >= %s AND COUNT(DISTINCT r.searched_on) >= %s "
        f"ORDER BY COUNT(*) DESC, word LIMIT {NOTHING_FOUND_ROWS}",
        (*nothing_params, least, least),
    )
    nothing = Table(
        "searches-found-nothing",
        f"Words in searches that found nothing (the {NOTHING_FOUND_ROWS} commonest)",
        ["Word searched for", "Searches"],
        [Row(word, (count,)) for word, count in words],
        text_columns=(0,),
        row_action="Add as a synonym",
        row_action_url=reverse("council:add_synonym") + "?words=",
        empty=f"No word in a search that found nothing was searched by {least} or more different visitors on "
        f"{least} or more different days.",
    )
    nothing_types = Table(
        "searched-types-found-nothing",
        f"Types of support in searches that found nothing (the {TOP} commonest)",
        ["Type of support", "Searches"],
        [Row(names.get(slug, slug), (count,)) for slug, count in _commonest_types(records.filter(result_count=0))],
        empty="Every search that chose a type of support found something.",
    )
    return Section(
        "searches",
        "What people searched for",
        "Date range (by the date searched), area (searches from it) and type of support (searches that chose it).",
        [per_month, types, districts, nothing_types, nothing],
        notes=[
            "Searches from places in this council’s areas. Nothing personal is kept: the postcode district only "
            "(like WR1), and single words, with anything that looks like a name, phone number, email address, "
            "postcode or street taken out. A word is shown only once "
            f"{least} or more different visitors searched it, on {least} or more different days, so nobody can "
            "be picked out, or put words into this report, by searching.",
        ],
    )


# 7. Enquiries about starting a micro-enterprise ----------------------------------------------------------------------


def enquiries(scope: Scope, filters: Filters) -> Section:
    """Enquiries to this council received in the period: by month and by area, how many became enterprises, and the
    median days to start. Counted only: no query here selects a person's details."""
    Stage = Enquiry.Stage
    scoped = Enquiry.objects.filter(
        council=scope.council, received_at__gte=filters.starts_at, received_at__lt=filters.ends_before
    )
    if filters.area:
        scoped = scoped.filter(area=filters.area)
    counts = {"n": Count("pk"), **{f"n_{value}": Count("pk", filter=Q(stage=value)) for value in Stage.values}}
    totals = scoped.aggregate(**counts, median_days=Median(DAYS_TO_START, filter=Q(stage=Stage.STARTED)))
    started, closed = totals["n_started"], totals["n_started"] + totals["n_not_going_ahead"]
    median = totals["median_days"]
    summary = Table(
        "enquiries-summary",
        "Enquiries: how many became enterprises, and how long it took",
        ["Measure", "Figure"],
        [
            Row("Enquiries received", (totals["n"],)),
            Row("Still new", (totals["n_new"],)),
            Row("Talking", (totals["n_talking"],)),
            Row("Became enterprises (started)", (started,)),
            Row("Not going ahead", (totals["n_not_going_ahead"],)),
            Row("Became enterprises, of those decided", (percent(started, closed) if closed else "None decided yet",)),
            Row("Median days to start", (f"{median:.1f}" if median is not None else "None started yet",)),
        ],
    )
    stage_columns = [label for _, label in Stage.choices]
    monthly = {
        _month(row["month"]): (row["n"], *(row[f"n_{value}"] for value in Stage.values))
        for row in scoped.annotate(month=TruncMonth("received_at")).values("month").annotate(**counts)
    }
    per_month = Table(
        "enquiries-by-month",
        "Enquiries received each month, by where they are now",
        ["Month", "Received", *stage_columns],
        _per_month(filters, monthly, 1 + len(Stage.values)),
        chart="months",
        chart_title="Enquiries received each month",
    )
    per_area = {
        row["area_id"]: (row["n"], *(row[f"n_{value}"] for value in Stage.values))
        for row in scoped.values("area_id").annotate(**counts)
    }
    by_area = Table(
        "enquiries-by-area",
        "Enquiries by area",
        ["Area", "Received", *stage_columns],
        [Row(area.name, per_area.get(area.pk, (0,) * (1 + len(Stage.values)))) for area in scope.areas_for(filters)],
        chart="bars",
        chart_title="Enquiries by area",
        empty="This council has no areas yet.",
    )
    return Section(
        "enquiries",
        "Enquiries about starting a micro-enterprise",
        "Date range (by the date received) and area.",
        [summary, per_month, by_area],
        notes=[
            "People who sent an idea from the “Start a community micro-enterprise” page, counted in the area they "
            "chose. “Became enterprises, of those decided” is started ÷ (started + not going ahead).",
            "Days to start run from receiving the enquiry to marking it started. The median is the middle value: "
            "half started sooner, half later.",
        ],
    )


# 8. Courses and meet-ups for providers ------------------------------------------------------------------------------


def training(scope: Scope, filters: Filters) -> Section:
    """The events run: those that started in the period, up to now (one to come has not run yet)."""
    ran = Event.objects.filter(council=scope.council, starts_at__gte=filters.starts_at,
                               starts_at__lt=min(filters.ends_before, timezone.now()))
    booked, came = Q(bookings__status="booked"), Q(bookings__status="booked", bookings__attended=True)
    totals = ran.aggregate(
        courses=Count("pk", filter=Q(kind=Event.Kind.COURSE), distinct=True),
        meetups=Count("pk", filter=Q(kind=Event.Kind.MEETUP), distinct=True),
        places=Count("bookings", filter=booked),
        attended=Count("bookings", filter=came),
        trained=Count("bookings__enterprise", filter=came & Q(kind=Event.Kind.COURSE), distinct=True),
    )
    summary = Table(
        "training-summary",
        "Courses and meet-ups run for providers",
        ["Measure", "Figure"],
        [
            Row("Courses run", (totals["courses"],)),
            Row("Meet-ups run", (totals["meetups"],)),
            Row("Places taken", (totals["places"],)),
            Row("Places where the provider attended", (totals["attended"],)),
            Row("Providers trained (attended a course)", (totals["trained"],)),
        ],
    )
    monthly = {
        _month(row["month"]): (row["events"], row["places"], row["attended"])
        for row in ran.annotate(month=TruncMonth("starts_at")).values("month").annotate(
            events=Count("pk", distinct=True), places=Count("bookings", filter=booked),
            attended=Count("bookings", filter=came))
    }
    per_month = Table(
        "training-by-month",
        "Courses and meet-ups run each month",
        ["Month", "Events run", "Places taken", "Attended"],
        _per_month(filters, monthly, 3),
        chart="months",
        chart_title="Courses and meet-ups run each month",
    )
    return Section(
        "training",
        "Courses and meet-ups for providers",
        "Date range only (by the day the event started): events belong to no area or type of support.",
        [summary, per_month],
        notes=["An event counts once it has started. A provider is trained when someone from it attended a course, "
               "counted once however many courses they came to. Attendance is what staff marked on the event’s "
               "page."],
    )


# The whole page, and one table -----------------------------------------------------------------------------------

SECTIONS: list[Callable[[Scope, Filters], Section]] = [
    listings, capacity, figures, referrals, gaps, searches, enquiries, training,
]

# Each table's CSV name, and the section function that makes it.
TABLES: dict[str, Callable[[Scope, Filters], Section]] = {
    "listings-by-status": listings,
    "listings-by-type": listings,
    "listings-by-area": listings,
    "new-listings": listings,
    "capacity": capacity,
    "yearly-figures": figures,
    "referrals-summary": referrals,
    "referrals-by-month": referrals,
    "referrals-by-type": referrals,
    "referrals-by-area": referrals,
    "gaps": gaps,
    "searches-by-month": searches,
    "searched-types": searches,
    "searched-districts": searches,
    "searched-types-found-nothing": searches,
    "searches-found-nothing": searches,
    "enquiries-summary": enquiries,
    "enquiries-by-month": enquiries,
    "enquiries-by-area": enquiries,
    "training-summary": training,
    "training-by-month": training,
}


def all_sections(scope: Scope, filters: Filters) -> list[Section]:
    return [section(scope, filters) for section in SECTIONS]


def table(scope: Scope, filters: Filters, slug: str) -> Table | None:
    make = TABLES.get(slug)
    if make is None:
        return None
    return next(found for found in make(scope, filters).tables if found.slug == slug)
