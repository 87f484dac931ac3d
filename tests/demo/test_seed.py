"""The demo seeder, against the real database, with synthetic postcodes around the real town centres."""

import math
import re
from io import StringIO

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from demo.seed import DEMO_COUNCIL_NAME, demo_data
from enterprises.models import Capacity, Category, ClientGroup, Council, Enterprise, Postcode, Service
from enterprises.taxonomy import CATEGORIES, CLIENT_GROUPS, ensure_taxonomies
from tests.factories import make_enterprise, make_postcode

pytestmark = pytest.mark.django_db

INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


TOWNS = demo_data().towns


def make_town_postcodes(per_town: int = 24) -> None:
    """Postcodes in each town's own sector (e.g. WR1 2AA…), spiralling out to about 1.4 km from its centre."""
    for town in TOWNS:
        outward, inward = town.postcode.split(" ")
        for i in range(per_town):
            metres, angle = 60 * (i + 1), i * 2.4
            make_postcode(
                f"{outward} {inward[0]}{INWARD_LETTERS[i // 20]}{INWARD_LETTERS[i % 20]}",
                town.easting + round(metres * math.cos(angle)),
                town.northing + round(metres * math.sin(angle)),
            )


@pytest.fixture
def town_postcodes():
    make_town_postcodes()


