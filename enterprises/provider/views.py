"""Provider self-service, under /provider/: the provider's home, the listing's task list and its sections.

Every lookup starts from `provider_enterprises(request.user)`, so another enterprise's listing is a 404.
Edits go through `enterprises.revisions`: straight into a draft, into the pending revision of a live listing.
A listing that is with the council (or archived, or rejected) cannot be changed: its edit pages answer 403; changes
sent for approval can be withdrawn, and then changed again.
Capacity and the yearly figures are facts, not claims for the council to check: they go live at once.
"""

import uuid
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from enterprises import completeness
from enterprises.access import provider_enterprises, provider_required
from enterprises.approval_time import usual_wait
from enterprises.listings import TransitionError, submit_listing, submit_revision
from enterprises.models import Capacity, Enterprise, Revision, Service
from enterprises.provider.events import ON_THE_HOME_PAGE, upcoming_for
from enterprises.provider.forms import (
    AboutForm,
    CapacityForm,
    ContactForm,
    DocumentsForm,
    FiguresForm,
    ServiceAccessibilityForm,
    ServiceAddForm,
    ServiceCostsForm,
    ServiceDetailsForm,
    ServiceWhenForm,
    ServiceWhereForm,
)
from enterprises.provider.presenters import check_your_answers
from enterprises.revisions import (
    changes,
    initial_values,
    remove_service,
    save_enterprise_details,
    save_service,
    snapshot,
    withdraw_changes,
)

Status = Enterprise.Status
EDITABLE = {Status.DRAFT, Status.CHANGES_REQUESTED}
ADD_SERVICE_TOKENS = "provider_add_service_tokens"
KEPT_TOKENS = 20
# A change to a live listing was just saved, and not sent: the task list says so once, with the button to send it.
JUST_SAVED = "provider_just_saved"


# Finding the listing, and whether it may be changed -----------------------------------------------------------------


@dataclass
class Listing:
    enterprise: Enterprise
    revision: Revision | None
    copy: dict

    @property
    def slug(self) -> str:
        return self.enterprise.slug

    @property
    def changes_sent(self) -> bool:
        return self.revision is not None and self.revision.submitted_at is not None

    @property
    def locked_reason(self) -> str | None:
        """None when the provider may change the listing; otherwise why they may not, in plain words."""
        status = self.enterprise.status
        if status in EDITABLE:
            return None
        if self.enterprise.is_live:
            if self.changes_sent:
                return ("Your changes are with the council. You can change your listing again when they have "
                        "looked at them, or if you withdraw your changes.")
            return None
        if status == Status.SUBMITTED:
            return "Your listing is with the council. You cannot change it while they check it."
        if status == Status.REJECTED:
            return "The council did not approve this listing, so it cannot be changed."
        return "This listing is archived, so it cannot be changed."


def _listing(request, slug, *, for_update=False) -> Listing:
    """The listing, from the person's own enterprises only (anything else is a 404), with its working copy.

    With `for_update` (inside a transaction) the enterprise and its pending revision are locked, so that the
    listing cannot be sent to the council, or its changes sent, between our check and our save.
    """
    enterprises = provider_enterprises(request.user).select_related("council")
    if for_update:
        enterprises = enterprises.select_for_update(of=("self",))
    enterprise = get_object_or_404(enterprises, slug=slug)
    revisions = enterprise.revisions.filter(status=Revision.Status.PENDING)
    revision = (revisions.select_for_update() if for_update else revisions).first()
    return Listing(enterprise, revision, revision.data if revision is not None else snapshot(enterprise))


def _locked(request, listing: Listing):
    return render(request, "provider/locked.html", {"listing": listing, "reason": listing.locked_reason}, status=403)


def _service_values(listing: Listing, key: str) -> dict:
    values = listing.copy["services"].get(key)
    if values is None:
        raise Http404("No such service in this listing")
    return values


def _saved(request, listing: Listing, what: str):
    """Back to the task list. A draft's edit is done, so it is a success; a live listing's is not sent yet, so the
    task list says so, with the button to send it (not a green "Success" for something nobody has seen)."""
    if listing.enterprise.is_live:
        _just_saved(request, listing, "People keep seeing your listing as it was until the council approves your "
                                      "changes.")
    else:
        messages.success(request, f"{what} saved")
    return redirect("provider:task_list", slug=listing.slug)


def _just_saved(request, listing: Listing, then: str) -> None:
    request.session[JUST_SAVED] = {"slug": listing.slug, "then": then}


def _bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


# The provider's home: their listings, capacity and figures ----------------------------------------------------------


