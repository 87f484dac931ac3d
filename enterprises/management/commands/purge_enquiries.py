"""manage.py purge_enquiries [--dry-run]: erase the personal details of enquiries closed long enough ago."""

from django.core.management.base import BaseCommand

from enterprises.enquiries import erase_personal_details


class Command(BaseCommand):
    help = (
        "Erase the enquirer's details (name, email, phone, what they told us, and the reason it did not go ahead) from "
        "enquiries about starting a micro-enterprise that started or did not go ahead more than "
        "ENQUIRY_RETENTION_MONTHS calendar months ago, keeping the council, area, stages and dates for the reports. "
        "Safe to run as often as you like (once a day is the intention)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many would be erased, and change nothing.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            count = erase_personal_details(dry_run=True)
            self.stdout.write(f"Would erase the personal details of {count} enquiry(s) (dry run: nothing changed)")
            return
        count = erase_personal_details()
        self.stdout.write(self.style.SUCCESS(f"Erased the personal details of {count} enquiry(s)"))
