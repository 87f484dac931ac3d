"""Council staff: the approval queue, the review of a listing or of a listing's changes, and the four lists that keep
the directory trustworthy (reviews overdue, insurance expiring, and the listings with no review date or no insurance
date, which the first two cannot show).

Every view is for staff only (`staff_required`), and every listing is looked up from `council_enterprises`, so another
council's listing is a 404. The decisions themselves are `enterprises.listings` functions: a view validates the form,
calls the function, and either redirects to the queue with a success message or, when the function refuses
(`TransitionError`: someone else has already dealt with it), shows the review page again with the reason, as 409.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.dates import long_date
from core.status_filter import filter_by_status
from enterprises import listings
from enterprises.access import council_enterprises, council_failed_messages, staff_required
from enterprises.council.forms import (
    ApproveForm,
    ApproveRevisionForm,
    ArchiveForm,
    MarkReviewedForm,
    ReinstateForm,
    RejectForm,
    RejectRevisionForm,
    RequestChangesForm,
    SuspendForm,
)
from enterprises.listings import TransitionError
from enterprises.models import Enterprise, EnterpriseCheck, ListingEvent, Revision, Service
from enterprises.reminders import (
    INSURANCE_REMINDER,
    REVIEW_CONFIRMED,
    REVIEW_REMINDER,
    insurance_expiring,
    no_insurance_date,
    no_review_date,
    review_overdue,
    trust_counts,
)
from enterprises.revisions import changes, revision_age_days

Status = Enterprise.Status
CONFLICT = 409

EVENT_LABELS = {
    "submitted": "Sent for approval",
    "changes_requested": "Changes requested",
    "approved": "Approved and published",
    listings.APPROVED_WITHOUT_CHECKS: "Approved without every check it needs",
    "rejected": "Rejected",
    "suspended": "Suspended",
    "reinstated": "Reinstated",
    "archived": "Archived",
    "reviewed": "Reviewed",
    "revision_submitted": "Changes sent for approval",
    "revision_approved": "Changes approved",
    "revision_rejected": "Changes rejected",
    "revision_withdrawn": "Changes withdrawn by the provider",
    "imported": "Imported from another directory",
    REVIEW_REMINDER: "Review reminder emailed to the provider",
    INSURANCE_REMINDER: "Insurance reminder emailed to the provider",
    REVIEW_CONFIRMED: "The provider said the listing is still correct",
}
REMINDER_ACTIONS = {REVIEW_REMINDER: "For the review due on", INSURANCE_REMINDER: "For insurance expiring on",
                    REVIEW_CONFIRMED: "For the review due on"}


def days_since(moment: datetime) -> int:
    return (timezone.now() - moment).days


# The queue -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    kind: str
    name: str
    url_name: str
    url_arg: object
    since: datetime
    days: int


def _pending_revisions(user):
    """Changes the provider has sent for approval (a revision still being edited is not the council's yet)."""
    return Revision.objects.filter(
        enterprise__in=council_enterprises(user), status=Revision.Status.PENDING, submitted_at__isnull=False
    )


@require_GET
@staff_required
def queue(request):
    items = [
        QueueItem("New listing", listing.name, "council:review", listing.slug,
                  listing.submitted_at or listing.created_at, days_since(listing.submitted_at or listing.created_at))
        for listing in council_enterprises(request.user).awaiting_approval().only(
            "council", "name", "slug", "submitted_at", "created_at")
    ]
    items += [
        QueueItem("Changes to a published listing", revision.enterprise.name, "council:revision", revision.pk,
                  revision.submitted_at, revision_age_days(revision))
        for revision in _pending_revisions(request.user).select_related("enterprise")
    ]
    items.sort(key=lambda item: (item.since, item.name))
    return render(request, "council/queue.html", {
        "items": items,
        "counts": trust_counts(request.council),
        "failed_messages_count": council_failed_messages(request.user).count(),
    })


# Every listing of the council ----------------------------------------------------------------------------------------


@require_GET
@staff_required
def all_listings(request):
    scope = council_enterprises(request.user)
    chosen = filter_by_status(scope, request.GET.get("status"), Status.choices)
    return render(
        request,
        "council/listings.html",
        {
            "listings": chosen.rows.only("council", "name", "slug", "status", "review_due_on", "insurance_expires_on")
            .order_by("name"),
            "status": chosen.status,
            "statuses": chosen.statuses,
            "total": chosen.total,
        },
    )


# The review page and its actions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    title: str
    button: str
    form_class: type
    perform: Callable
    done: str
    warning: bool = False

    @property
    def url_name(self) -> str:
        return f"council:{self.name}"


ACTIONS = {
    action.name: action
    for action in [
        Action("approve", "Approve and publish", "Approve and publish", ApproveForm,
               lambda listing, by, data: listings.approve_listing(
                   enterprise=listing, by=by, checks=data["checks"], review_due_on=data["review_due_on"],
                   message=data["message"], missing_checks_reason=data.get("missing_checks_reason", "")),
               "{name} is published"),
        Action("request_changes", "Ask for changes", "Send to the provider", RequestChangesForm,
               lambda listing, by, data: listings.request_changes(enterprise=listing, by=by, message=data["message"]),
               "You asked {name} for changes"),
        Action("reject", "Reject the listing", "Reject the listing", RejectForm,
               lambda listing, by, data: listings.reject_listing(enterprise=listing, by=by, reason=data["reason"]),
               "{name} is rejected", warning=True),
        Action("mark_reviewed", "Mark as reviewed", "Mark as reviewed", MarkReviewedForm,
               lambda listing, by, data: listings.mark_reviewed(
                   enterprise=listing, by=by, checks=data["checks"], review_due_on=data["review_due_on"]),
               "{name} is reviewed"),
        Action("reinstate", "Reinstate the listing", "Reinstate", ReinstateForm,
               lambda listing, by, data: listings.reinstate_listing(enterprise=listing, by=by,
                                                                    message=data["message"]),
               "{name} is published again"),
        Action("suspend", "Suspend the listing", "Suspend the listing", SuspendForm,
               lambda listing, by, data: listings.suspend_listing(enterprise=listing, by=by, reason=data["reason"]),
               "{name} is suspended", warning=True),
        Action("archive", "Archive the listing", "Archive the listing", ArchiveForm,
               lambda listing, by, data: listings.archive_listing(enterprise=listing, by=by, reason=data["reason"]),
               "{name} is archived", warning=True),
    ]
}

# What staff may do from each status (enterprises.listings has the final word).
ACTIONS_BY_STATUS = {
    Status.DRAFT: ["archive"],
    Status.SUBMITTED: ["approve", "request_changes", "reject"],
    Status.CHANGES_REQUESTED: ["archive"],
    Status.PUBLISHED: ["mark_reviewed", "suspend", "archive"],
    Status.SUSPENDED: ["reinstate", "mark_reviewed", "archive"],
    Status.REJECTED: ["archive"],
    Status.ARCHIVED: [],
}


def _make_form(action: Action, listing: Enterprise, data=None):
    kwargs = {"prefix": action.name}
    if issubclass(action.form_class, (ApproveForm, MarkReviewedForm)):
        kwargs.update(enterprise=listing, services=listing.services.all())
    return action.form_class(data, **kwargs)


def _review_listing(user, slug: str) -> Enterprise:
    return get_object_or_404(
        council_enterprises(user).prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.prefetch_related("categories", "client_groups", "coverage_areas")
                .order_by("name", "pk"),
            ),
            Prefetch("checks", queryset=EnterpriseCheck.objects.select_related("checked_by")),
            Prefetch("events", queryset=ListingEvent.objects.select_related("actor").order_by("-at", "-pk")),
        ),
        slug=slug,
    )


