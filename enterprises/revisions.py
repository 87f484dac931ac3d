"""Editing a listing: straight to the listing while it is a draft, into a pending Revision once it is live.

A listing's editable content, as stored in `Revision.data` and as `working_copy` returns it:

    {"enterprise": {field: value, ...},
     "services": {"<id>" or "new-<n>": {field: value, "categories": [ids], ...}, ...},
     "removed": ["<id>", ...]}

Values are JSON: dates and times as ISO strings, decimals as strings, many-to-many fields as sorted id lists.
`initial_values` turns them back into Python values for forms.
"""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from core.dates import govuk_time, long_date
from enterprises.listings import TransitionError
from enterprises.models import (
    ACCESSIBILITY_QUESTIONS,
    Area,
    Category,
    ClientGroup,
    Enterprise,
    ListingEvent,
    Postcode,
    Revision,
    Service,
    yes_no_not_known,
)

ENTERPRISE_FIELDS = [
    "name", "summary", "description", "legal_form", "contact_name", "phone", "email", "website",
    "insurance_expires_on", "dbs_answer", "has_safeguarding_policy",
]
SERVICE_FIELDS = [
    "name", "summary", "description", "delivery", "venue_name", "venue_address", "venue_postcode",
    "coverage_postcode", "coverage_radius_miles", "minimum_age", "maximum_age", "cost_type", "cost_amount",
    "cost_note", "ways_to_pay", "days", "opens_at", "closes_at", "schedule_note", "step_free_access", "hearing_loop",
    "accessible_toilet", "languages", "accessibility_note", "cqc_registration",
]
SERVICE_RELATIONS = {"categories": Category, "client_groups": ClientGroup, "coverage_areas": Area}
ACCESSIBILITY = dict(ACCESSIBILITY_QUESTIONS)


