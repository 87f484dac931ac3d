from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import safe_next
from core.notifications import queue_email
from core.paging import page_links
from directory.filters import FILTERS, SEARCH, ServiceFilter, search_box_form, taxonomies
from directory.forms import EmailShortlistForm, SharedCodeForm
from directory.page_cache import Content, page_response, public_page
from directory.search import results_page
from directory.search_log import record_search, search_record_fields, visitor_code
from directory.service_page import directions_url, last_updated, page_facts, service_map, with_page_facts
from directory.shortlist import (
    add_all_to_shortlist,
    add_to_shortlist,
    keep_only_in_shortlist,
    normalise_code,
    readable_code,
    remove_from_shortlist,
    share,
    shared_ids,
    shortlisted_ids,
    whereabouts,
)
from enterprises import ratelimits
from enterprises.models import Enterprise, Service
from enterprises.postcodes import remember_searched_postcode


def public_services():
    # The full-text document is for searching only; it is as long as the service's text and nothing shows it.
    return Service.objects.published().select_related("enterprise").defer("search_vector")


@require_GET
def home(request):
    return page_response(request, public_page(request, "home", lambda: _home_content(request), kept=True))


def _home_content(request) -> Content:
    context = {
        "form": search_box_form(),
        "categories": taxonomies(request).categories,
    }
    return Content(
        title="Find care and support near you",
        html=render_to_string("directory/_home_content.html", context, request),
    )


@require_GET
def search(request):
    from_nowhere = not request.GET.get("postcode", "").strip()  # the browse links and words alone: asked alike
    page = public_page(request, "search", lambda: _search_content(request), kept=from_nowhere)
    if page.search_record is not None:
        record_search(page.search_record, visitor=visitor_code(request))
    return page_response(request, page)


def _search_content(request) -> Content:
    service_filter = ServiceFilter(request.GET, queryset=Service.objects.published(), request=request)
    page = None
    search_record = None
    nearest, filters_to_drop = None, []
    if service_filter.is_valid():
        page = results_page(service_filter.qs, request.GET.get("page"), settings.RESULTS_PER_PAGE)
        if request.GET and "page" not in request.GET:
            search_record = search_record_fields(service_filter, result_count=page.paginator.count)
        place = service_filter.place
        if place is not None and place.is_full_postcode and request.user.is_authenticated:
            remember_searched_postcode(request.session, place.postcode)
        if not page.paginator.count and request.GET:
            if place is not None:
                nearby = service_filter.nearest(settings.SEARCH_NEAREST_MILES)
                nearest = results_page(nearby, 1, settings.SEARCH_NEAREST_COUNT)
            filters_to_drop = service_filter.filters_to_drop()
    heading = _results_heading(page)
    context = {
        "filter": service_filter,
        "form": service_filter.form,
        "page": page,
        "heading": heading,
        "where": _where(service_filter) if page is not None else "",
        "page_links": page_links(page) if page is not None else [],
        "nearest": nearest,
        "nearest_miles": settings.SEARCH_NEAREST_MILES,
        "wider_distance": _wider_distance(service_filter, nearest),
        "filters_to_drop": filters_to_drop,
        **_filter_panel(service_filter),
    }
    return Content(
        title=f"Error: {heading}" if service_filter.form.errors else f"{heading} {context['where']}".strip(),
        html=render_to_string("directory/_search_content.html", context, request),
        search_record=search_record,
    )


def _filter_panel(service_filter) -> dict:
    """The tags of the filters chosen, each taking one away, and whether the panel opens by itself (an answer in it
    needs correcting). The search's own fields ride along in the other form as hidden fields, as typed."""
    form = service_filter.form
    query = service_filter.request.GET
    return {
        "selected_filters": service_filter.selected_filters(),
        "clear_filters_url": service_filter.clear_filters_url(),
        "filters_open": any(name in form.errors for name in FILTERS),
        "search_fields_carried": [(name, value) for name in SEARCH for value in query.getlist(name)],
        "filters_carried": [(name, value) for name in FILTERS for value in query.getlist(name)],
        "sorted_by": service_filter.sorted_by if form.is_valid() else None,
        "show_sort": "sort" in form.errors or (
            form.is_valid() and bool(form.cleaned_data["q"].strip()) and service_filter.place is not None
        ),
    }


def _where(service_filter) -> str:
    """The end of the results' heading: "within 5 miles of Evesham"."""
    if service_filter.place is None:
        return ""
    miles = int(service_filter.form.cleaned_data["distance"])
    return f"within {miles} mile{pluralize(miles)} of {service_filter.place.name}"


def _results_heading(page) -> str:
    """The results page's h1 (before "within 5 miles of Evesham") and its title: how many were found."""
    if page is None:
        return "Search"
    count = page.paginator.count
    return f"{count} service{pluralize(count)} found" if count else "No services found"


def _wider_distance(service_filter, nearest):
    """The shortest distance to choose that finds the nearest of `nearest`; None when none of the choices would."""
    if service_filter.place is None or not nearest:
        return None
    closest = min(result.venue_miles for result in nearest.object_list if result.venue_miles is not None)
    wider = [miles for miles in settings.SEARCH_DISTANCES_MILES if miles >= closest]
    return wider[0] if wider else None


@require_GET
def service_detail(request, pk):
    page = public_page(request, "service", lambda: _service_content(request, pk), back_to_search=True)
    return page_response(request, page)


