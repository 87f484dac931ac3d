"""Council staff: the reports page and each of its tables as CSV, under /council/reports/.

Staff only (`staff_required`), and every figure is for `request.council`, the council the member of staff belongs to:
nothing in the URL can choose another. The filters come in the query string (a GET form), so the page works
without JavaScript and a filtered report can be bookmarked or shared with a colleague. The figures come from
`reports.figures`; the charts from `reports.charts`; how each table fits the screen from `reports.tables`.
"""

from django import forms
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.dates import long_date
from core.forms import GovukDateField, GovukFormMixin
from core.spreadsheets import csv_lines
from enterprises.access import staff_required
from reports import charts, tables
from reports import figures as reports


class ReportFilterForm(GovukFormMixin, forms.Form):
    date_from = GovukDateField(label="From", what="The start date", required=False, help_text="For example, 1 4 2025")
    date_to = GovukDateField(label="To", what="The end date", required=False, help_text="For example, 31 3 2026")
    area = forms.ChoiceField(label="Area", required=False, error_messages={"invalid_choice": "Select an area"})
    category = forms.ChoiceField(
        label="Type of support", required=False, error_messages={"invalid_choice": "Select a type of support"}
    )

    def __init__(self, data, *, scope: reports.Scope):
        super().__init__(data)
        self.areas = {area.slug: area for area in scope.areas}
        self.categories = {category.slug: category for category in scope.categories}
        self.fields["area"].choices = [("", "All areas"), *((area.slug, area.name) for area in scope.areas)]
        self.fields["category"].choices = [
            ("", "All types of support"),
            *((category.slug, category.name) for category in scope.categories),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        elif start and end and (end - start).days > 366 * reports.MAX_YEARS:
            self.add_error("date_to", f"The dates must be {reports.MAX_YEARS} years apart or less")
        return data

    def filters(self) -> reports.Filters:
        data = self.cleaned_data
        return reports.Filters.make(
            data.get("date_from"),
            data.get("date_to"),
            area=self.areas.get(data.get("area") or ""),
            category=self.categories.get(data.get("category") or ""),
        )


@require_GET
@staff_required
def index(request):
    scope = reports.Scope.of(request.council)
    form = ReportFilterForm(request.GET, scope=scope)
    context = {"form": form, "sections": [], "query": request.GET.urlencode()}
    if form.is_valid():
        filters = form.filters()
        sections = reports.all_sections(scope, filters)
        for section in sections:
            for table in section.tables:
                table.svg = charts.chart_for(table, months=filters.months)
                table.layout = tables.layout(table)
        context.update(
            filters=filters,
            sections=sections,
            period=f"{long_date(filters.start)} to {long_date(filters.end)}",
        )
    return render(request, "reports/index.html", context)


@require_GET
@staff_required
def table_csv(request, table):
    if table not in reports.TABLES:
        raise Http404("No such report table")
    scope = reports.Scope.of(request.council)
    form = ReportFilterForm(request.GET, scope=scope)
    if not form.is_valid():
        return HttpResponseBadRequest("Correct the filters on the reports page first.", content_type="text/plain")
    found = reports.table(scope, form.filters(), table)
    response = HttpResponse(csv_lines(found.as_lists()), content_type="text/csv; charset=utf-8")
    filename = f"{request.council.slug}-{table}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
