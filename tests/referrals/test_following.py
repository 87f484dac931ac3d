"""Following referrals: the referrer's team's list with its status filter and "No response yet", a referral's page with
its timeline and reply box, withdrawing, the access log, and who may use each page."""

import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referrals import access, lifecycle
from referrals.access import received_referrals
from referrals.forms_following import STATUS_FILTERS
from referrals.models import AccessLog, Referral, ReferralEvent
from referrals.reminders import escalate_to_council, no_response_cutoff, send_provider_reminders
from tests.factories import make_referral, make_user, working_days_ago

Status = Referral.Status
PERSONAL = ["Margaret Evans", "01905 000111", "Getting out of the house", "A weekly day club", "walking frame"]


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's words, without tags, with runs of white space made one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def signed_in(client, user):
    client.force_login(user)
    return client


def days_ago_at(days: int):
    return timezone.now() - timezone.timedelta(days=days)


def with_status(referral: Referral, status: str, **fields) -> Referral:
    """Move a referral on without the lifecycle, for tests about what a page shows for a status."""
    Referral.objects.filter(pk=referral.pk).update(status=status, **fields)
    referral.refresh_from_db()
    return referral


# Who may use each page -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    name: str
    method: str
    path: str  # formatted with the referral's reference
    data: dict | None = None


VIEWS = [
    View("list", "get", "/referrals/"),
    View("detail", "get", "/referrals/{ref}/"),
    View("message", "post", "/referrals/{ref}/message/", {"message": "Is there any news?"}),
    View("withdraw page", "get", "/referrals/{ref}/withdraw/"),
    View("withdraw", "post", "/referrals/{ref}/withdraw/", {"reason": ""}),
]

# What each persona gets from each view, for Ruth's referral: Colin is in her team; Owen is in another organisation;
# Jean received it and Sam runs another enterprise (providers may refer, so they have a list of their own, but
# Ruth's referral is a 404 here); Stella and Hugo are council staff, and the public may not refer at all.
EXPECTED = {
    "ruth": {"list": 200, "detail": 200, "message": 302, "withdraw page": 200, "withdraw": 302},
    "colin": {"list": 200, "detail": 200, "message": 302, "withdraw page": 200, "withdraw": 302},
    "owen": {"list": 200, "detail": 404, "message": 404, "withdraw page": 404, "withdraw": 404},
    "jean": {"list": 200, "detail": 404, "message": 404, "withdraw page": 404, "withdraw": 404},
    "sam": {"list": 200, "detail": 404, "message": 404, "withdraw page": 404, "withdraw": 404},
    "stella": {"list": 403, "detail": 403, "message": 403, "withdraw page": 403, "withdraw": 403},
    "hugo": {"list": 403, "detail": 403, "message": 403, "withdraw page": 403, "withdraw": 403},
    "public": {"list": 403, "detail": 403, "message": 403, "withdraw page": 403, "withdraw": 403},
}


def persona(people, name):
    if name == "public":
        return make_user("resident@example.com", name="Rita Resident")
    return getattr(people, name)


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_may_use_each_page(client, people, referral, view, who):
    signed_in(client, persona(people, who))
    response = getattr(client, view.method)(view.path.format(ref=referral.reference), view.data)
    assert response.status_code == EXPECTED[who][view.name]
    if response.status_code == 200:
        for detail in PERSONAL:
            if who not in {"ruth", "colin"}:
                assert detail not in html(response)


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
def test_anonymous_people_are_sent_to_sign_in(client, referral, view):
    response = getattr(client, view.method)(view.path.format(ref=referral.reference), view.data)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_nobody_changes_a_referral_they_may_not_see(client, people, referral, mailoutbox):
    for who in ["owen", "jean", "sam", "stella", "hugo"]:
        signed_in(client, persona(people, who))
        client.post(f"/referrals/{referral.reference}/withdraw/", {"reason": "Not needed"})
        client.post(f"/referrals/{referral.reference}/message/", {"message": "Hello"})
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert list(referral.events.values_list("action", flat=True)) == ["sent"]
    assert mailoutbox == []


def test_an_unknown_reference_is_not_found(client, people, referral):
    assert signed_in(client, people.ruth).get("/referrals/AAAA-BBBB/").status_code == 404


def test_the_detail_page_does_not_answer_a_post(client, people, referral):
    assert signed_in(client, people.ruth).post(f"/referrals/{referral.reference}/").status_code == 405