def _history(events):
    rows = []
    for event in events:
        message = event.message
        if event.action in REMINDER_ACTIONS:
            try:
                message = f"{REMINDER_ACTIONS[event.action]} {long_date(date.fromisoformat(message))}"
            except ValueError:
                pass
        label = EVENT_LABELS.get(event.action, event.action.replace("_", " ").capitalize())
        rows.append({"event": event, "label": label, "message": message})
    return rows


def _review_page(request, slug: str, *, failed=None, status: int = 200):
    """The review page; `failed` is (action name, bound form) when an action was refused, to show its errors."""
    listing = _review_listing(request.user, slug)
    forms = {name: _make_form(ACTIONS[name], listing) for name in ACTIONS_BY_STATUS[listing.status]}
    failed_form = None
    if failed is not None:
        name, failed_form = failed
        if name in forms:
            forms[name] = failed_form
    revision = _pending_revisions(request.user).filter(enterprise=listing).first()
    return render(
        request,
        "council/review.html",
        {
            "listing": listing,
            "enterprise": listing,
            "services": listing.services.all(),
            "cqc_services": [service for service in listing.services.all() if service.cqc_registration],
            "hidden_after": settings.REVIEW_OVERDUE_HIDDEN_AFTER_DAYS,
            "actions": [(ACTIONS[name], form) for name, form in forms.items()],
            "form": failed_form,
            "revision": revision,
            "history": _history(listing.events.all()),
            "insurance_expiring_soon": listing.insurance_expires_soon,
        },
        status=status,
    )


