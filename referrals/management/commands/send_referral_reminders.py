"""manage.py send_referral_reminders [--date YYYY-MM-DD]: remind providers of referrals waiting for an answer, and
pass those still unanswered after the reminder to the council's staff."""

from core.daily_command import DailyCommand
from referrals.reminders import escalate_to_council, send_provider_reminders


class Command(DailyCommand):
    help = (
        "Email the provider of each referral that has had no answer within its time to answer (2 working days for an "
        "urgent one, REFERRAL_NO_RESPONSE_WORKING_DAYS for the others; weekends and bank holidays skipped); once that "
        "time has passed again since the reminder, pass it to the council's staff and email them. Each happens once "
        "per referral, so it is safe to run as often as you like (once a day is the intention), and from two "
        "schedulers at once."
    )

    def handle(self, *args, **options):
        today = self.today(options)
        reminded = send_provider_reminders(today=today)
        escalated = escalate_to_council(today=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminded providers about {reminded} referral(s) waiting for an answer; "
                f"passed {escalated} referral(s) still unanswered after a reminder to council staff"
            )
        )
