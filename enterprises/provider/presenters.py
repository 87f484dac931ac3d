"""What the provider's pages show, worked out from a listing's working copy: view-models the views pass to templates,
kept beside the views (the habit of NHS Manage Breast Screening) so views.py reads as request → action → response."""

from datetime import date, time

from core.dates import govuk_time, long_date
from enterprises.models import (
    ACCESSIBILITY_QUESTIONS,
    Area,
    Category,
    ClientGroup,
    CostType,
    Delivery,
    Enterprise,
    WayToPay,
    Weekday,
    yes_no_not_known,
)


def _times(values: dict) -> str:
    """ "2pm to 3:30pm", "From 10am", "Until 4pm", or "" """
    opens, closes = (govuk_time(time.fromisoformat(values[name])) if values.get(name) else ""
                     for name in ("opens_at", "closes_at"))
    if opens and closes:
        return f"{opens} to {closes}"
    return f"From {opens}" if opens else f"Until {closes}" if closes else ""


def _documents(about: dict) -> list[tuple[str, str, str]]:
    insurance = about.get("insurance_expires_on")
    safeguarding = about.get("has_safeguarding_policy")
    return [
        ("Public liability insurance runs out", long_date(date.fromisoformat(insurance)) if insurance else "",
         "documents"),
        ("DBS checks", dict(Enterprise.DbsAnswer.choices).get(about.get("dbs_answer") or "", ""), "documents"),
        ("Safeguarding policy", "" if safeguarding is None else "Yes" if safeguarding else "No", "documents"),
    ]


def check_your_answers(copy: dict, council) -> dict:
    """A listing's working copy (`enterprises.revisions.snapshot`) in words, for the check-your-answers summary: rows
    of (label, answer, the section that changes it) for the enterprise, the documents the council asks for and each
    service. Three queries, however many services."""
    categories = dict(Category.objects.values_list("pk", "name"))
    groups = dict(ClientGroup.objects.values_list("pk", "name"))
    areas = dict(Area.objects.filter(council=council).values_list("pk", "name"))

    def names(ids, lookup):
        return ", ".join(lookup[pk] for pk in ids or [] if pk in lookup)

    def labels(values, choices):
        return ", ".join(str(dict(choices).get(value, value)) for value in values or [])

    services = []
    for key, values in copy["services"].items():
        where = []
        if values.get("venue_postcode"):
            where.append(", ".join(filter(None, [values.get("venue_name"), values["venue_postcode"]])))
        if values.get("coverage_radius_miles") and values.get("coverage_postcode"):
            where.append(f"Within {values['coverage_radius_miles']} miles of {values['coverage_postcode']}")
        if values.get("coverage_areas"):
            where.append(names(values["coverage_areas"], areas))
        cost = dict(CostType.choices).get(values.get("cost_type") or "", "")
        if values.get("cost_amount") and values.get("cost_type") not in (CostType.FREE, ""):
            cost = f"£{float(values['cost_amount']):.2f} {cost}" if values["cost_type"] != CostType.DONATION else (
                f"Donation (suggested £{float(values['cost_amount']):.2f})")
        services.append({
            "key": key,
            "name": values.get("name") or "New service",
            "rows": [
                ("Summary", values.get("summary") or values.get("description") or "", "service"),
                ("Types of support", names(values.get("categories"), categories), "service"),
                ("Who it is for", names(values.get("client_groups"), groups) or "Anyone", "service"),
                ("How it is delivered", labels(values.get("delivery"), Delivery.choices), "service"),
                ("Where", "; ".join(where), "service_where"),
                ("Cost", cost, "service_costs"),
                ("Ways to pay", labels(values.get("ways_to_pay"), WayToPay.choices), "service_costs"),
                ("Days", labels([d for d in Weekday.values if d in (values.get("days") or [])], Weekday.choices),
                 "service_when"),
                ("Times", _times(values), "service_when"),
                ("Accessibility", "; ".join(f"{label}: {yes_no_not_known(values.get(name)).lower()}"
                                            for name, label in ACCESSIBILITY_QUESTIONS), "service_accessibility"),
            ],
        })
    about = copy["enterprise"]
    return {
        "enterprise": [
            ("Name", about.get("name") or "", "about"),
            ("Summary", about.get("summary") or "", "about"),
            ("Phone", about.get("phone") or "", "contact"),
            ("Email", about.get("email") or "", "contact"),
            ("Website", about.get("website") or "", "contact"),
        ],
        "documents": _documents(about),
        "services": services,
    }
