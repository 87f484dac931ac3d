"""manage.py seed_demo [--if-empty]: a believable demo directory for Worcestershire County Council."""

from django.core.management.base import BaseCommand, CommandError

from demo.accounts import demo_accounts_allowed, ensure_demo_accounts, has_demo_enterprises
from demo.history import seed_demo_history
from demo.seed import DemoDataError, ensure_demo_council, ensure_demo_synonyms, seed_demo
from enterprises.models import Enterprise


class Command(BaseCommand):
    help = (
        "Create the Worcestershire demo from demo/data/*.yaml: the standard categories and client groups, 16 towns, "
        "about 80 fictional enterprises and about 150 services at real postcodes. Needs the WR, B and DY postcodes "
        "(manage.py import_postcodes --areas WR,B,DY). Then the demo accounts, and a year of the listings' history "
        "(checks, reviews, insurance dates). Safe to run again: it updates the demo in place, and leaves history alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any enterprise already exists (for `make run` on an existing database).",
        )

    def handle(self, *args, **options):
        try:
            self.seed(if_empty=options["if_empty"])
        except DemoDataError as error:  # postcodes missing, or a mistake in demo/data/*.yaml: one line says which
            raise CommandError(str(error)) from error

    def seed(self, *, if_empty: bool):
        if if_empty and Enterprise.objects.exists():
            self.stdout.write("Demo data already present")
            if has_demo_enterprises():  # a demo database seeded before there were demo accounts, or synonyms
                ensure_demo_synonyms(ensure_demo_council()[0])
                self._demo_accounts()
            return
        result = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.council}: {result.areas} areas, "
                f"{result.enterprises} enterprises ({result.enterprises_created} new, "
                f"{result.enterprises_updated} updated), {result.services} services "
                f"({result.services_created} new, {result.services_updated} updated) in {result.seconds:.1f} s"
            )
        )
        self._demo_accounts()

    def _demo_accounts(self):
        """One account for every role (development only): `manage.py demo_accounts` prints them; then the listings'
        history, whose council staff member is the demo's (demo/history.py)."""
        if not demo_accounts_allowed():
            self.stdout.write("No demo accounts: DJANGO_ENV is production")
            return
        users = ensure_demo_accounts()
        self.stdout.write("Demo accounts ready: `manage.py demo_accounts` lists them")
        given = seed_demo_history(users["staff"])
        if given:
            self.stdout.write(f"Gave {given} demo listings a year of history: checks, reviews, insurance dates")
