"""manage.py send_event_reminders [--date YYYY-MM-DD]: the day-before reminder of courses and meet-ups (run by a
scheduler)."""

from core.daily_command import DailyCommand
from enterprises.events import send_event_reminders


class Command(DailyCommand):
    help = (
        "Email each provider with a place on a course or meet-up that starts tomorrow. Each booking is reminded once, "
        "so it is safe to run as often as you like (once a day is the intention)."
    )

    def handle(self, *args, **options):
        sent = send_event_reminders(today=self.today(options))
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} event reminder(s)"))
