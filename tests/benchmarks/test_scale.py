"""The scale generator (`manage.py seed_scale`, benchmarks/scale.py), against the real database, with synthetic
postcodes around the demo's town centres."""

import hashlib
import json
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from benchmarks.scale import SCALE_COUNCIL_NAME, sample_postcodes
from demo.seed import DEMO_COUNCIL_NAME
from enterprises.models import Area, Council, Enterprise, Postcode, Service
from tests.demo.test_seed import make_town_postcodes
from tests.factories import make_postcode

pytestmark = pytest.mark.django_db

SCALE_COUNCIL = SCALE_COUNCIL_NAME
ENTERPRISE_FIELDS = [
    "name", "slug", "summary", "description", "legal_form", "contact_name", "phone", "email", "website",
    "people_supported", "paid_staff", "volunteers", "status",
]  # fmt: skip
SERVICE_FIELDS = [
    "name", "summary", "description", "delivery", "venue_name", "venue_address", "venue_postcode", "coverage_postcode",
    "coverage_radius_miles", "cost_type", "cost_amount", "cost_note", "ways_to_pay", "days", "opens_at", "closes_at",
    "schedule_note", "capacity", "languages", "cqc_registration", "step_free_access", "hearing_loop",
    "accessible_toilet", "accessibility_note",
]  # fmt: skip


@pytest.fixture
def town_postcodes():
    make_town_postcodes()


def demo_services():
    return Service.objects.filter(enterprise__council__name=DEMO_COUNCIL_NAME)


def seed_scale(*args) -> str:
    out = StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def digest(rows) -> str:
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()[:16]


def test_a_seeded_run_generates_the_same_services_as_before_the_generator_moved_to_benchmarks():
    """`bench` seeds with 2026 so that its figures compare from run to run: the rows must not change. Dates are left
    out (they move with today), and so are primary keys (sequences are not rolled back between tests)."""
    make_town_postcodes()

    seed_scale("--services", "120", "--seed", "7", "--batch-size", "50")

    areas = Area.objects.filter(council__name=SCALE_COUNCIL).order_by("pk")
    enterprises = Enterprise.objects.filter(council__name=SCALE_COUNCIL).order_by("pk")
    services = (
        Service.objects.filter(enterprise__council__name=SCALE_COUNCIL)
        .order_by("pk")
        .select_related("enterprise")
        .prefetch_related("categories", "client_groups", "coverage_areas")
    )
    found = {
        "areas": digest(list(areas.values_list("slug", "name", "easting", "northing"))),
        "enterprises": digest(list(enterprises.values_list(*ENTERPRISE_FIELDS))),
        "services": digest(
            [
                [
                    s.enterprise.slug,
                    *(getattr(s, name) for name in SERVICE_FIELDS),
                    sorted(c.slug for c in s.categories.all()),
                    sorted(g.slug for g in s.client_groups.all()),
                    sorted(a.slug for a in s.coverage_areas.all()),
                ]
                for s in services
            ]
        ),
    }
    assert services.count() == 120
    assert found == {"areas": "944b0ddb4e602ebd", "enterprises": "728d0a9d4ab55dc2", "services": "341bf62341a29e21"}


def test_it_adds_generated_services_until_there_are_as_many_as_asked_for(town_postcodes):
    output = seed_scale("--services", "300", "--batch-size", "120")

    generated = Service.objects.filter(enterprise__council__name=SCALE_COUNCIL_NAME)
    assert generated.count() == 300
    assert "Added 300 services" in output
    enterprises = Enterprise.objects.filter(council__name=SCALE_COUNCIL_NAME)
    assert set(enterprises.values_list("status", flat=True)) == {Enterprise.Status.PUBLISHED}
    assert 100 <= enterprises.count() <= 200  # about two services each
    assert generated.filter(categories__isnull=True).count() == 0
    assert generated.filter(search_vector=None).count() == 0
    assert generated.filter(venue_easting__isnull=True, coverage_easting__isnull=True).count() == 0

    output = seed_scale("--services", "300")

    assert generated.count() == 300
    assert "nothing added" in output


def test_it_tops_up_the_generated_services_to_a_larger_number(town_postcodes):
    seed_scale("--services", "50")

    output = seed_scale("--services", "80")

    assert Service.objects.filter(enterprise__council__name=SCALE_COUNCIL_NAME).count() == 80
    assert "Added 30 services" in output


def test_it_leaves_the_demo_alone_when_generating_and_clearing(town_postcodes):
    call_command("seed_demo", stdout=StringIO())
    demo_count = demo_services().count()
    seed_scale("--services", "40")

    output = seed_scale("--clear")

    assert "Deleted 40 generated services" in output
    assert not Council.objects.filter(name=SCALE_COUNCIL_NAME).exists()
    assert demo_services().count() == demo_count


def test_it_says_clearly_when_there_are_no_postcodes_to_generate_services_at():
    with pytest.raises(CommandError, match="The Postcode table is empty"):
        seed_scale("--services", "10")


def test_it_samples_real_postcodes_in_postcode_order(town_postcodes):
    known = set(Postcode.objects.values_list("postcode", flat=True))

    sample = sample_postcodes(100, random.Random(1))

    assert len(sample) == 100
    assert {point.postcode for point in sample} <= known
    assert len({point.postcode for point in sample}) == 100
    assert [point.postcode for point in sample] == sorted(point.postcode for point in sample)


def test_it_repeats_postcodes_when_asked_for_more_than_there_are():
    make_postcode("WR1 2EY", 384999, 254789)
    make_postcode("WR9 8DY", 389939, 263326)

    sample = sample_postcodes(5, random.Random(1))

    assert len(sample) == 5
    assert {point.postcode for point in sample} == {"WR1 2EY", "WR9 8DY"}
