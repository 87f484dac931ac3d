"""A signed-in session ends after a while without use, and after a working day whatever happens; the shortlist stays;
private pages are never stored by a browser or a proxy. The people are the shared cast (tests/personas.py)."""

import re
import time

import pytest
from django.test import Client

from accounts.sessions import LAST_SEEN, SIGNED_IN_AT


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def turn_back_the_clock(client, *, idle_minutes: float = 0, signed_in_hours: float = 0) -> None:
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - max(signed_in_hours * 3600, idle_minutes * 60)
    session[LAST_SEEN] = now - idle_minutes * 60
    session.save()


@pytest.mark.parametrize("who, home", [("stella", "/council/"), ("ruth", "/referrals/")])
def test_staff_and_referrers_are_signed_out_after_30_idle_minutes(people, who, home):
    client = signed_in(getattr(people, who))
    assert client.get(home).status_code == 200
    turn_back_the_clock(client, idle_minutes=29)
    assert client.get(home).status_code == 200

    turn_back_the_clock(client, idle_minutes=31)
    response = client.get(home)

    assert response.status_code == 302 and response.url == f"/sign-in/?next={home}"
    page = client.get(response.url).content.decode()
    assert "You were signed out because you had not used the service for 30 minutes" in page
    banner_titles = re.findall(r'class="govuk-notification-banner__title"[^>]*>\s*(\w+)\s*</h2>', page)
    assert banner_titles == ["Important"]
    assert "_auth_user_id" not in client.session


def test_providers_may_sit_for_two_hours(people):
    jean = people.jean
    client = signed_in(jean)
    client.get("/provider/")
    turn_back_the_clock(client, idle_minutes=100)
    assert client.get("/provider/").status_code == 200

    turn_back_the_clock(client, idle_minutes=121)
    assert client.get("/provider/").status_code == 302


def test_using_the_site_keeps_the_session_going(people):
    stella = people.stella
    client = signed_in(stella)
    client.get("/council/")
    turn_back_the_clock(client, idle_minutes=20)
    client.get("/council/")  # seen now

    session = client.session
    session[SIGNED_IN_AT] = time.time() - 40 * 60
    session.save()

    assert client.get("/council/").status_code == 200


def test_a_session_ends_after_a_working_day_even_in_use(people):
    stella = people.stella
    client = signed_in(stella)
    client.get("/council/")
    turn_back_the_clock(client, signed_in_hours=9.1)

    response = client.get("/council/")

    assert response.status_code == 302
    assert "you signed in more than 9 hours ago" in client.get(response.url).content.decode()


def test_signing_out_for_idleness_keeps_the_shortlist(people):
    stella = people.stella
    client = signed_in(stella)
    session = client.session
    session["shortlist"] = [12, 34]
    session.save()
    client.get("/council/")
    turn_back_the_clock(client, idle_minutes=31)

    client.get("/council/")

    assert client.session.get("shortlist") == [12, 34]
    assert "_auth_user_id" not in client.session


def test_a_visitor_who_is_not_signed_in_keeps_their_shortlist_for_weeks(db):
    client = Client()
    session = client.session
    session["shortlist"] = [12]
    session[LAST_SEEN] = time.time() - 7 * 24 * 3600
    session.save()

    assert "Your shortlist (1)" in client.get("/").content.decode()


@pytest.mark.parametrize("who, path", [
    ("stella", "/council/"), ("stella", "/council/reports/"), ("ruth", "/referrals/"), ("jean", "/provider/"),
    ("jean", "/provider/referrals/"), ("stella", "/account/two-factor/"), ("jean", "/"),
])
def test_pages_for_a_signed_in_person_are_never_stored(people, who, path):
    response = signed_in(getattr(people, who)).get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_public_pages_for_visitors_may_still_be_cached(db):
    assert "no-store" not in Client().get("/").get("Cache-Control", "")


def test_a_private_page_refused_to_a_visitor_is_not_stored_either(db):
    response = Client().get("/referrals/")

    assert response.status_code == 302 and "no-store" in response["Cache-Control"]
