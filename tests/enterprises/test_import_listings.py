"""Listings imported from another directory wait in the council's queue, each with its own address."""

import pytest

from enterprises import listings
from enterprises.models import Enterprise, ListingEvent


@pytest.mark.django_db
def test_imported_listings_wait_for_approval_with_their_own_addresses_and_history(people, monkeypatch):
    council = people.lunch_club.council
    drawn = iter(["same-slug", "same-slug", people.lunch_club.slug, "walkers-1", "walkers-2", "walkers-3"])
    monkeypatch.setattr(listings, "new_listing_slug", lambda name: next(drawn))

    made = listings.import_listings(council=council, by=people.stella, source="the file old.csv",
                                    listings=[{"name": "Walkers"}, {"name": "Walkers"}, {"name": "Knitters"}])

    assert len({listing.slug for listing in made} | {people.lunch_club.slug}) == 4
    assert {listing.status for listing in Enterprise.objects.filter(pk__in=[m.pk for m in made])} == {"submitted"}
    assert ListingEvent.objects.filter(enterprise__in=made, action="imported", actor=people.stella,
                                       message="Imported from the file old.csv").count() == 3


@pytest.mark.django_db
def test_only_staff_of_the_council_may_import_into_it(people):
    with pytest.raises(listings.TransitionError):
        listings.import_listings(council=people.lunch_club.council, by=people.hugo, source="x",
                                 listings=[{"name": "Walkers"}])
    assert not Enterprise.objects.filter(name="Walkers").exists()
