"""manage.py send_listing_reminders [--date YYYY-MM-DD]: the daily reminder to providers (run by a scheduler)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from enterprises.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email the providers whose listing's yearly review is due, or whose public liability insurance expires within "
        "INSURANCE_WARNING_DAYS days or has expired. Each reminder is recorded in the listing's history and sent once "
        "for each due date, so it is safe to run as often as you like (once a day is the intention)."
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
        sent = send_reminders(today=today)
        self.stdout.write(
            self.style.SUCCESS(f"Sent {sent.review} review reminder(s) and {sent.insurance} insurance reminder(s)")
        )