# The list ------------------------------------------------------------------------------------------------------------


def test_the_list_shows_the_teams_referrals_with_the_person_service_date_and_status(client, people, referral):
    response = signed_in(client, people.colin).get("/referrals/")
    page = text(response)
    assert "<h1" in html(response) and "Your referrals" in page
    assert referral.reference in page
    assert f'href="/referrals/{referral.reference}/"' in html(response)
    assert "Margaret Evans" in page
    assert "Thursday Day Club" in page and "Malvern Lunch Club" in page
    assert timezone.localdate(referral.sent_at).strftime("%B %Y") in page
    assert "Waiting for an answer" in page


def test_the_list_records_that_each_person_shown_was_seen(client, people, referral):
    second = make_referral(service=people.sitting_service, referrer=people.colin, person_name="Albert Hughes")
    erased = make_referral(service=people.day_club, referrer=people.ruth, person_name="",
                           personal_details_erased_at=timezone.now())

    page = text(signed_in(client, people.ruth).get("/referrals/"))

    assert "Margaret Evans" in page and "Albert Hughes" in page and "Details erased" in page
    assert sorted(AccessLog.objects.values_list("referral", "user", "seen_in")) == sorted([
        (referral.pk, people.ruth.pk, "list"), (second.pk, people.ruth.pk, "list")])
    assert not AccessLog.objects.filter(referral=erased).exists()  # nothing personal was left to see


def test_a_list_of_people_the_filter_hides_records_nobody(client, people, referral):
    signed_in(client, people.ruth).get("/referrals/?status=ended")
    assert not AccessLog.objects.exists()


def test_another_organisation_does_not_see_the_teams_referrals(client, people, referral):
    page = text(signed_in(client, people.owen).get("/referrals/"))
    assert referral.reference not in page
    assert "Margaret Evans" not in page
    assert "Your team has not sent any referrals yet" in page


def test_an_empty_list_says_how_to_refer_someone(client, people):
    response = signed_in(client, people.ruth).get("/referrals/")
    assert "Your team has not sent any referrals yet" in text(response)
    assert 'href="/search/"' in html(response)


def test_newest_referrals_come_first(client, people):
    old = make_referral(service=people.day_club, referrer=people.ruth, person_name="Older Person",
                        sent_at=days_ago_at(3))
    new = make_referral(service=people.day_club, referrer=people.colin, person_name="Newer Person")
    page = text(signed_in(client, people.ruth).get("/referrals/"))
    assert page.index(new.reference) < page.index(old.reference)


def test_a_provider_who_referred_sees_referrals_sent_for_their_enterprise(client, people):
    sent = make_referral(service=people.day_club, referrer=people.sam, referring_enterprise=people.sitters,
                         person_name="Peter Sitter")
    response = signed_in(client, people.sam).get("/referrals/")
    assert re.search(r"<h1[^>]*>\s*Referrals sent\s*</h1>", html(response))
    assert sent.reference in text(response)
    # Jean received it: it is on her provider page, not in her list of referrals sent.
    assert sent.reference not in text(signed_in(client, people.jean).get("/referrals/"))
    assert signed_in(client, people.jean).get(f"/referrals/{sent.reference}/").status_code == 404


@pytest.fixture
def one_of_each(people):
    """A referral of Ruth's team in each status, the person named after it."""
    made = {}
    for status in Status.values:
        referral = make_referral(service=people.day_club, referrer=people.ruth, person_name=f"Person {status}")
        made[status] = with_status(referral, status, first_response_at=None if status == "sent" else timezone.now())
    return made


@pytest.mark.parametrize("status", Status.values)
def test_the_list_filters_by_each_status(client, people, one_of_each, status):
    page = text(signed_in(client, people.ruth).get("/referrals/", {"status": status}))
    for other, referral in one_of_each.items():
        assert (referral.reference in page) == (other == status)
    assert f"1 referral: {Status(status).label.lower()}" in page


def test_the_filter_shows_how_many_each_choice_has_and_which_is_chosen(client, people, one_of_each):
    response = signed_in(client, people.ruth).get("/referrals/", {"status": "accepted"})
    page = text(response)
    assert "All (6)" in page and "Accepted (1)" in page and "No response yet (0)" in page
    assert re.search(r'value="accepted" checked', html(response))
    assert "6 referrals" in text(signed_in(client, people.ruth).get("/referrals/"))


