"""Sending a referral: a short question-page flow under a service, in the GOV.UK pattern.

start (a warning that this is not for emergencies, with the council's safeguarding contacts, and who the referral is
for) → consent (no → a stop page) → person → postcode (offering the one they searched near) → needs → safety →
urgency → funding → the referrer's phone number (offering the last one they gave) → check your answers →
"Send referral" → confirmation with the reference and when to expect an answer, which follows the urgency.

The answers live in the session until they are sent, as session["referral_drafts"][str(service.pk)], a dict of
JSON-serialisable values (dates as ISO strings) holding the `submission_key` made on the start page and the chosen
team ("organisation:<pk>" or "enterprise:<pk>"). Sending the same check page twice (a double click, or the back
button and resubmit) finds the referral that key already made instead of making another; `send_referral` also
copes with two copies arriving at once.

Who may use it: signed-in referrers, and providers of a published listing (`may_refer`); the public is sent to sign
in, anyone else signed in is refused (403); a service the public cannot see is not found (404). Every page checks.
"""

import uuid
from datetime import date
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.dates import long_date
from core.notifications import texts_can_be_sent
from enterprises.listings import TransitionError
from enterprises.models import Service
from enterprises.postcodes import searched_postcode
from referrals import lifecycle
from referrals.access import may_refer, sent_referrals, teams_to_refer_for
from referrals.forms_sending import (
    NOT_YET,
    ConsentForm,
    FundingForm,
    NeedsForm,
    PersonForm,
    PostcodeForm,
    ReferrerPhoneForm,
    SafetyForm,
    SendForm,
    TeamForm,
    UrgencyForm,
    team_key,
)
from referrals.models import ConsentMethod, ContactMethod, Funding, Urgency
from referrals.reminders import answer_within

DRAFTS = "referral_drafts"
CONFLICT = 409

# The question pages in order, with the answer in the draft that shows each has been answered.
STEPS = [
    ("consent", "consent_method"),
    ("person", "person_name"),
    ("postcode", "postcode"),
    ("needs", "what_matters"),
    ("safety", "safety_notes"),
    ("urgency", "urgency"),
    ("funding", "funding"),
    ("phone", "referrer_phone"),
]
PAGES = ["start", *(name for name, _ in STEPS), "check"]
# The pages that ask one question, whose label is the page's heading: the page, and the field.
ONE_QUESTION = {"consent": "consent", "postcode": "postcode", "safety": "safety_notes", "urgency": "urgency",
                "funding": "funding", "phone": "referrer_phone"}


# Who may use it ------------------------------------------------------------------------------------------------------