def _to_json(value):
    if value is None or isinstance(value, (bool, int, str, list)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # Decimal


def _enterprise_values(enterprise: Enterprise) -> dict:
    return {name: _to_json(getattr(enterprise, name)) for name in ENTERPRISE_FIELDS}


def service_values(service: Service) -> dict:
    values = {name: _to_json(getattr(service, name)) for name in SERVICE_FIELDS}
    for name in SERVICE_RELATIONS:
        values[name] = sorted(item.pk for item in getattr(service, name).all())
    return values


def snapshot(enterprise: Enterprise) -> dict:
    """The listing as the public sees it now (or, for a draft, as it stands)."""
    services = enterprise.services.prefetch_related(*SERVICE_RELATIONS).order_by("pk")
    return {
        "enterprise": _enterprise_values(enterprise),
        "services": {str(service.pk): service_values(service) for service in services},
        "removed": [],
    }


def pending_revision(enterprise: Enterprise) -> Revision | None:
    return enterprise.revisions.filter(status=Revision.Status.PENDING).first()


def working_copy(enterprise: Enterprise) -> dict:
    """What the provider is editing: the pending revision's proposal if there is one, else the listing itself."""
    revision = pending_revision(enterprise)
    return revision.data if revision is not None else snapshot(enterprise)


def initial_values(model, values: dict) -> dict:
    """JSON values back into Python values, for a form's `initial`."""
    initial = {}
    for name, value in values.items():
        if name in SERVICE_RELATIONS:
            initial[name] = value
            continue
        field = model._meta.get_field(name)
        initial[name] = field.to_python(value) if value is not None and not isinstance(value, list) else value
    return initial


def _cleaned_to_json(values: dict) -> dict:
    result = {}
    for name, value in values.items():
        if name in SERVICE_RELATIONS:
            result[name] = sorted(int(getattr(item, "pk", item)) for item in value)
        else:
            result[name] = _to_json(value)
    return result


def _lock_current_status(enterprise: Enterprise) -> None:
    """Lock the listing and re-read its status, so an edit goes where the listing's state says now."""
    enterprise.status = Enterprise.objects.select_for_update().values_list("status", flat=True).get(pk=enterprise.pk)


def _open_revision(enterprise: Enterprise, by) -> Revision:
    """The pending revision of a live listing, locked, created from the listing if there is none."""
    revision = enterprise.revisions.select_for_update().filter(status=Revision.Status.PENDING).first()
    if revision is None:
        revision = Revision.objects.create(enterprise=enterprise, data=snapshot(enterprise), created_by=by)
    return revision


@transaction.atomic
def save_enterprise_details(enterprise: Enterprise, *, by, values: dict) -> None:
    values = _cleaned_to_json(values)
    _lock_current_status(enterprise)
    if enterprise.is_live:
        revision = _open_revision(enterprise, by)
        revision.data["enterprise"].update(values)
        revision.save()
        return
    for name, value in initial_values(Enterprise, values).items():
        setattr(enterprise, name, value)
    enterprise.save(update_fields=[*values, "updated_at"])


@transaction.atomic
def save_service(enterprise: Enterprise, *, by, key: str | None, values: dict) -> str:
    """Create (key None) or change a service; returns its key. Values may be any subset of the service's fields."""
    values = _cleaned_to_json(values)
    if key is None:
        values.setdefault("cost_type", "")  # a new service has not said what it costs yet
    _lock_current_status(enterprise)
    if enterprise.is_live:
        revision = _open_revision(enterprise, by)
        services = revision.data["services"]
        if key is None:
            revision.data["next_new"] = revision.data.get("next_new", 0) + 1
            key = f"new-{revision.data['next_new']}"
            services[key] = {}
        services[key].update(values)
        revision.save()
        return key
    service = Service(enterprise=enterprise) if key is None else enterprise.services.get(pk=int(key))
    write_service(service, values)
    return str(service.pk)


@transaction.atomic
def remove_service(enterprise: Enterprise, *, by, key: str) -> None:
    _lock_current_status(enterprise)
    if enterprise.is_live:
        revision = _open_revision(enterprise, by)
        revision.data["services"].pop(key, None)
        if not key.startswith("new-"):
            revision.data["removed"] = sorted(set(revision.data["removed"]) | {key})
        revision.save()
        return
    enterprise.services.filter(pk=int(key)).delete()


def write_service(service: Service, values: dict) -> Service:
    """Set a service's fields from JSON values, locate its postcodes on the grid, and save it."""
    relations = {name: values[name] for name in SERVICE_RELATIONS if name in values}
    plain = {name: value for name, value in values.items() if name not in SERVICE_RELATIONS}
    for name, value in initial_values(Service, plain).items():
        setattr(service, name, value)
    venue = Postcode.objects.filter(pk=service.venue_postcode).first() if service.venue_postcode else None
    service.venue_easting, service.venue_northing = (venue.easting, venue.northing) if venue else (None, None)
    base = Postcode.objects.filter(pk=service.coverage_postcode).first() if service.coverage_postcode else None
    service.coverage_easting, service.coverage_northing = (base.easting, base.northing) if base else (None, None)
    service.save()
    for name, ids in relations.items():
        getattr(service, name).set(ids)
    return service


def apply_revision(revision: Revision) -> None:
    """Make a revision's proposal the live listing (the caller holds the locks and records the event)."""
    enterprise = revision.enterprise
    for name, value in initial_values(Enterprise, revision.data["enterprise"]).items():
        setattr(enterprise, name, value)
    enterprise.save(update_fields=[*revision.data["enterprise"], "updated_at"])
    enterprise.services.filter(pk__in=[int(key) for key in revision.data["removed"]]).delete()
    for key, values in revision.data["services"].items():
        if key.startswith("new-"):
            write_service(Service(enterprise=enterprise), values)
        else:
            service = enterprise.services.filter(pk=int(key)).first()
            if service is not None:
                write_service(service, values)


@dataclass(frozen=True)
class Change:
    """One changed field: where it is (the enterprise, or a service by name), what it is, before and after."""

    section: str
    label: str
    before: str
    after: str


def _display(model, name: str, value: Any) -> str:
    """A value of the working copy in words, as GOV.UK writes them: "31 March 2027", "2:30pm", "£4.50"."""
    if model is Service and name in ACCESSIBILITY:
        return yes_no_not_known(value)  # where nothing said is "not known", not "not given"
    field = model._meta.get_field(name) if name not in SERVICE_RELATIONS else None
    if value in (None, "", []):
        return "Not given"
    if name in SERVICE_RELATIONS:
        names = SERVICE_RELATIONS[name].objects.filter(pk__in=value).values_list("name", flat=True)
        return ", ".join(sorted(names))
    choices = dict(field.base_field.choices if hasattr(field, "base_field") else field.choices or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(field, models.DateField):
        return long_date(date.fromisoformat(value))
    if isinstance(field, models.TimeField):
        return govuk_time(time.fromisoformat(value))
    if isinstance(field, models.DecimalField):
        return f"£{Decimal(value):,.2f}"
    return str(choices.get(value, value))


def _label(model, name: str) -> str:
    label = model._meta.get_field(name).verbose_name
    return label[:1].upper() + label[1:]


def changes(revision: Revision) -> list[Change]:
    """Field by field, what the revision changes compared with the live listing."""
    live = snapshot(revision.enterprise)
    proposed = revision.data
    found = []
    for name in ENTERPRISE_FIELDS:
        before, after = live["enterprise"].get(name), proposed["enterprise"].get(name)
        if before != after:
            found.append(Change("About the enterprise", _label(Enterprise, name),
                                _display(Enterprise, name, before), _display(Enterprise, name, after)))
    for key, after_values in proposed["services"].items():
        before_values = live["services"].get(key, {})
        section = after_values.get("name") or before_values.get("name") or "New service"
        if key not in live["services"]:
            section = f"New service: {section}"
        for name in [*SERVICE_FIELDS, *SERVICE_RELATIONS]:
            before, after = before_values.get(name), after_values.get(name, before_values.get(name))
            if before != after and not (before in (None, "", []) and after in (None, "", [])):
                found.append(Change(section, _label(Service, name),
                                    _display(Service, name, before), _display(Service, name, after)))
    for key in proposed["removed"]:
        if key in live["services"]:
            found.append(Change(f"Removed service: {live['services'][key]['name']}", "Service", "Listed", "Removed"))
    return found


def revision_age_days(revision: Revision) -> int:
    return (timezone.now() - (revision.submitted_at or revision.created_at)).days


@transaction.atomic
def withdraw_changes(revision: Revision, *, by) -> Revision | None:
    """Take back changes that were sent for approval, to edit them again: the sent revision is closed as withdrawn,
    and a new pending one, not sent, holds the same changes, which this returns. Staff still approve only what they
    looked at: their page of the withdrawn revision can no longer approve it.

    None when there is nothing to withdraw (already withdrawn, as when the button is pressed twice, or never sent).
    Changes the council has approved or rejected meanwhile cannot be withdrawn: TransitionError, saying which. The
    revision is locked first, as approving and rejecting lock it, so of a withdrawal and a decision at the same
    moment one wins and the other fails with that error.
    """
    locked = Revision.objects.select_for_update().select_related("enterprise").get(pk=revision.pk)
    enterprise = locked.enterprise
    if not enterprise.members.filter(pk=by.pk).exists():
        raise TransitionError("Only the enterprise’s own people can do that")
    if locked.status == Revision.Status.APPROVED:
        raise TransitionError("The council approved your changes before you could withdraw them: they are live now")
    if locked.status == Revision.Status.REJECTED:
        raise TransitionError("The council did not approve your changes, so there is nothing to withdraw")
    if locked.status == Revision.Status.WITHDRAWN or locked.submitted_at is None:
        return None
    if not enterprise.is_live:
        raise TransitionError(f"{enterprise.name} is not published now, so its changes cannot be withdrawn")
    locked.status, locked.decided_by, locked.decided_at = Revision.Status.WITHDRAWN, by, timezone.now()
    locked.save()
    reopened = Revision.objects.create(enterprise=enterprise, data=locked.data, created_by=locked.created_by)
    ListingEvent.objects.create(enterprise=enterprise, revision=locked, action="revision_withdrawn",
                                from_status=enterprise.status, to_status=enterprise.status, actor=by)
    return reopened
