""""Report a problem with this page": the public form, and the pages where council staff and providers see the
reports (directory/problems.py has the rules and the scopes)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory.forms import ProblemReportForm
from directory.problems import (
    council_problem_reports,
    mark_dealt_with,
    provider_problem_reports,
    report_problem,
)
from directory.views import public_services
from enterprises import ratelimits
from enterprises.access import provider_required, staff_required


@require_http_methods(["GET", "POST"])
def report(request, pk):
    service = get_object_or_404(public_services(), pk=pk)
    form = ProblemReportForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = ratelimits.attempt(request, "problem_report")
        if refusal is None:
            report_problem(service=service, **form.cleaned_data)
            return redirect("report_problem_sent", pk=service.pk)
        form.refuse(refusal)
    response = render(request, "directory/report_problem.html", {"service": service, "form": form})
    if refusal is not None:
        response.status_code = 429
        response["Retry-After"] = str(refusal.retry_after)
    return response


@require_GET
def report_sent(request, pk):
    service = get_object_or_404(public_services(), pk=pk)
    return render(request, "directory/report_problem_sent.html", {"service": service})


OPEN_REPORTS_SHOWN = 200


def _with_listing(reports):
    return reports.select_related("service__enterprise").order_by("-reported_at", "-pk")


@require_GET
@staff_required
def council_reports(request):
    """The council's reports not yet dealt with, newest first, each with its listing; and how many were dealt with."""
    reports = council_problem_reports(request.user)
    open_reports = _with_listing(reports.filter(dealt_with_at__isnull=True))
    return render(request, "directory/problems_council.html", {
        "open_reports": open_reports[:OPEN_REPORTS_SHOWN],
        "open_count": open_reports.count(),
        "dealt_with_count": reports.filter(dealt_with_at__isnull=False).count(),
    })


@require_POST
@staff_required
def council_dealt_with(request, pk):
    problem = get_object_or_404(council_problem_reports(request.user).select_related("service"), pk=pk)
    mark_dealt_with(problem, by=request.user)
    messages.success(request, f"The problem reported with {problem.service.name} is marked as dealt with")
    return redirect("council_problem_reports")


@require_GET
@provider_required
def provider_reports(request):
    """The problems reported with this provider's own listings, not yet dealt with by the council."""
    reports = _with_listing(provider_problem_reports(request.user).filter(dealt_with_at__isnull=True))
    return render(request, "directory/problems_provider.html", {"open_reports": reports[:OPEN_REPORTS_SHOWN]})
