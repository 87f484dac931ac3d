"""The base of the commands a scheduler runs once a day, which can also act as if today were another date."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError


class DailyCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD); for testing and catching up.")

    def today(self, options) -> date | None:
        """The --date given, or None for today."""
        if not options["date"]:
            return None
        try:
            return date.fromisoformat(options["date"])
        except ValueError as error:
            raise CommandError(f"--date must be a date like 2026-03-03, not {options['date']!r}") from error
