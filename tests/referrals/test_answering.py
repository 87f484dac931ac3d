"""The provider's side of a referral: the inbox (new ones first, no personal details), the referral with the person's
details (each opening logged), the answers (accept, decline, a message, support started, support ended), the emails
to the referrer, the refusals when the referral has moved on, and who may do any of it."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referrals import lifecycle
from referrals.models import AccessLog, Referral, ReferralEvent
from tests.factories import make_enterprise, make_referral, make_service

Status = Referral.Status


def html(response) -> str:
    return response.content.decode()


def as_person(people, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(people, persona))
    return client


@pytest.fixture
def jean(people) -> Client:
    return as_person(people, "jean")


def url(referral: Referral, action: str = "") -> str:
    return f"/provider/referrals/{referral.reference}/{action}"


def hours_ago(hours: float):
    return timezone.now() - timezone.timedelta(hours=hours)


def moved_to(referral: Referral, status: str, people) -> Referral:
    """The referral taken on through the lifecycle, as the provider or the referrer would."""
    if status in {Status.ACCEPTED, Status.STARTED, Status.ENDED}:
        lifecycle.accept(referral=referral, by=people.jean)
    if status in {Status.STARTED, Status.ENDED}:
        lifecycle.start_support(referral=referral, by=people.jean)
    if status == Status.ENDED:
        lifecycle.end_support(referral=referral, by=people.jean, outcome="goals_met")
    if status == Status.DECLINED:
        lifecycle.decline(referral=referral, by=people.jean, reason="full", detail="No space until spring")
    if status == Status.WITHDRAWN:
        lifecycle.withdraw(referral=referral, by=people.ruth)
    referral.refresh_from_db()
    return referral


def post(client, path, data, capture):
    """Post as the browser would, running the emails that are sent once the answer is saved."""
    with capture(execute=True):
        return client.post(path, data)


# Who may use each view ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    name: str
    method: str
    action: str  # the part of the URL after the referral's ("" for the referral, None for the inbox)
    data: dict | None = None
    needs: str = Status.SENT  # the status the referral must have for the action to be allowed

    def call(self, client, referral):
        path = "/provider/referrals/" if self.action is None else url(referral, self.action)
        return client.get(path) if self.method == "get" else client.post(path, self.data or {})


VIEWS = [
    View("inbox", "get", None),
    View("provider_detail", "get", ""),
    View("accept", "post", "accept/", {"accept-message": "We will phone her on Monday"}),
    View("decline page", "get", "decline/"),
    View("decline", "post", "decline/", {"reason": "full", "detail": "No space until spring"}),
    View("provider_message", "post", "message/", {"message-text": "Does she need transport?"}),
    View("start_support", "post", "support-started/", {"start-message": ""}, needs=Status.ACCEPTED),
    View("end_support page", "get", "support-ended/", needs=Status.ACCEPTED),
    View("end_support", "post", "support-ended/", {"outcome": "goals_met", "detail": ""}, needs=Status.ACCEPTED),
]
OBJECT_VIEWS = [view for view in VIEWS if view.action is not None]


def test_every_provider_url_is_in_the_matrix():
    from referrals.urls import urlpatterns

    answering = {pattern.name for pattern in urlpatterns if pattern.callback.__module__ == "referrals.views.answering"}
    assert answering == {view.name.removesuffix(" page") for view in VIEWS}


@pytest.mark.django_db
class TestWhoMayUseEachProviderView:
    @pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
    def test_anyone_not_signed_in_is_sent_to_sign_in(self, people, referral, view):
        moved_to(referral, view.needs, people)

        response = view.call(Client(), referral)

        assert response.status_code == 302
        assert response.url.startswith("/sign-in/?next=/provider/referrals/")

    @pytest.mark.parametrize("persona", ["ruth", "colin", "owen", "stella", "hugo"])
    @pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
    def test_referrers_and_council_staff_are_refused(self, people, referral, view, persona):
        referral = moved_to(referral, view.needs, people)

        assert view.call(as_person(people, persona), referral).status_code == 403

        assert Referral.objects.get(pk=referral.pk).status == referral.status
        assert not AccessLog.objects.exists()

    @pytest.mark.parametrize("view", OBJECT_VIEWS, ids=lambda v: v.name)
    def test_another_provider_cannot_find_the_referral(self, people, referral, view):
        referral = moved_to(referral, view.needs, people)
        events = referral.events.count()

        assert view.call(as_person(people, "sam"), referral).status_code == 404

        assert Referral.objects.get(pk=referral.pk).status == referral.status
        assert referral.events.count() == events
        assert not AccessLog.objects.exists()

    def test_another_provider_sees_none_of_the_referrals_in_their_inbox(self, people, referral):
        page = html(as_person(people, "sam").get("/provider/referrals/"))

        assert referral.reference not in page
        assert "You have not received any referrals yet" in page

    @pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
    def test_the_provider_it_was_sent_to_may_use_it(self, people, referral, view, jean):
        referral = moved_to(referral, view.needs, people)

        response = view.call(jean, referral)

        if view.method == "get":
            assert response.status_code == 200
        else:
            assert (response.status_code, response.url) == (302, url(referral))

    @pytest.mark.parametrize("view", [v for v in VIEWS if v.method == "post" and v.action != "decline/"
                                      and v.action != "support-ended/"], ids=lambda v: v.name)
    def test_answers_on_the_referrals_page_cannot_be_given_with_get(self, people, referral, view, jean):
        referral = moved_to(referral, view.needs, people)

        assert jean.get(url(referral, view.action)).status_code == 405

    def test_answers_need_the_csrf_token(self, people, referral):
        client = Client(enforce_csrf_checks=True)
        client.force_login(people.jean)

        response = client.post(url(referral, "accept/"), {"accept-message": ""})

        assert response.status_code == 403
        referral.refresh_from_db()
        assert referral.status == Status.SENT


# The inbox -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestInbox:
    def test_it_lists_the_referrals_to_the_providers_enterprise_and_no_one_elses(self, people, referral, jean):
        to_sam = make_referral(service=people.sitting_service, referrer=people.ruth)

        page = html(jean.get("/provider/referrals/"))

        assert "<h1 class=\"govuk-heading-xl\">Referrals received</h1>" in page
        assert referral.reference in page and to_sam.reference not in page
        assert f'href="/provider/referrals/{referral.reference}/"' in page
        for fact in ["Thursday Day Club", "Adult Social Care – Wyre Forest team", "Within a week",
                     "Waiting for an answer"]:
            assert fact in page, fact

    def test_it_shows_no_personal_details_and_opening_it_is_not_logged(self, people, referral, jean):
        page = html(jean.get("/provider/referrals/"))

        for detail in ["Margaret Evans", "01905 000111", "WR1 2EY", "Getting out of the house", "walking frame"]:
            assert detail not in page, detail
        assert not AccessLog.objects.exists()

    def test_new_referrals_come_first_the_longest_waiting_at_the_top_then_those_in_progress_then_closed(
        self, people, jean
    ):
        def referral(hours, status=Status.SENT):
            return moved_to(make_referral(service=people.day_club, referrer=people.ruth, sent_at=hours_ago(hours)),
                            status, people)

        ended_recently, declined_long_ago = referral(1, Status.ENDED), referral(90, Status.DECLINED)
        accepted, started = referral(2, Status.ACCEPTED), referral(3, Status.STARTED)
        new, newest, oldest_new = referral(20), referral(5), referral(40)

        page = html(jean.get("/provider/referrals/"))

        order = [oldest_new, new, newest, accepted, started, ended_recently, declined_long_ago]
        positions = [page.index(item.reference) for item in order]
        assert positions == sorted(positions)

    def test_it_can_show_referrals_with_one_status(self, people, referral, jean):
        accepted = moved_to(make_referral(service=people.day_club, referrer=people.owen), Status.ACCEPTED, people)

        page = html(jean.get("/provider/referrals/?status=accepted"))

        assert accepted.reference in page and referral.reference not in page
        assert "All (2)" in page and "Accepted (1)" in page and "Waiting for an answer (1)" in page

    def test_it_ignores_a_status_that_does_not_exist(self, referral, jean):
        assert referral.reference in html(jean.get("/provider/referrals/?status=nonsense"))

    def test_it_flags_a_referral_nobody_has_answered_for_too_long(self, people, jean):
        waiting = make_referral(service=people.day_club, referrer=people.ruth, sent_at=hours_ago(24 * 14))

        page = html(jean.get("/provider/referrals/"))

        assert waiting.reference in page and "No response yet" in page

    def test_a_provider_of_several_enterprises_sees_which_each_referral_is_for(self, people, referral, jean):
        gardeners = make_enterprise("Evesham Gardeners", council=people.lunch_club.council)
        gardeners.members.add(people.jean)
        gardening = make_service("Garden help", enterprise=gardeners)
        to_gardeners = make_referral(service=gardening, referrer=people.ruth)

        page = html(jean.get("/provider/referrals/"))

        assert referral.reference in page and to_gardeners.reference in page
        assert "Malvern Lunch Club" in page and "Evesham Gardeners" in page

    def test_one_enterprise_is_not_named_on_every_row(self, referral, jean):
        assert "Malvern Lunch Club" not in html(jean.get("/provider/referrals/"))

    def test_a_referral_from_another_provider_shows_their_enterprise(self, people, jean):
        people.sitters.members.add(people.sam)
        from_sam = make_referral(service=people.day_club, referrer=people.sam, referring_enterprise=people.sitters)

        page = html(jean.get("/provider/referrals/"))

        assert from_sam.reference in page and "Severn Sitters" in page

    def test_it_pages_through_many_referrals(self, people, jean):
        for hours in range(30):
            make_referral(service=people.day_club, referrer=people.ruth, sent_at=hours_ago(hours + 1))

        first, second = jean.get("/provider/referrals/"), jean.get("/provider/referrals/?page=2")

        assert len(first.context["page"].object_list) == 25 and len(second.context["page"].object_list) == 5
        assert 'href="?page=2"' in html(first)

    def test_it_runs_the_same_number_of_queries_however_many_referrals_there_are(self, people, jean):
        for hours in range(3):
            make_referral(service=people.day_club, referrer=people.ruth, sent_at=hours_ago(hours + 1))
        jean.get("/provider/referrals/")
        with CaptureQueriesContext(connection) as few:
            jean.get("/provider/referrals/")
        people.sitters.members.add(people.sam)
        for n in range(22):
            kind = n % 3
            extra = make_referral(
                service=people.day_club,
                referrer=[people.ruth, people.owen, people.sam][kind],
                referring_enterprise=people.sitters if kind == 2 else None,
                sent_at=hours_ago(n + 10),
            )
            if n % 4 == 0:
                moved_to(extra, Status.ACCEPTED, people)
        with CaptureQueriesContext(connection) as many:
            response = jean.get("/provider/referrals/")

        assert len(response.context["page"].object_list) == 25
        assert len(many) == len(few), "\n".join(query["sql"][:150] for query in many.captured_queries)


# A referral ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestReferralPage:
    def test_it_shows_the_persons_details_and_the_referral(self, referral, jean):
        page = html(jean.get(url(referral)))

        assert f"Referral {referral.reference}</h1>" in page
        for fact in ["Margaret Evans", "01905 000111", "WR1 2EY", "Getting out of the house and seeing people",
                     "A weekly day club with lunch", "Uses a walking frame", "Ruth Jones",
                     "Adult Social Care – Wyre Forest team", "Waiting for an answer", "Referral sent"]:
            assert fact in page, fact

    def test_it_gives_the_referrers_phone_number_and_how_the_support_will_be_paid_for(self, people, jean):
        referral = make_referral(service=people.day_club, referrer=people.ruth, referrer_phone="01905 765432",
                                 funding="direct_payment")

        page = html(jean.get(url(referral)))

        assert 'href="tel:01905765432">01905 765432</a>' in page
        assert "How it will be paid for" in page and "Direct payment or personal budget" in page

    def test_a_referral_sent_before_the_form_asked_says_so(self, people, jean):
        referral = make_referral(service=people.day_club, referrer=people.ruth, referrer_phone="", funding="")

        page = html(jean.get(url(referral)))

        assert "Not asked" in page and "tel:" not in page

    def test_each_opening_is_recorded_in_the_access_log_and_shown(self, people, referral, jean):
        jean.get(url(referral))
        page = html(jean.get(url(referral)))

        assert list(AccessLog.objects.values_list("referral", "user")) == [(referral.pk, people.jean.pk)] * 2
        assert "Who has opened these details" in page
        assert "Jean Smith (you)" in page and "opened 2 times" in page

    def test_the_access_log_lists_the_ten_most_recent_openings(self, people, referral, jean):
        for _ in range(11):
            AccessLog.objects.create(referral=referral, user=people.colin, at=hours_ago(5))

        page = html(jean.get(url(referral)))

        assert "opened 12 times; these are the 10 most recent" in page
        assert page.count("Colin Brown") == 9

    def test_a_new_referral_offers_accept_and_decline(self, referral, jean):
        page = html(jean.get(url(referral)))

        assert f'action="{url(referral, "accept/")}"' in page and f'href="{url(referral, "decline/")}"' in page
        assert "support-started/" not in page and "support-ended/" not in page
        assert f'action="{url(referral, "message/")}"' in page

    def test_an_accepted_referral_offers_support_started_and_ended(self, people, referral, jean):
        page = html(jean.get(url(moved_to(referral, Status.ACCEPTED, people))))

        assert f'action="{url(referral, "support-started/")}"' in page
        assert f'href="{url(referral, "support-ended/")}"' in page
        assert "accept/" not in page and "decline/" not in page

    def test_once_support_has_started_it_offers_only_support_ended(self, people, referral, jean):
        page = html(jean.get(url(moved_to(referral, Status.STARTED, people))))

        assert f'href="{url(referral, "support-ended/")}"' in page
        assert "support-started/" not in page and "accept/" not in page

    @pytest.mark.parametrize("status", [Status.DECLINED, Status.WITHDRAWN, Status.ENDED])
    def test_a_closed_referral_offers_only_a_message(self, people, referral, jean, status):
        page = html(jean.get(url(moved_to(referral, status, people))))

        for action in ["accept/", "decline/", "support-started/", "support-ended/"]:
            assert action not in page
        assert f'action="{url(referral, "message/")}"' in page

    def test_a_referral_whose_details_were_erased_shows_and_logs_nothing_personal(self, people, referral, jean):
        referral = moved_to(referral, Status.DECLINED, people)
        Referral.objects.filter(pk=referral.pk).update(
            person_name="", phone="", personal_details_erased_at=timezone.now()
        )

        page = html(jean.get(url(referral)))

        assert "the person’s details were erased" in page and "Margaret Evans" not in page
        assert "message/" not in page
        assert not AccessLog.objects.exists()

    def test_a_lowercase_reference_finds_it_too(self, referral, jean):
        assert jean.get(f"/provider/referrals/{referral.reference.lower()}/").status_code == 200


# Answers -------------------------------------------------------------------------------------------------------------


def emails_to_ruth(mailoutbox, referral):
    assert [message.to for message in mailoutbox] == [["ruth@worcestershire.example"]]
    email = mailoutbox[0]
    assert referral.reference in email.subject
    assert "Margaret" not in email.subject + email.body and "01905" not in email.body
    return email


@pytest.mark.django_db
class TestAccept:
    def test_the_provider_accepts_with_a_message_and_the_referrer_is_emailed(
        self, referral, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        response = post(jean, url(referral, "accept/"), {"accept-message": "We will phone her on Monday"},
                        django_capture_on_commit_callbacks)

        assert (response.status_code, response.url) == (302, url(referral))
        referral.refresh_from_db()
        assert referral.status == Status.ACCEPTED and referral.accepted_at and referral.first_response_at
        event = referral.events.last()
        assert (event.action, event.side, event.message) == ("accepted", "provider", "We will phone her on Monday")
        assert "accepted" in emails_to_ruth(mailoutbox, referral).subject

        page = html(jean.get(url(referral)))
        assert f"You accepted referral {referral.reference}. Ruth Jones has been emailed." in page
        assert "We will phone her on Monday" in page and "Accepted" in page

    def test_the_message_is_optional(self, referral, jean, django_capture_on_commit_callbacks):
        post(jean, url(referral, "accept/"), {"accept-message": ""}, django_capture_on_commit_callbacks)

        referral.refresh_from_db()
        assert referral.status == Status.ACCEPTED

    def test_a_withdrawn_referral_cannot_be_accepted_and_what_was_typed_goes_to_the_message_box(
        self, people, referral, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        referral = moved_to(referral, Status.WITHDRAWN, people)
        events = referral.events.count()

        response = post(jean, url(referral, "accept/"), {"accept-message": "We can take her on Thursdays"},
                        django_capture_on_commit_callbacks)

        assert response.status_code == 409
        page = html(response)
        assert f"You cannot accept it: referral {referral.reference} is now withdrawn" in page
        assert 'class="govuk-error-summary"' in page and "<title>Error: " in page
        assert ">We can take her on Thursdays</textarea>" in page
        referral.refresh_from_db()
        assert referral.status == Status.WITHDRAWN and referral.events.count() == events
        assert not mailoutbox

    def test_two_providers_accepting_at_once_one_succeeds_and_the_other_is_told(
        self, people, referral, jean, django_capture_on_commit_callbacks
    ):
        colleague = as_person(people, "jean")
        post(jean, url(referral, "accept/"), {"accept-message": ""}, django_capture_on_commit_callbacks)

        response = post(colleague, url(referral, "accept/"), {"accept-message": ""}, django_capture_on_commit_callbacks)

        assert response.status_code == 409
        assert f"You cannot accept it: referral {referral.reference} is now accepted" in html(response)
        assert referral.events.filter(action="accepted").count() == 1


@pytest.mark.django_db
class TestDecline:
    def test_the_page_asks_for_a_reason_from_a_list_and_more_about_why(self, referral, jean):
        page = html(jean.get(url(referral, "decline/")))

        assert "<h1 class=\"govuk-heading-l\">Decline referral</h1>" in page
        for words in ["Why can you not take this referral?", "We have no space at the moment", "Another reason",
                      "More about why", "another service that might help"]:
            assert words in page, words
        assert "Margaret Evans" not in page
        assert not AccessLog.objects.exists()

    def test_the_provider_declines_with_a_reason_and_the_referrer_is_emailed(
        self, referral, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        response = post(jean, url(referral, "decline/"),
                        {"reason": "outside_area", "detail": "Try the Pershore lunch club instead"},
                        django_capture_on_commit_callbacks)

        assert (response.status_code, response.url) == (302, url(referral))
        referral.refresh_from_db()
        assert (referral.status, referral.decline_reason) == (Status.DECLINED, "outside_area")
        assert referral.closed_at is not None
        assert referral.events.last().message == "Try the Pershore lunch club instead"
        assert "cannot take" in emails_to_ruth(mailoutbox, referral).subject
        page = html(jean.get(url(referral)))
        assert f"You declined referral {referral.reference}. Ruth Jones has been emailed." in page
        assert "The person lives outside the area we cover" in page

    @pytest.mark.parametrize(
        ("data", "errors"),
        [
            ({"reason": "", "detail": "Sorry"}, ["Select why you cannot take this referral"]),
            ({"reason": "full", "detail": "  "}, ["Enter more about why you cannot take this referral"]),
            ({}, ["Select why you cannot take this referral", "Enter more about why you cannot take this referral"]),
            ({"reason": "made_up", "detail": "Sorry"}, ["Select why you cannot take this referral"]),
        ],
    )
    def test_a_reason_and_more_about_why_are_both_needed(
        self, referral, jean, mailoutbox, django_capture_on_commit_callbacks, data, errors
    ):
        response = post(jean, url(referral, "decline/"), data, django_capture_on_commit_callbacks)

        assert response.status_code == 200
        page = html(response)
        assert "<title>Error: " in page and 'class="govuk-error-summary"' in page
        for error in errors:
            assert f'<span class="govuk-visually-hidden">Error:</span> {error}' in page
        if data.get("detail", "").strip():
            assert f">{data['detail']}</textarea>" in page
        referral.refresh_from_db()
        assert referral.status == Status.SENT and referral.events.count() == 1
        assert not mailoutbox

    def test_the_reason_chosen_is_kept_when_the_text_is_missing(self, referral, jean):
        page = html(jean.post(url(referral, "decline/"), {"reason": "full", "detail": ""}))

        assert 'value="full" checked' in page

    def test_an_accepted_referral_cannot_be_declined(self, people, referral, jean):
        referral = moved_to(referral, Status.ACCEPTED, people)

        response = jean.get(url(referral, "decline/"))

        assert response.status_code == 409
        assert f"You cannot decline it: referral {referral.reference} is now accepted" in html(response)

    def test_declining_after_the_referrer_withdrew_keeps_what_was_typed(
        self, people, referral, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        referral = moved_to(referral, Status.WITHDRAWN, people)

        response = post(jean, url(referral, "decline/"), {"reason": "full", "detail": "We are full until May"},
                        django_capture_on_commit_callbacks)

        assert response.status_code == 409
        page = html(response)
        assert f"You cannot decline it: referral {referral.reference} is now withdrawn" in page
        assert ">We are full until May</textarea>" in page
        referral.refresh_from_db()
        assert referral.status == Status.WITHDRAWN and not referral.decline_reason
        assert not mailoutbox

    def test_an_incomplete_decline_of_a_withdrawn_referral_says_it_was_withdrawn(self, people, referral, jean):
        referral = moved_to(referral, Status.WITHDRAWN, people)

        response = jean.post(url(referral, "decline/"), {})

        assert response.status_code == 409
        page = html(response)
        assert "is now withdrawn" in page and "Select why you cannot take this referral" not in page


@pytest.mark.django_db
class TestSupportStarted:
    def test_the_provider_records_that_support_started_and_the_referrer_is_emailed(
        self, people, referral, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        referral = moved_to(referral, Status.ACCEPTED, people)

        response = post(jean, url(referral, "support-started/"), {"start-message": "First session on Thursday"},
                        django_capture_on_commit_callbacks)

        assert (response.status_code, response.url) == (302, url(referral))
        referral.refresh_from_db()
        assert referral.status == Status.STARTED and referral.started_at is not None
        assert referral.events.last().message == "First session on Thursday"
        assert "Support has started" in emails_to_ruth(mailoutbox, referral).subject
        assert "Ruth Jones has been emailed." in html(jean.get(url(referral)))

    def test_support_cannot_start_before_the_referral_is_accepted(
        self, referral, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        response = post(jean, url(referral, "support-started/"), {"start-message": ""},
                        django_capture_on_commit_callbacks)

        assert response.status_code == 409
        assert (f"You cannot record that support started: referral {referral.reference} is now waiting for an "
                "answer") in html(response)
        referral.refresh_from_db()
        assert referral.status == Status.SENT and referral.events.count() == 1
        assert not mailoutbox


@pytest.mark.django_db
class TestSupportEnded:
    def test_the_page_asks_how_it_ended(self, people, referral, jean):
        page = html(jean.get(url(moved_to(referral, Status.STARTED, people), "support-ended/")))

        for words in ["How did the support end?", "Support is going on elsewhere", "The person’s goals were met",
                      "The person chose to stop", "We could not contact the person", "Another outcome"]:
            assert words in page, words

    def test_the_provider_records_how_support_ended_and_the_referrer_is_emailed(
        self, people, referral, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        referral = moved_to(referral, Status.STARTED, people)

        response = post(jean, url(referral, "support-ended/"), {"outcome": "goals_met", "detail": ""},
                        django_capture_on_commit_callbacks)

        assert (response.status_code, response.url) == (302, url(referral))
        referral.refresh_from_db()
        assert (referral.status, referral.outcome) == (Status.ENDED, "goals_met") and referral.closed_at
        assert "Support has ended" in emails_to_ruth(mailoutbox, referral).subject
        page = html(jean.get(url(referral)))
        assert f"You recorded that support has ended for referral {referral.reference}." in page
        assert "The person’s goals were met" in page

    def test_an_accepted_referral_can_end_before_support_starts(
        self, people, referral, jean, django_capture_on_commit_callbacks
    ):
        referral = moved_to(referral, Status.ACCEPTED, people)

        post(jean, url(referral, "support-ended/"),
             {"outcome": "could_not_contact", "detail": "Three calls, no answer"}, django_capture_on_commit_callbacks)

        referral.refresh_from_db()
        assert (referral.status, referral.outcome) == (Status.ENDED, "could_not_contact")
        assert referral.events.last().message == "Three calls, no answer"

    def test_another_outcome_needs_words(self, people, referral, jean, mailoutbox, django_capture_on_commit_callbacks):
        referral = moved_to(referral, Status.STARTED, people)

        response = post(jean, url(referral, "support-ended/"), {"outcome": "other", "detail": ""},
                        django_capture_on_commit_callbacks)

        assert response.status_code == 200
        page = html(response)
        assert '<span class="govuk-visually-hidden">Error:</span> Enter how the support ended' in page
        assert 'href="#id_detail"' in page and 'value="other" checked' in page
        referral.refresh_from_db()
        assert referral.status == Status.STARTED
        assert not mailoutbox

    def test_an_outcome_is_needed(self, people, referral, jean):
        referral = moved_to(referral, Status.STARTED, people)

        response = jean.post(url(referral, "support-ended/"), {"detail": "It went well"})

        assert "Select how the support ended" in html(response) and ">It went well</textarea>" in html(response)
        referral.refresh_from_db()
        assert referral.status == Status.STARTED

    def test_a_new_referral_cannot_end(self, referral, jean):
        response = jean.get(url(referral, "support-ended/"))

        assert response.status_code == 409
        assert f"You cannot record that support ended: referral {referral.reference}" in html(response)


@pytest.mark.django_db
class TestMessage:
    def test_the_provider_asks_the_referrer_a_question(
        self, referral, jean, mailoutbox, django_capture_on_commit_callbacks
    ):
        response = post(jean, url(referral, "message/"), {"message-text": "Does she need transport?"},
                        django_capture_on_commit_callbacks)

        assert (response.status_code, response.url) == (302, url(referral))
        referral.refresh_from_db()
        assert referral.status == Status.SENT and referral.first_response_at is not None
        event = referral.events.last()
        assert (event.action, event.side, event.message) == ("message", "provider", "Does she need transport?")
        email = emails_to_ruth(mailoutbox, referral)
        assert "New message" in email.subject and "transport" not in email.body
        page = html(jean.get(url(referral)))
        assert "Does she need transport?" in page and "Ruth Jones has been emailed." in page

    def test_an_empty_message_is_not_sent(self, referral, jean, mailoutbox, django_capture_on_commit_callbacks):
        response = post(jean, url(referral, "message/"), {"message-text": "   "}, django_capture_on_commit_callbacks)

        assert response.status_code == 200
        assert '<span class="govuk-visually-hidden">Error:</span> Enter your message' in html(response)
        assert referral.events.count() == 1 and not mailoutbox

    def test_a_message_can_follow_a_closed_referral(self, people, referral, jean, django_capture_on_commit_callbacks):
        referral = moved_to(referral, Status.DECLINED, people)

        post(jean, url(referral, "message/"), {"message-text": "Try Pershore"}, django_capture_on_commit_callbacks)

        assert referral.events.filter(action=ReferralEvent.Action.MESSAGE).count() == 1


# The provider's home page --------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestProviderHome:
    def test_it_says_how_many_new_referrals_are_waiting(self, people, referral, jean):
        make_referral(service=people.day_club, referrer=people.owen)
        moved_to(make_referral(service=people.day_club, referrer=people.ruth), Status.ACCEPTED, people)

        page = html(jean.get("/provider/"))

        assert ('<a class="govuk-notification-banner__link" href="/provider/referrals/">'
                "You have 2 new referrals</a>") in page

    def test_one_new_referral(self, referral, jean):
        assert "You have 1 new referral<" in html(jean.get("/provider/"))

    def test_no_notice_without_new_referrals(self, people, referral, jean):
        moved_to(referral, Status.ACCEPTED, people)

        assert "new referral" not in html(jean.get("/provider/"))
