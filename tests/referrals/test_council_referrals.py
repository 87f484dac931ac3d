"""The council's list of referrals: references, services and statuses for staff of that council, and never anyone's
personal details — not on the page, and not even in the SQL that builds it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referrals import lifecycle
from referrals.models import PERSONAL_FIELDS, AccessLog, Referral
from tests.factories import make_enterprise, make_referral, make_service, make_user, working_days_ago

URL = "/council/referrals/"
PERSONAL = ["Margaret Evans", "01905 000111", "Getting out of the house", "A weekly day club", "walking frame",
            "WR1 2EY"]


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def signed_in(client, user):
    client.force_login(user)
    return client


def days_ago_at(days: int):
    return timezone.now() - timezone.timedelta(days=days)


# Who may see it ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, expected", [
    ("stella", 200), ("hugo", 200),
    ("ruth", 403), ("colin", 403), ("owen", 403), ("jean", 403), ("sam", 403), ("public", 403),
])
def test_only_council_staff_may_see_the_referrals(client, people, referral, who, expected):
    user = make_user("resident@example.com") if who == "public" else getattr(people, who)
    assert signed_in(client, user).get(URL).status_code == expected


def test_anonymous_people_are_sent_to_sign_in(client, referral):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_the_page_answers_only_get(client, people, referral):
    assert signed_in(client, people.stella).post(URL).status_code == 405


def test_staff_of_another_council_see_none_of_this_councils_referrals(client, people, referral):
    page = text(signed_in(client, people.hugo).get(URL))
    assert referral.reference not in page
    assert "Thursday Day Club" not in page
    assert "All (0)" in page
    assert "No referrals have been sent to your council’s listings yet" in page


def test_staff_see_their_own_councils_referrals_only(client, people, referral):
    theirs = make_enterprise("Hay Befrienders", council=people.hugo.staff_membership.council)
    elsewhere = make_referral(service=make_service("Befriending", enterprise=theirs), referrer=people.ruth)
    page = text(signed_in(client, people.stella).get(URL))
    assert referral.reference in page and elsewhere.reference not in page
    page = text(signed_in(client, people.hugo).get(URL))
    assert elsewhere.reference in page and referral.reference not in page


def test_the_council_nav_links_to_the_referrals(client, people):
    response = signed_in(client, people.stella).get("/council/")
    assert f'href="{URL}"' in html(response)
    response = signed_in(client, people.stella).get(URL)
    assert f'href="{URL}" aria-current="page">Referrals<' in html(response)


# What it shows -------------------------------------------------------------------------------------------------------


def test_it_shows_reference_service_enterprise_team_date_and_status(client, people, referral):
    response = signed_in(client, people.stella).get(URL)
    page = text(response)
    assert re.search(r"<h1[^>]*>\s*Referrals\s*</h1>", html(response))
    assert referral.reference in page
    assert "Thursday Day Club" in page and "Malvern Lunch Club" in page
    assert f'href="/council/listings/{people.lunch_club.slug}/"' in html(response)
    assert "Adult Social Care – Wyre Forest team" in page
    assert timezone.localdate(referral.sent_at).strftime("%B %Y") in page
    assert "Waiting for an answer" in page
    assert "Not answered" in page


def test_it_shows_the_enterprise_that_referred_when_a_provider_referred(client, people):
    make_referral(service=people.day_club, referrer=people.sam, referring_enterprise=people.sitters)
    assert "Severn Sitters" in text(signed_in(client, people.stella).get(URL))


def test_it_never_shows_or_even_selects_the_persons_details(client, people, referral):
    lifecycle.send_message(referral=referral, by=people.jean, text="Does Margaret need transport?")
    make_referral(service=people.day_club, referrer=people.colin, sent_at=days_ago_at(9))
    signed_in(client, people.stella)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    for detail in [*PERSONAL, "Margaret", "transport"]:
        assert detail not in html(response)
    personal_columns = [f'"referrals_referral"."{field}"' for field in PERSONAL_FIELDS]
    for query in queries.captured_queries:
        assert "person_name" not in query["sql"], query["sql"]
        assert not any(column in query["sql"] for column in personal_columns), query["sql"]
        assert "referrals_referralevent" not in query["sql"], query["sql"]  # messages may name the person
    assert not AccessLog.objects.exists()


def test_it_counts_the_referrals_in_each_status_and_filters_by_one(client, people, referral):
    for status in ["accepted", "accepted", "declined"]:
        made = make_referral(service=people.day_club, referrer=people.ruth)
        Referral.objects.filter(pk=made.pk).update(status=status, first_response_at=timezone.now())
    unanswered = make_referral(service=people.day_club, referrer=people.owen, sent_at=working_days_ago(6))
    page = text(signed_in(client, people.stella).get(URL))
    for words in ["All (5)", "No response yet (1)", "Waiting for an answer (2)", "Accepted (2)", "Declined (1)",
                  "Support started (0)", "Withdrawn (0)"]:
        assert words in page

    response = signed_in(client, people.stella).get(URL, {"status": "declined"})
    assert "1 referral: declined" in text(response)
    assert "<strong>Declined (1)</strong>" in html(response)
    assert referral.reference not in text(response)

    page = text(signed_in(client, people.stella).get(URL, {"status": "no_response"}))
    assert unanswered.reference in page and referral.reference not in page
    assert "No response yet" in page

    assert "All (5)" in text(signed_in(client, people.stella).get(URL, {"status": "nonsense"}))


def test_it_shows_how_many_days_the_provider_took_to_answer(client, people):
    quick = make_referral(service=people.day_club, referrer=people.ruth, sent_at=days_ago_at(3))
    lifecycle.accept(referral=quick, by=people.jean)
    same_day = make_referral(service=people.day_club, referrer=people.ruth)
    lifecycle.send_message(referral=same_day, by=people.jean, text="A question")
    page = html(signed_in(client, people.stella).get(URL))
    row = next(row for row in page.split("<tr") if quick.reference in row)
    assert "3 days" in row
    row = next(row for row in page.split("<tr") if same_day.reference in row)
    assert "Under 1 day" in row


def test_the_page_runs_the_same_number_of_queries_for_3_or_25_referrals(client, people):
    signed_in(client, people.stella)
    for _ in range(3):
        make_referral(service=people.day_club, referrer=people.ruth)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for number in range(22):
        if number % 2:
            make_referral(service=people.sitting_service, referrer=people.owen, sent_at=days_ago_at(9))
        else:
            make_referral(service=people.day_club, referrer=people.sam, referring_enterprise=people.sitters)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert "25 referrals" in text(response)
    assert len(many) == len(few)


def test_a_long_list_is_shown_a_page_at_a_time(client, people):
    made = [make_referral(service=people.day_club, referrer=people.ruth, sent_at=days_ago_at(n)) for n in range(55)]
    first = text(signed_in(client, people.stella).get(URL))
    assert made[0].reference in first and made[54].reference not in first
    second = signed_in(client, people.stella).get(URL, {"page": 2})
    assert made[54].reference in text(second) and made[0].reference not in text(second)
    assert re.search(r'aria-current="page"[^>]*>\s*2\s*<', html(second))


# Unanswered referrals, passed to the council ---------------------------------------------------------------------

UNANSWERED = "/council/referrals/unanswered/"


@pytest.fixture
def escalated(people):
    """Ruth's referral, sent 10 working days ago, the provider reminded and then the council told 5 days ago."""
    referral = make_referral(service=people.day_club, referrer=people.ruth, sent_at=working_days_ago(10))
    Referral.objects.filter(pk=referral.pk).update(provider_reminded_at=working_days_ago(5),
                                                   escalated_at=timezone.now())
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize("who, expected", [
    ("stella", 200), ("hugo", 200),
    ("ruth", 403), ("colin", 403), ("owen", 403), ("jean", 403), ("sam", 403), ("public", 403),
])
def test_only_council_staff_may_see_the_unanswered_referrals(client, people, escalated, who, expected):
    user = make_user("resident@example.com") if who == "public" else getattr(people, who)
    assert signed_in(client, user).get(UNANSWERED).status_code == expected