def referral_flow(view=None, *, unpublished_with_draft=False):
    """Signed in (else to sign-in), allowed to refer (else 403), and a service the public can see (else 404).

    The view gets the service instead of its pk. With `unpublished_with_draft`, a POST for a service that has stopped
    being listed still reaches the view if this person has answers waiting for it, so that they are told why it
    cannot be sent rather than shown "Page not found".
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, pk):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_refer(request.user):
                raise PermissionDenied("Only referrers and providers of a listed enterprise can send referrals")
            services = Service.objects.select_related("enterprise__council")
            service = services.published().filter(pk=pk).first()
            if service is None:
                if not (unpublished_with_draft and request.method == "POST" and str(pk) in _drafts(request)):
                    raise Http404("No listed service has that number")
                service = get_object_or_404(services, pk=pk)
            return view(request, service)

        return wrapper

    return decorate(view) if view is not None else decorate


# The draft in the session --------------------------------------------------------------------------------------------


def _drafts(request) -> dict:
    return request.session.get(DRAFTS, {})


def _draft(request, service) -> dict | None:
    draft = _drafts(request).get(str(service.pk))
    return dict(draft) if draft is not None else None


def _save_draft(request, service, draft: dict) -> None:
    request.session[DRAFTS] = {**_drafts(request), str(service.pk): draft}


def _drop_draft(request, service, submission_key) -> None:
    """Forget the answers sent with this key (and only those: a newer draft for the same service stays)."""
    drafts = dict(_drafts(request))
    draft = drafts.get(str(service.pk))
    if draft is not None and draft.get("submission_key") == str(submission_key):
        del drafts[str(service.pk)]
        request.session[DRAFTS] = drafts


def _first_unanswered(draft: dict, before: str = "check") -> str | None:
    """The first question page before `before` whose answer is not in the draft."""
    for name, answer in STEPS:
        if name == before:
            return None
        if answer not in draft:
            return name
    return None


def _url(page: str, service, *, changing: bool = False, **query) -> str:
    url = reverse(f"referrals:{page}", kwargs={"pk": service.pk})
    if changing:
        query["change"] = "1"
    return f"{url}?{'&'.join(f'{key}={value}' for key, value in query.items())}" if query else url


def _changing(request) -> bool:
    return request.GET.get("change") == "1"


def _team(user, key: str):
    return next((team for team in teams_to_refer_for(user) if team_key(team) == key), None)


def _context(service, page: str, changing: bool, **extra) -> dict:
    previous = PAGES[PAGES.index(page) - 1]
    return {
        "service": service,
        "back_url": _url("check", service) if changing else _url(previous, service),
        "changing": changing,
        **extra,
    }


# The pages -----------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@referral_flow
def start(request, service):
    """The warning, what you need, and who the referral is for. "Start" makes a new draft with a new key."""
    teams = teams_to_refer_for(request.user)
    draft = _draft(request, service)
    changing = _changing(request) and draft is not None
    form = None
    if len(teams) > 1:
        data = request.POST if request.method == "POST" else None
        form = TeamForm(data, teams=teams, initial={"team": draft["team"]} if draft else {})
    if request.method == "POST" and (form is None or form.is_valid()):
        team = form.cleaned_data["team"] if form is not None else team_key(teams[0])
        if changing:
            _save_draft(request, service, {**draft, "team": team})
            return redirect(_url("check", service))
        _save_draft(request, service, {"submission_key": str(uuid.uuid4()), "team": team})
        return redirect(_url("consent", service))
    return render(
        request,
        "referrals/send_start.html",
        {
            "service": service,
            "form": form,
            "changing": changing,
            "back_url": _url("check", service) if changing else service.get_absolute_url(),
            "in_progress": draft is not None and not changing,
            "continue_url": _url(_first_unanswered(draft) or "check", service) if draft else "",
            "lost": request.GET.get("lost") == "1" and draft is None,
            **_safeguarding(service),
        },
    )


def _safeguarding(service) -> dict:
    """Where to go instead with a safeguarding concern: the council's own contacts (or the settings' defaults)."""
    council = service.enterprise.council
    return {"adults_contact": council.adults_safeguarding, "children_contact": council.children_safeguarding}


def _question(request, service, page: str, form_class, *, next_page: str, form_kwargs=None, **extra):
    """A question page: needs the answers before it, shows the draft's answer, saves a valid one to the draft and
    goes on (or back to the check page when changing an answer). Bad answers are shown again with the message.
    `form_kwargs` go to the form, such as an answer to offer."""
    form_kwargs = form_kwargs or {}
    draft = _draft(request, service)
    if draft is None:
        return redirect(_url("start", service, lost="1") if request.method == "POST" else _url("start", service))
    missing = _first_unanswered(draft, before=page)
    if missing is not None:
        return redirect(_url(missing, service))
    changing = _changing(request)
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            if isinstance(form, ConsentForm) and not form.agreed:
                for answer in ("consent_method", "consent_given_on"):
                    draft.pop(answer, None)
                _save_draft(request, service, draft)
                return redirect(_url("no_consent", service))
            _save_draft(request, service, {**draft, **form.answers()})
            return redirect(_url("check" if changing else next_page, service))
    else:
        form = form_class(initial=form_class.initial_from(draft), **form_kwargs)
    context = _context(service, page, changing, form=form, draft=draft, **extra)
    if page in ONE_QUESTION:
        field = form[ONE_QUESTION[page]]
        also = [form[name] for name in form.fields if name != field.name]
        context = {"field": field, "heading": field.label, "also": also, **context}
        return render(request, "referrals/send_question.html", context)
    return render(request, f"referrals/send_{page}.html", context)


@require_http_methods(["GET", "POST"])
@referral_flow
def consent(request, service):
    draft = _draft(request, service) or {}
    person = draft.get("person_name") or "the person"
    question = f"Has {person} agreed to you sharing their details with {service.enterprise.name}?"
    return _question(request, service, "consent", ConsentForm, next_page="person", heading=question,
                     title="Has the person agreed to share their details?", divider_before=NOT_YET)


@require_GET
@referral_flow
def no_consent(request, service):
    """The stop page: what to do when the person has not agreed (yet)."""
    return render(
        request,
        "referrals/send_no_consent.html",
        {
            "service": service,
            "back_url": _url("consent", service) if _draft(request, service) else service.get_absolute_url(),
            **_safeguarding(service),
        },
    )


@require_http_methods(["GET", "POST"])
@referral_flow
def person(request, service):
    return _question(request, service, "person", PersonForm, next_page="postcode")


@require_http_methods(["GET", "POST"])
@referral_flow
def postcode(request, service):
    return _question(request, service, "postcode", PostcodeForm, next_page="needs",
                     form_kwargs={"searched": searched_postcode(request.session)})


@require_http_methods(["GET", "POST"])
@referral_flow
def needs(request, service):
    return _question(request, service, "needs", NeedsForm, next_page="safety")


@require_http_methods(["GET", "POST"])
@referral_flow
def safety(request, service):
    return _question(request, service, "safety", SafetyForm, next_page="urgency", title="Working safely")


@require_http_methods(["GET", "POST"])
@referral_flow
def urgency(request, service):
    return _question(request, service, "urgency", UrgencyForm, next_page="funding")


@require_http_methods(["GET", "POST"])
@referral_flow
def funding(request, service):
    return _question(request, service, "funding", FundingForm, next_page="phone", title="Paying for the support")


@require_http_methods(["GET", "POST"])
@referral_flow
def phone(request, service):
    return _question(request, service, "phone", ReferrerPhoneForm, next_page="check", title="Your phone number",
                     form_kwargs={"last_used": _last_phone_given(request.user)})


def _last_phone_given(user) -> str:
    """The phone number this person gave with their latest referral that still has it."""
    return (
        sent_referrals(user).filter(referrer=user).exclude(referrer_phone="")
        .order_by("-sent_at", "-pk").values_list("referrer_phone", flat=True).first()
    ) or ""


# Check your answers, and send ----------------------------------------------------------------------------------------


def _rows(request, service, draft: dict) -> list[dict]:
    """The check page's summary list, in the order of the questions."""

    def row(key, value, page, hidden, *, multiline=False):
        return {"key": key, "value": value, "multiline": multiline, "hidden": hidden,
                "change_url": _url(page, service, changing=True)}

    rows = []
    teams = teams_to_refer_for(request.user)
    if len(teams) > 1:
        team = next((team for team in teams if team_key(team) == draft["team"]), None)
        rows.append(row("Referring for", team.name if team else "Not chosen", "start", "who you are referring for"))
    consent_label = ConsentMethod(draft["consent_method"]).label
    born = draft.get("date_of_birth")
    rows += [
        row("Agreed to share their details", f"Yes – {consent_label[:1].lower()}{consent_label[1:]}", "consent",
            "whether they agreed"),
        row("Full name", draft["person_name"], "person", "their name"),
        row("Date of birth", long_date(date.fromisoformat(born)) if born else "Not given",
            "person", "their date of birth"),
        row("How to contact them", ContactMethod(draft["contact_method"]).label, "person", "how to contact them"),
    ]
    if draft.get("phone"):
        rows.append(row("Phone number", draft["phone"], "person", "their phone number"))
    if draft.get("email"):
        rows.append(row("Email address", draft["email"], "person", "their email address"))
    if draft.get("address"):
        rows.append(row("Postal address", draft["address"], "person", "their postal address", multiline=True))
    rows += [
        row("Postcode", draft["postcode"], "postcode", "their postcode"),
        row("What matters to them", draft["what_matters"], "needs", "what matters to them", multiline=True),
        row("Support they want", draft["support_wanted"], "needs", "the support they want", multiline=True),
        row("To work safely, the provider must know", draft["safety_notes"] or "Nothing", "safety",
            "what the provider must know to work safely", multiline=True),
        row("How soon", Urgency(draft["urgency"]).label, "urgency", "how soon they need support"),
        row("How it will be paid for", Funding(draft["funding"]).label, "funding", "how it will be paid for"),
        row("Your phone number", draft["referrer_phone"], "phone", "your phone number"),
    ]
    if texts_can_be_sent():
        rows.append(row("Tell you by text as well", "Yes" if draft.get("text_updates") else "No", "phone",
                        "whether to tell you by text"))
    return rows


