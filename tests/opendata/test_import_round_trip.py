"""Our own API, imported into a directory with no listings, publishes the same thing again once the council approves
the imported listings."""

import pytest
from django.core.management import call_command

from enterprises import listings
from enterprises.models import Enterprise, EnterpriseCheck, StaffMembership
from tests.factories import make_council, make_enterprise, make_service, make_user
from tests.opendata.local_api import serving

# What is not the listing's own: our ids and addresses, and when our council last did something with it.
NOT_CARRIED = {"id", "url", "last_modified", "assured_date"}


def without_ids(data):
    if isinstance(data, dict):
        return {key: without_ids(value) for key, value in data.items()
                if key not in NOT_CARRIED and not key.endswith("_id")}
    if isinstance(data, list):
        return [without_ids(item) for item in data]
    return data


def published(client) -> tuple[dict, list]:
    """Every page the importer reads, as our API answers them, and each service in full."""
    listing = client.get("/api/oruk/services", {"page": 1, "per_page": 100}).json()
    answers = {"/oruk/services?page=1&per_page=100": listing}
    services = []
    for item in listing["contents"]:
        detail = client.get(f"/api/oruk/services/{item['id']}").json()
        answers[f"/oruk/services/{item['id']}"] = detail
        services.append(detail)
    return answers, sorted((without_ids(service) for service in services), key=lambda s: s["name"])


@pytest.mark.django_db
def test_our_api_imported_into_an_empty_directory_publishes_every_field_again(client, full_service):
    # A council's checks are its own: a directory that imports the listing makes its own.
    EnterpriseCheck.objects.all().delete()
    council = make_council()
    sparse = make_enterprise("Pershore Walkers", council=council, summary="")
    make_service("Tuesday walk", enterprise=sparse, capacity="not_known", capacity_confirmed_on=None, cost_type="")
    answers, before = published(client)
    assert len(before) == 2

    Enterprise.objects.all().delete()
    stella = make_user("stella@worcestershire.example")
    StaffMembership.objects.create(user=stella, council=council)
    with serving(answers) as api:
        call_command("import_directory", oruk=f"{api}/oruk", council=council.slug, by=stella.email, confirm=True)

    imported = Enterprise.objects.all()
    assert [e.status for e in imported] == ["submitted", "submitted"]
    assert client.get("/api/oruk/services").json()["total_items"] == 0  # waiting for approval, not public yet
    approver = make_user("colleague@worcestershire.example")
    StaffMembership.objects.create(user=approver, council=council)
    for listing in imported:
        listings.approve_listing(enterprise=listing, by=approver, missing_checks_reason="Checked by phone")
    _, after = published(client)

    assert after == before
