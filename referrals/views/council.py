"""Council staff: the referrals to their council's listings, by reference and status, and those passed to them
because nobody answered even after a reminder — never the people's details.

Every row comes from `council_referrals(request.user)`, which defers the personal fields, and the templates read
none of them, so no query for these pages so much as selects a person's name (a test checks the SQL).
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.paging import page_links, page_of
from enterprises.access import staff_required
from referrals.access import council_referrals, status_filter
from referrals.reminders import days_to_first_answer, no_response_cutoff, waiting_too_long, working_days_waited

PER_PAGE = 50


@require_GET
@staff_required
def referrals(request):
    scope = council_referrals(request.user)
    cutoff = no_response_cutoff()
    chosen = status_filter(scope, request.GET.get("status"), cutoff)
    page = page_of(
        chosen.rows
        .select_related("enterprise", "organisation", "referring_enterprise")
        .order_by("-sent_at", "-pk"),
        request.GET.get("page"),
        PER_PAGE,
    )
    for referral in page.object_list:
        referral.waiting_too_long = waiting_too_long(referral, cutoff=cutoff)
        referral.days_to_first_answer = days_to_first_answer(referral)
    return render(
        request,
        "referrals/council_list.html",
        {
            "status": chosen.status,
            "status_label": chosen.label,
            "statuses": chosen.statuses,
            "page": page,
            "page_links": page_links(page),
            "unanswered_count": council_referrals(request.user).escalated().count(),
        },
    )


@require_GET
@staff_required
def unanswered(request):
    """Referrals still unanswered after the provider was reminded, the longest waiting first, with the provider's
    contact details so that staff can chase them."""
    page = page_of(
        council_referrals(request.user)
        .escalated()
        .select_related("enterprise", "organisation", "referring_enterprise")
        .order_by("sent_at", "pk"),
        request.GET.get("page"),
        PER_PAGE,
    )
    today = timezone.localdate()
    for referral in page.object_list:
        referral.working_days_waited = working_days_waited(referral, today)
    return render(request, "referrals/council_unanswered.html", {"page": page, "page_links": page_links(page)})