def _home_page(request, capacity_form=None):
    enterprises = (
        provider_enterprises(request.user)
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch("revisions", queryset=Revision.objects.filter(status=Revision.Status.PENDING), to_attr="pending"),
            Prefetch("services", queryset=Service.objects.order_by("name", "pk"), to_attr="listed_services"),
        )
    )
    listings = []
    for enterprise in enterprises:
        revision = enterprise.pending[0] if enterprise.pending else None
        services = []
        if enterprise.is_live:
            for service in enterprise.listed_services:
                form = capacity_form if capacity_form and capacity_form.service.pk == service.pk else None
                services.append((service, form or CapacityForm(service=service)))
        listings.append({"enterprise": enterprise, "revision": revision, "services": services})
    return render(
        request,
        "provider/home.html",
        {"listings": listings, "form": capacity_form, "stale_after_days": settings.CAPACITY_STALE_AFTER_DAYS,
         "events": upcoming_for(request.user, limit=ON_THE_HOME_PAGE)},
    )


@provider_required
def home(request):
    return _home_page(request)


@provider_required
@require_POST
def capacity(request, pk):
    """Taking new people / waiting list / full: live at once, no approval, and dated today."""
    service = get_object_or_404(
        Service.objects.filter(enterprise__in=provider_enterprises(request.user)).select_related("enterprise"), pk=pk
    )
    form = CapacityForm(request.POST, service=service)
    if not form.is_valid():
        return _home_page(request, capacity_form=form)
    service.capacity = form.cleaned_data["capacity"]
    service.capacity_confirmed_on = timezone.localdate()
    service.save(update_fields=["capacity", "capacity_confirmed_on", "updated_at"])
    messages.success(request, f"{service.name}: {Capacity(service.capacity).label.lower()}, confirmed today")
    return redirect(f"{reverse('provider:home')}#service-{service.pk}")


@provider_required
def figures(request, slug):
    """The yearly figures for the council's reports: live at once, dated today."""
    listing = _listing(request, slug)
    enterprise = listing.enterprise
    if enterprise.status == Status.ARCHIVED:
        return _locked(request, listing)
    form = _bound(FiguresForm, request, initial={
        "people_supported": enterprise.people_supported, "paid_staff": enterprise.paid_staff,
        "volunteers": enterprise.volunteers,
    })
    if request.method == "POST" and form.is_valid():
        for name, value in form.values().items():
            setattr(enterprise, name, value)
        enterprise.figures_updated_on = timezone.localdate()
        enterprise.save(update_fields=[*form.values(), "figures_updated_on", "updated_at"])
        messages.success(request, f"Yearly figures for {enterprise.name} saved")
        return redirect("provider:home")
    return render(request, "provider/figures.html", {"listing": listing, "form": form})


# The task list ------------------------------------------------------------------------------------------------------


def _latest_event(enterprise, action):
    return enterprise.events.filter(action=action).order_by("-at", "-pk").first()


@provider_required
def task_list(request, slug):
    listing = _listing(request, slug)
    enterprise = listing.enterprise
    just_saved = request.session.pop(JUST_SAVED, None)
    if not (just_saved and just_saved.get("slug") == slug and listing.revision and not listing.changes_sent):
        just_saved = None
    home_care = completeness.home_care_ids()
    services = [
        {"key": key, "values": values, "status": completeness.service_task_statuses(values, home_care)}
        for key, values in listing.copy["services"].items()
    ]
    missing = completeness.missing_for_submission(listing.copy, listing.slug, home_care=home_care)
    reason = {Status.CHANGES_REQUESTED: "changes_requested", Status.REJECTED: "rejected",
              Status.SUSPENDED: "suspended", Status.ARCHIVED: "archived"}.get(enterprise.status)
    last_revision = None
    if listing.revision is None and enterprise.is_live:
        last_revision = enterprise.revisions.order_by("-created_at", "-pk").first()
    return render(request, "provider/task_list.html", {
        "listing": listing,
        "enterprise": enterprise,
        "name": listing.copy["enterprise"].get("name") or enterprise.name,
        "editable": listing.locked_reason is None,
        "status": completeness.enterprise_task_statuses(listing.copy),
        "services": services,
        "missing": missing,
        "event": _latest_event(enterprise, reason) if reason else None,
        "changes": changes(listing.revision) if listing.revision is not None else [],
        "rejected_revision": last_revision if last_revision and last_revision.status == Revision.Status.REJECTED
        else None,
        "just_saved": just_saved,
        "usual_wait": usual_wait(enterprise.council, changes=enterprise.is_live) if _sent(listing) else "",
    })


# The enterprise's sections ------------------------------------------------------------------------------------------


