""""Report a problem with this page": taking a report from anyone, telling the provider, and who sees the reports.

- Anyone may report a problem with a published service's page, without an account; each client network may send
  settings.RATE_LIMITS["problem_report"] a window (enterprises/ratelimits.py). The same form sent twice makes one
  report (its `submission` key).
- The provider is told at once, in the transaction that keeps the report (enterprises/listings.py `tell_providers`).
- Council staff see their council's reports and mark them dealt with; a provider sees the open reports about their
  own listings. Each scope starts from the person's (enterprises/access.py).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from directory.models import ProblemReport
from enterprises.access import council_enterprises, provider_enterprises
from enterprises.listings import tell_providers
from enterprises.models import Enterprise


@transaction.atomic
def report_problem(*, service, problem: str, details: str, submission) -> tuple[ProblemReport, bool]:
    """Keep the report and tell the provider, once per `submission`: (the report, whether it is new)."""
    try:
        with transaction.atomic():
            report = ProblemReport.objects.create(
                service=service, problem=problem, details=details.strip(), submission=submission
            )
    except IntegrityError:  # this form was sent before (a double click or a resend): that report stands
        return ProblemReport.objects.get(submission=submission), False
    _tell_provider(report)
    return report, True


def _tell_provider(report: ProblemReport) -> None:
    service = report.service
    link = f"{settings.SITE_URL}{reverse('provider_problem_reports')}"
    lines = [
        f"Someone using {settings.SITE_NAME} reported a problem with the page for {service.name}:",
        "",
        report.get_problem_display(),
    ]
    if report.details:
        lines += ["", "What they said:", report.details]
    lines += ["", f"If something has changed, update your listing. The problems reported: {link}"]
    tell_providers(
        service.enterprise, f"A problem was reported with {service.name}", "\n".join(lines), kind="listing_problem"
    )


def council_problem_reports(user):
    """The reports about this member of staff's council's listings, and no other council's."""
    return ProblemReport.objects.filter(service__enterprise__in=council_enterprises(user))


def provider_problem_reports(user):
    """The reports about this provider's own listings."""
    return ProblemReport.objects.filter(service__enterprise__in=provider_enterprises(user))


def mark_dealt_with(report: ProblemReport, *, by) -> ProblemReport:
    """Staff close a report; closing one already closed changes nothing (two people, or one clicking twice)."""
    with transaction.atomic():
        locked = ProblemReport.objects.select_for_update().get(pk=report.pk)
        if locked.dealt_with_at is None:
            locked.dealt_with_at = timezone.now()
            locked.dealt_with_by = by
            locked.save(update_fields=["dealt_with_at", "dealt_with_by"])
        return locked


def reported_out_of_date() -> Q:
    """A listing (enterprise) with a problem reported and not yet dealt with."""
    return Q(pk__in=ProblemReport.objects.filter(dealt_with_at__isnull=True).values("service__enterprise_id"))


def listings_reported_out_of_date(council) -> int:
    """How many of the council's published listings are reported as out of date."""
    return Enterprise.objects.published().filter(reported_out_of_date(), council=council).count()
