"""The demo enquiries about starting a micro-enterprise: seeded after the demo directory, one at each stage, once,
and the demo staff member sees them."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.enquiries import demo_enquiries
from enterprises.access import council_enquiries
from enterprises.models import Enquiry
from tests.demo.test_seed import make_town_postcodes

pytestmark = pytest.mark.django_db
FICTIONAL_PHONE = re.compile(r"(01632 960\d{3}|07700 900\d{3})")


def seed(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_the_demo_has_an_enquiry_at_every_stage_for_the_demo_staff_once():
    make_town_postcodes()
    seed("seed_demo")
    assert "Added 4 demo enquiries" in seed("seed_demo_enquiries")
    assert "already present" in seed("seed_demo_enquiries")

    staff = get_user_model().objects.get(email="staff@example.org")
    seen = council_enquiries(staff)
    assert seen.count() == Enquiry.objects.count() == len(demo_enquiries())
    assert set(seen.values_list("stage", flat=True)) == set(Enquiry.Stage.values)
    started = seen.get(stage=Enquiry.Stage.STARTED)
    assert started.enterprise.council == started.council and started.started_at > started.received_at
    assert seen.get(stage=Enquiry.Stage.NOT_GOING_AHEAD).reason
    for enquiry in seen:
        assert enquiry.events.count() >= 1
        assert not enquiry.phone or FICTIONAL_PHONE.fullmatch(enquiry.phone)
        assert not enquiry.email or enquiry.email.endswith("@example.com")