def _enterprise_section(request, slug, form_class, *, title, template="provider/form.html", **context):
    listing = _listing(request, slug)
    if listing.locked_reason:
        return _locked(request, listing)
    values = {name: listing.copy["enterprise"].get(name) for name in form_class.base_fields}
    form = _bound(form_class, request, initial=initial_values(Enterprise, values))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            listing = _listing(request, slug, for_update=True)
            if listing.locked_reason:
                return _locked(request, listing)
            save_enterprise_details(listing.enterprise, by=request.user, values=form.values())
        return _saved(request, listing, title)
    return render(request, template, {"listing": listing, "form": form, "title": title, **context})


@provider_required
def about(request, slug):
    return _enterprise_section(request, slug, AboutForm, title="About your enterprise")


@provider_required
def contact(request, slug):
    return _enterprise_section(
        request, slug, ContactForm, title="Contact details",
        lede="How people can get in touch with you. Give a phone number, an email address or both.",
    )


@provider_required
def before_you_start(request, slug):
    """What the council will ask for, and what each service needs: read before the forms, not found out at the end."""
    listing = _listing(request, slug)
    if listing.locked_reason:
        return _locked(request, listing)
    return render(request, "provider/before_you_start.html", {
        "listing": listing,
        "usual_wait": usual_wait(listing.enterprise.council, changes=False),
    })


@provider_required
def documents(request, slug):
    return _enterprise_section(
        request, slug, DocumentsForm, title="Documents the council asks for",
        lede="The council checks these before it lists you. Have your insurance certificate ready: the council may "
             "ask to see it, and your DBS certificates and safeguarding policy.",
    )


# Services -----------------------------------------------------------------------------------------------------------


SERVICE_SECTIONS = {
    "service": (ServiceDetailsForm, "Service details"),
    "service_where": (ServiceWhereForm, "Where it works"),
    "service_costs": (ServiceCostsForm, "Costs and ways to pay"),
    "service_when": (ServiceWhenForm, "When it runs"),
    "service_accessibility": (ServiceAccessibilityForm, "Accessibility"),
}


def _service_form_kwargs(section: str, listing: Listing, values: dict) -> dict:
    if section == "service_where":
        return {"council": listing.enterprise.council}
    if section == "service_accessibility":
        return {"needs_cqc": bool(set(values.get("categories") or []) & completeness.home_care_ids())}
    return {}


def _service_section(request, slug, key, section):
    form_class, title = SERVICE_SECTIONS[section]
    listing = _listing(request, slug)
    values = _service_values(listing, key)
    if listing.locked_reason:
        return _locked(request, listing)
    initial = initial_values(Service, {name: values[name] for name in form_class.base_fields if name in values})
    form = _bound(form_class, request, initial=initial, **_service_form_kwargs(section, listing, values))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            listing = _listing(request, slug, for_update=True)
            _service_values(listing, key)
            if listing.locked_reason:
                return _locked(request, listing)
            save_service(listing.enterprise, by=request.user, key=key, values=form.values())
        return _saved(request, listing, f"{title} for {form.cleaned_data.get('name') or values.get('name')}")
    context = {"listing": listing, "form": form, "title": title, "service_name": values.get("name") or "New service"}
    if section == "service_where":
        context["groups"] = [
            ("If people come to a venue", [form[name] for name in ("venue_name", "venue_address", "venue_postcode")]),
            ("If you visit people at home",
             [form[name] for name in ("coverage_postcode", "coverage_radius_miles", "coverage_areas")]),
        ]
    return render(request, "provider/form.html", context)


@provider_required
def service(request, slug, key):
    return _service_section(request, slug, key, "service")


@provider_required
def service_where(request, slug, key):
    return _service_section(request, slug, key, "service_where")


@provider_required
def service_costs(request, slug, key):
    return _service_section(request, slug, key, "service_costs")


@provider_required
def service_when(request, slug, key):
    return _service_section(request, slug, key, "service_when")


@provider_required
def service_accessibility(request, slug, key):
    return _service_section(request, slug, key, "service_accessibility")


def _issue_token(request) -> str:
    """A one-time token for the add-a-service form, kept in the session until it is used."""
    token = uuid.uuid4().hex
    tokens = {**request.session.get(ADD_SERVICE_TOKENS, {}), token: None}
    request.session[ADD_SERVICE_TOKENS] = dict(list(tokens.items())[-KEPT_TOKENS:])
    return token


