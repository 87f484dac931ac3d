"""manage.py send_referral_reminders [--date YYYY-MM-DD]: remind providers of referrals waiting for an answer."""

from core.daily_command import DailyCommand
from referrals.reminders import send_provider_reminders


class Command(DailyCommand):
    help = (
        "Email the provider of each referral that has had no answer for REFERRAL_NO_RESPONSE_WORKING_DAYS working days "
        "(Monday to Friday). Each provider is reminded once per referral, so it is safe to run as often as you like "
        "(once a day is the intention), and from two schedulers at once."
    )

    def handle(self, *args, **options):
        today = self.today(options)
        reminded = send_provider_reminders(today=today)
        self.stdout.write(
            self.style.SUCCESS(f"Reminded providers about {reminded} referral(s) waiting for an answer")
        )
