"""manage.py seed_scale [--services N] [--clear]: generated published services across all of GB, for load tests."""

from django.core.management.base import BaseCommand, CommandError

from benchmarks.scale import SCALE_COUNCIL_NAME, ScaleDataError, clear_scale_data, seed_scale
from demo.seed import DemoDataError


class Command(BaseCommand):
    help = (
        f'Add generated, published services at random real postcodes to "{SCALE_COUNCIL_NAME}" until it has at '
        "least --services of them (so running it twice with the same number adds nothing). Uses the whole "
        "Postcode table: import it first (manage.py import_postcodes --all for all of Great Britain)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--services", type=int, default=100_000, help="How many services to have (default 100000).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per bulk insert (default 5000).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for a repeatable run.")
        parser.add_argument(
            "--clear", action="store_true", help=f'Delete everything under "{SCALE_COUNCIL_NAME}" and stop.'
        )

    def handle(self, *args, **options):
        if options["clear"]:
            services, enterprises = clear_scale_data()
            self.stdout.write(f"Deleted {services:,} generated services and {enterprises:,} enterprises.")
            return
        if options["services"] < 0 or options["batch_size"] < 1:
            raise CommandError("--services must be 0 or more and --batch-size at least 1.")

        def progress(done, target):
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {done:,} / {target:,} services")

        try:
            result = seed_scale(
                options["services"], batch_size=options["batch_size"], seed=options["seed"], on_batch=progress
            )
        except (ScaleDataError, DemoDataError) as error:  # no postcodes, or a mistake in demo/data/kinds.yaml
            raise CommandError(str(error)) from error
        if result.added == 0:
            self.stdout.write(
                f"{result.council} already has {result.before:,} services (asked for {options['services']:,}): "
                "nothing added."
            )
            return
        rate = result.added / result.seconds if result.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.added:,} services under {result.enterprises_added:,} enterprises to {result.council} "
                f"(now {result.total:,}) in {result.seconds:.1f} s ({rate:,.0f} services a second)."
            )
        )
