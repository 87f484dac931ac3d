"""The provider's side of a referral, under /provider/referrals/: the inbox, a referral with the person's details,
and the answers to it (accept, decline, a message to the referrer, support started, support ended).

Every view is for providers only (`provider_required`), and every referral is looked up from
`received_referrals(request.user)`, so another enterprise's referral is a 404. The inbox shows no personal details:
opening a referral shows them, and each opening is recorded in the access log (`record_access`), which the referral's
page also shows, most recent first.

The answers are `referrals.lifecycle` functions, which email the referrer. A view validates the form, calls the
function, and either redirects to the referral with a success message, or, when the function refuses
(`TransitionError`: the referrer withdrew it, or a colleague answered first), shows the referral again with the
reason, as 409. Whatever was typed with a refused answer is put in the message box, so it can still be sent.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db.models import Case, DateTimeField, F, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.paging import page_links, page_of
from core.status_filter import filter_by_status
from enterprises.access import provider_enterprises, provider_required
from referrals import lifecycle
from referrals.access import received_referrals, record_access
from referrals.forms_answering import AcceptForm, AnswerForm, DeclineForm, EndSupportForm, MessageForm, StartSupportForm
from referrals.lifecycle import TransitionError
from referrals.models import Referral
from referrals.reminders import no_response_cutoff, waiting_too_long

Status = Referral.Status
CONFLICT = 409
PER_PAGE = 25
#: How many openings of the person's details the referral's page lists (it also says how many there were in all).
ACCESS_LOG_SHOWN = 10


# The inbox -----------------------------------------------------------------------------------------------------------

# New referrals first, then those in progress, then the closed ones.
GROUP = Case(
    When(status=Status.SENT, then=Value(0)),
    When(status=Status.ACCEPTED, then=Value(1)),
    When(status=Status.STARTED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
# Among the new ones, the one that has waited longest comes first, like any queue; the others newest first.
WAITING_SINCE = Case(When(status=Status.SENT, then=F("sent_at")), default=None, output_field=DateTimeField())
INBOX_ORDER = [GROUP.asc(), WAITING_SINCE.asc(nulls_last=True), F("sent_at").desc(), F("pk").desc()]
INBOX_FIELDS = [
    "reference", "service_name", "sent_at", "urgency", "status", "first_response_at",
    "enterprise", "organisation", "referring_enterprise",
    "enterprise__name", "organisation__name", "referring_enterprise__name",
]


@require_GET
@provider_required
def inbox(request):
    scope = received_referrals(request.user)
    chosen = filter_by_status(scope, request.GET.get("status"), Status.choices)
    shown = chosen.rows.select_related(
        "enterprise", "organisation", "referring_enterprise"
    ).only(*INBOX_FIELDS).order_by(*INBOX_ORDER)
    page = page_of(shown, request.GET.get("page"), PER_PAGE)
    cutoff = no_response_cutoff()
    for referral in page:
        referral.waiting_too_long = waiting_too_long(referral, cutoff=cutoff)
    return render(
        request,
        "referrals/inbox.html",
        {
            "page": page,
            "page_links": page_links(page),
            "status": chosen.status,
            "status_label": chosen.label,
            "statuses": chosen.statuses,
            "total": chosen.total,
            "several_enterprises": provider_enterprises(request.user).count() > 1,
        },
    )


# A referral ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    name: str
    form_class: type[AnswerForm]
    perform: Callable
    doing: str  # "You cannot <doing>: …"
    done: str  # the success message, before "<referrer> has been emailed."
    template: str = ""  # the answer's own page; "" for a form on the referral's page


ANSWERS = {
    answer.name: answer
    for answer in [
        Answer("accept", AcceptForm,
               lambda referral, by, data: lifecycle.accept(referral=referral, by=by, message=data["message"]),
               "accept it", "You accepted referral {reference}."),
        Answer("decline", DeclineForm,
               lambda referral, by, data: lifecycle.decline(referral=referral, by=by, reason=data["reason"],
                                                            detail=data["detail"]),
               "decline it", "You declined referral {reference}.", "referrals/decline.html"),
        Answer("start_support", StartSupportForm,
               lambda referral, by, data: lifecycle.start_support(referral=referral, by=by,
                                                                  message=data["message"]),
               "record that support started", "You recorded that support has started for referral {reference}."),
        Answer("end_support", EndSupportForm,
               lambda referral, by, data: lifecycle.end_support(referral=referral, by=by, outcome=data["outcome"],
                                                                detail=data["detail"]),
               "record that support ended", "You recorded that support has ended for referral {reference}.",
               "referrals/end_support.html"),
        Answer("message", MessageForm,
               lambda referral, by, data: lifecycle.send_message(referral=referral, by=by, text=data["text"]),
               "send a message", "Your message has been added to referral {reference}."),
    ]
}

# What the referral's page offers from each status (referrals.lifecycle has the final word). Messages go both ways
# whatever the status, until the person's details are erased.
OFFERED = {
    Status.SENT: ["accept", "decline"],
    Status.ACCEPTED: ["start_support", "end_support"],
    Status.STARTED: ["end_support"],
}


def _offered(referral: Referral) -> list[str]:
    offered = list(OFFERED.get(referral.status, []))
    if not referral.personal_details_erased:
        offered.append("message")
    return offered


def _refusal(referral: Referral, answer: Answer) -> str | None:
    """Why this answer is not offered any more (the referral moved on), or None."""
    if answer.name in _offered(referral):
        return None
    if answer.name == "message":
        return f"Referral {referral.reference} has been closed and its details erased"
    label = Status(referral.status).label
    return f"You cannot {answer.doing}: referral {referral.reference} is now {label[:1].lower()}{label[1:]}"


def _referral(request, reference: str) -> Referral:
    return get_object_or_404(
        received_referrals(request.user).select_related(
            "service", "enterprise", "referrer", "organisation", "referring_enterprise"
        ),
        reference=reference.upper(),
    )


def _referrer_name(referral: Referral) -> str:
    return referral.referrer.get_full_name() or referral.referrer.email or "The referrer"


def _detail_page(request, referral: Referral, *, failed: AnswerForm | None = None, failed_name: str = "",
                 status: int = 200):
    """The referral with the person's details (this opening is logged), its timeline and what the provider may do.

    `failed` is the form of an answer that was not accepted, with its errors: shown in place when the page still
    offers it; otherwise what was typed in it goes into the message box.
    """
    record_access(referral, request.user)
    offered = _offered(referral)
    forms = {name: ANSWERS[name].form_class() for name in offered if not ANSWERS[name].template}
    carried = ""
    if failed is not None:
        if failed_name in forms:
            forms[failed_name] = failed
        elif "message" in forms and failed.typed_text():
            carried = failed.typed_text()
            forms["message"] = MessageForm(initial={"text": carried})
    return render(
        request,
        "referrals/provider_detail.html",
        {
            "referral": referral,
            "form": failed,
            "offered": offered,
            "accept_form": forms.get("accept"),
            "start_form": forms.get("start_support"),
            "message_form": forms.get("message"),
            "carried": carried,
            "events": referral.events.select_related("actor"),
            "access_log": referral.access_log.select_related("user")[:ACCESS_LOG_SHOWN],
            "opened_count": referral.access_log.count(),
            "access_log_shown": ACCESS_LOG_SHOWN,
            "retention_months": settings.REFERRAL_RETENTION_MONTHS,
        },
        status=status,
    )


@require_GET
@provider_required
def detail(request, reference):
    return _detail_page(request, _referral(request, reference))


def _answer(request, reference: str, name: str):
    """Validate the answer, give it through referrals.lifecycle, and say what happened."""
    answer = ANSWERS[name]
    referral = _referral(request, reference)
    if request.method == "GET":
        refusal = _refusal(referral, answer)
        if refusal:
            return _detail_page(request, referral, failed=answer.form_class({}).refuse(refusal), failed_name=name,
                                status=CONFLICT)
        return render(request, answer.template, {"referral": referral, "form": answer.form_class()})

    form = answer.form_class(request.POST)
    if not form.is_valid():
        refusal = _refusal(referral, answer)
        if refusal:
            return _detail_page(request, referral, failed=form.refuse(refusal), failed_name=name, status=CONFLICT)
        if answer.template:
            return render(request, answer.template, {"referral": referral, "form": form})
        return _detail_page(request, referral, failed=form, failed_name=name)
    try:
        answer.perform(referral, request.user, form.cleaned_data)
    except TransitionError as error:
        form.add_error(None, str(error))
        # The referral as it is now, which is why the answer was refused.
        return _detail_page(request, _referral(request, reference), failed=form, failed_name=name, status=CONFLICT)
    messages.success(
        request, f"{answer.done.format(reference=referral.reference)} {_referrer_name(referral)} has been emailed."
    )
    return redirect(referral.get_provider_url())


@require_POST
@provider_required
def accept(request, reference):
    return _answer(request, reference, "accept")


@require_http_methods(["GET", "POST"])
@provider_required
def decline(request, reference):
    return _answer(request, reference, "decline")


@require_POST
@provider_required
def message(request, reference):
    return _answer(request, reference, "message")


@require_POST
@provider_required
def start_support(request, reference):
    return _answer(request, reference, "start_support")


@require_http_methods(["GET", "POST"])
@provider_required
def end_support(request, reference):
    return _answer(request, reference, "end_support")
