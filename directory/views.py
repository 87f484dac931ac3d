from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from core.http import safe_next
from core.paging import page_links, page_of
from directory.filters import ServiceFilter
from directory.page_cache import Content, page_response, public_page
from directory.search_log import record_search, search_record_fields, visitor_code
from directory.service_page import accessibility_rows, directions_url, last_updated, service_map, with_page_facts
from directory.shortlist import add_to_shortlist, keep_only_in_shortlist, remove_from_shortlist, shortlisted_ids
from enterprises.models import Category, Enterprise, Service

# What a result shows: fetching only these keeps the rows narrow while PostgreSQL counts and sorts every match.
RESULT_FIELDS = [
    "name", "summary", "venue_name", "delivery", "cost_type", "cost_amount", "capacity", "capacity_confirmed_on",
    "enterprise__name", "enterprise__summary", "enterprise__slug",
]


def public_services():
    # The full-text document is for searching only; it is as long as the service's text and nothing shows it.
    return Service.objects.published().select_related("enterprise").defer("search_vector")


@require_GET
def home(request):
    return page_response(request, public_page(request, "home", lambda: _home_content(request)))


def _home_content(request) -> Content:
    context = {"filter": ServiceFilter(queryset=Service.objects.none()), "categories": Category.objects.all()}
    return Content(
        title="Find care and support near you",
        html=render_to_string("directory/_home_content.html", context, request),
    )


@require_GET
def search(request):
    page = public_page(request, "search", lambda: _search_content(request))
    if page.search_record is not None:
        record_search(page.search_record, visitor=visitor_code(request))
    return page_response(request, page)


def _search_content(request) -> Content:
    service_filter = ServiceFilter(request.GET, queryset=public_services())
    page = None
    search_record = None
    if service_filter.is_valid():
        results = service_filter.qs.only(*RESULT_FIELDS).prefetch_related("categories")
        page = page_of(results, request.GET.get("page"), settings.RESULTS_PER_PAGE)
        if request.GET and "page" not in request.GET:
            search_record = search_record_fields(service_filter, result_count=page.paginator.count)
    heading = _results_heading(page)
    context = {
        "filter": service_filter,
        "form": service_filter.form,
        "page": page,
        "heading": heading,
        "page_links": page_links(page) if page is not None else [],
        "wider_distance": _wider_distance(service_filter),
    }
    return Content(
        title=f"Error: {heading}" if service_filter.form.errors else heading,
        html=render_to_string("directory/_search_content.html", context, request),
        search_record=search_record,
    )


def _results_heading(page) -> str:
    """The results page's h1 (before "near WR1 2EY") and its title: how many were found."""
    if page is None:
        return "Search"
    count = page.paginator.count
    return f"{count} service{pluralize(count)} found" if count else "No services found"


def _wider_distance(service_filter):
    if service_filter.place is None or not service_filter.form.is_valid():
        return None
    current = int(service_filter.form.cleaned_data["distance"])
    wider = [miles for miles in settings.SEARCH_DISTANCES_MILES if miles > current]
    return wider[0] if wider else None


@require_GET
def service_detail(request, pk):
    page = public_page(request, "service", lambda: _service_content(request, pk), back_to_search=True)
    return page_response(request, page)


def _service_content(request, pk) -> Content:
    service = get_object_or_404(
        with_page_facts(public_services()).prefetch_related(
            "categories", "client_groups", "coverage_areas", "enterprise__checks"
        ),
        pk=pk,
    )
    # What is published is decided by the enterprise, so every other service of this one is published too.
    others = Service.objects.filter(enterprise_id=service.enterprise_id).exclude(pk=service.pk).only("name")
    context = {
        "service": service,
        "other_services": others,
        "accessibility": accessibility_rows(service),
        "directions": directions_url(service.venue_postcode) if service.venue_postcode else None,
        "updated_at": last_updated(service),
        "service_map": service_map(service),
        "map_tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
    }
    return Content(title=service.name, html=render_to_string("directory/_service_content.html", context, request))


@require_GET
def enterprise_detail(request, slug):
    return page_response(request, public_page(request, "enterprise", lambda: _enterprise_content(request, slug)))


def _enterprise_content(request, slug) -> Content:
    enterprise = get_object_or_404(
        Enterprise.objects.published().prefetch_related(
            "checks", Prefetch("services", queryset=Service.objects.prefetch_related("categories"))
        ),
        slug=slug,
    )
    html = render_to_string("directory/_enterprise_content.html", {"enterprise": enterprise}, request)
    return Content(title=enterprise.name, html=html)


def _shortlisted_services(request):
    """The shortlist's services still listed in public, forgetting any that have been unpublished since."""
    ids = shortlisted_ids(request.session)
    found = public_services().in_bulk(ids)
    if len(found) < len(ids):
        keep_only_in_shortlist(request.session, found.keys())
    return [found[pk] for pk in ids if pk in found]


@require_GET
def shortlist(request):
    # The same shortlist gives the same page, so a person coming back to theirs is served it from the cache.
    ids = ",".join(str(pk) for pk in shortlisted_ids(request.session))
    page = public_page(request, f"shortlist:{ids}", lambda: _shortlist_content(request))
    return page_response(request, page)


def _shortlist_content(request) -> Content:
    context = {"services": _shortlisted_services(request)}
    return Content(title="Your shortlist", html=render_to_string("directory/_shortlist_content.html", context, request))


@require_GET
def shortlist_print(request):
    return render(request, "directory/shortlist_print.html", {"services": _shortlisted_services(request)})


def _back(request, fallback):
    """To the page the button was on (`next`, when it is a page of this site), otherwise to `fallback`."""
    return redirect(safe_next(request, request.POST.get("next")) or fallback)


@require_POST
def shortlist_add(request, pk):
    service = get_object_or_404(public_services(), pk=pk)
    add_to_shortlist(request.session, service.pk)
    messages.success(request, f"{service.name} is on your shortlist")
    return _back(request, "shortlist")


@require_POST
def shortlist_remove(request, pk):
    remove_from_shortlist(request.session, pk)
    messages.success(request, "Removed from your shortlist")
    return _back(request, "shortlist")


@require_GET
def accessibility(request):
    return render(request, "directory/accessibility.html")


@require_GET
def privacy(request):
    return render(
        request,
        "directory/privacy.html",
        {
            "retention_months": settings.REFERRAL_RETENTION_MONTHS,
            "sign_in_attempts_kept_days": settings.SIGN_IN_ATTEMPTS_KEPT_DAYS,
            "search_words_min_visitors": settings.SEARCH_WORDS_MIN_VISITORS,
            "search_record_months": settings.SEARCH_RECORD_RETENTION_MONTHS,
        },
    )


@require_GET
def cookies(request):
    return render(request, "directory/cookies.html")
