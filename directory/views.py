from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from directory.filters import ServiceFilter
from directory.paging import page_links, page_of
from directory.search_log import record_search
from directory.shortlist import add_to_shortlist, keep_only_in_shortlist, remove_from_shortlist, shortlisted_ids
from enterprises.models import Category, Enterprise, Service


# What a result shows: fetching only these keeps the rows narrow while PostgreSQL counts and sorts every match.
RESULT_FIELDS = [
    "name", "summary", "venue_name", "delivery", "cost_type", "cost_amount", "capacity", "capacity_confirmed_on",
    "enterprise__name", "enterprise__summary", "enterprise__slug",
]


def public_services():
    return Service.objects.published().select_related("enterprise")


@require_GET
def home(request):
    return render(
        request,
        "directory/home.html",
        {"filter": ServiceFilter(queryset=Service.objects.none()), "categories": Category.objects.all()},
    )


@require_GET
def search(request):
    service_filter = ServiceFilter(request.GET, queryset=public_services())
    page = None
    if service_filter.is_valid():
        results = service_filter.qs.only(*RESULT_FIELDS).prefetch_related("categories")
        page = page_of(results, request.GET.get("page"), settings.RESULTS_PER_PAGE)
        if request.GET and "page" not in request.GET:
            record_search(service_filter, result_count=page.paginator.count)
    return render(
        request,
        "directory/search.html",
        {
            "filter": service_filter,
            "form": service_filter.form,
            "page": page,
            "page_links": page_links(page) if page is not None else [],
            "shortlist": set(shortlisted_ids(request.session)),
            "wider_distance": _wider_distance(service_filter),
        },
    )


def _wider_distance(service_filter):
    if service_filter.place is None or not service_filter.form.is_valid():
        return None
    current = int(service_filter.form.cleaned_data["distance"])
    wider = [miles for miles in settings.SEARCH_DISTANCES_MILES if miles > current]
    return wider[0] if wider else None


@require_GET
def service_detail(request, pk):
    service = get_object_or_404(
        public_services().prefetch_related("categories", "client_groups", "coverage_areas", "enterprise__checks"),
        pk=pk,
    )
    others = public_services().filter(enterprise=service.enterprise).exclude(pk=service.pk)
    return render(
        request,
        "directory/service.html",
        {"service": service, "other_services": others, "shortlist": set(shortlisted_ids(request.session))},
    )


@require_GET
def enterprise_detail(request, slug):
    enterprise = get_object_or_404(
        Enterprise.objects.published().prefetch_related(
            "checks", Prefetch("services", queryset=Service.objects.prefetch_related("categories"))
        ),
        slug=slug,
    )
    return render(
        request,
        "directory/enterprise.html",
        {"enterprise": enterprise, "shortlist": set(shortlisted_ids(request.session))},
    )


def _shortlisted_services(request):
    """The shortlist's services still listed in public, forgetting any that have been unpublished since."""
    ids = shortlisted_ids(request.session)
    found = public_services().prefetch_related("categories").in_bulk(ids)
    if len(found) < len(ids):
        keep_only_in_shortlist(request.session, found.keys())
    return [found[pk] for pk in ids if pk in found]


@require_GET
def shortlist(request):
    return render(request, "directory/shortlist.html", {"services": _shortlisted_services(request)})


@require_GET
def shortlist_print(request):
    return render(request, "directory/shortlist_print.html", {"services": _shortlisted_services(request)})


def _back(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


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
        },
    )


@require_GET
def cookies(request):
    return render(request, "directory/cookies.html")
