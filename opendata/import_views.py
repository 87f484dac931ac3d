"""The council staff's page for bringing an existing directory in: upload a CSV file with our open data's columns,
check the dry run, confirm (opendata/importer.py does the work).

The page takes a file, never an address to fetch: an address would let anyone with a staff account make our server
fetch from wherever it can reach, our own network included. An Open Referral UK API is read by the command,
`manage.py import_directory --oruk URL`, run by someone who already has the server (opendata/oruk_client.py).

Every view is for staff only (`staff_required`), and an import is looked up among their own council's, so another
council's is a 404.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import GovukFormMixin
from enterprises.access import staff_required
from opendata import importer
from opendata.models import DirectoryImport

MEGABYTES = importer.MAX_CSV_BYTES // 1024 // 1024


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty",
                        "invalid": "The selected file could not be read"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importer.MAX_CSV_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {MEGABYTES} MB")
        try:
            self.rows = importer.read_csv(upload.read())
        except importer.SourceError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def start(request):
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = DirectoryImport.objects.create(
            council=request.council, created_by=request.user, source=form.cleaned_data["file"].name[:300],
            rows=importer.rows_as_data(form.rows),
        )
        return redirect("import_directory_check", pk=upload.pk)
    return render(request, "opendata/import.html", {"form": form, "max_megabytes": MEGABYTES})


def _own_import(request, pk) -> DirectoryImport:
    return get_object_or_404(DirectoryImport, pk=pk, council=request.council)


WHERE = "Where in the file"


def _tables(plan: importer.Plan) -> list[tuple[str, list[str], list[list[str]]]]:
    """The dry run as tables: caption, headings, rows of cells (only those with rows)."""
    def listed(service):
        return f"{service.name} ({service.enterprise.name}, {service.venue_postcode or 'no postcode'})"

    tables = [
        ("New services", [WHERE, "Service", "Provider"],
         [[row.where, row.service["name"], row.enterprise["name"]] for row in plan.create]),
        ("Services to update", [WHERE, "Service", "Provider"],
         [[row.where, service.name, service.enterprise.name] for row, service in plan.update]),
        ("Look like listings you already have: not imported", [WHERE, "In the file", "Already listed"],
         [[row.where, f"{row.service['name']} ({row.enterprise['name']})", listed(service)]
          for row, service in plan.duplicate]),
        ("Cannot be imported", [WHERE, "Why"], [[row.where, reason] for row, reason in plan.skipped]),
    ]
    return [table for table in tables if table[2]]


@staff_required
@require_http_methods(["GET", "HEAD"])
def check(request, pk):
    upload = _own_import(request, pk)
    rows = importer.rows_from_data(upload.rows)
    context = {"upload": upload}
    if upload.confirmed_at is None:
        plan = importer.plan(rows, request.council)
        context.update(plan=plan, tables=_tables(plan), unknown=importer.unknown_terms(rows, request.council))
    return render(request, "opendata/import_check.html", context)


@staff_required
@require_POST
def confirm(request, pk):
    with transaction.atomic():
        upload = get_object_or_404(DirectoryImport.objects.select_for_update(), pk=pk, council=request.council)
        if upload.confirmed_at is not None:
            messages.info(request, "This file was already imported: nothing was imported again")
            return redirect("import_directory_check", pk=upload.pk)
        upload.result = importer.apply(importer.rows_from_data(upload.rows), council=request.council,
                                       by=request.user, source=f"the file {upload.source}")
        upload.confirmed_at = timezone.now()
        upload.save()
    messages.success(request, f"Imported {upload.result['created'] + upload.result['updated']} services")
    return redirect("import_directory_check", pk=upload.pk)
