"""manage.py seed_demo_referrals: a handful of demo referrals in every status (development only; after seed_demo)."""

from django.core.management.base import BaseCommand, CommandError

from demo.referrals import DemoReferralError, seed_demo_referrals
from demo.seed import DemoDataError


class Command(BaseCommand):
    help = (
        "Add about nine fictional referrals from the demo referrer (referrer@example.org) to the demo provider's "
        "services and a few others, one in every status and one waiting 7 working days for an answer. Run it after "
        "`manage.py seed_demo`. Safe to run again: if the demo referrer already has referrals, it adds nothing. "
        "It adds nothing, and says why, when there are no demo accounts (for example on a real database)."
    )

    def handle(self, *args, **options):
        try:
            added = seed_demo_referrals()
        except DemoReferralError as error:
            self.stdout.write(f"No demo referrals added: {error}")
            return
        except DemoDataError as error:  # a mistake in demo/data/referrals.yaml: one line says which
            raise CommandError(str(error)) from error
        if added:
            self.stdout.write(self.style.SUCCESS(f"Added {added} demo referrals from the demo referrer"))
        else:
            self.stdout.write("Demo referrals already present")
