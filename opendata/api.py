"""The Open Referral UK 3.0 API: read-only, open to anyone without a key, published listings only.

Every response (errors too) is JSON with `Access-Control-Allow-Origin: *`. Bad parameters get a 400 whose message
says what is wrong; an id that is not a published record gets a 404; any method but GET, HEAD or OPTIONS gets a 405.
Lists are pages of at most MAX_PER_PAGE items, in the site's fair order; a page past the end is an empty page.
The rules and the mapping are in docs/adr/0006-open-referral-uk-api.md.
"""

import math
import re
from datetime import datetime, time, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal, InvalidOperation
from functools import wraps
from http import HTTPStatus

from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from directory.search import fair_order, find_place, matching_words, near
from enterprises.models import EnterpriseCheck, ListingEvent, Service, Weekday
from enterprises.postcodes import METRES_PER_MILE, PostcodeError
from opendata import oruk

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
MAX_PROXIMITY_METRES = 100_000
MAX_SEARCH_LENGTH = 200
METHODS = "GET, HEAD, OPTIONS"

# The listing events at which council staff confirmed a listing: its `assured_date` is the latest of them.
ASSURING_ACTIONS = ("approved", "reviewed", "revision_approved", "reinstated")

# What a list item reads: fetching only these keeps rows narrow (a service's search document is large).
SUMMARY_FIELDS = (
    "name", "summary", "description", "minimum_age", "maximum_age", "cost_type", "cost_amount", "cost_note",
    "capacity", "capacity_confirmed_on", "cqc_registration", "updated_at",
    "venue_name", "venue_postcode", "venue_easting", "venue_northing",
    "enterprise__name", "enterprise__summary", "enterprise__description", "enterprise__email",
    "enterprise__website", "enterprise__updated_at", "enterprise__insurance_expires_on", "enterprise__review_due_on",
)

DAY_NAMES = {code: day for day, code in oruk.BYDAY.items()} | {
    label.lower(): value for value, label in Weekday.choices
} | {value: value for value in Weekday.values}


