"""The demo referrals: seeded after the demo directory, one in every status, once."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from referrals.access import received_referrals, sent_referrals
from referrals.models import Referral, ReferralEvent
from referrals.reminders import no_response_cutoff, waiting_too_long
from tests.demo.test_seed import make_town_postcodes

pytestmark = pytest.mark.django_db

FICTIONAL_PHONE = re.compile(r"(01632 960\d{3}|07700 900\d{3})")


@pytest.fixture
def demo_directory():
    make_town_postcodes()
    call_command("seed_demo", stdout=StringIO())


def seed_demo_referrals() -> str:
    out = StringIO()
    call_command("seed_demo_referrals", stdout=out)
    return out.getvalue()


def demo_user(email):
    return get_user_model().objects.get(email=email)


def test_it_creates_demo_referrals_in_every_status(demo_directory):
    output = seed_demo_referrals()

    referrer = demo_user("referrer@example.org")
    referrals = Referral.objects.filter(referrer=referrer)
    assert 7 <= referrals.count() <= 10
    assert f"Added {referrals.count()} demo referrals" in output
    assert set(referrals.values_list("status", flat=True)) == set(Referral.Status.values)
    assert all(r.organisation.name == "Worcestershire Adult Social Care – Wyre Forest team" for r in referrals)
    assert set(sent_referrals(referrer)) == set(referrals)


def test_the_demo_provider_has_referrals_to_answer_and_others_go_elsewhere(demo_directory):
    seed_demo_referrals()

    provider = demo_user("provider@example.org")
    received = received_referrals(provider)
    assert received.filter(status=Referral.Status.SENT).count() >= 2
    assert Referral.objects.exclude(pk__in=received.values("pk")).exists()
    assert all(referral.service.enterprise.members.filter(pk=provider.pk).exists() for referral in received)
    assert not Referral.objects.exclude(service__enterprise__status="published").exists()


def test_one_referral_has_waited_long_enough_to_show_no_response_yet(demo_directory):
    seed_demo_referrals()

    cutoff = no_response_cutoff()
    waiting = [referral for referral in Referral.objects.all() if waiting_too_long(referral, cutoff=cutoff)]
    assert len(waiting) == 1
    assert waiting[0].events.filter(action=ReferralEvent.Action.REMINDED).count() == 1
    assert waiting[0].provider_reminded_at is not None
    assert waiting[0].events.filter(action=ReferralEvent.Action.ESCALATED).count() == 1
    assert list(Referral.objects.escalated()) == waiting  # on the council staff's list of unanswered referrals


def test_the_events_agree_with_each_referrals_status_and_dates(demo_directory):
    seed_demo_referrals()

    for referral in Referral.objects.prefetch_related("events"):
        events = list(referral.events.all())
        assert events[0].action == ReferralEvent.Action.SENT and events[0].at == referral.sent_at
        changes = [event for event in events if event.to_status]
        assert changes[-1].to_status == referral.status
        assert [event.at for event in events] == sorted(event.at for event in events)
        provider_events = [event for event in events if event.side == "provider"]
        assert referral.first_response_at == (provider_events[0].at if provider_events else None)
        assert (referral.closed_at is not None) == (referral.status in Referral.CLOSED)
        if referral.status == Referral.Status.DECLINED:
            assert referral.decline_reason and changes[-1].message
        if referral.status == Referral.Status.ENDED:
            assert referral.outcome


def test_the_people_are_fictional_with_drama_phone_numbers(demo_directory):
    seed_demo_referrals()

    for referral in Referral.objects.all():
        assert referral.person_name and referral.what_matters and referral.support_wanted
        assert referral.phone == "" or FICTIONAL_PHONE.fullmatch(referral.phone)
        assert referral.email == "" or referral.email.endswith("@example.com")
    messages = " ".join(ReferralEvent.objects.values_list("message", flat=True))
    assert not re.search(r"\b0\d{3,4} ?\d{6}\b", FICTIONAL_PHONE.sub("", messages))


def test_running_it_again_adds_nothing(demo_directory):
    seed_demo_referrals()
    before = sorted(Referral.objects.values_list("pk", "status"))
    events = ReferralEvent.objects.count()

    output = seed_demo_referrals()

    assert sorted(Referral.objects.values_list("pk", "status")) == before
    assert ReferralEvent.objects.count() == events
    assert "Demo referrals already present" in output


def test_without_demo_accounts_it_says_so_and_adds_nothing():
    output = seed_demo_referrals()

    assert "run `manage.py seed_demo` first" in output
    assert not Referral.objects.exists()


def test_it_refuses_in_production(demo_directory, settings):
    settings.PRODUCTION = True

    output = seed_demo_referrals()

    assert "development only" in output
    assert not Referral.objects.exists()
