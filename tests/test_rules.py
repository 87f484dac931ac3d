"""Rules that show in more than one place, each written once (docs/architecture.md, "Each rule has one home"): what a
person notices wherever the rule shows, from the one function that holds it."""

import csv
import io

import pytest
from django.utils import timezone

from core.dates import long_date
from directory.models import SearchRecord
from enterprises import listings
from enterprises.models import Capacity, Enterprise, StaffMembership, hidden_from, public_listing
from enterprises.reminders import send_reminders
from opendata.oruk import oruk_id
from tests.factories import days_ago, make_enterprise, make_service, make_user

API = "/api/oruk"


def days_ahead(days: int):
    return timezone.localdate() + timezone.timedelta(days=days)


def download(response) -> tuple[str, list[list[str]]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def staff_of_worcester(worcester):
    staff = make_user("stella@worcestershire.example", name="Stella Officer")
    StaffMembership.objects.create(user=staff, council=worcester.council)
    return staff


# CSV downloads (core/spreadsheets.py) --------------------------------------------------------------------------------


def test_a_formula_typed_by_a_provider_or_a_visitor_is_text_in_every_download(client, settings, worcester,
                                                                             staff_of_worcester):
    make_service("=HYPERLINK(\"https://evil.example\")", enterprise=make_enterprise("@SUM(A1)"))
    settings.SEARCH_WORDS_MIN_VISITORS = 1
    SearchRecord.objects.create(area=worcester, words="+cmd", result_count=0, visitor="0123456789abcdef")

    open_data, [_, service] = download(client.get("/open-data/services.csv"))
    client.force_login(staff_of_worcester)
    report, [_, word] = download(client.get("/council/reports/searches-found-nothing.csv"))

    assert open_data.startswith("\ufeff") and report.startswith("\ufeff"), "Excel reads both as UTF-8"
    assert "'=HYPERLINK(\"https://evil.example\")" in service and "'@SUM(A1)" in service
    assert word == ["'+cmd", "1"]


# Capacity freshness (enterprises.models.current_capacity and Service.capacity_is_current) ----------------------------


def test_a_capacity_confirmed_longer_ago_than_the_setting_is_not_known_wherever_it_shows(client, settings, worcester,
                                                                                        staff_of_worcester):
    settings.CAPACITY_STALE_AFTER_DAYS = 10
    fresh = make_service("Fresh club", capacity=Capacity.TAKING, capacity_confirmed_on=days_ago(10))
    stale = make_service("Stale club", capacity=Capacity.TAKING, capacity_confirmed_on=days_ago(11))
    provider = make_user("jean@staleclub.example", name="Jean Smith")
    stale.enterprise.members.add(provider)
    confirmed = f"confirmed {long_date(days_ago(10))}"

    fresh_page = client.get(f"/services/{fresh.pk}/").content.decode()
    stale_page = client.get(f"/services/{stale.pk}/").content.decode()
    assert "Taking new people" in fresh_page and confirmed in fresh_page
    assert "Not known" in stale_page and "The provider has not confirmed this recently" in stale_page

    taking = client.get("/search/", {"taking": "on"}).content.decode()
    assert "Fresh club" in taking and "Stale club" not in taking

    _, [headings, *rows] = download(client.get("/open-data/services.csv"))
    in_csv = {row[headings.index("Service name")]: (row[headings.index("Taking new people")],
                                                     row[headings.index("Capacity confirmed on")]) for row in rows}
    assert in_csv == {"Fresh club": ("Taking new people", days_ago(10).isoformat()), "Stale club": ("Not known", "")}

    fresh_alert = client.get(f"{API}/services/{oruk_id('service', fresh.pk)}").json()["alert"]
    assert fresh_alert == f"Taking new people ({confirmed})"
    assert "alert" not in client.get(f"{API}/services/{oruk_id('service', stale.pk)}").json()

    client.force_login(staff_of_worcester)
    _, [_, *report] = download(client.get("/council/reports/capacity.csv"))
    assert dict(report) == {"Taking new people": "1", "Waiting list": "0", "Full": "0", "Not known": "1"}

    client.force_login(provider)
    assert (f"Last confirmed on {long_date(days_ago(11))}, more than 10 days ago, so people see “Not known”"
            in client.get("/provider/").content.decode())


# Hidden when long overdue for review (enterprises.models.review_cutoff, public_listing, hidden_from) -----------------


def test_a_listing_longer_past_its_review_than_the_setting_is_hidden_wherever_the_public_looks(client, settings,
                                                                                             worcester,
                                                                                             staff_of_worcester):
    settings.REVIEW_OVERDUE_HIDDEN_AFTER_DAYS = 30
    shown = make_service("Shown club", enterprise=make_enterprise("Still shown", review_due_on=days_ago(30)))
    hidden = make_service("Hidden club", enterprise=make_enterprise("Now hidden", review_due_on=days_ago(31)))

    assert client.get(f"/services/{shown.pk}/").status_code == 200
    assert client.get(f"/services/{hidden.pk}/").status_code == 404
    assert client.get(f"/providers/{hidden.enterprise.slug}/").status_code == 404
    results = client.get("/search/").content.decode()
    assert "Shown club" in results and "Hidden club" not in results
    _, [headings, *rows] = download(client.get("/open-data/services.csv"))
    assert [row[headings.index("Service name")] for row in rows] == ["Shown club"]
    assert [item["name"] for item in client.get(f"{API}/services").json()["contents"]] == ["Shown club"]
    assert client.get(f"{API}/services/{oruk_id('service', hidden.pk)}").status_code == 404

    client.force_login(staff_of_worcester)
    overdue = client.get("/council/review-overdue/").content.decode()
    rows = {name: row for row in overdue.split('<tr class="govuk-table__row">')[1:]
            for name in ("Still shown", "Now hidden") if f">{name}</a>" in row}
    assert "Hidden from the public" not in rows["Still shown"] and "Hidden from the public" in rows["Now hidden"]


def test_the_reminder_names_the_first_day_the_public_query_hides_the_listing(db, settings, mailoutbox,
                                                                            django_capture_on_commit_callbacks):
    settings.REVIEW_OVERDUE_HIDDEN_AFTER_DAYS = 30
    listing = make_enterprise("Due today", review_due_on=timezone.localdate(), email="hello@duetoday.example")
    listing.members.add(make_user("jean@duetoday.example"))

    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()

    first_hidden = hidden_from(listing.review_due_on)
    assert first_hidden == days_ahead(31)
    assert f"If the review has not been done by {long_date(first_hidden)}" in mailoutbox[0].body
    visible_on = lambda day: Enterprise.objects.filter(public_listing(today=day), pk=listing.pk).exists()  # noqa: E731
    assert visible_on(first_hidden - timezone.timedelta(days=1)) and not visible_on(first_hidden)


# The insurance warning (enterprises.models.insurance_warning_until) --------------------------------------------------


def test_insurance_running_out_within_the_setting_is_flagged_to_staff_and_to_the_provider(
    client, settings, worcester, staff_of_worcester, mailoutbox, django_capture_on_commit_callbacks
):
    settings.INSURANCE_WARNING_DAYS = 10
    soon = make_enterprise("Runs out soon", insurance_expires_on=days_ahead(10))
    later = make_enterprise("Runs out later", insurance_expires_on=days_ahead(11))
    for listing in (soon, later):
        listing.members.add(make_user(f"provider@{listing.slug}.example"))
    client.force_login(staff_of_worcester)

    listed = client.get("/council/insurance-expiring/").content.decode()
    assert "Runs out soon" in listed and "Runs out later" not in listed
    warning = f"Insurance expires on {long_date(days_ahead(10))}."
    assert warning in client.get(f"/council/listings/{soon.slug}/").content.decode()
    assert "Insurance expires on" not in client.get(f"/council/listings/{later.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()
    assert [email.to for email in mailoutbox] == [[f"provider@{soon.slug}.example"]]


# The next review date (enterprises.models.next_review_due) -----------------------------------------------------------


def test_the_next_review_falls_due_the_setting_after_approval_whether_staff_keep_the_suggested_date_or_not(
    client, settings, worcester, staff_of_worcester
):
    settings.REVIEW_INTERVAL_DAYS = 100
    submitted = make_enterprise("Waiting", status=Enterprise.Status.SUBMITTED)
    published = make_enterprise("Published", review_due_on=days_ago(1))
    client.force_login(staff_of_worcester)

    actions = dict(client.get(f"/council/listings/{submitted.slug}/").context["actions"])
    suggested = {action.name: form["review_due_on"].value() for action, form in actions.items()
                 if "review_due_on" in form.fields}
    assert suggested == {"approve": days_ahead(100)}
    actions = dict(client.get(f"/council/listings/{published.slug}/").context["actions"])
    assert {action.name: form["review_due_on"].value() for action, form in actions.items()
            if "review_due_on" in form.fields} == {"mark_reviewed": days_ahead(100)}

    listings.approve_listing(enterprise=submitted, by=staff_of_worcester, checks=["insurance", "safeguarding"])
    listings.mark_reviewed(enterprise=published, by=staff_of_worcester)
    submitted.refresh_from_db()
    published.refresh_from_db()
    assert submitted.review_due_on == published.review_due_on == days_ahead(100)
