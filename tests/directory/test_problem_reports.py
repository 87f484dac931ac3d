""""Report a problem with this page" (issue 15): anyone may report, once per form, rate-limited per network; the
provider is emailed and sees it; the council's staff see their council's reports and mark them dealt with."""

import re
import uuid

import pytest
from django.test import Client

from directory.models import ProblemReport
from directory.problems import listings_reported_out_of_date, report_problem
from enterprises.models import Enterprise, RateLimitHit
from tests.factories import make_service


def report_form(client, service):
    html = client.get(f"/services/{service.pk}/report-a-problem/").content.decode()
    return re.search(r'name="submission" value="([^"]+)"', html).group(1)


def send(client, service, submission=None, **answers):
    data = {"problem": "wrong_phone", "details": "The number rings a fish shop", **answers}
    data["submission"] = submission or str(uuid.uuid4())
    return client.post(f"/services/{service.pk}/report-a-problem/", data)


@pytest.mark.django_db
class TestReporting:
    def test_every_service_page_links_to_the_report_form(self, client, people):
        html = client.get(f"/services/{people.day_club.pk}/").content.decode()
        assert f'href="/services/{people.day_club.pk}/report-a-problem/"' in html
        assert "Report a problem with this page" in html

    def test_anyone_reports_without_an_account_and_the_provider_is_emailed_once(
        self, client, people, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = send(client, people.day_club)
        assert response.status_code == 302
        assert response["Location"] == f"/services/{people.day_club.pk}/report-a-problem/sent/"
        assert "Thank you for reporting a problem" in client.get(response["Location"]).content.decode()
        report = ProblemReport.objects.get()
        assert (report.service, report.problem, report.is_open) == (people.day_club, "wrong_phone", True)
        assert [message.to for message in mailoutbox] == [["jean@lunchclub.example"]]
        assert "The phone number is wrong" in mailoutbox[0].body and "fish shop" in mailoutbox[0].body

    def test_the_same_form_sent_twice_makes_one_report_and_one_email(
        self, client, people, mailoutbox, django_capture_on_commit_callbacks
    ):
        submission = report_form(client, people.day_club)
        with django_capture_on_commit_callbacks(execute=True):
            first = send(client, people.day_club, submission)
            second = send(client, people.day_club, submission)
        assert first["Location"] == second["Location"]
        assert ProblemReport.objects.count() == 1 and len(mailoutbox) == 1

    def test_something_else_needs_details_and_keeps_what_was_chosen(self, client, people):
        response = send(client, people.day_club, problem="other", details="  ")
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html and "Tell us what is wrong with this page" in html
        assert 'value="other" checked' in html
        assert ProblemReport.objects.count() == 0

    @pytest.mark.parametrize("answers", [
        {"problem": ""}, {"problem": "gone fishing"}, {"details": "x" * 5000}, {"submission": "not a uuid"},
        {"problem": ["closed", "other"]},
    ])
    def test_bad_input_is_told_beside_the_field_or_ignored_never_a_server_error(self, client, people, answers):
        response = send(client, people.day_club, **answers)
        assert response.status_code in {200, 302}

    def test_an_unpublished_service_cannot_be_reported(self, client, people):
        people.lunch_club.status = Enterprise.Status.SUSPENDED
        people.lunch_club.save()
        assert client.get(f"/services/{people.day_club.pk}/report-a-problem/").status_code == 404
        assert send(client, people.day_club).status_code == 404

    def test_it_needs_the_csrf_token(self, people):
        assert send(Client(enforce_csrf_checks=True), people.day_club).status_code == 403

    def test_a_network_that_reports_too_often_is_told_to_wait_keeping_what_was_typed(self, client, people, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "problem_report": (2, 60)}
        send(client, people.day_club)
        send(client, people.day_club)
        response = send(client, people.day_club, details="Third time")
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        html = response.content.decode()
        assert "Too many attempts from your network. Try again in" in html and "Third time" in html
        assert ProblemReport.objects.count() == 2 and RateLimitHit.objects.count() == 2


@pytest.mark.django_db
class TestCouncilStaff:
    def test_staff_see_their_councils_reports_with_the_listing(self, client, people):
        report_problem(service=people.day_club, problem="closed", details="Shut in May", submission=uuid.uuid4())
        client.force_login(people.stella)
        html = client.get("/council/problems/").content.decode()
        assert "It has closed or stopped running" in html and "Shut in May" in html
        assert f'href="/council/listings/{people.lunch_club.slug}/"' in html

    def test_staff_of_another_council_see_none_of_them_and_cannot_close_them(self, client, people):
        report, _ = report_problem(service=people.day_club, problem="closed", details="", submission=uuid.uuid4())
        client.force_login(people.hugo)
        assert "It has closed" not in client.get("/council/problems/").content.decode()
        assert client.post(f"/council/problems/{report.pk}/dealt-with/").status_code == 404
        report.refresh_from_db()
        assert report.is_open

    def test_marking_a_report_dealt_with_takes_it_off_the_list_and_out_of_the_count(self, client, people):
        report, _ = report_problem(service=people.day_club, problem="closed", details="", submission=uuid.uuid4())
        council = people.lunch_club.council
        assert listings_reported_out_of_date(council) == 1
        client.force_login(people.stella)
        response = client.post(f"/council/problems/{report.pk}/dealt-with/", follow=True)
        assert "marked as dealt with" in response.content.decode()
        assert "No problems are waiting" in response.content.decode()
        assert client.post(f"/council/problems/{report.pk}/dealt-with/").status_code == 302  # twice is harmless
        report.refresh_from_db()
        assert report.dealt_with_by == people.stella
        assert listings_reported_out_of_date(council) == 0

    @pytest.mark.parametrize("who", ["jean", "ruth"])
    def test_providers_and_referrers_may_not_use_the_councils_page(self, client, people, who):
        client.force_login(getattr(people, who))
        assert client.get("/council/problems/").status_code == 403

    def test_someone_signed_out_is_sent_to_sign_in(self, client, people):
        assert client.get("/council/problems/").status_code == 302
        assert client.get("/provider/problems/").status_code == 302

    def test_the_council_home_links_to_the_reports(self, client, people):
        client.force_login(people.stella)
        assert 'href="/council/problems/"' in client.get("/council/").content.decode()

    def test_dealt_with_needs_a_post(self, client, people):
        client.force_login(people.stella)
        assert client.get("/council/problems/1/dealt-with/").status_code == 405


@pytest.mark.django_db
class TestProviders:
    def test_a_provider_sees_the_open_reports_on_their_own_listing_only(self, client, people):
        report_problem(service=people.day_club, problem="wrong_price", details="It is £40 now",
                       submission=uuid.uuid4())
        report_problem(service=people.sitting_service, problem="closed", details="", submission=uuid.uuid4())
        client.force_login(people.jean)
        html = client.get("/provider/problems/").content.decode()
        assert "It is £40 now" in html and "Thursday Day Club" in html
        assert "Evening Sitting" not in html

    def test_someone_who_is_not_a_provider_may_not_see_it(self, client, people):
        client.force_login(people.stella)
        assert client.get("/provider/problems/").status_code == 403


@pytest.mark.django_db
def test_only_published_listings_count_as_reported_out_of_date(people):
    report_problem(service=people.day_club, problem="closed", details="", submission=uuid.uuid4())
    report_problem(service=make_service(enterprise=people.lunch_club), problem="other", details="x",
                   submission=uuid.uuid4())
    assert listings_reported_out_of_date(people.lunch_club.council) == 1
    people.lunch_club.status = Enterprise.Status.SUSPENDED
    people.lunch_club.save()
    assert listings_reported_out_of_date(people.lunch_club.council) == 0
