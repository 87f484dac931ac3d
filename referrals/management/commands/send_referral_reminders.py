"""manage.py send_referral_reminders [--date YYYY-MM-DD]: remind providers of referrals waiting for an answer."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from referrals.reminders import send_provider_reminders


class Command(BaseCommand):
    help = (
        "Email the provider of each referral that has had no answer for REFERRAL_NO_RESPONSE_WORKING_DAYS working days "
        "(Monday to Friday). Each provider is reminded once per referral, so it is safe to run as often as you like "
        "(once a day is the intention), and from two schedulers at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD); for testing and catching up.")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date must be a date like 2026-03-03, not {options['date']!r}") from error
        reminded = send_provider_reminders(today=today)
        self.stdout.write(
            self.style.SUCCESS(f"Reminded providers about {reminded} referral(s) waiting for an answer")
        )