def test_the_number_beside_each_choice_is_how_many_referrals_it_shows(people, one_of_each):
    make_referral(service=people.day_club, referrer=people.ruth, sent_at=days_ago_at(15))  # no response yet
    scope, cutoff = access.sent_referrals(people.ruth), no_response_cutoff()

    counts = access.status_filter(scope, "", cutoff).counts

    assert counts[""] == 7 and counts[access.NO_RESPONSE] == 1 and counts[Status.SENT] == 2
    assert {value: access.status_filter(scope, value, cutoff).rows.count() for value, _ in STATUS_FILTERS} == {
        value: counts.get(value, 0) for value, _ in STATUS_FILTERS
    }


def test_nonsense_in_the_filter_shows_every_referral(client, people, one_of_each):
    response = signed_in(client, people.ruth).get("/referrals/", {"status": "lost", "page": "x"})
    assert response.status_code == 200
    assert all(referral.reference in text(response) for referral in one_of_each.values())
    assert "There is a problem" not in text(response)


def test_a_filter_that_matches_nothing_says_so(client, people, referral):
    page = text(signed_in(client, people.ruth).get("/referrals/", {"status": "declined"}))
    assert "No referrals match “Declined”" in page
    assert referral.reference not in page


@pytest.fixture
def waiting(people):
    """Sent 6 working days ago: one unanswered, one answered with a question, one accepted; and one sent today."""
    unanswered = make_referral(service=people.day_club, referrer=people.ruth, person_name="Una Answered",
                               sent_at=working_days_ago(6))
    asked = make_referral(service=people.day_club, referrer=people.ruth, person_name="Quentin Asked",
                          sent_at=working_days_ago(6))
    lifecycle.send_message(referral=asked, by=people.jean, text="Does she need transport?")
    accepted = make_referral(service=people.day_club, referrer=people.ruth, person_name="Alice Accepted",
                             sent_at=working_days_ago(6))
    lifecycle.accept(referral=accepted, by=people.jean)
    recent = make_referral(service=people.day_club, referrer=people.ruth, person_name="Rosa Recent")
    return {"unanswered": unanswered, "asked": asked, "accepted": accepted, "recent": recent}


def _row(page_html: str, reference: str) -> str:
    return next(row for row in page_html.split("<tr") if reference in row)


def test_a_referral_nobody_has_answered_in_5_working_days_is_marked_no_response_yet(client, people, waiting):
    page = html(signed_in(client, people.ruth).get("/referrals/"))
    flagged = _row(page, waiting["unanswered"].reference)
    assert "No response yet" in flagged and "govuk-tag--red" in flagged
    for name in ["asked", "recent"]:
        row = _row(page, waiting[name].reference)
        assert "No response yet" not in row and "Waiting for an answer" in row
    assert "Accepted" in _row(page, waiting["accepted"].reference)


def test_the_no_response_yet_filter_shows_only_unanswered_referrals(client, people, waiting):
    page = text(signed_in(client, people.ruth).get("/referrals/", {"status": "no_response"}))
    assert waiting["unanswered"].reference in page
    for name in ["asked", "accepted", "recent"]:
        assert waiting[name].reference not in page
    assert "No response yet (1)" in page and "Waiting for an answer (3)" in page


def test_the_no_response_yet_flag_follows_the_setting(client, people, waiting, settings):
    settings.REFERRAL_NO_RESPONSE_WORKING_DAYS = 20
    page = html(signed_in(client, people.ruth).get("/referrals/"))
    assert "No response yet</strong>" not in page


def test_the_list_runs_the_same_number_of_queries_for_3_or_25_referrals(client, people):
    signed_in(client, people.ruth)
    for _ in range(3):
        make_referral(service=people.day_club, referrer=people.ruth)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/referrals/").status_code == 200
    for _ in range(22):
        make_referral(service=people.sitting_service, referrer=people.colin, sent_at=days_ago_at(9))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/referrals/")
    assert "25 referrals" in text(response)
    assert len(many) == len(few)


def test_a_long_list_is_shown_a_page_at_a_time(client, people):
    made = [make_referral(service=people.day_club, referrer=people.ruth, sent_at=days_ago_at(n)) for n in range(30)]
    first = text(signed_in(client, people.ruth).get("/referrals/"))
    assert made[0].reference in first and made[29].reference not in first
    assert "Showing 1 to 25" in first
    second = signed_in(client, people.ruth).get("/referrals/", {"page": 2})
    assert made[29].reference in text(second) and made[0].reference not in text(second)
    assert re.search(r'aria-current="page"[^>]*>\s*2\s*<', html(second))


