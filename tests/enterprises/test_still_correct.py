"""The "my listing is still correct" link in a review reminder: one click for a provider with nothing to change,
without signing in; signed, for one listing and one review date, expiring, and used once. A GET never changes
anything; the confirmation is recorded for council staff, who see it beside the overdue review."""

import re
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.test import Client

from core.dates import long_date
from enterprises import listings
from enterprises.models import Enterprise, ListingEvent
from enterprises.reminders import REVIEW_CONFIRMED, send_reminders, still_correct_token
from tests.factories import days_ago
from tests.personas import fast_passwords

DUE = 3  # days ago


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


@pytest.fixture
def due_listing(people):
    listing = people.lunch_club
    listing.review_due_on = days_ago(DUE)
    listing.save()
    return listing


@pytest.fixture
def link(due_listing) -> str:
    return f"/provider/still-correct/{still_correct_token(due_listing, due_listing.review_due_on)}/"


def confirmations(listing):
    return ListingEvent.objects.filter(enterprise=listing, action=REVIEW_CONFIRMED)


def test_the_review_reminder_carries_the_link(due_listing, mailoutbox, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://directory.example.gov.uk"
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()

    [email] = [email for email in mailoutbox if "yearly review" in email.subject]
    found = re.search(r"https://directory\.example\.gov\.uk(/provider/still-correct/[^/\s]+/)", email.body)
    assert found, email.body
    assert "If nothing has changed, tell the council so without signing in" in email.body
    assert "This link works once, for 30 days" in email.body
    page = text(Client().get(found.group(1)))
    assert "Is your listing still correct?" in page and "Malvern Lunch Club" in page


def test_following_the_link_asks_and_changes_nothing(client, due_listing, link):
    for _ in range(3):
        response = client.get(link)

    assert response.status_code == 200
    page = text(response)
    assert "Is your listing still correct?" in page
    assert f"The review of Malvern Lunch Club was due on {long_date(days_ago(DUE))}" in page
    assert "Yes, my listing is still correct" in page and 'method="post"' in html(response)
    assert "sign in and update your listing" in page
    assert not confirmations(due_listing).exists()


def test_confirming_records_it_once_and_thanks_the_provider(client, due_listing, link):
    response = client.post(link)

    assert response.status_code == 302 and response.url == link
    page = text(client.get(link))
    assert "Thank you" in page and "You told the council that Malvern Lunch Club is still correct" in page
    [event] = confirmations(due_listing)
    assert (event.message, event.actor, event.from_status, event.to_status) == (
        days_ago(DUE).isoformat(), None, "published", "published"
    )
    due_listing.refresh_from_db()
    assert due_listing.review_due_on == days_ago(DUE)  # the council still does the review


def test_the_link_works_once(client, due_listing, link):
    client.post(link)
    again = Client().post(link)

    assert again.status_code == 302
    assert confirmations(due_listing).count() == 1
    assert "Yes, my listing is still correct" not in text(Client().get(link))


def test_staff_see_the_confirmation_beside_the_overdue_review_and_in_its_history(client, people, due_listing, link):
    staff = Client()
    staff.force_login(people.stella)
    assert "Nothing yet" in text(staff.get("/council/review-overdue/"))

    client.post(link)

    assert f"Still correct ({long_date(days_ago(0))})" in text(staff.get("/council/review-overdue/"))
    history = text(staff.get(f"/council/listings/{due_listing.slug}/"))
    assert "The provider said the listing is still correct" in history
    assert f"For the review due on {long_date(days_ago(DUE))}" in history


def test_an_expired_link_says_so_and_records_nothing(client, due_listing, link, monkeypatch, settings):
    settings.REVIEW_CONFIRMATION_LINK_DAYS = 30
    later = time.time() + 31 * 86400
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))

    for response in [client.get(link), client.post(link)]:
        assert response.status_code == 410
        assert "This link has expired" in text(response) and "sign in to your listing" in text(response)
    assert not confirmations(due_listing).exists()


@pytest.mark.parametrize("token", [
    "nonsense",
    "eyJsaXN0aW5nIjoxfQ:1vS8xY:forged",
    signing.dumps({"listing": 1, "due": "2026-01-01"}, salt="another purpose"),
    signing.dumps({"listing": "x", "due": "not a date"}, salt="enterprises.reminders.still-correct"),
    signing.dumps(["a list"], salt="enterprises.reminders.still-correct"),
    "a" * 3000,
])
def test_a_link_that_was_never_ours_does_not_work(client, due_listing, token):
    for response in [client.get(f"/provider/still-correct/{token}/"), client.post(f"/provider/still-correct/{token}/")]:
        assert response.status_code == 404
        assert "This link does not work" in text(response)
    assert not confirmations(due_listing).exists()


def test_a_link_for_one_listing_cannot_be_changed_to_another(client, people, due_listing, link):
    signed_part = link.split("/")[-2].split(":", 1)[1]
    other = signing.b64_encode(f'{{"listing":{people.sitters.pk},"due":"{days_ago(DUE).isoformat()}"}}'.encode())
    forged = f"{other.decode()}:{signed_part}"

    assert client.post(f"/provider/still-correct/{forged}/").status_code == 404
    assert not ListingEvent.objects.filter(action=REVIEW_CONFIRMED).exists()


def test_a_link_for_a_listing_that_left_the_directory_says_so(client, people, due_listing, link):
    listings.archive_listing(enterprise=due_listing, by=people.stella, reason="Closed down")

    response = client.post(link)

    assert response.status_code == 410 and "This listing is no longer in the directory" in text(response)
    assert not confirmations(due_listing).exists()


def test_after_the_council_has_reviewed_it_the_link_says_there_is_nothing_to_do(client, people, due_listing, link):
    listings.mark_reviewed(enterprise=due_listing, by=people.stella)

    client.post(link)

    page = text(client.get(link))
    assert "The council has already reviewed your listing" in page
    assert "Yes, my listing is still correct" not in page
    assert not confirmations(due_listing).exists()


def test_a_suspended_listing_may_still_be_confirmed(client, people, due_listing, link):
    listings.suspend_listing(enterprise=due_listing, by=people.stella, reason="Checking insurance")

    client.post(link)

    assert confirmations(due_listing).get().to_status == Enterprise.Status.SUSPENDED


def test_confirming_needs_the_forms_csrf_token(due_listing, link):
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(link).status_code == 403
    assert not confirmations(due_listing).exists()


def test_the_page_answers_only_get_and_post(client, link):
    assert client.put(link).status_code == 405
    assert client.delete(link).status_code == 405


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    fast_passwords(settings)