@require_GET
@staff_required
def review(request, slug):
    return _review_page(request, slug)


def _act(request, slug: str, name: str):
    action = ACTIONS[name]
    listing = get_object_or_404(council_enterprises(request.user), slug=slug)
    form = _make_form(action, listing, request.POST)
    if not form.is_valid():
        if name not in ACTIONS_BY_STATUS[listing.status]:
            # Someone else has moved the listing on, so this form is no longer on the page: say that instead.
            form.errors.clear()
            form.add_error(None, f"{listing.name} has already been dealt with: it is now "
                                 f"{listing.get_status_display().lower()}")
            return _review_page(request, slug, failed=(name, form), status=CONFLICT)
        return _review_page(request, slug, failed=(name, form))
    try:
        action.perform(listing, request.user, form.cleaned_data)
    except TransitionError as error:
        form.add_error(None, str(error))
        return _review_page(request, slug, failed=(name, form), status=CONFLICT)
    messages.success(request, action.done.format(name=listing.name))
    return redirect("council:queue")


def _action_view(name: str):
    @require_POST
    @staff_required
    def view(request, slug):
        return _act(request, slug, name)

    view.__name__ = name
    view.__qualname__ = name
    return view


approve = _action_view("approve")
request_changes = _action_view("request_changes")
reject = _action_view("reject")
mark_reviewed = _action_view("mark_reviewed")
reinstate = _action_view("reinstate")
suspend = _action_view("suspend")
archive = _action_view("archive")


# A listing's changes -------------------------------------------------------------------------------------------------


def _revision(user, pk: int) -> Revision:
    return get_object_or_404(
        Revision.objects.filter(enterprise__in=council_enterprises(user), submitted_at__isnull=False)
        .select_related("enterprise", "created_by", "decided_by"),
        pk=pk,
    )


def _revision_page(request, pk: int, *, approve_form=None, reject_form=None, failed_form=None, status: int = 200):
    revision = _revision(request.user, pk)
    pending = revision.status == Revision.Status.PENDING
    return render(
        request,
        "council/revision.html",
        {
            "revision": revision,
            "listing": revision.enterprise,
            "changes": changes(revision),
            "days": revision_age_days(revision),
            "pending": pending,
            "approve_form": (approve_form or ApproveRevisionForm(prefix="approve")) if pending else None,
            "reject_form": (reject_form or RejectRevisionForm(prefix="reject")) if pending else None,
            "form": failed_form,
        },
        status=status,
    )


@require_GET
@staff_required
def revision(request, pk):
    return _revision_page(request, pk)


def _decide_revision(request, pk: int, *, approving: bool):
    revision = _revision(request.user, pk)
    form_class, prefix = (ApproveRevisionForm, "approve") if approving else (RejectRevisionForm, "reject")
    form = form_class(request.POST, prefix=prefix)
    forms = {"approve_form" if approving else "reject_form": form}
    if not form.is_valid():
        if revision.status != Revision.Status.PENDING:
            form.errors.clear()
            form.add_error(None, f"These changes have already been dealt with: they were {revision.status}")
            return _revision_page(request, pk, failed_form=form, status=CONFLICT, **forms)
        return _revision_page(request, pk, failed_form=form, **forms)
    try:
        if approving:
            listings.approve_revision(revision=revision, by=request.user, message=form.cleaned_data["message"])
        else:
            listings.reject_revision(revision=revision, by=request.user, reason=form.cleaned_data["reason"])
    except TransitionError as error:
        form.add_error(None, str(error))
        return _revision_page(request, pk, failed_form=form, status=CONFLICT, **forms)
    name = revision.enterprise.name
    messages.success(request, f"The changes to {name} are live" if approving else f"The changes to {name} are rejected")
    return redirect("council:queue")


@require_POST
@staff_required
def approve_revision(request, pk):
    return _decide_revision(request, pk, approving=True)


@require_POST
@staff_required
def reject_revision(request, pk):
    return _decide_revision(request, pk, approving=False)


# Keeping the directory trustworthy -----------------------------------------------------------------------------------


