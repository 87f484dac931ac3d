"""manage.py purge_referrals [--dry-run]: erase the personal details of referrals closed long enough ago."""

from django.core.management.base import BaseCommand

from referrals.retention import erase_personal_details


class Command(BaseCommand):
    help = (
        "Erase the person's details (and the text of messages) from referrals that were declined, withdrawn or ended "
        "more than REFERRAL_RETENTION_MONTHS calendar months ago, keeping the service, dates, statuses and outcome "
        "for the reports. Safe to run as often as you like (once a day is the intention)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many would be erased, and change nothing.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            count = erase_personal_details(dry_run=True)
            self.stdout.write(f"Would erase the personal details of {count} referral(s) (dry run: nothing changed)")
            return
        count = erase_personal_details()
        self.stdout.write(self.style.SUCCESS(f"Erased the personal details of {count} referral(s)"))
