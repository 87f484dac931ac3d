"""manage.py import_directory: bring a directory in from a CSV file with our open data's columns, or from an Open
Referral UK 3.0 API. Prints the dry run; with --confirm, imports (opendata/importer.py)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from enterprises.models import Council
from opendata import importer, oruk_client


class Command(BaseCommand):
    help = ("Import services from a CSV file (our open data's columns) or an Open Referral UK API as listings "
            "waiting for the council's approval. Shows what it would do; --confirm does it.")

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--csv", metavar="FILE", help="a CSV file with our open data's columns")
        source.add_argument("--oruk", metavar="URL", help="an Open Referral UK 3.0 API's address, e.g. "
                            "https://example.org/api/oruk")
        parser.add_argument("--council", required=True, help="the council's slug, e.g. worcestershire-county-council")
        parser.add_argument("--by", metavar="EMAIL", help="the council staff member the listings' history names")
        parser.add_argument("--confirm", action="store_true", help="import, after showing the dry run")

    def handle(self, *args, csv, oruk, council, by, confirm, **options):
        try:
            council = Council.objects.get(slug=council)
        except Council.DoesNotExist:
            raise CommandError(f"No council has the slug “{council}”") from None
        user = None
        if by:
            user = get_user_model().objects.filter(email__iexact=by, staff_membership__council=council).first()
            if user is None:
                raise CommandError(f"{by} is not on the staff of {council}")
        try:
            if csv:
                with open(csv, "rb") as file:
                    data = file.read(importer.MAX_CSV_BYTES + 1)
                if len(data) > importer.MAX_CSV_BYTES:
                    raise CommandError(f"{csv} is larger than {importer.MAX_CSV_BYTES // 1024 // 1024} MB")
                rows, source = importer.read_csv(data), csv
            else:
                rows, source = oruk_client.read_oruk(oruk), oruk
        except OSError as error:
            raise CommandError(str(error)) from None
        except importer.SourceError as error:
            raise CommandError(str(error)) from None
        plan = importer.plan(rows, council)
        self._report(plan, importer.unknown_terms(rows, council))
        if not confirm:
            self.stdout.write("Nothing imported yet: run again with --confirm to import.")
            return
        result = importer.apply(rows, council=council, by=user, source=source)
        self.stdout.write(self.style.SUCCESS(
            f"Imported: {result['created']} services in {result['listings']} new listings waiting for approval; "
            f"{result['updated']} updated."))

    def _report(self, plan, unknown):
        self.stdout.write(f"Would create {len(plan.create)}, update {len(plan.update)}; "
                          f"{len(plan.duplicate)} look like listings we have; {len(plan.skipped)} cannot be imported.")
        for row in plan.create:
            self.stdout.write(f"  create  {row.where}: {row.service['name']} ({row.enterprise['name']})")
        for row, service in plan.update:
            self.stdout.write(f"  update  {row.where}: {service.name} ({service.enterprise.name})")
        for row, service in plan.duplicate:
            self.stdout.write(f"  duplicate  {row.where}: {row.service['name']} looks like {service.name} "
                              f"({service.enterprise.name}, {service.venue_postcode or 'no postcode'}): not imported")
        for row, reason in plan.skipped:
            self.stdout.write(f"  not imported  {row.where}: {reason}")
        for row, note in plan.notes:
            self.stdout.write(f"  note  {row.where}: {note}")
        for name in unknown:
            self.stdout.write(f"  not ours  {name}: left out")