def _with_reminders(listings_qs, action: str):
    return listings_qs.prefetch_related(
        Prefetch("events", queryset=ListingEvent.objects.filter(action=action), to_attr="reminders")
    )


def _reminded(listing: Enterprise, due: date | None) -> bool:
    return due is not None and any(event.message == due.isoformat() for event in listing.reminders)


def _confirmed_on(listing: Enterprise, due: date) -> date | None:
    """When the provider said the listing is still correct, for this review (the reminder's link)."""
    return next((timezone.localdate(event.at) for event in listing.confirmations if event.message == due.isoformat()),
                None)


@require_GET
@staff_required
def review_overdue_list(request):
    today = timezone.localdate()
    rows = [
        {
            "listing": listing,
            "days_overdue": (today - listing.review_due_on).days,
            "reminded": _reminded(listing, listing.review_due_on),
            "confirmed_on": _confirmed_on(listing, listing.review_due_on),
        }
        for listing in _with_reminders(review_overdue(request.council), REVIEW_REMINDER).prefetch_related(
            Prefetch("events", queryset=ListingEvent.objects.filter(action=REVIEW_CONFIRMED), to_attr="confirmations")
        )
    ]
    return render(request, "council/review_overdue.html",
                  {"rows": rows, "hidden_after": settings.REVIEW_OVERDUE_HIDDEN_AFTER_DAYS})


FAILED_MESSAGES_SHOWN = 100


@require_GET
@staff_required
def failed_messages_list(request):
    """Emails and text messages about the council's listings, referrals and invitations that could not be sent
    after trying for MESSAGE_RETRY_HOURS: to whom, what about, when and why; never what they said."""
    failed = council_failed_messages(request.user)
    return render(request, "council/failed_messages.html", {
        "messages_not_sent": failed[:FAILED_MESSAGES_SHOWN],
        "total": failed.count(),
        "shown": FAILED_MESSAGES_SHOWN,
        "retry_hours": settings.MESSAGE_RETRY_HOURS,
        "kept_days": settings.MESSAGES_KEPT_DAYS,
    })


@require_GET
@staff_required
def insurance_expiring_list(request):
    today = timezone.localdate()
    rows = [
        {
            "listing": listing,
            "days_left": (listing.insurance_expires_on - today).days,
            "expired": listing.insurance_has_expired,
            "reminded": _reminded(listing, listing.insurance_expires_on),
        }
        for listing in _with_reminders(insurance_expiring(request.council), INSURANCE_REMINDER)
    ]
    return render(request, "council/insurance_expiring.html",
                  {"rows": rows, "warning_days": settings.INSURANCE_WARNING_DAYS})


@dataclass(frozen=True)
class MissingDateList:
    """One of the staff's lists of live listings that lack a date, and how the page (council/missing_date.html)
    speaks of it."""

    name: str  # "review date": in the heading, the caption and the all-clear
    explanation: str
    all_clear: str
    shown_date: str  # the Listing field of the second column
    shown_date_heading: str
    shown_date_unset: str
    related_url: str
    related_text: str


NO_REVIEW_DATE = MissingDateList(
    name="review date",
    explanation="Live listings with no date for their yearly review. They never show as overdue, their providers are "
                "never reminded, and they are never hidden from the public for a missed review. Mark each one as "
                "reviewed to set a date.",
    all_clear="Every live listing has a review date.",
    shown_date="published_at", shown_date_heading="First published", shown_date_unset="Not known",
    related_url="council:review_overdue", related_text="Listings whose review is overdue",
)
NO_INSURANCE_DATE = MissingDateList(
    name="insurance date",
    explanation="Live listings whose types of support need public liability insurance, but whose provider has not "
                "given the date it expires. Nobody is warned before their insurance runs out. Ask the provider to "
                "add the date to their listing.",
    all_clear="Every live listing that needs insurance has an insurance date.",
    shown_date="review_due_on", shown_date_heading="Review due", shown_date_unset="Not set",
    related_url="council:insurance_expiring", related_text="Listings whose insurance is expiring",
)


def _missing_date_page(request, listings, missing: MissingDateList):
    listings = listings.only("council", "name", "slug", "status", missing.shown_date)
    return render(request, "council/missing_date.html", {"listings": listings, "missing": missing})


@require_GET
@staff_required
def no_review_date_list(request):
    return _missing_date_page(request, no_review_date(request.council), NO_REVIEW_DATE)


@require_GET
@staff_required
def no_insurance_date_list(request):
    return _missing_date_page(request, no_insurance_date(request.council), NO_INSURANCE_DATE)
