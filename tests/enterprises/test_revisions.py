"""The editing layer: drafts change in place, live listings collect a pending revision."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from enterprises import revisions
from enterprises.models import Enterprise
from tests.factories import make_enterprise, make_service


@pytest.fixture
def provider(db):
    return get_user_model().objects.create_user(username="p@example.org", email="p@example.org", password="x" * 12)


@pytest.mark.django_db
def test_services_added_to_a_live_listing_never_share_a_key(provider):
    listing = make_enterprise(status=Enterprise.Status.PUBLISHED)
    first = revisions.save_service(listing, by=provider, key=None, values={"name": "A"})
    second = revisions.save_service(listing, by=provider, key=None, values={"name": "B"})
    revisions.remove_service(listing, by=provider, key=first)

    third = revisions.save_service(listing, by=provider, key=None, values={"name": "C"})

    services = revisions.working_copy(listing)["services"]
    assert third != second
    assert {values["name"] for values in services.values()} == {"B", "C"}


@pytest.mark.django_db
def test_a_new_service_has_not_said_what_it_costs(provider):
    draft = make_enterprise(status=Enterprise.Status.DRAFT)

    key = revisions.save_service(draft, by=provider, key=None, values={"name": "Lunch club"})

    service = draft.services.get(pk=int(key))
    assert service.cost_type == ""
    assert service.cost_label == "Ask about cost"


@pytest.mark.django_db
def test_a_live_listing_keeps_its_public_text_until_the_revision_is_applied(provider):
    listing = make_enterprise("Old name", status=Enterprise.Status.PUBLISHED)
    service = make_service("Tuesday club", enterprise=listing)

    revisions.save_enterprise_details(listing, by=provider, values={"name": "New name"})
    revisions.save_service(listing, by=provider, key=str(service.pk), values={"name": "Wednesday club"})

    listing.refresh_from_db()
    service.refresh_from_db()
    assert (listing.name, service.name) == ("Old name", "Tuesday club")
    changes = revisions.changes(revisions.pending_revision(listing))
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Name", "Old name", "New name"),
        ("Name", "Tuesday club", "Wednesday club"),
    ]

    revisions.apply_revision(revisions.pending_revision(listing))

    listing.refresh_from_db()
    service.refresh_from_db()
    assert (listing.name, service.name) == ("New name", "Wednesday club")


@pytest.mark.django_db
def test_an_edit_from_a_stale_copy_still_waits_for_approval(provider):
    listing = make_enterprise("Old name", status=Enterprise.Status.DRAFT)
    stale = Enterprise.objects.get(pk=listing.pk)
    Enterprise.objects.filter(pk=listing.pk).update(status=Enterprise.Status.PUBLISHED)

    revisions.save_enterprise_details(stale, by=provider, values={"name": "New name"})

    listing.refresh_from_db()
    assert (listing.name, listing.status) == ("Old name", Enterprise.Status.PUBLISHED)
    assert revisions.pending_revision(listing).data["enterprise"]["name"] == "New name"


@pytest.mark.django_db
def test_changes_are_in_words_as_people_write_them(provider):
    listing = make_enterprise(status=Enterprise.Status.PUBLISHED, insurance_expires_on=date(2027, 3, 31))
    service = make_service("Tea dance", enterprise=listing, step_free_access=True, opens_at=time(10))

    revisions.save_enterprise_details(listing, by=provider, values={"insurance_expires_on": date(2028, 4, 1)})
    revisions.save_service(listing, by=provider, key=str(service.pk), values={
        "opens_at": time(14, 30), "cost_amount": Decimal("1250.5"), "step_free_access": None, "hearing_loop": False,
    })

    changes = {c.label: (c.before, c.after) for c in revisions.changes(revisions.pending_revision(listing))}
    assert changes["Public liability insurance expiry date"] == ("31 March 2027", "1 April 2028")
    assert changes["Opens at"] == ("10am", "2:30pm")
    assert changes["Cost amount"] == ("Not given", "£1,250.50")
    assert changes["Step-free access"] == ("Yes", "Not known")
    assert changes["Hearing loop"] == ("Not known", "No")