class ApiError(Exception):
    def __init__(self, status: int, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


def json_response(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error_response(status: int, message: str, parameter: str | None = None) -> JsonResponse:
    body = {"status": status, "error": HTTPStatus(status).phrase, "message": message}
    if parameter:
        body["parameter"] = parameter
    return json_response(body, status=status)


def open_endpoint(view):
    """Read-only and open to any web page: GET and HEAD run the view, OPTIONS answers a CORS preflight, anything
    else is a 405; every response carries `Access-Control-Allow-Origin: *`. CSRF does not apply: nothing changes."""

    @csrf_exempt
    @wraps(view)
    def endpoint(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = METHODS
            response["Access-Control-Allow-Headers"] = request.headers.get("Access-Control-Request-Headers", "*")
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = error_response(405, f"This API is read-only: use GET, not {request.method}")
        else:
            try:
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error_response(error.status, error.message, error.parameter)
        if request.method not in ("GET", "HEAD"):
            response["Allow"] = METHODS
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return endpoint


# Parameters ------------------------------------------------------------------------------------------------------


def _param(request, name: str) -> str:
    """A parameter's text, stripped. A NUL character is refused here, for every parameter: no filter could use one,
    and PostgreSQL refuses it in any text it is sent."""
    text = request.GET.get(name, "").strip()
    if "\x00" in text:
        raise ApiError(400, f"{name} must not contain a NUL character (%00)", name)
    return text


def _whole_number(request, name: str, *, default: int, low: int, high: int) -> int:
    text = _param(request, name)
    if not text:
        return default
    if not re.fullmatch(r"\d{1,10}", text) or not low <= int(text) <= high:
        raise ApiError(400, f"{name} must be a whole number from {low} to {high}", name)
    return int(text)


def _page_size(request) -> int:
    """`per_page`: a whole number from 1. More than MAX_PER_PAGE is served as MAX_PER_PAGE, not refused: clients ask
    for big pages (the DfE's checker asks for 500), the standard sets no maximum, and the page's `size` and
    `total_pages` say what was served, so a client that follows the pages still gets everything."""
    text = _param(request, "per_page")
    if not text:
        return DEFAULT_PER_PAGE
    if not re.fullmatch(r"0*[1-9][0-9]*", text):
        raise ApiError(400, f"per_page must be a whole number, 1 or more (a page holds at most {MAX_PER_PAGE})",
                       "per_page")
    digits = text.lstrip("0")
    return MAX_PER_PAGE if len(digits) > len(str(MAX_PER_PAGE)) else min(int(digits), MAX_PER_PAGE)


def _paging(request) -> tuple[int, int]:
    return _whole_number(request, "page", default=1, low=1, high=MAX_PAGE), _page_size(request)


def _number(request, name: str, *, high: int) -> Decimal | None:
    text = _param(request, name)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= high:
        raise ApiError(400, f"{name} must be a number from 0 to {high}", name)
    return value


def _uuid(request, name: str):
    text = _param(request, name)
    if not text:
        return None
    value = oruk.parse_uuid(text)
    if value is None:
        raise ApiError(400, f"{name} must be a UUID, like 3f7b145d-84af-42d7-8fae-eaca714b02b2", name)
    return value


def _day(request) -> str | None:
    text = _param(request, "day")
    if not text:
        return None
    day = DAY_NAMES.get(text.lower()) or DAY_NAMES.get(text.upper())
    if day is None:
        raise ApiError(400, "day must be a day of the week: MO, TU, WE, TH, FR, SA or SU (or its name)", "day")
    return day


TIME = re.compile(
    r"(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9])(?::(?P<second>[0-5][0-9]|60)(?:\.[0-9]+)?)?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<offset_hours>[01][0-9]|2[0-3]):?(?P<offset_minutes>[0-5][0-9]))?"
)


def _time(request, name: str) -> time | None:
    """A time of day as HH:MM (as HSDS writes opening times) or RFC 3339's full-time (09:30:00Z, 09:30:00+01:00,
    the 'time' format). Our times are UK local; a time with an offset is turned into UK time as on today's date."""
    text = _param(request, name)
    if not text:
        return None
    match = TIME.fullmatch(text)
    if match is None:
        raise ApiError(400, f"{name} must be a time of day, like 09:30 (or 09:30:00Z)", name)
    value = time(int(match["hour"]), int(match["minute"]), min(int(match["second"] or 0), 59))  # no leap second
    if match["utc"] or match["sign"]:
        offset = timedelta(hours=int(match["offset_hours"] or 0), minutes=int(match["offset_minutes"] or 0))
        given = datetime.combine(timezone.localdate(), value, dt_timezone(-offset if match["sign"] == "-" else offset))
        value = timezone.localtime(given).time()
    return value


def _place(request):
    """The postcode and the proximity in metres, as a Place and a distance in miles (None when not asked)."""
    postcode = _param(request, "postcode")
    proximity = _param(request, "proximity")
    if proximity and not postcode:
        raise ApiError(400, "proximity needs a postcode to measure from", "proximity")
    if not postcode:
        return None, None
    metres = 0
    if proximity:
        try:
            metres = Decimal(proximity)
        except InvalidOperation:
            metres = None
        if metres is None or not metres.is_finite() or not 0 < metres <= MAX_PROXIMITY_METRES:
            raise ApiError(400, f"proximity must be a number of metres, more than 0 and at most "
                                f"{MAX_PROXIMITY_METRES}", "proximity")
    try:
        place = find_place(postcode)
    except PostcodeError as error:
        raise ApiError(400, str(error), "postcode") from error
    return place, float(metres) / METRES_PER_MILE


def _term(vocabulary: oruk.Vocabulary, pk: int):
    return vocabulary.model.objects.only(*oruk.TERM_FIELDS).filter(pk=pk).first()


def _find_term(value):
    """The vocabulary and primary key of the taxonomy term with this id, or (None, None)."""
    for vocabulary in oruk.VOCABULARIES:
        pk = oruk.pk_from_id(vocabulary.kind, value)
        if pk is not None:
            return vocabulary, pk
    return None, None


def _vocabulary(value):
    return next((vocabulary for vocabulary in oruk.VOCABULARIES if vocabulary.id == str(value)), None)


# Queries ---------------------------------------------------------------------------------------------------------


def published_services():
    """What the public may see, with the date the council last confirmed each listing (`assured_at`)."""
    assured = (
        ListingEvent.objects.filter(enterprise=OuterRef("enterprise"), action__in=ASSURING_ACTIONS)
        .order_by("-at")
        .values("at")[:1]
    )
    return (
        Service.objects.published()
        .select_related("enterprise")
        .annotate(assured_at=Coalesce(Subquery(assured), F("enterprise__published_at")))
    )


def _quality_checks():
    return Prefetch(
        "enterprise__checks",
        queryset=EnterpriseCheck.objects.filter(kind=EnterpriseCheck.Kind.QUALITY_STANDARD).only(
            "enterprise_id", "kind", "checked_on"
        ),
    )


def _full(services):
    terms = [
        Prefetch(vocabulary.relation, queryset=vocabulary.model.objects.only(*oruk.TERM_FIELDS))
        for vocabulary in oruk.VOCABULARIES
    ]
    return services.prefetch_related(*terms, "coverage_areas", _quality_checks())


def filtered_services(request):
    """Published services matching the query's filters, in the site's fair order (best match, nearest, then a
    rotation that changes daily). Raises ApiError for a parameter it cannot use."""
    services = Service.objects.published()
    words = _param(request, "search")
    if len(words) > MAX_SEARCH_LENGTH:
        raise ApiError(400, f"search must be at most {MAX_SEARCH_LENGTH} characters", "search")
    if words:
        services = matching_words(services, words)

    term_id = _uuid(request, "taxonomy_term_id")
    if term_id is not None:
        vocabulary, pk = _find_term(term_id)
        if vocabulary is None:
            return services.none()
        through = getattr(Service, vocabulary.relation).through.objects
        services = services.filter(
            pk__in=through.filter(**{f"{vocabulary.model._meta.model_name}_id": pk}).values("service_id")
        )
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id is not None:
        vocabulary = _vocabulary(taxonomy_id)
        if vocabulary is None:
            return services.none()
        services = services.filter(pk__in=getattr(Service, vocabulary.relation).through.objects.values("service_id"))

    minimum_age = _number(request, "minimum_age", high=150)
    if minimum_age is not None:
        services = services.with_minimum_age_at_least(math.ceil(minimum_age))
    maximum_age = _number(request, "maximum_age", high=150)
    if maximum_age is not None:
        services = services.with_maximum_age_at_most(math.floor(maximum_age))
    day = _day(request)
    if day is not None:
        services = services.running_on([day])
    start_time = _time(request, "start_time")
    if start_time is not None:
        services = services.filter(opens_at__gte=start_time)
    end_time = _time(request, "end_time")
    if end_time is not None:
        services = services.filter(closes_at__lte=end_time)

    place, miles = _place(request)
    if place is not None:
        services = near(services, place, miles)
    return fair_order(services, day=timezone.localdate(), by_words=bool(words), by_distance=place is not None)


def page_of(matches, number: int, per_page: int, render) -> dict:
    """One page of services in two queries, whatever its size: first the page's ids in order, with the number of
    all matches (a window count), sorting only narrow rows so that sorting every match stays in memory; then those
    services with what `render` reads. A page past the end costs one query more, to count."""
    offset = (number - 1) * per_page
    found = list(matches.annotate(total_items=Window(Count("*"))).values_list("pk", "total_items")[
        offset : offset + per_page
    ])
    if found:
        total = found[0][1]
    else:
        total = matches.count() if number > 1 else 0
    ids = [pk for pk, _ in found]
    rows = {}
    if ids:
        rows = published_services().only(*SUMMARY_FIELDS).prefetch_related(_quality_checks()).in_bulk(ids)
    contents = [render(rows[pk]) for pk in ids if pk in rows]  # one unpublished in between is left out
    return oruk.page(contents, number=number, per_page=per_page, total=total)


def _list_page(items: list, request, render) -> dict:
    number, per_page = _paging(request)
    offset = (number - 1) * per_page
    chosen = items[offset : offset + per_page]
    return oruk.page([render(item) for item in chosen], number=number, per_page=per_page, total=len(items))


def _path_id(text: str, what: str):
    value = oruk.parse_uuid(text)
    if value is None:
        shown = text if len(text) <= 60 else text[:60] + "…"
        raise ApiError(400, f"A {what} id is a UUID, like 3f7b145d-84af-42d7-8fae-eaca714b02b2, not {shown}", "id")
    return value


def _not_found(what: str, value) -> ApiError:
    return ApiError(404, f"There is no published {what} with the id {value}")


# Endpoints -------------------------------------------------------------------------------------------------------


@open_endpoint
def root(request):
    return json_response({"version": oruk.HSDS_VERSION, "profile": oruk.PROFILE_URL, "openapi_url": oruk.OPENAPI_URL})


@open_endpoint
def services(request):
    number, per_page = _paging(request)
    return json_response(page_of(filtered_services(request), number, per_page, oruk.service_summary))


@open_endpoint
def service(request, id):
    value = _path_id(id, "service")
    pk = oruk.pk_from_id("service", value)
    found = _full(published_services()).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise _not_found("service", value)
    return json_response(oruk.service_detail(found))


@open_endpoint
def service_at_locations(request):
    number, per_page = _paging(request)
    found = filtered_services(request).exclude(venue_postcode="")
    return json_response(page_of(found, number, per_page, oruk.service_at_location_summary))


@open_endpoint
def service_at_location(request, id):
    value = _path_id(id, "service_at_location")
    pk = oruk.pk_from_id("service_at_location", value)
    found = None
    if pk is not None:
        found = _full(published_services()).exclude(venue_postcode="").filter(pk=pk).first()
    if found is None:
        raise _not_found("service_at_location", value)
    return json_response(oruk.service_at_location_detail(found))


@open_endpoint
def taxonomies(request):
    return json_response(_list_page(list(oruk.VOCABULARIES), request, oruk.taxonomy))


@open_endpoint
def taxonomy(request, id):
    value = _path_id(id, "taxonomy")
    vocabulary = _vocabulary(value)
    if vocabulary is None:
        raise ApiError(404, f"There is no taxonomy with the id {value}")
    return json_response(oruk.taxonomy(vocabulary, vocabulary.model.objects.only(*oruk.TERM_FIELDS)))


@open_endpoint
def taxonomy_terms(request):
    chosen = oruk.VOCABULARIES
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id is not None:
        vocabulary = _vocabulary(taxonomy_id)
        chosen = (vocabulary,) if vocabulary is not None else ()
    terms = [(vocabulary, term) for vocabulary in chosen for term in vocabulary.model.objects.only(*oruk.TERM_FIELDS)]
    return json_response(_list_page(terms, request, lambda item: oruk.taxonomy_term(*item)))


@open_endpoint
def taxonomy_term(request, id):
    value = _path_id(id, "taxonomy term")
    vocabulary, pk = _find_term(value)
    term = _term(vocabulary, pk) if vocabulary is not None else None
    if term is None:
        raise ApiError(404, f"There is no taxonomy term with the id {value}")
    return json_response(oruk.taxonomy_term(vocabulary, term))


ENDPOINTS = (
    "/", "/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}", "/taxonomies",
    "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}",
)


@open_endpoint
def not_found(request, path=""):
    raise ApiError(404, "There is no such endpoint. This API has: " + ", ".join(ENDPOINTS))