# A referral and its timeline -----------------------------------------------------------------------------------------


def test_a_referral_shows_the_person_the_status_and_where_it_went(client, people, referral):
    response = signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/")
    page = text(response)
    assert re.search(rf"<h1[^>]*>\s*Referral {referral.reference}\s*</h1>", html(response))
    assert "<title>Referral " + referral.reference in html(response)
    for detail in PERSONAL:
        assert detail in page
    assert "Waiting for an answer" in page
    assert "Sent to Thursday Day Club, run by Malvern Lunch Club" in page
    assert "Ruth Jones, Adult Social Care – Wyre Forest team" in page


def test_opening_a_referral_is_recorded_each_time(client, people, referral):
    signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/")
    signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/")
    signed_in(client, people.colin).get(f"/referrals/{referral.reference}/")
    assert list(AccessLog.objects.order_by("pk").values_list("referral", "user")) == [
        (referral.pk, people.ruth.pk), (referral.pk, people.ruth.pk), (referral.pk, people.colin.pk)]


def test_being_refused_a_referral_is_not_recorded_as_opening_it(client, people, referral):
    signed_in(client, people.owen).get(f"/referrals/{referral.reference}/")
    assert not AccessLog.objects.exists()


def test_the_timeline_shows_each_event_and_message_in_order(client, people, referral):
    lifecycle.send_message(referral=referral, by=people.jean, text="Can she get to the hall on her own?")
    lifecycle.send_message(referral=referral, by=people.colin, text="Her daughter will drive her.")
    lifecycle.accept(referral=referral, by=people.jean, message="We have a place on Thursdays.")
    lifecycle.start_support(referral=referral, by=people.jean)
    response = signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/")
    timeline = text(response).split("What has happened", 1)[1]
    expected = [
        "Referral sent", "by Ruth Jones, Adult Social Care – Wyre Forest team",
        "Message", "by Jean Smith, Malvern Lunch Club", "Can she get to the hall on her own?",
        "Message", "by Colin Brown", "Her daughter will drive her.",
        "Accepted", "We have a place on Thursdays.",
        "Support started",
    ]
    position = 0
    for words in expected:
        position = timeline.index(words, position) + len(words)
    assert "Support started" in text(response).split("What has happened")[0]