def _service_content(request, pk) -> Content:
    service = page_facts(get_object_or_404(with_page_facts(public_services()), pk=pk))
    context = {
        "service": service,
        # What is published is decided by the enterprise, so every other service of this one is published too.
        "other_services": service.other_services,
        "accessibility": service.accessibility_answers(),
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
    page = public_page(request, "shortlist", lambda: _shortlist_content(request))
    return page_response(request, page)


def _shortlist_content(request) -> Content:
    context = {"services": _shortlisted_services(request)}
    return Content(title="Your shortlist", html=render_to_string("directory/_shortlist_content.html", context, request))


@require_GET
def shortlist_print(request):
    return render(request, "directory/shortlist_print.html", {"services": _shortlisted_services(request)})


# Sharing a shortlist -------------------------------------------------------------------------------------------------


def _too_many(response, refusal):
    """429 Too Many Requests, with Retry-After, when the page says the network is over its limit."""
    if refusal is not None:
        response.status_code = 429
        response["Retry-After"] = str(refusal.retry_after)
    return response


@require_POST
def shortlist_share(request):
    """Make (or find) the code of the visitor's shortlist, and show them its link, its code and the email form."""
    ids = [service.pk for service in _shortlisted_services(request)]
    if not ids:
        messages.info(request, "Your shortlist is empty: there is nothing to share")
        return redirect("shortlist")
    refusal = ratelimits.attempt(request, "shortlist_share")
    if refusal is not None:
        return _too_many(render(request, "directory/shortlist_refused.html", {"refusal": refusal}), refusal)
    url = reverse("shortlist_sharing", args=[readable_code(share(ids))])
    return redirect(url + ("#email" if request.POST.get("then") == "email" else ""))


def _shared(code: str):
    """The stored code, and the shared list's services still listed in public (in the list's order) with how many
    are not; 404 for a code that is no shared list."""
    stored = normalise_code(code)
    ids = shared_ids(stored) if stored else None
    if ids is None:
        raise Http404("No shared list has this code")
    found = public_services().in_bulk(ids)
    return stored, [found[pk] for pk in ids if pk in found], len(ids) - len(found)


@sensitive_post_parameters("email")
@require_http_methods(["GET", "HEAD", "POST"])
def shortlist_sharing(request, code):
    """The person who shared a list: its link and code to pass on, and a form to email it."""
    stored, services, _ = _shared(code)
    if readable_code(stored) != code:
        return redirect("shortlist_sharing", readable_code(stored), permanent=True)
    form = EmailShortlistForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            refusal = ratelimits.attempt(request, "shortlist_email")
            if refusal is None:
                _email_shortlist(form.cleaned_data["email"], stored, services)
        if refusal is None:
            messages.success(request, f"We have sent your shortlist to {form.cleaned_data['email']}")
            return redirect("shortlist_sharing", readable_code(stored))
        form.refuse(refusal)
    link = request.build_absolute_uri(reverse("shared_shortlist", args=[readable_code(stored)]))
    context = {"code": readable_code(stored), "link": link, "services": services, "form": form}
    return _too_many(render(request, "directory/shortlist_sharing.html", context), refusal)


def _email_shortlist(to: str, code: str, services) -> None:
    """The list, its link and its code, with each service's phone number and whereabouts, to an address someone
    typed: queued in the caller's transaction, and the address forgotten once sent."""
    code = readable_code(code)
    link = f"{settings.SITE_URL}{reverse('shared_shortlist', args=[code])}"
    rows = [(service, whereabouts(service)) for service in services]
    context = {"services": rows, "link": link, "code": code, "site_url": settings.SITE_URL,
               "SITE_NAME": settings.SITE_NAME}
    body = render_to_string("directory/shortlist_email.txt", context)
    queue_email(to, f"A shortlist of services from {settings.SITE_NAME}", body, kind="shortlist",
                fields={"link": link, "code": code}, keep_recipient=False)


@require_GET
def shared_shortlist(request, code):
    """A shared list, read-only, the same for everyone: nothing of the visitor's own shortlist is on it except what
    the layout's slots fill in."""
    stored = normalise_code(code)
    if stored is not None and readable_code(stored) != code:
        return redirect("shared_shortlist", readable_code(stored), permanent=True)
    page = public_page(request, "shared-shortlist", lambda: _shared_content(request, code))
    return page_response(request, page)


def _shared_content(request, code) -> Content:
    stored, services, gone = _shared(code)
    context = {"services": services, "gone": gone, "code": readable_code(stored)}
    return Content(title="A shared shortlist",
                   html=render_to_string("directory/_shared_shortlist_content.html", context, request))


@require_POST
def shared_shortlist_add(request, code):
    _, services, _ = _shared(code)
    added = add_all_to_shortlist(request.session, [service.pk for service in services])
    if added:
        messages.success(request, f"{len(added)} service{pluralize(len(added))} added to your shortlist")
    else:
        messages.success(request, "These services are already on your shortlist")
    return redirect("shortlist")


@require_GET
def shortlist_open(request):
    """Open a list from its code, typed in (read out over the phone, or copied from a letter)."""
    form = SharedCodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("shared_shortlist", readable_code(form.cleaned_data["code"]))
    return render(request, "directory/shortlist_open.html", {"form": form})


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
            "enquiry_retention_months": settings.ENQUIRY_RETENTION_MONTHS,
            "sign_in_attempts_kept_days": settings.SIGN_IN_ATTEMPTS_KEPT_DAYS,
            "search_words_min_visitors": settings.SEARCH_WORDS_MIN_VISITORS,
            "search_record_months": settings.SEARCH_RECORD_RETENTION_MONTHS,
        },
    )


@require_GET
def cookies(request):
    return render(request, "directory/cookies.html")
