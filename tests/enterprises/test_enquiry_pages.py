""""Start a community micro-enterprise" (issue 17, item 1), as people use the pages: anyone sends an idea without an
account, once per form, rate-limited per network, told beside each field what is wrong; the council's staff see
their own council's enquiries, open one (logged) and move it on; nobody else gets in."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from core.models import OutgoingMessage
from enterprises import enquiries
from enterprises.models import Enquiry, EnquiryAccessLog, RateLimitHit
from tests.factories import make_area, make_council, make_enterprise

Stage = Enquiry.Stage
START = "/start-a-micro-enterprise/"


@pytest.fixture
def malvern(people):
    return make_area("Malvern", 377000, 245000, council=people.lunch_club.council)


@pytest.fixture
def enquiry(malvern):
    return enquiries.submit_enquiry(
        area=malvern, idea="A knit-and-natter group", who_it_would_support="Older people living alone",
        name="Dora Sampleton", email="dora@example.com", phone="01632 960001", submission_key=uuid.uuid4(),
    )[0]


def answers(place, **overrides) -> dict:
    return {"idea": "A knit-and-natter group in the village hall", "area": str(place.pk),
            "who_it_would_support": "Older people living alone", "name": "Dora Sampleton",
            "email": "dora@example.com", "phone": "", "consent": "on", "submission": str(uuid.uuid4()), **overrides}


def form_key(client) -> str:
    return re.search(r'name="submission" value="([^"]+)"', client.get(START).content.decode()).group(1)


class TestThePublicPage:
    def test_the_home_page_and_list_your_enterprise_link_to_it(self, client, people):
        for page in ["/", "/list-your-enterprise/"]:
            assert f'href="{START}"' in client.get(page).content.decode(), page

    def test_it_says_what_a_micro_enterprise_is_and_what_the_council_offers(self, client, people, malvern):
        html = client.get(START).content.decode()
        assert "<h1 class=\"govuk-heading-xl\">Start a community micro-enterprise</h1>" in html
        for words in ["What a micro-enterprise is", "Advice", "Training", "Proportionate checks",
                      "You do not need an account"]:
            assert words in html
        assert f'<option value="{malvern.pk}">Malvern' in html

    def test_anyone_sends_an_idea_without_an_account_and_sees_what_happens_next(self, client, people, malvern):
        response = client.post(START, answers(malvern))
        assert response.status_code == 302 and response["Location"] == f"{START}sent/"
        enquiry = Enquiry.objects.get()
        confirmation = client.get(response["Location"]).content.decode()
        assert "We have your idea" in confirmation and enquiry.reference in confirmation
        assert (enquiry.council, enquiry.area, enquiry.name, enquiry.stage) == (
            people.lunch_club.council, malvern, "Dora Sampleton", Stage.NEW)

    def test_the_same_form_sent_twice_makes_one_enquiry(self, client, people, malvern):
        key = form_key(client)
        first = client.post(START, answers(malvern, submission=key))
        second = client.post(START, answers(malvern, submission=key))
        assert first["Location"] == second["Location"] == f"{START}sent/"
        assert Enquiry.objects.count() == 1 and RateLimitHit.objects.count() == 1

    def test_a_phone_number_alone_is_enough(self, client, people, malvern):
        assert client.post(START, answers(malvern, email="", phone="07700 900982")).status_code == 302
        assert Enquiry.objects.get().phone == "07700 900982"

    def test_missing_answers_are_told_beside_each_field_and_in_the_summary_keeping_what_was_typed(
        self, client, people, malvern
    ):
        response = client.post(START, answers(malvern, idea="My gardening idea", area="", who_it_would_support="",
                                              name="", email="", phone="", consent=""))
        html = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in html
        assert "<title>Error: Start a community micro-enterprise" in html
        for anchor, message in [
            ("#id_area", "Choose the area where you would run it"),
            ("#id_who_it_would_support", "Enter who it would support"),
            ("#id_name", "Enter your name"),
            ("#id_email", "Enter an email address or a phone number, so the council can contact you"),
            ("#id_consent", "Tick the box to agree that the council may contact you"),
        ]:
            assert f'href="{anchor}"' in html and message in html
            assert html.count(message) == 2  # in the summary and beside its field
        assert "My gardening idea" in html
        assert not Enquiry.objects.exists()

    @pytest.mark.parametrize("bad", [
        {"area": "999999"}, {"area": "Malvern"}, {"email": "not an email"}, {"phone": "call me maybe"},
        {"idea": "x" * 5000}, {"submission": "not a uuid"}, {"area": ["1", "2"]}, {"name": "x" * 300},
    ])
    def test_bad_input_is_told_or_ignored_never_a_server_error(self, client, people, malvern, bad):
        assert client.post(START, answers(malvern, **bad)).status_code in {200, 302}

    def test_a_network_that_sends_too_many_is_told_to_wait_keeping_what_was_typed(
        self, client, people, malvern, settings
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "enquiry": (2, 60)}
        client.post(START, answers(malvern))
        client.post(START, answers(malvern))
        response = client.post(START, answers(malvern, idea="My third idea"))
        html = response.content.decode()
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert "Too many attempts from your network. Try again in" in html and "My third idea" in html
        assert Enquiry.objects.count() == 2

    def test_it_needs_the_csrf_token(self, people, malvern):
        assert Client(enforce_csrf_checks=True).post(START, answers(malvern)).status_code == 403

    def test_with_several_councils_each_area_says_whose_it_is(self, client, people, malvern):
        make_area("Ledbury", 370000, 237000, council=make_council("Herefordshire Council"))
        html = client.get(START).content.decode()
        assert "Malvern (Worcestershire County Council)" in html and "Ledbury (Herefordshire Council)" in html


# The catalyst's pages, by URL name: tests/enterprises/test_council.py leaves them to the matrix here.
STAFF_VIEWS = {
    "council:enquiries": "/council/enquiries/",
    "council:enquiry": "/council/enquiries/{ref}/",
    "council:enquiry_talking": "/council/enquiries/{ref}/talking/",
    "council:enquiry_started": "/council/enquiries/{ref}/started/",
    "council:enquiry_not_going_ahead": "/council/enquiries/{ref}/not-going-ahead/",
}
STAFF_PAGES = [STAFF_VIEWS["council:enquiries"], STAFF_VIEWS["council:enquiry"]]
STAFF_ACTIONS = [path for path in STAFF_VIEWS.values() if path not in STAFF_PAGES]


def test_every_enquiry_url_is_in_the_matrix():
    for name, path in STAFF_VIEWS.items():
        arguments = {"reference": "ST-AAAA-BBBB"} if "{ref}" in path else {}
        assert reverse(name, kwargs=arguments) == path.format(ref="ST-AAAA-BBBB")


class TestWhoMayUseTheStaffPages:
    @pytest.mark.parametrize("page", STAFF_PAGES)
    def test_staff_of_the_council_see_them(self, client, people, enquiry, page):
        client.force_login(people.stella)
        assert client.get(page.format(ref=enquiry.reference)).status_code == 200

    @pytest.mark.parametrize("page", STAFF_PAGES + STAFF_ACTIONS)
    def test_anonymous_people_are_sent_to_sign_in(self, client, people, enquiry, page):
        method = client.post if page in STAFF_ACTIONS else client.get
        response = method(page.format(ref=enquiry.reference))
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")

    @pytest.mark.parametrize("persona", ["jean", "ruth"])
    @pytest.mark.parametrize("page", STAFF_PAGES + STAFF_ACTIONS)
    def test_providers_and_referrers_are_refused(self, client, people, enquiry, persona, page):
        client.force_login(getattr(people, persona))
        method = client.post if page in STAFF_ACTIONS else client.get
        assert method(page.format(ref=enquiry.reference), {"not-reason": "No"}).status_code == 403
        assert Enquiry.objects.get().stage == Stage.NEW

    def test_staff_of_another_council_neither_see_nor_move_it(self, client, people, enquiry):
        client.force_login(people.hugo)
        assert enquiry.reference not in client.get("/council/enquiries/").content.decode()
        for page in STAFF_PAGES[1:]:
            assert client.get(page.format(ref=enquiry.reference)).status_code == 404
        for page in STAFF_ACTIONS:
            assert client.post(page.format(ref=enquiry.reference), {"not-reason": "No"}).status_code == 404
        assert Enquiry.objects.get().stage == Stage.NEW and not EnquiryAccessLog.objects.exists()

    def test_get_does_not_move_an_enquiry(self, client, people, enquiry):
        client.force_login(people.stella)
        assert client.get(f"/council/enquiries/{enquiry.reference}/talking/").status_code == 405


class TestTheCatalyst:
    def test_the_list_shows_references_areas_and_stages_but_no_ones_details(self, client, people, enquiry):
        client.force_login(people.stella)
        html = client.get("/council/enquiries/").content.decode()
        assert enquiry.reference in html and "Malvern" in html and "New (1)" in html
        assert "Dora" not in html and "knit" not in html and "dora@example.com" not in html
        assert 'data-label="Stage"' in html and "app-table--stacked" in html
        assert not EnquiryAccessLog.objects.exists()

    def test_the_list_filters_by_stage_and_ignores_nonsense(self, client, people, enquiry):
        client.force_login(people.stella)
        assert enquiry.reference not in client.get("/council/enquiries/?stage=started").content.decode()
        assert enquiry.reference in client.get("/council/enquiries/?stage=%00bogus").content.decode()

    def test_the_council_pages_link_to_the_enquiries(self, client, people):
        client.force_login(people.stella)
        assert 'href="/council/enquiries/"' in client.get("/council/").content.decode()

    def test_opening_an_enquiry_shows_the_details_and_is_logged(self, client, people, enquiry):
        client.force_login(people.stella)
        html = client.get(f"/council/enquiries/{enquiry.reference}/").content.decode()
        assert "Dora Sampleton" in html and "dora@example.com" in html and "knit-and-natter" in html
        assert list(EnquiryAccessLog.objects.values_list("enquiry", "user")) == [(enquiry.pk, people.stella.pk)]

    def test_moving_it_to_talking_then_started_tells_the_enquirer(self, client, people, enquiry):
        client.force_login(people.stella)
        response = client.post(f"/council/enquiries/{enquiry.reference}/talking/")
        assert response.status_code == 302 and response["Location"] == f"/council/enquiries/{enquiry.reference}/"
        assert "is now “Talking”" in client.get(response["Location"]).content.decode()
        response = client.post(f"/council/enquiries/{enquiry.reference}/started/",
                               {"started-enterprise": str(people.lunch_club.pk)})
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "has started as Malvern Lunch Club" in html and "Mark as started" not in html
        assert list(OutgoingMessage.objects.order_by("pk").values_list("kind", flat=True)) == [
            "enquiry_talking", "enquiry_started"]

    def test_started_offers_only_the_councils_own_listings(self, client, people, enquiry):
        theirs = make_enterprise("Ledbury Lunches", council=make_council("Herefordshire Council"))
        client.force_login(people.stella)
        html = client.get(f"/council/enquiries/{enquiry.reference}/").content.decode()
        assert "Malvern Lunch Club" in html and "Ledbury Lunches" not in html
        response = client.post(f"/council/enquiries/{enquiry.reference}/started/",
                               {"started-enterprise": str(theirs.pk)})
        assert response.status_code == 400
        assert "Choose the listing it became, from your council’s listings" in response.content.decode()
        assert Enquiry.objects.get().stage == Stage.NEW

    def test_not_going_ahead_without_a_reason_is_told_beside_the_field(self, client, people, enquiry):
        client.force_login(people.stella)
        response = client.post(f"/council/enquiries/{enquiry.reference}/not-going-ahead/", {"not-reason": "  "})
        html = response.content.decode()
        assert response.status_code == 400 and "There is a problem" in html
        assert 'href="#id_not-reason"' in html and html.count("Enter why it is not going ahead") == 2

    def test_not_going_ahead_with_a_reason_closes_it(self, client, people, enquiry):
        client.force_login(people.stella)
        client.post(f"/council/enquiries/{enquiry.reference}/not-going-ahead/", {"not-reason": "Found a job"})
        html = client.get(f"/council/enquiries/{enquiry.reference}/").content.decode()
        assert "Not going ahead" in html and "Found a job" in html and "Move it on" not in html

    def test_a_move_someone_else_made_first_is_told_as_a_conflict(self, client, people, enquiry):
        enquiries.mark_not_going_ahead(enquiry=enquiry, by=people.stella, reason="Moved away")
        client.force_login(people.stella)
        response = client.post(f"/council/enquiries/{enquiry.reference}/talking/")
        html = response.content.decode()
        assert response.status_code == 409
        assert f"enquiry {enquiry.reference} is now not going ahead" in html and 'href="#enquiry-stage"' in html
        response = client.post(f"/council/enquiries/{enquiry.reference}/started/",
                               {"started-enterprise": str(people.lunch_club.pk)})
        assert response.status_code == 409

    def test_an_erased_enquiry_says_so_and_logs_nothing(self, client, people, enquiry, settings):
        from django.utils import timezone

        Enquiry.objects.filter(pk=enquiry.pk).update(
            stage=Stage.NOT_GOING_AHEAD, name="", email="", phone="", idea="", personal_details_erased_at=timezone.now()
        )
        client.force_login(people.stella)
        html = client.get(f"/council/enquiries/{enquiry.reference}/").content.decode()
        assert "the enquirer’s details were erased" in html and not EnquiryAccessLog.objects.exists()


def test_the_privacy_notice_says_how_long_an_enquirers_details_are_kept(client, db, settings):
    settings.ENQUIRY_RETENTION_MONTHS = 9
    html = client.get("/privacy/").content.decode()
    assert "If you ask about starting a community micro-enterprise" in html
    assert "we keep your details for 9 months and then erase them" in html


def test_what_an_enquirer_types_is_shown_to_staff_as_text_never_as_markup(client, people, malvern):
    typed = '<script>alert("idea")</script>{{ 7*7 }}'
    client.post(START, answers(malvern, idea=typed, who_it_would_support=typed, name=typed))
    client.force_login(people.stella)
    html = client.get(f"/council/enquiries/{Enquiry.objects.get().reference}/").content.decode()
    assert "<script>alert" not in html
    # Left as typed, three times, so never run as a template ("49" itself may be in a token or a reference).
    assert html.count("&lt;script&gt;alert(") == 3 and html.count("{{ 7*7 }}") == 3