def test_a_declined_referral_shows_the_reason(client, people, referral):
    lifecycle.decline(referral=referral, by=people.jean, reason="full", detail="Full until September.")
    page = text(signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/"))
    assert "Reason: We have no space at the moment" in page
    assert "Full until September." in page
    assert "Withdraw this referral" not in page


@pytest.mark.parametrize("status, withdrawable", [
    ("sent", True), ("accepted", True), ("started", False), ("ended", False), ("declined", False),
    ("withdrawn", False)])
def test_the_withdraw_link_is_offered_only_before_support_starts(client, people, referral, status, withdrawable):
    with_status(referral, status)
    response = signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/")
    assert (f'href="/referrals/{referral.reference}/withdraw/"' in html(response)) == withdrawable


def test_a_referral_waiting_too_long_says_so_and_gives_the_providers_phone(client, people):
    people.lunch_club.phone = "01684 000222"
    people.lunch_club.save()
    waiting = make_referral(service=people.day_club, referrer=people.ruth, sent_at=working_days_ago(6))
    page = text(signed_in(client, people.ruth).get(f"/referrals/{waiting.reference}/"))
    assert "No response yet" in page
    days = re.search(r"Malvern Lunch Club has not answered in (\d+) working days", page)
    assert days and int(days.group(1)) >= 5
    assert "They will be reminded by email" in page
    assert "You could phone them on 01684 000222" in page

    Referral.objects.filter(pk=waiting.pk).update(provider_reminded_at=timezone.now())
    page = text(signed_in(client, people.ruth).get(f"/referrals/{waiting.reference}/"))
    assert f"They were reminded by email on {timezone.localdate().day} " in page


def test_a_recent_referral_is_not_said_to_be_waiting_too_long(client, people, referral):
    page = text(signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/"))
    assert "has not answered" not in page and "No response yet" not in page


def test_an_erased_referral_shows_no_details_and_no_reply_box(client, people, referral):
    Referral.objects.filter(pk=referral.pk).update(
        status="declined", person_name="", phone="", what_matters="", support_wanted="", safety_notes="",
        personal_details_erased_at=timezone.now())
    response = signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/")
    assert "the person’s details were erased" in text(response)
    assert 'action="/referrals/' not in html(response)
    assert not AccessLog.objects.exists()


# Replying ------------------------------------------------------------------------------------------------------------


def test_a_reply_is_sent_to_the_provider_without_personal_details(
    client, people, referral, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in(client, people.colin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/referrals/{referral.reference}/message/",
                               {"message": "  Margaret prefers mornings.  "})
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.reference}/"
    event = referral.events.get(action=ReferralEvent.Action.MESSAGE)
    assert (event.side, event.actor, event.message) == ("referrer", people.colin, "Margaret prefers mornings.")
    # The provider's timeline is the same events, read from the provider's scope.
    seen_by_jean = received_referrals(people.jean).get(reference=referral.reference)
    assert "Margaret prefers mornings." in seen_by_jean.events.values_list("message", flat=True)

    [email] = mailoutbox
    assert email.to == ["jean@lunchclub.example"]
    assert email.subject == f"New message about referral {referral.reference}"
    assert f"/provider/referrals/{referral.reference}/" in email.body
    for detail in [*PERSONAL, "Margaret", "prefers mornings"]:
        assert detail not in email.subject + email.body

    page = text(client.get(response["Location"]))
    assert "Your message has been sent to Malvern Lunch Club" in page
    assert "Margaret prefers mornings." in page.split("What has happened", 1)[1]


@pytest.mark.parametrize("message", ["", "   \n  "])
def test_an_empty_reply_is_refused_beside_the_box(client, people, referral, mailoutbox, message):
    response = signed_in(client, people.ruth).post(f"/referrals/{referral.reference}/message/", {"message": message})
    assert response.status_code == 400
    page = html(response)
    assert "<title>Error: " in page
    assert '<a href="#id_message">Enter your message</a>' in page
    beside = r'id="id_message-error"[^>]*>\s*(<span class="govuk-visually-hidden">Error:</span>)?\s*Enter your message'
    assert re.search(beside, page)
    assert "Margaret Evans" in text(response)  # still the whole referral page
    assert not referral.events.filter(action="message").exists()
    assert mailoutbox == []


def test_a_too_long_reply_keeps_what_was_typed(client, people, referral):
    typed = "A long note. " * 400
    response = signed_in(client, people.ruth).post(f"/referrals/{referral.reference}/message/", {"message": typed})
    assert response.status_code == 400
    assert "Your message must be 5,000 characters or fewer" in text(response)
    assert typed.strip() in html(response)


def test_a_reply_to_an_erased_referral_is_refused_with_the_reason(client, people, referral, mailoutbox):
    Referral.objects.filter(pk=referral.pk).update(status="ended", personal_details_erased_at=timezone.now())
    response = signed_in(client, people.ruth).post(f"/referrals/{referral.reference}/message/", {"message": "Hi"})
    assert response.status_code == 409
    assert f"Referral {referral.reference} has been closed and its details erased" in text(response)
    assert mailoutbox == []


# Withdrawing ---------------------------------------------------------------------------------------------------------


def test_the_withdraw_page_asks_to_confirm_and_warns_the_provider_will_be_told(client, people, referral):
    response = signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/withdraw/")
    page = text(response)
    assert re.search(rf"<h1[^>]*>\s*Withdraw referral {referral.reference}\?\s*</h1>", html(response))
    assert "Why are you withdrawing it? (optional)" in page
    assert "Malvern Lunch Club will be told" in page
    assert "govuk-button--warning" in html(response)
    assert "Margaret Evans" not in page
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("status", ["sent", "accepted"])
def test_a_referral_can_be_withdrawn_before_support_starts(
    client, people, referral, status, mailoutbox, django_capture_on_commit_callbacks
):
    if status == "accepted":
        lifecycle.accept(referral=referral, by=people.jean)
        mailoutbox.clear()
    signed_in(client, people.colin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/referrals/{referral.reference}/withdraw/",
                               {"reason": "She has found a place nearer home."})
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.reference}/"
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN and referral.closed_at is not None
    event = referral.events.get(action="withdrawn")
    assert (event.actor, event.side, event.message) == (people.colin, "referrer", "She has found a place nearer home.")

    [email] = mailoutbox
    assert email.to == ["jean@lunchclub.example"]
    assert email.subject == f"Referral {referral.reference} has been withdrawn"
    for detail in [*PERSONAL, "nearer home"]:
        assert detail not in email.body

    page = text(client.get(response["Location"]))
    assert f"Referral {referral.reference} is withdrawn. Malvern Lunch Club has been told" in page
    assert "Withdrawn" in page and "She has found a place nearer home." in page


def test_a_reason_is_not_needed_to_withdraw(client, people, referral):
    response = signed_in(client, people.ruth).post(f"/referrals/{referral.reference}/withdraw/", {})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN


@pytest.mark.parametrize("status, label", [
    ("started", "support started"), ("ended", "support ended"), ("declined", "declined"), ("withdrawn", "withdrawn")])
def test_a_referral_cannot_be_withdrawn_once_support_started_or_it_closed(
    client, people, referral, status, label, mailoutbox
):
    with_status(referral, status)
    response = signed_in(client, people.ruth).post(f"/referrals/{referral.reference}/withdraw/", {"reason": "x"})
    assert response.status_code == 409
    page = text(response)
    assert f"You cannot withdraw it: referral {referral.reference} is now {label}" in page
    assert '<a href="#referral-status">' in html(response)
    assert "<title>Error: " in html(response)
    assert 'id="referral-status"' in html(response)
    assert "govuk-button--warning" not in html(response)
    referral.refresh_from_db()
    assert referral.status == status
    assert not referral.events.filter(action="withdrawn").exists()
    assert mailoutbox == []


def test_withdrawing_after_the_provider_started_support_a_moment_before_is_refused(client, people, referral):
    """The referrer opened the confirmation page while it was accepted; the provider then recorded that support
    started; the referrer's "Withdraw referral" must not undo that."""
    lifecycle.accept(referral=referral, by=people.jean)
    signed_in(client, people.ruth)
    assert "Withdraw referral" in text(client.get(f"/referrals/{referral.reference}/withdraw/"))
    lifecycle.start_support(referral=referral, by=people.jean)
    response = client.post(f"/referrals/{referral.reference}/withdraw/", {"reason": "Changed her mind"})
    assert response.status_code == 409
    assert f"You cannot withdraw it: referral {referral.reference} is now support started" in text(response)
    assert "send Malvern Lunch Club a message" in text(response)
    referral.refresh_from_db()
    assert referral.status == Status.STARTED


def test_the_withdraw_page_of_a_referral_that_cannot_be_withdrawn_says_why(client, people, referral):
    with_status(referral, "declined")
    response = signed_in(client, people.ruth).get(f"/referrals/{referral.reference}/withdraw/")
    assert response.status_code == 200
    assert f"You cannot withdraw referral {referral.reference}" in text(response)
    assert "It is now declined" in text(response)
    assert "<form" not in html(response).split('id="main-content"')[1]


def test_a_too_long_reason_keeps_what_was_typed(client, people, referral):
    typed = "Because. " * 700
    response = signed_in(client, people.ruth).post(f"/referrals/{referral.reference}/withdraw/", {"reason": typed})
    assert response.status_code == 400
    assert "The reason must be 5,000 characters or fewer" in text(response)
    assert typed.strip() in html(response)
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_the_referrer_sees_that_a_referral_still_unanswered_was_passed_to_the_council(client, people):
    waiting = make_referral(service=people.day_club, referrer=people.ruth, sent_at=working_days_ago(10))
    send_provider_reminders()
    Referral.objects.filter(pk=waiting.pk).update(provider_reminded_at=working_days_ago(5))
    escalate_to_council()

    page = text(signed_in(client, people.colin).get(f"/referrals/{waiting.reference}/"))
    assert "No response yet" in page
    assert ("we passed your referral to the staff of Worcestershire County Council, who will contact them"
            in page)
    assert "Passed to the council" in page  # in what has happened


def test_a_referral_not_passed_on_does_not_say_so(client, people):
    waiting = make_referral(service=people.day_club, referrer=people.ruth, sent_at=working_days_ago(6),
                            provider_reminded_at=timezone.now())
    page = text(signed_in(client, people.ruth).get(f"/referrals/{waiting.reference}/"))
    assert "No response yet" in page and "passed your referral" not in page
