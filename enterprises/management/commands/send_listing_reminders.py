"""manage.py send_listing_reminders [--date YYYY-MM-DD]: the daily reminder to providers (run by a scheduler)."""

from core.daily_command import DailyCommand
from enterprises.reminders import send_reminders


class Command(DailyCommand):
    help = (
        "Email the providers whose listing's yearly review is due, or whose public liability insurance expires within "
        "INSURANCE_WARNING_DAYS days or has expired. Each reminder is recorded in the listing's history and sent once "
        "for each due date, so it is safe to run as often as you like (once a day is the intention)."
    )

    def handle(self, *args, **options):
        today = self.today(options)
        sent = send_reminders(today=today)
        self.stdout.write(
            self.style.SUCCESS(f"Sent {sent.review} review reminder(s) and {sent.insurance} insurance reminder(s)")
        )
