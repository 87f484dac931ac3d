"""What a listing still needs before it can go to the council, and how far each task on the task list has got.

Both read a listing's working copy (`revisions.working_copy`): the draft itself, or a live listing's pending
revision. They never change anything, so the task list, the submit page and the council's pages may all call them.

A draft may be saved half-finished; these rules apply only when the provider sends the listing (or its changes).
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from core.dates import long_date
from enterprises.models import Category, Delivery

HOME_CARE_SLUG = "home-care"

COMPLETED = "Completed"
INCOMPLETE = "Incomplete"
NOT_STARTED = "Not started"

ABOUT = "About your enterprise"
CONTACT = "Contact details"
SERVICES = "Services"
DOCUMENTS = "Documents the council asks for"


def home_care_ids() -> set[int]:
    """The categories whose services give regulated personal care, so need a CQC registration number."""
    return set(Category.objects.filter(slug=HOME_CARE_SLUG).values_list("pk", flat=True))


def _date(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def service_section(values: dict) -> str:
    return f"Service: {values.get('name') or 'New service'}"


def _urls(slug: str | None):
    """url(name, key=None) for the provider pages of this listing; None everywhere when no slug is given."""

    def url(name: str, key: str | None = None) -> str | None:
        if slug is None:
            return None
        kwargs = {"slug": slug} if key is None else {"slug": slug, "key": key}
        return reverse(f"provider:{name}", kwargs=kwargs)

    return url


def _has_coverage(values: dict) -> bool:
    radius = values.get("coverage_radius_miles") and values.get("coverage_postcode")
    return bool(radius or values.get("coverage_areas"))


def missing_for_submission(working_copy: dict, slug: str | None = None, *, home_care: set[int] | None = None):
    """Everything the listing still needs before it can be sent, as (section, message, url) in task-list order: what
    the council asks for first, as the task list asks it first.

    `url` is the provider page that fixes it (None when no `slug` is given). An empty list means it can be sent.
    """
    url = _urls(slug)
    home_care = home_care_ids() if home_care is None else home_care
    enterprise = working_copy["enterprise"]
    missing = []

    insurance = _date(enterprise.get("insurance_expires_on"))
    if insurance is None:
        missing.append((DOCUMENTS, "Enter the date your public liability insurance runs to", url("documents")))
    elif insurance < timezone.localdate():
        missing.append((DOCUMENTS, f"Your public liability insurance ran out on {long_date(insurance)}: enter the "
                                   f"date your new insurance runs to", url("documents")))
    if not enterprise.get("dbs_answer"):
        missing.append((DOCUMENTS, "Answer the question about DBS checks", url("documents")))
    if enterprise.get("has_safeguarding_policy") is None:
        missing.append((DOCUMENTS, "Say whether you have a safeguarding policy", url("documents")))
    if not (enterprise.get("name") or "").strip():
        missing.append((ABOUT, "Enter the name of your enterprise", url("about")))
    if not (enterprise.get("summary") or "").strip():
        missing.append((ABOUT, "Enter a short summary of what your enterprise does", url("about")))
    if not (enterprise.get("phone") or enterprise.get("email")):
        missing.append((CONTACT, "Enter a phone number or an email address, so that people can contact you",
                        url("contact")))

    services = working_copy["services"]
    if not services:
        missing.append((SERVICES, "Add at least one service", url("service_add")))
    for key, values in services.items():
        section = service_section(values)
        delivery = values.get("delivery") or []
        if not (values.get("name") or "").strip():
            missing.append((section, "Enter the name of the service", url("service", key)))
        if not (values.get("summary") or values.get("description")):
            missing.append((section, "Describe what the service does", url("service", key)))
        if not values.get("categories"):
            missing.append((section, "Choose at least one type of support", url("service", key)))
        if not delivery:
            missing.append((section, "Say how the service is delivered", url("service", key)))
        if Delivery.VENUE in delivery and not values.get("venue_postcode"):
            missing.append((section, "Enter the postcode of the venue", url("service_where", key)))
        if Delivery.HOME in delivery and not _has_coverage(values):
            missing.append((section, "Say where you visit people at home: a distance from a postcode, or a list of "
                                     "areas", url("service_where", key)))
        if not values.get("cost_type"):
            missing.append((section, "Say what the service costs", url("service_costs", key)))
        if set(values.get("categories") or []) & home_care and not values.get("cqc_registration"):
            missing.append((section, "Enter the CQC registration number: this service gives personal care",
                            url("service_accessibility", key)))

    return missing


def _status(done: bool, started: bool) -> str:
    if done:
        return COMPLETED
    return INCOMPLETE if started else NOT_STARTED


def enterprise_task_statuses(working_copy: dict) -> dict[str, str]:
    """The status of each of the enterprise's own tasks: "about", "contact" and "documents"."""
    values = working_copy["enterprise"]
    insurance = _date(values.get("insurance_expires_on"))
    documents = [insurance, values.get("dbs_answer"), values.get("has_safeguarding_policy")]
    return {
        "about": _status(
            bool(values.get("name") and values.get("summary")),
            any(values.get(name) for name in ("summary", "description", "legal_form")),
        ),
        "contact": _status(
            bool(values.get("phone") or values.get("email")),
            any(values.get(name) for name in ("contact_name", "phone", "email", "website")),
        ),
        "documents": _status(
            insurance is not None and insurance >= timezone.localdate() and all(
                answer not in (None, "") for answer in documents[1:]
            ),
            any(answer not in (None, "") for answer in documents),
        ),
    }


def service_task_statuses(values: dict, home_care: set[int]) -> dict[str, str]:
    """The status of each task of one service: "details", "where", "costs", "when" and "accessibility"."""
    delivery = values.get("delivery") or []
    where_entered = any(values.get(name) for name in (
        "venue_name", "venue_address", "venue_postcode", "coverage_postcode", "coverage_radius_miles", "coverage_areas"
    ))
    where_needed = Delivery.VENUE in delivery or Delivery.HOME in delivery
    where_done = bool(delivery) and (Delivery.VENUE not in delivery or values.get("venue_postcode")) and (
        Delivery.HOME not in delivery or _has_coverage(values)
    )
    needs_cqc = bool(set(values.get("categories") or []) & home_care)
    accessibility_entered = any(
        values.get(name) is not None for name in ("step_free_access", "hearing_loop", "accessible_toilet")
    ) or any(values.get(name) for name in ("languages", "accessibility_note", "cqc_registration"))
    return {
        "details": _status(
            bool(values.get("name") and (values.get("summary") or values.get("description"))
                 and values.get("categories") and delivery),
            True,
        ),
        "where": _status(bool(where_done and (where_entered or not where_needed)), where_entered),
        "costs": _status(
            bool(values.get("cost_type")),
            any(values.get(name) for name in ("cost_amount", "cost_note", "ways_to_pay")),
        ),
        "when": _status(
            bool(values.get("days") or values.get("schedule_note")),
            bool(values.get("opens_at") or values.get("closes_at")),
        ),
        "accessibility": _status(
            accessibility_entered and (not needs_cqc or bool(values.get("cqc_registration"))),
            accessibility_entered,
        ),
    }
