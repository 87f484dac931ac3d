"""The scale generator (`manage.py seed_scale`), against the real database, with synthetic postcodes around the demo's
town centres."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command

from enterprises.models import Area, Enterprise, Service
from tests.demo.test_seed import make_town_postcodes

pytestmark = pytest.mark.django_db

SCALE_COUNCIL = "Generated council"
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
