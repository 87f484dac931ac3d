"""The demo looks like a directory a year after it opened: listings checked on believable dates, some reviews due,
a few insurance policies expiring, a queue whose waits are days, and the council's four lists with something in
each."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.seed import DEMO_COUNCIL_NAME
from enterprises.checks import missing_checks
from enterprises.models import Council, Enterprise, EnterpriseCheck, ListingEvent
from enterprises.reminders import trust_counts
from tests.demo.test_seed import make_town_postcodes

pytestmark = pytest.mark.django_db
Status = Enterprise.Status


@pytest.fixture
def demo():
    make_town_postcodes()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def demo_listings():
    return Enterprise.objects.filter(council__name=DEMO_COUNCIL_NAME).prefetch_related(
        "checks", "events", "services__categories")


def test_most_published_listings_have_every_check_their_types_need_made_within_the_last_14_months(demo):
    published = [listing for listing in demo_listings() if listing.status == Status.PUBLISHED]
    fully_checked = [listing for listing in published if not missing_checks(listing)]

    assert len(fully_checked) >= 0.8 * len(published)
    oldest = timezone.localdate() - timedelta(days=430)
    assert all(oldest <= check.checked_on <= timezone.localdate() for check in EnterpriseCheck.objects.all())
    assert {check.checked_by.email for check in EnterpriseCheck.objects.select_related("checked_by")} == {
        "staff@example.org"}


def test_a_listing_approved_without_a_check_it_needs_says_why_in_its_history(demo):
    without = ListingEvent.objects.filter(action="approved_without_checks")

    assert 3 <= without.count() <= 12
    assert all(event.message.startswith("Not checked: ") and "\n" in event.message for event in without)


def test_the_councils_lists_each_hold_a_few_and_none_is_hidden_for_a_missed_review(demo):
    counts = trust_counts(Council.objects.get(name=DEMO_COUNCIL_NAME))

    assert 3 <= counts.review_overdue <= 15
    assert 2 <= counts.insurance_expiring <= 10
    assert 1 <= counts.no_review_date <= 8
    assert 1 <= counts.no_insurance_date <= 8
    live = demo_listings().filter(status=Status.PUBLISHED)
    assert live.count() == Enterprise.objects.published().filter(council__name=DEMO_COUNCIL_NAME).count()


def test_reviews_fell_due_a_year_after_approval_and_most_were_done_on_time(demo):
    reviewed = ListingEvent.objects.filter(action="reviewed").count()
    overdue = ListingEvent.objects.filter(action="review_reminder_sent").count()

    assert reviewed > overdue > 0
    for listing in demo_listings().exclude(review_due_on=None).filter(status=Status.PUBLISHED):
        last = max(event.at for event in listing.events.all() if event.action in {"approved", "reviewed"})
        assert listing.review_due_on == timezone.localdate(last) + timedelta(days=365)


def test_listings_waiting_for_approval_were_sent_days_ago_not_years(demo):
    waiting = demo_listings().filter(status=Status.SUBMITTED)

    assert waiting.count() == 4
    assert all(timezone.now() - listing.submitted_at < timedelta(days=10) for listing in waiting)
    assert all(listing.created_at < listing.submitted_at for listing in waiting)


def test_listings_were_published_across_the_year_since_the_directory_opened(demo):
    months = Counter(timezone.localdate(listing.published_at).replace(day=1)
                     for listing in demo_listings().exclude(published_at=None))

    assert len(months) >= 10
    assert all(listing.created_at < listing.submitted_at < listing.published_at
               for listing in demo_listings().exclude(published_at=None))


def test_running_it_again_changes_no_history(demo):
    before = (sorted(demo_listings().values_list("slug", "submitted_at", "published_at", "review_due_on",
                                                 "insurance_expires_on")),
              EnterpriseCheck.objects.count(), ListingEvent.objects.count())

    output = StringIO()
    call_command("seed_demo", stdout=output)

    assert "a year of history" in demo and "a year of history" not in output.getvalue()
    assert before == (sorted(demo_listings().values_list("slug", "submitted_at", "published_at", "review_due_on",
                                                         "insurance_expires_on")),
                      EnterpriseCheck.objects.count(), ListingEvent.objects.count())