def seed_demo(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_services():
    return Service.objects.filter(enterprise__council__name=DEMO_COUNCIL_NAME)


# ---------------------------------------------------------------------------------------------------------- taxonomy


def test_it_creates_the_standard_categories_and_client_groups_once():
    first = ensure_taxonomies()
    second = ensure_taxonomies()

    assert Category.objects.count() == len(CATEGORIES) == first["categories"].created
    assert ClientGroup.objects.count() == len(CLIENT_GROUPS) == first["client_groups"].created
    assert second["categories"].unchanged == len(CATEGORIES)
    assert second["client_groups"].unchanged == len(CLIENT_GROUPS)
    assert all(category.oruk_term.startswith("cd-") for category in Category.objects.all())
    assert list(Category.objects.values_list("position", flat=True)) == list(range(1, len(CATEGORIES) + 1))


def test_it_puts_back_a_renamed_category_without_duplicating_it():
    ensure_taxonomies()
    Category.objects.filter(slug="home-help").update(name="Cleaning", description="")

    ensure_taxonomies()

    assert Category.objects.get(slug="home-help").name == "Home help and cleaning"
    assert Category.objects.count() == len(CATEGORIES)


# ------------------------------------------------------------------------------------------------------- seed_demo


def test_it_seeds_about_80_enterprises_and_150_services_with_some_unpublished(town_postcodes):
    output = seed_demo()

    council = Council.objects.get(name=DEMO_COUNCIL_NAME)
    assert council.areas.count() == len(TOWNS)
    enterprises = Enterprise.objects.filter(council=council)
    assert 75 <= enterprises.count() <= 85
    assert 140 <= Service.objects.filter(enterprise__council=council).count() <= 160
    statuses = dict(enterprises.values_list("status").annotate(n=Count("pk")))
    assert statuses == {
        Enterprise.Status.PUBLISHED: enterprises.count() - 12,
        Enterprise.Status.DRAFT: 5,
        Enterprise.Status.SUBMITTED: 4,
        Enterprise.Status.SUSPENDED: 2,
        Enterprise.Status.ARCHIVED: 1,
    }
    assert "80 enterprises (80 new, 0 updated)" in output


def test_it_gives_every_published_service_a_category_and_a_place_to_find_it(town_postcodes):
    seed_demo()

    published = demo_services().published()
    assert published.filter(categories__isnull=True).count() == 0
    assert published.filter(client_groups__isnull=True).count() == 0
    findable = Q(venue_easting__isnull=False, venue_northing__isnull=False) | Q(
        coverage_easting__isnull=False, coverage_radius_miles__isnull=False
    )
    with_areas = published.filter(coverage_areas__isnull=False).values("pk")
    assert published.exclude(findable).exclude(pk__in=with_areas).count() == 0
    assert published.exclude(search_vector=None).count() == published.count()


def test_it_places_venues_at_real_postcodes_of_their_own_town(town_postcodes):
    seed_demo()

    known = dict((code, (e, n)) for code, e, n in Postcode.objects.values_list("postcode", "easting", "northing"))
    for service in demo_services().exclude(venue_postcode=""):
        assert known[service.venue_postcode] == (service.venue_easting, service.venue_northing)
        town = next(town for town in TOWNS if service.venue_address.endswith(town.name))
        assert service.venue_postcode.startswith(town.prefixes)
    for service in demo_services().exclude(coverage_postcode=""):
        assert known[service.coverage_postcode] == (service.coverage_easting, service.coverage_northing)
        assert 3 <= service.coverage_radius_miles <= 15


def test_it_mixes_delivery_cost_capacity_and_ways_to_pay(town_postcodes):
    seed_demo()
    services = list(demo_services())

    deliveries = {value for service in services for value in service.delivery}
    assert deliveries == {"home", "venue", "out_and_about", "online", "phone"}
    assert {service.cost_type for service in services} == {
        "free",
        "per_hour",
        "per_session",
        "per_day",
        "donation",
    }
    assert {way for service in services for way in service.ways_to_pay} == {
        "self_funded",
        "direct_payment",
        "council_funded",
    }
    stale = [service for service in services if service.public_capacity == Capacity.NOT_KNOWN]
    assert 0.05 * len(services) <= len(stale) <= 0.2 * len(services)
    assert {service.public_capacity for service in services} >= {"taking", "waiting_list", "full"}
    assert demo_services().filter(search_vector=SearchQuery("lunch club")).exists()


def test_it_gives_cqc_numbers_only_to_home_care(town_postcodes):
    seed_demo()

    home_care = demo_services().filter(categories__slug="home-care")
    assert home_care.exists()
    assert all(re.fullmatch(r"1-\d{10}", number) for number in home_care.values_list("cqc_registration", flat=True))
    assert not demo_services().exclude(pk__in=home_care.values("pk")).exclude(cqc_registration="").exists()


def test_it_uses_fictional_phone_numbers_and_example_org_addresses(town_postcodes):
    seed_demo()

    enterprises = Enterprise.objects.filter(council__name=DEMO_COUNCIL_NAME)
    phones = list(enterprises.values_list("phone", flat=True))
    assert all(re.fullmatch(r"01632 960\d{3}", phone) for phone in phones)
    assert len(set(phones)) == len(phones)
    assert all(email.endswith(".example.org") for email in enterprises.values_list("email", flat=True))
    websites = enterprises.exclude(website="").values_list("website", flat=True)
    assert websites and all(".example.org/" in website for website in websites)


def test_it_does_not_store_enterprises_in_alphabetical_order(town_postcodes):
    seed_demo()

    by_id = list(Enterprise.objects.order_by("pk").values_list("name", flat=True))
    assert by_id != sorted(by_id)
    assert len({name[0] for name in by_id}) >= 20  # names spread across the alphabet


def test_it_does_not_duplicate_anything_when_run_twice(town_postcodes):
    seed_demo()
    first = sorted(demo_services().values_list("pk", "enterprise__slug", "name", "venue_postcode"))

    output = seed_demo()

    assert sorted(demo_services().values_list("pk", "enterprise__slug", "name", "venue_postcode")) == first
    assert Enterprise.objects.count() == 80
    assert Council.objects.get(name=DEMO_COUNCIL_NAME).areas.count() == len(TOWNS)
    assert "(0 new, 80 updated)" in output


def test_it_brings_a_demo_enterprise_back_to_its_demo_services(town_postcodes):
    seed_demo()
    enterprise = Enterprise.objects.get(slug="jeans-home-help")
    original = list(enterprise.services.values_list("pk", "name"))
    enterprise.services.update(name="Renamed")
    Service.objects.create(enterprise=enterprise, name="An extra service")

    seed_demo()

    assert list(enterprise.services.order_by("pk").values_list("pk", "name")) == original


def test_it_leaves_an_existing_database_alone_when_asked_to_seed_only_if_empty(town_postcodes):
    existing = make_enterprise("Someone's real listing")

    output = seed_demo("--if-empty")

    assert output.strip() == "Demo data already present"
    assert list(Enterprise.objects.all()) == [existing]
    assert not Council.objects.filter(name=DEMO_COUNCIL_NAME, areas__isnull=False).exists()


def test_it_seeds_an_empty_database_when_asked_to_seed_only_if_empty(town_postcodes):
    seed_demo("--if-empty")

    assert Enterprise.objects.count() == 80


def test_it_says_to_import_postcodes_when_they_are_missing():
    make_postcode("GL1 1AA", 383000, 218000)  # some postcodes, but none in Worcestershire

    with pytest.raises(CommandError, match=r"Run manage.py import_postcodes --areas WR,B,DY first"):
        seed_demo()

    assert not Enterprise.objects.exists()