def _session_tokens(request):
    """The tokens as the session store holds them now, not as this request read them when it started: a second
    copy of the same form, sent while the first was being saved, must see the first one's token as used."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=request.session.session_key)
    return store, dict(store.get(ADD_SERVICE_TOKENS, {}))


@provider_required
def service_add(request, slug):
    listing = _listing(request, slug)
    if listing.locked_reason:
        return _locked(request, listing)
    form = _bound(ServiceAddForm, request, initial={"form_token": ""})
    token = request.POST.get("form_token", "") if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            listing = _listing(request, slug, for_update=True)
            if listing.locked_reason:
                return _locked(request, listing)
            store, tokens = _session_tokens(request)
            if token in tokens and tokens[token] is not None:
                request.session[ADD_SERVICE_TOKENS] = tokens
                messages.success(request, f"{form.cleaned_data['name']} was already added")
                return redirect("provider:task_list", slug=slug)
            if token in tokens:
                key = save_service(listing.enterprise, by=request.user, key=None, values=form.values())
                tokens[token] = key
                store[ADD_SERVICE_TOKENS] = request.session[ADD_SERVICE_TOKENS] = tokens
                store.save()
                return _saved(request, listing, form.cleaned_data["name"])
        form.add_error(None, "This page had expired. Check the details and select ‘Save and continue’ again")
        token = ""
    context = {"listing": listing, "form": form, "title": "Add a service", "token": token or _issue_token(request)}
    return render(request, "provider/form.html", context)


@provider_required
def service_remove(request, slug, key):
    listing = _listing(request, slug)
    values = _service_values(listing, key)
    if listing.locked_reason:
        return _locked(request, listing)
    name = values.get("name") or "this service"
    if request.method == "POST":
        with transaction.atomic():
            listing = _listing(request, slug, for_update=True)
            _service_values(listing, key)
            if listing.locked_reason:
                return _locked(request, listing)
            remove_service(listing.enterprise, by=request.user, key=key)
        if listing.enterprise.is_live:
            _just_saved(request, listing, f"People keep seeing {name} until the council approves your changes.")
        else:
            messages.success(request, f"{name} removed")
        return redirect("provider:task_list", slug=slug)
    return render(request, "provider/service_remove.html", {"listing": listing, "key": key, "name": name})


# Sending the listing, or its changes, to the council, and withdrawing changes --------------------------------------


def _sent(listing: Listing) -> bool:
    """Already with the council: the listing, or the changes to a live one."""
    return listing.enterprise.status == Status.SUBMITTED or listing.changes_sent


@provider_required
def submit(request, slug):
    listing = _listing(request, slug)
    enterprise = listing.enterprise
    if request.method == "POST" and _sent(listing):
        return redirect("provider:task_list", slug=slug)  # sent twice (a double press): it went the first time
    if enterprise.is_live:
        if listing.changes_sent:
            return _locked(request, listing)
        mode = "revision" if listing.revision is not None else "nothing"
    elif enterprise.status in EDITABLE:
        mode = "listing"
    else:
        return _locked(request, listing)
    error = None
    if request.method == "POST" and mode != "nothing":
        try:
            with transaction.atomic():
                listing = _listing(request, slug, for_update=True)
                if _sent(listing):
                    return redirect("provider:task_list", slug=slug)
                if listing.locked_reason or (mode == "revision" and listing.revision is None):
                    return _locked(request, listing)
                if not completeness.missing_for_submission(listing.copy, slug):
                    if mode == "listing":
                        submit_listing(enterprise=listing.enterprise, by=request.user)
                        messages.success(request, "Your listing has been sent to the council. They will check it "
                                                  "and email you.")
                    else:
                        submit_revision(revision=listing.revision, by=request.user)
                        messages.success(request, "Your changes have been sent to the council for approval")
                    request.session.pop(JUST_SAVED, None)
                    return redirect("provider:task_list", slug=slug)
        except TransitionError as transition_error:
            error = str(transition_error)
    missing = completeness.missing_for_submission(listing.copy, slug)
    answers = None
    if not missing and mode != "nothing":
        answers = check_your_answers(listing.copy, listing.enterprise.council)
    return render(request, "provider/submit.html", {
        "listing": listing,
        "mode": mode,
        "missing": missing,
        "tried": request.method == "POST",
        "error": error,
        "answers": answers,
        "changes": changes(listing.revision) if mode == "revision" else [],
        "usual_wait": usual_wait(listing.enterprise.council, changes=mode == "revision") if answers else "",
    })


@provider_required
@require_POST
def withdraw(request, slug):
    """Take back the changes sent for approval, to change them again. The form names the revision it withdraws, so
    that sending it twice withdraws once, and a withdrawal that comes after the council's decision says so."""
    listing = _listing(request, slug)
    revision = listing.enterprise.revisions.filter(pk=_whole_number(request.POST.get("revision"))).first()
    if revision is None:
        return redirect("provider:task_list", slug=slug)  # nothing of this listing's to withdraw
    try:
        if withdraw_changes(revision, by=request.user) is not None:
            messages.success(request, "Your changes are withdrawn. You can change your listing again, then send "
                                      "your changes for approval when you are ready.")
    except TransitionError as error:
        messages.warning(request, str(error))
    return redirect("provider:task_list", slug=slug)


def _whole_number(text) -> int | None:
    return int(text) if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) < 19 else None
