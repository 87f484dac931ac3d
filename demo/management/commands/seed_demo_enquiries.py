"""manage.py seed_demo_enquiries: a few demo enquiries about starting a micro-enterprise, one at each stage
(development only; after seed_demo)."""

from django.core.management.base import BaseCommand, CommandError

from demo.enquiries import DemoEnquiryError, seed_demo_enquiries
from demo.seed import DemoDataError


class Command(BaseCommand):
    help = (
        "Add the fictional enquiries of demo/data/enquiries.yaml (new, talking, started, not going ahead) to the demo "
        "council. Run it after `manage.py seed_demo`. Safe to run again: enquiries already there are left alone."
    )

    def handle(self, *args, **options):
        try:
            added = seed_demo_enquiries()
        except DemoEnquiryError as error:
            self.stdout.write(f"No demo enquiries added: {error}")
            return
        except DemoDataError as error:  # a mistake in demo/data/enquiries.yaml: one line says which
            raise CommandError(str(error)) from error
        if added:
            self.stdout.write(self.style.SUCCESS(f"Added {added} demo enquiries"))
        else:
            self.stdout.write("Demo enquiries already present")
