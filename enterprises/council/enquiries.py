"""Council staff (the local catalyst): the enquiries from people who want to start a micro-enterprise, and moving
each through its stages.

Staff only (`staff_required`), and every enquiry comes from `council_enquiries(request.user)`, so another council's
is a 404. The list shows no one's details; an enquiry's page does, and each opening of it is logged
(`enquiries.record_access`). The moves are `enterprises.enquiries` functions: a view validates the form, calls the
function, and either goes back to the enquiry with a success message or, when the function refuses (someone else
moved it first), shows the page again with the reason, as 409.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.paging import page_links, page_of
from core.status_filter import filter_by_status
from enterprises import enquiries
from enterprises.access import council_enquiries, council_enterprises, staff_required
from enterprises.council.enquiry_forms import EnquiryForm, NotGoingAheadForm, StartedForm
from enterprises.enquiries import TransitionError
from enterprises.models import Enquiry

Stage = Enquiry.Stage
CONFLICT = 409
PER_PAGE = 50
STAGE_FILTERS = [("", "All"), *Stage.choices]


@require_GET
@staff_required
def enquiry_list(request):
    chosen = filter_by_status(council_enquiries(request.user), request.GET.get("stage"), STAGE_FILTERS,
                              field_name="stage")
    page = page_of(
        chosen.rows.select_related("area", "enterprise").only(
            "reference", "stage", "received_at", "area__name", "enterprise__name", "enterprise__slug"
        ).order_by("-received_at", "-pk"),
        request.GET.get("page"),
        PER_PAGE,
    )
    return render(request, "council/enquiries.html", {
        "stage": chosen.status, "stage_label": chosen.label, "stages": chosen.statuses,
        "page": page, "page_links": page_links(page),
    })


def _enquiry(user, reference: str) -> Enquiry:
    return get_object_or_404(council_enquiries(user).select_related("area", "enterprise"), reference=reference)


def _page(request, enquiry: Enquiry, *, started_form=None, not_going_ahead_form=None, refused=None,
          status: int = 200):
    enquiries.record_access(enquiry, request.user)
    listings = council_enterprises(request.user)
    return render(request, "council/enquiry.html", {
        "enquiry": enquiry,
        "events": enquiry.events.select_related("actor"),
        "started_form": started_form or StartedForm(prefix="started", listings=listings),
        "not_going_ahead_form": not_going_ahead_form or NotGoingAheadForm(prefix="not"),
        "form": started_form or not_going_ahead_form or refused,  # the one that failed, for the error summary
        "may_move": enquiry.stage in {Stage.NEW, Stage.TALKING},
        "Stage": Stage,
        "retention_months": settings.ENQUIRY_RETENTION_MONTHS,
    }, status=status)


@require_GET
@staff_required
def enquiry_detail(request, reference):
    return _page(request, _enquiry(request.user, reference))


@require_POST
@staff_required
def enquiry_talking(request, reference):
    enquiry = _enquiry(request.user, reference)
    try:
        enquiries.start_talking(enquiry=enquiry, by=request.user)
    except TransitionError as error:
        enquiry.refresh_from_db()
        refused = EnquiryForm(data={})
        refused.is_valid()
        refused.add_error(None, str(error))
        return _page(request, enquiry, refused=refused, status=CONFLICT)
    messages.success(request, f"Enquiry {enquiry.reference} is now “Talking”. We have told the enquirer")
    return redirect(enquiry.get_absolute_url())


@require_POST
@staff_required
def enquiry_started(request, reference):
    enquiry = _enquiry(request.user, reference)
    form = StartedForm(request.POST, prefix="started", listings=council_enterprises(request.user))
    if not form.is_valid():
        return _page(request, enquiry, started_form=form, status=400)
    try:
        enquiries.mark_started(enquiry=enquiry, by=request.user, enterprise=form.cleaned_data["enterprise"])
    except TransitionError as error:
        enquiry.refresh_from_db()
        form.add_error(None, str(error))
        return _page(request, enquiry, started_form=form, status=CONFLICT)
    messages.success(request, f"Enquiry {enquiry.reference} has started as {form.cleaned_data['enterprise'].name}. "
                              "We have told the enquirer")
    return redirect(enquiry.get_absolute_url())


@require_POST
@staff_required
def enquiry_not_going_ahead(request, reference):
    enquiry = _enquiry(request.user, reference)
    form = NotGoingAheadForm(request.POST, prefix="not")
    if not form.is_valid():
        return _page(request, enquiry, not_going_ahead_form=form, status=400)
    try:
        enquiries.mark_not_going_ahead(enquiry=enquiry, by=request.user, reason=form.cleaned_data["reason"])
    except TransitionError as error:
        enquiry.refresh_from_db()
        form.add_error(None, str(error))
        return _page(request, enquiry, not_going_ahead_form=form, status=CONFLICT)
    messages.success(request, f"Enquiry {enquiry.reference} is not going ahead. We have told the enquirer")
    return redirect(enquiry.get_absolute_url())