def _check_page(request, service, draft: dict, form: SendForm, *, status: int = 200):
    return render(
        request,
        "referrals/send_check.html",
        _context(service, "check", False, form=form, rows=_rows(request, service, draft)),
        status=status,
    )


def _details(draft: dict) -> dict:
    """The draft's answers as `send_referral` takes them."""
    return {
        "person_name": draft["person_name"],
        "date_of_birth": date.fromisoformat(draft["date_of_birth"]) if draft.get("date_of_birth") else None,
        "contact_method": draft["contact_method"],
        "phone": draft.get("phone", ""),
        "email": draft.get("email", ""),
        "address": draft.get("address", ""),
        "postcode": draft["postcode"],
        "what_matters": draft["what_matters"],
        "support_wanted": draft["support_wanted"],
        "safety_notes": draft.get("safety_notes", ""),
        "consent_method": draft["consent_method"],
        "consent_given_on": date.fromisoformat(draft["consent_given_on"]),
        "urgency": draft["urgency"],
        "funding": draft["funding"],
        "referrer_phone": draft["referrer_phone"],
        "text_updates": bool(draft.get("text_updates")) and texts_can_be_sent(),
    }


@require_http_methods(["GET", "POST"])
@referral_flow(unpublished_with_draft=True)
def check(request, service):
    if request.method == "POST":
        return _send(request, service)
    draft = _draft(request, service)
    if draft is None:
        return redirect(_url("start", service))
    missing = _first_unanswered(draft)
    if missing is not None:
        return redirect(_url(missing, service))
    return _check_page(request, service, draft, SendForm(initial={"submission_key": draft["submission_key"]}))