def test_anonymous_people_are_sent_to_sign_in_for_the_unanswered_referrals(client, escalated):
    response = client.get(UNANSWERED)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_the_unanswered_referrals_page_answers_only_get(client, people, escalated):
    assert signed_in(client, people.stella).post(UNANSWERED).status_code == 405


def test_staff_see_each_unanswered_referral_with_the_working_days_it_has_waited(client, people, escalated):
    people.lunch_club.phone = "01684 000222"
    people.lunch_club.save()
    waiting_not_passed_on = make_referral(service=people.day_club, referrer=people.ruth, sent_at=working_days_ago(7))

    response = signed_in(client, people.stella).get(UNANSWERED)

    page = text(response)
    assert re.search(r"<h1[^>]*>\s*Unanswered referrals\s*</h1>", html(response))
    assert "1 unanswered referral, the longest waiting first" in page
    row = _row(html(response), escalated.reference)
    assert "Thursday Day Club" in row and "Malvern Lunch Club" in row and "01684 000222" in row
    assert "Adult Social Care – Wyre Forest team" in row
    assert "10 working days" in row
    assert f'href="/council/listings/{people.lunch_club.slug}/"' in row
    assert waiting_not_passed_on.reference not in page


def test_staff_of_another_council_do_not_see_this_councils_unanswered_referrals(client, people, escalated):
    page = text(signed_in(client, people.hugo).get(UNANSWERED))
    assert escalated.reference not in page
    assert "No referrals are waiting for you" in page


def test_a_referral_leaves_the_list_once_the_provider_answers(client, people, escalated):
    lifecycle.accept(referral=escalated, by=people.jean)
    page = text(signed_in(client, people.stella).get(UNANSWERED))
    assert escalated.reference not in page and "No referrals are waiting for you" in page


def test_the_referrals_page_points_staff_to_the_unanswered_ones(client, people, escalated):
    response = signed_in(client, people.stella).get(URL)
    assert "1 referral still without an answer after a reminder" in text(response)
    assert f'href="{UNANSWERED}"' in html(response)

    lifecycle.accept(referral=escalated, by=people.jean)
    assert "still without an answer" not in text(signed_in(client, people.stella).get(URL))


def test_the_unanswered_list_never_shows_or_even_selects_the_persons_details(client, people, escalated):
    lifecycle.send_message(referral=escalated, by=people.ruth, text="Margaret is still waiting")
    signed_in(client, people.stella)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(UNANSWERED)
    assert response.status_code == 200 and escalated.reference in html(response)
    for detail in [*PERSONAL, "Margaret", "01905 765432"]:
        assert detail not in html(response)
    personal_columns = [f'"referrals_referral"."{field}"' for field in PERSONAL_FIELDS]
    for query in queries.captured_queries:
        assert not any(column in query["sql"] for column in personal_columns), query["sql"]
        assert "referrals_referralevent" not in query["sql"], query["sql"]
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("page", ["2", "0", "-1", "nonsense", "99999999999999999999999", "1\x00"])
def test_any_page_number_shows_a_page_of_unanswered_referrals(client, people, escalated, page):
    response = signed_in(client, people.stella).get(UNANSWERED, {"page": page})
    assert response.status_code == 200 and escalated.reference in html(response)


def _row(page_html: str, reference: str) -> str:
    return next(row for row in page_html.split("<tr") if reference in row)
