"""Following referrals: the referrer's team's list, a referral with its timeline and a reply box, and withdrawing one.

Every referral is looked up in `sent_referrals(request.user)`, so a referral another team sent (or one sent to the
person's own enterprise) is a 404 here. The actions are `referrals.lifecycle` functions: a view validates the form,
calls the function, and either redirects to the referral with a success message or, when the function refuses
(`TransitionError`: the provider has just moved the referral on), shows the page again with the reason, as 409.
Opening a page that shows the person's details is recorded in the access log.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.paging import page_links, page_of
from enterprises.access import referrer_organisations
from enterprises.listings import TransitionError
from referrals import lifecycle
from referrals.access import may_refer, record_access, record_list_access, sent_referrals, status_filter
from referrals.forms_following import MessageForm, StatusFilterForm, WithdrawForm
from referrals.models import Referral
from referrals.reminders import no_response_cutoff, waiting_too_long, working_days_waited

PER_PAGE = 25
INVALID = 400
CONFLICT = 409


def referrer_required(view):
    """People who may refer, and anyone whose team has sent referrals (a provider whose listing has since been
    suspended still follows what they sent). Anyone else signed in is refused with 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (may_refer(request.user) or sent_referrals(request.user).exists()):
            raise PermissionDenied("Only referrers can use this page")
        return view(request, *args, **kwargs)

    return wrapper


# The list ------------------------------------------------------------------------------------------------------------


@require_GET
@referrer_required
def my_referrals(request):
    scope = sent_referrals(request.user)
    cutoff = no_response_cutoff()
    chosen = status_filter(scope, request.GET.get("status"), cutoff)
    page = page_of(
        chosen.rows.select_related("enterprise").order_by("-sent_at", "-pk"),
        request.GET.get("page"),
        PER_PAGE,
    )
    for referral in page.object_list:
        referral.waiting_too_long = waiting_too_long(referral, cutoff=cutoff)
    record_list_access(page.object_list, request.user)
    return render(
        request,
        "referrals/mine.html",
        {
            "filter_form": StatusFilterForm(request.GET, counts=chosen.counts),
            "status": chosen.status,
            "status_label": chosen.label,
            "total": chosen.total,
            "in_a_team": referrer_organisations(request.user).exists(),
            "page": page,
            "page_links": page_links(page),
        },
    )


# A referral ----------------------------------------------------------------------------------------------------------


def _referral(user, reference: str) -> Referral:
    return get_object_or_404(
        sent_referrals(user).select_related(
            "enterprise__council", "referrer", "organisation", "referring_enterprise"
        ),
        reference=reference,
    )


def _detail_page(request, referral: Referral, *, form=None, status: int = 200):
    """The referral with the person's details, its timeline and the reply box; `form` is a refused message."""
    record_access(referral, request.user)
    today = timezone.localdate()
    referral.waiting_too_long = waiting_too_long(referral, cutoff=no_response_cutoff(today))
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "events": referral.events.select_related("actor"),
            "form": form or MessageForm(enterprise_name=referral.enterprise.name),
            "working_days_waiting": working_days_waited(referral, today),
            "retention_months": settings.REFERRAL_RETENTION_MONTHS,
        },
        status=status,
    )


@require_GET
@referrer_required
def detail(request, reference):
    return _detail_page(request, _referral(request.user, reference))


@require_POST
@referrer_required
def message(request, reference):
    referral = _referral(request.user, reference)
    form = MessageForm(request.POST, enterprise_name=referral.enterprise.name)
    if not form.is_valid():
        return _detail_page(request, referral, form=form, status=INVALID)
    try:
        lifecycle.send_message(referral=referral, by=request.user, text=form.cleaned_data["message"])
    except TransitionError as error:
        form.add_error(None, str(error))
        referral.refresh_from_db()
        return _detail_page(request, referral, form=form, status=CONFLICT)
    messages.success(request, f"Your message has been sent to {referral.enterprise.name}")
    return redirect(referral)


def _withdraw_page(request, referral: Referral, form, *, status: int = 200):
    return render(request, "referrals/withdraw.html", {"referral": referral, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@referrer_required
def withdraw(request, reference):
    referral = _referral(request.user, reference)
    if request.method == "GET":
        return _withdraw_page(request, referral, WithdrawForm())
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _withdraw_page(request, referral, form, status=INVALID)
    try:
        lifecycle.withdraw(referral=referral, by=request.user, message=form.cleaned_data["reason"])
    except TransitionError as error:
        form.add_error(None, str(error))
        referral.refresh_from_db()
        return _withdraw_page(request, referral, form, status=CONFLICT)
    messages.success(request, f"Referral {referral.reference} is withdrawn. {referral.enterprise.name} has been told")
    return redirect(referral)
