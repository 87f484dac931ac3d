"""How long the council usually takes to approve: the median over the last 90 days, new listings and changes apart,
said only when there were enough approvals to call something usual."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enterprises.approval_time import in_words, usual_time_to_approve, usual_wait
from enterprises.models import ListingEvent, Revision
from tests.factories import make_council, make_enterprise

pytestmark = pytest.mark.django_db


def approved_changes(council, *, took: timedelta, days_ago: int = 5) -> Revision:
    decided = timezone.now() - timedelta(days=days_ago)
    return Revision.objects.create(enterprise=make_enterprise(council=council), status=Revision.Status.APPROVED,
                                   submitted_at=decided - took, decided_at=decided)


def approved_listing(council, *, sent_days_ago: list[int], approved_days_ago: int):
    enterprise = make_enterprise(council=council)
    now = timezone.now()
    for days in sent_days_ago:
        ListingEvent.objects.create(enterprise=enterprise, action="submitted", at=now - timedelta(days=days))
    ListingEvent.objects.create(enterprise=enterprise, action="approved", at=now - timedelta(days=approved_days_ago))


def test_changes_take_the_middle_of_the_last_approvals():
    council = make_council()
    for hours in (1, 30, 100):
        approved_changes(council, took=timedelta(hours=hours))

    assert usual_time_to_approve(council, changes=True) == timedelta(hours=30)
    assert usual_wait(council, changes=True) == "about 1 day"


def test_approvals_older_than_90_days_and_other_councils_do_not_count():
    council, elsewhere = make_council(), make_council("Herefordshire Council")
    for _ in range(2):
        approved_changes(council, took=timedelta(days=3))
    approved_changes(council, took=timedelta(days=3), days_ago=91)
    approved_changes(elsewhere, took=timedelta(days=3))

    assert usual_time_to_approve(council, changes=True) is None
    assert usual_wait(council, changes=True) == ""


def test_rejected_and_withdrawn_changes_are_not_approvals():
    council = make_council()
    for _ in range(3):
        approved_changes(council, took=timedelta(days=2))
    for status in (Revision.Status.REJECTED, Revision.Status.WITHDRAWN):
        Revision.objects.create(enterprise=make_enterprise(council=council), status=status,
                                submitted_at=timezone.now() - timedelta(days=60), decided_at=timezone.now())

    assert usual_time_to_approve(council, changes=True) == timedelta(days=2)


def test_a_new_listing_waits_from_its_last_sending():
    council = make_council()
    approved_listing(council, sent_days_ago=[30, 10], approved_days_ago=6)  # changes asked for, sent again
    approved_listing(council, sent_days_ago=[12], approved_days_ago=2)
    approved_listing(council, sent_days_ago=[9], approved_days_ago=1)

    assert usual_time_to_approve(council, changes=False) == timedelta(days=8)
    assert usual_wait(council, changes=False) == "about 8 days"
    assert usual_time_to_approve(council, changes=True) is None


def test_the_wait_in_words():
    assert in_words(timedelta(hours=5)) == "less than a day"
    assert in_words(timedelta(hours=13)) == "about 1 day"
    assert in_words(timedelta(days=4, hours=2)) == "about 4 days"
