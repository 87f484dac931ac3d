"""manage.py purge_search_records: forget searches older than SEARCH_RECORD_RETENTION_MONTHS (run daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.dates import long_date, months_before
from directory.models import SearchRecord


class Command(BaseCommand):
    help = (
        "Delete the search records older than SEARCH_RECORD_RETENTION_MONTHS calendar months: the reports show two "
        "years, and a national directory's searches would otherwise be most of its database. Safe to run again."
    )

    def handle(self, *args, **options):
        cutoff = months_before(timezone.localdate(), settings.SEARCH_RECORD_RETENTION_MONTHS)
        deleted, _ = SearchRecord.objects.filter(searched_on__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} search record(s) from before {long_date(cutoff)}")
