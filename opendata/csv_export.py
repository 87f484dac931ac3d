"""Open data: the page that explains it, and every published service as one CSV file for spreadsheet users.

The CSV is streamed a row at a time from a server-side cursor, so the whole directory never sits in memory, and its
cells are made safe for spreadsheets by `core.spreadsheets` (no formulas planted by a listing; a byte order mark).
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.spreadsheets import csv_lines
from enterprises.models import Area, Category, ClientGroup, Service
from opendata import api, oruk


def _joined(values) -> str:
    return "; ".join(value for value in values if value)


def _accessibility(service: Service) -> str:
    features = [label for field, label in oruk.ACCESSIBILITY_FEATURES if getattr(service, field)]
    return _joined([*features, service.accessibility_note.strip()])


def _last_updated(service: Service) -> str:
    return timezone.localdate(max(service.updated_at, service.enterprise.updated_at)).isoformat()


COLUMNS = (
    ("Service ID", lambda s: s.pk),
    ("Open Referral UK ID", lambda s: oruk.oruk_id("service", s.pk)),
    ("Service name", lambda s: s.name),
    ("Provider", lambda s: s.enterprise.name),
    ("Summary", lambda s: s.summary),
    ("Types of support", lambda s: _joined(s.category_names)),
    ("Who it is for", lambda s: _joined(s.client_group_names)),
    ("How it is delivered", lambda s: _joined(s.delivery_labels())),
    ("Venue", lambda s: s.venue_name),
    ("Venue address", lambda s: ", ".join(line.strip() for line in s.venue_address.splitlines() if line.strip())),
    ("Venue postcode", lambda s: s.venue_postcode),
    ("Areas covered", lambda s: _joined(oruk.public_coverage(s, s.area_names))),
    ("Minimum age", lambda s: s.minimum_age),
    ("Maximum age", lambda s: s.maximum_age),
    ("Cost", oruk.fees),
    ("Ways to pay", lambda s: _joined(s.ways_to_pay_labels())),
    ("Days and times", lambda s: s.days_and_times),
    ("When it runs", lambda s: s.schedule_note),
    ("Taking new people", lambda s: s.public_capacity_label),
    ("Capacity confirmed on", lambda s: s.capacity_confirmed_on.isoformat() if s.capacity_is_current else ""),
    ("Languages spoken", lambda s: s.languages),
    ("Accessibility", _accessibility),
    ("Phone", lambda s: s.enterprise.phone),
    ("Email", lambda s: s.enterprise.email),
    ("Website", lambda s: s.enterprise.website),
    ("Service page", lambda s: oruk.absolute_url(s.get_absolute_url())),
    ("Last updated", _last_updated),
)


def _names(model, link: str):
    """The names of a service's categories, client groups or areas, in their usual order, as an array column."""
    return ArraySubquery(model.objects.filter(**{link: OuterRef("pk")}).order_by(*model._meta.ordering).values("name"))


def csv_services():
    """Every published service with what its row reads, in one query: the names of its categories, client groups
    and areas come as arrays, so there is nothing to prefetch per chunk. Oldest first: a stable order, so that one
    download can be compared with the next."""
    return (
        Service.objects.published()
        .select_related("enterprise")
        .defer("search_vector")
        .annotate(
            category_names=_names(Category, "services"),
            client_group_names=_names(ClientGroup, "services"),
            area_names=_names(Area, "services_covering"),
        )
        .order_by("pk")
    )


def csv_rows(services):
    """The heading row, then a row for each service, read from the database in chunks."""
    yield [heading for heading, _ in COLUMNS]
    for service in services.iterator(chunk_size=2000):
        yield [value(service) for _, value in COLUMNS]


@require_safe
def services_csv(request):
    if request.method == "HEAD":  # the headers alone, without reading every listing
        response = HttpResponse(content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(csv_lines(csv_rows(csv_services())), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="services-{timezone.localdate().isoformat()}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_data(request):
    api_url = oruk.absolute_url(reverse("oruk:root")).rstrip("/")
    count = Service.objects.published().count()
    return render(
        request,
        "directory/open_data.html",
        {
            "api_url": api_url,
            "example_url": f"{api_url}/service_at_locations?postcode=WR1+2EY&proximity=5000&per_page=100",
            "service_count": count,
            "service_count_text": f"{count:,}",
            "columns": [heading for heading, _ in COLUMNS],
            "default_per_page": api.DEFAULT_PER_PAGE,
            "max_per_page": api.MAX_PER_PAGE,
            "max_proximity": api.MAX_PROXIMITY_METRES,
        },
    )