def _send(request, service):
    form = SendForm(request.POST)
    key = form.cleaned_data["submission_key"] if form.is_valid() else None
    if key is not None:
        # Sent already (a double click, or the back button and "Send" again): show what the first one made.
        already = sent_referrals(request.user).filter(submission_key=key).first()
        if already is not None:
            _drop_draft(request, service, key)
            return redirect("referrals:confirmation", reference=already.reference)
    draft = _draft(request, service)
    if draft is None:
        return redirect(_url("start", service, lost="1"))
    missing = _first_unanswered(draft)
    if missing is not None:
        return redirect(_url(missing, service))
    if key is None or str(key) != draft["submission_key"]:
        # An old copy of the check page, from before the answers were started again: show them as they are now.
        return redirect(_url("check", service))
    team = _team(request.user, draft["team"])
    if team is None:
        form.add_error(None, "You can no longer send referrals for the team you chose. Change who you are "
                             "referring for")
        return _check_page(request, service, draft, form, status=CONFLICT)
    try:
        referral = lifecycle.send_referral(
            service=service, by=request.user, team=team, details=_details(draft), submission_key=key
        )
    except TransitionError as error:
        form.add_error(None, str(error))
        return _check_page(request, service, draft, form, status=CONFLICT)
    _drop_draft(request, service, key)
    return redirect("referrals:confirmation", reference=referral.reference)


@require_GET
@login_required
def confirmation(request, reference):
    referral = get_object_or_404(sent_referrals(request.user).select_related("enterprise"), reference=reference)
    return render(
        request,
        "referrals/confirmation.html",
        {"referral": referral, "working_days": answer_within(referral.urgency)},
    )
