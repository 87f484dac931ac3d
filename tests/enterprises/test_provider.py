"""Provider self-service: who may use each page, editing a draft and a live listing, sending it, capacity, figures."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises import listings
from enterprises.completeness import missing_for_submission
from enterprises.models import (
    Capacity,
    Category,
    CostType,
    Delivery,
    Enterprise,
    ListingEvent,
    Organisation,
    Revision,
    Service,
    StaffMembership,
)
from enterprises.provider.forms import parse_time
from enterprises.revisions import pending_revision, working_copy
from tests.factories import (
    days_ago,
    make_area,
    make_category,
    make_client_group,
    make_council,
    make_enterprise,
    make_postcode,
    make_service,
)

PASSWORD = "correct horse battery staple"
Status = Enterprise.Status


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(email):
    return get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)


def signed_in(client, user):
    client.force_login(user)
    return client


def in_future(days=200):
    return timezone.localdate() + datetime.timedelta(days=days)


# People and listings ------------------------------------------------------------------------------------------------


@pytest.fixture
def council(db):
    return make_council()


@pytest.fixture
def day_clubs(db):
    return make_category("Day clubs")


@pytest.fixture
def personal_care(db):
    """The category whose services give regulated personal care (its slug is what matters)."""
    return Category.objects.create(name="Home care", slug="home-care")


@pytest.fixture
def carers(db):
    return make_client_group("Carers")


@pytest.fixture
def venue_postcode(db):
    return make_postcode("WR14 4AA", 377500, 245800)


@pytest.fixture
def base_postcode(db):
    return make_postcode("WR1 2EY", 385000, 255000)


@pytest.fixture
def draft(council):
    return make_enterprise("Malvern Hills Lunch Club", status=Status.DRAFT, council=council, summary="")


@pytest.fixture
def draft_service(draft):
    return make_service("Thursday club", enterprise=draft, cost_type=CostType.PER_DAY, cost_amount=30)


@pytest.fixture
def provider(draft):
    user = make_user("jean@example.org")
    draft.members.add(user)
    return user


@pytest.fixture
def other_provider(council):
    user = make_user("other@example.org")
    make_enterprise("Someone Else’s Club", council=council).members.add(user)
    return user


@pytest.fixture
def referrer(council):
    user = make_user("social.worker@example.org")
    Organisation.objects.create(council=council, name="Adult social care").members.add(user)
    return user


@pytest.fixture
def staff(council):
    user = make_user("officer@example.gov.uk")
    StaffMembership.objects.create(user=user, council=council)
    return user


@pytest.fixture
def other_staff(db):
    user = make_user("officer@elsewhere.gov.uk")
    StaffMembership.objects.create(user=user, council=make_council("Herefordshire Council"))
    return user


@pytest.fixture
def staff_provider(draft, council):
    user = make_user("both@example.org")
    StaffMembership.objects.create(user=user, council=council)
    draft.members.add(user)
    return user


@pytest.fixture
def live(council, day_clubs, venue_postcode):
    enterprise = make_enterprise("Droitwich Dance Club", council=council, phone="01632 960001",
                                 insurance_expires_on=in_future(), dbs_answer="all_checked",
                                 has_safeguarding_policy=True)
    make_service("Tea dance", enterprise=enterprise, venue=venue_postcode, summary="Dancing and tea.",
                 categories=[day_clubs], cost_type=CostType.PER_SESSION, cost_amount=5)
    return enterprise


@pytest.fixture
def live_provider(live):
    user = make_user("dancer@example.org")
    live.members.add(user)
    return user


# The permission matrix ----------------------------------------------------------------------------------------------


LISTING_PAGES = ["task_list", "before_you_start", "about", "contact", "documents", "figures", "submit", "service_add"]
SERVICE_PAGES = ["service", "service_where", "service_costs", "service_when", "service_accessibility",
                 "service_remove"]


def page_urls(enterprise, service):
    urls = {"home": reverse("provider:home")}
    urls.update({name: reverse(f"provider:{name}", kwargs={"slug": enterprise.slug}) for name in LISTING_PAGES})
    urls.update({
        name: reverse(f"provider:{name}", kwargs={"slug": enterprise.slug, "key": str(service.pk)})
        for name in SERVICE_PAGES
    })
    return urls


ALL_PAGES = ["home", *LISTING_PAGES, *SERVICE_PAGES]
# What each persona gets from a page of this enterprise's listing (the home page is everyone's own).
EXPECTED = {
    "provider": 200,
    "staff_provider": 200,
    "other_provider": 404,
    "referrer": 403,
    "staff": 403,
    "other_staff": 403,
}


@pytest.mark.django_db
class TestWhoMayUseEachPage:
    @pytest.mark.parametrize("page", ALL_PAGES)
    def test_anonymous_people_are_sent_to_sign_in(self, client, draft, draft_service, page):
        url = page_urls(draft, draft_service)[page]

        response = client.get(url)

        assert response.status_code == 302
        assert response.url == f"/sign-in/?next={quote(url)}"

    @pytest.mark.parametrize("persona", list(EXPECTED))
    @pytest.mark.parametrize("page", ALL_PAGES)
    def test_each_persona(self, client, request, draft, draft_service, provider, persona, page):
        user = request.getfixturevalue(persona)
        expected = 200 if page == "home" and persona == "other_provider" else EXPECTED[persona]

        response = signed_in(client, user).get(page_urls(draft, draft_service)[page])

        assert response.status_code == expected

    def test_the_home_page_shows_only_your_own_listings(self, client, draft, provider, other_provider):
        html = signed_in(client, other_provider).get("/provider/").content.decode()

        assert "Someone Else’s Club" in html and "Malvern Hills Lunch Club" not in html

    @pytest.mark.parametrize("persona, expected", [
        ("provider", 302), ("staff_provider", 302), ("other_provider", 404), ("referrer", 403), ("staff", 403),
        ("other_staff", 403),
    ])
    def test_capacity(self, client, request, draft, draft_service, provider, persona, expected):
        user = request.getfixturevalue(persona)

        response = signed_in(client, user).post(f"/provider/services/{draft_service.pk}/capacity/",
                                                {"capacity": "full"})

        assert response.status_code == expected
        draft_service.refresh_from_db()
        assert (draft_service.capacity == Capacity.FULL) == (expected == 302)

    def test_capacity_sends_anonymous_people_to_sign_in(self, client, draft_service):
        url = f"/provider/services/{draft_service.pk}/capacity/"

        response = client.post(url, {"capacity": "full"})

        assert response.status_code == 302 and response.url == f"/sign-in/?next={quote(url)}"

    def test_capacity_takes_only_a_post(self, client, draft_service, provider):
        assert signed_in(client, provider).get(f"/provider/services/{draft_service.pk}/capacity/").status_code == 405

    @pytest.mark.parametrize("page", ["about", "contact", "documents", "service_add"])
    def test_another_providers_listing_cannot_be_changed(self, client, draft, provider, other_provider, page):
        url = reverse(f"provider:{page}", kwargs={"slug": draft.slug})

        response = signed_in(client, other_provider).post(url, {"name": "Taken over"})

        assert response.status_code == 404
        draft.refresh_from_db()
        assert draft.name == "Malvern Hills Lunch Club" and not draft.services.exists()

    def test_a_service_of_another_listing_is_not_found_through_yours(self, client, draft, provider, live):
        theirs = live.services.get()

        response = signed_in(client, provider).get(f"/provider/listings/{draft.slug}/services/{theirs.pk}/")

        assert response.status_code == 404


# Editing a draft: straight into the listing -------------------------------------------------------------------------


@pytest.mark.django_db
class TestEditingADraft:
    def test_the_task_list_shows_every_section_and_its_status(self, client, draft, draft_service, provider):
        html = signed_in(client, provider).get(f"/provider/listings/{draft.slug}/").content.decode()

        assert html.count("<h1") == 1
        assert 'class="govuk-task-list"' in html
        for task in ["About your enterprise", "Contact details", "Documents the council asks for", "Thursday club",
                     "Service details", "Where it works", "Costs and ways to pay", "When it runs", "Accessibility",
                     "Add a service", "Check and send your listing"]:
            assert task in html, task
        assert "Not started" in html and "Incomplete" in html and "Completed" in html
        assert f'href="/provider/listings/{draft.slug}/about/"' in html

    def test_about_saves_to_the_enterprise(self, client, draft, provider):
        response = signed_in(client, provider).post(f"/provider/listings/{draft.slug}/about/", {
            "name": "Malvern Hills Lunch Club CIC", "summary": "Hot lunches and company.",
            "description": "Every Thursday.", "legal_form": "cic",
        })

        assert response.status_code == 302 and response.url == f"/provider/listings/{draft.slug}/"
        draft.refresh_from_db()
        assert (draft.name, draft.summary, draft.description, draft.legal_form) == (
            "Malvern Hills Lunch Club CIC", "Hot lunches and company.", "Every Thursday.", "cic")
        assert not Revision.objects.exists()
        assert "About your enterprise saved" in client.get(response.url).content.decode()

    def test_a_section_may_be_saved_unfinished(self, client, draft, provider):
        response = signed_in(client, provider).post(f"/provider/listings/{draft.slug}/contact/", {"phone": ""})

        assert response.status_code == 302

    def test_contact_keeps_what_was_typed_and_says_what_is_wrong(self, client, draft, provider):
        response = signed_in(client, provider).post(f"/provider/listings/{draft.slug}/contact/", {
            "contact_name": "Jean Smith", "phone": "call me", "email": "not an email",
        })

        html = response.content.decode()
        assert response.status_code == 200
        assert "<title>Error: " in html and "govuk-error-summary" in html
        assert 'href="#id_phone"' in html and 'id="id_phone-error"' in html
        assert "Enter a phone number, like 01632 960 001" in html
        assert "Enter an email address in the right format" in html
        assert 'value="Jean Smith"' in html and 'value="call me"' in html and 'value="not an email"' in html
        draft.refresh_from_db()
        assert draft.contact_name == ""

    @pytest.mark.parametrize("website", ["ftp://files.example.org", "javascript:alert(1)"])
    def test_a_website_must_be_a_web_address(self, client, draft, provider, website):
        response = signed_in(client, provider).post(f"/provider/listings/{draft.slug}/contact/", {"website": website})

        assert "Enter a website address in the right format, like www.example.org" in response.content.decode()
        draft.refresh_from_db()
        assert draft.website == ""

    def test_a_website_without_a_scheme_is_taken_as_https(self, client, draft, provider):
        signed_in(client, provider).post(f"/provider/listings/{draft.slug}/contact/", {"website": "www.example.org"})

        draft.refresh_from_db()
        assert draft.website == "https://www.example.org"

    def test_adding_a_service_creates_it(self, client, draft, provider, day_clubs, carers):
        signed_in(client, provider)
        token = add_service_token(client, draft)

        response = client.post(f"/provider/listings/{draft.slug}/services/add/", {
            "form_token": token, "name": "Lunch club", "summary": "A hot lunch.", "categories": [day_clubs.pk],
            "client_groups": [carers.pk], "delivery": ["venue"],
        })

        assert response.status_code == 302
        service = draft.services.get()
        assert service.name == "Lunch club" and service.delivery == ["venue"]
        assert list(service.categories.all()) == [day_clubs] and list(service.client_groups.all()) == [carers]

    def test_a_service_needs_a_name(self, client, draft, provider):
        signed_in(client, provider)
        token = add_service_token(client, draft)

        response = client.post(f"/provider/listings/{draft.slug}/services/add/",
                               {"form_token": token, "summary": "Kept"})

        html = response.content.decode()
        assert response.status_code == 200 and "Enter the name of the service" in html and 'value="Kept"' in html
        assert f'value="{token}"' in html
        assert not draft.services.exists()

    def test_where_it_works_locates_the_postcodes(self, client, draft, draft_service, provider, venue_postcode,
                                                  base_postcode, council):
        malvern = make_area("Malvern", 377000, 245000, council=council)
        elsewhere = make_area("Hereford", 351000, 240000, council=make_council("Herefordshire Council"))
        signed_in(client, provider)
        url = f"/provider/listings/{draft.slug}/services/{draft_service.pk}/where/"
        html = client.get(url).content.decode()
        assert "Malvern" in html and "Hereford" not in html, "only the enterprise’s own council’s areas"

        response = client.post(url, {
            "venue_name": "Priory Hall", "venue_postcode": "wr144aa", "coverage_postcode": " wr1 2ey ",
            "coverage_radius_miles": "5", "coverage_areas": [malvern.pk],
        })

        assert response.status_code == 302
        draft_service.refresh_from_db()
        assert draft_service.venue_postcode == "WR14 4AA" and draft_service.venue_easting == 377500
        assert draft_service.coverage_postcode == "WR1 2EY" and draft_service.coverage_northing == 255000
        assert draft_service.coverage_radius_miles == 5
        assert list(draft_service.coverage_areas.all()) == [malvern]
        assert client.post(url, {"coverage_areas": [elsewhere.pk]}).status_code == 200

    @pytest.mark.parametrize("typed, message", [
        ("not a postcode", "Enter a real postcode, like WR1 2EY"),
        ("ZZ9 9ZZ", "We could not find that postcode"),
    ])
    def test_a_postcode_must_be_real(self, client, draft, draft_service, provider, typed, message):
        url = f"/provider/listings/{draft.slug}/services/{draft_service.pk}/where/"

        response = signed_in(client, provider).post(url, {"venue_postcode": typed, "venue_name": "Priory Hall"})

        html = response.content.decode()
        assert response.status_code == 200
        assert message in html and 'href="#id_venue_postcode"' in html
        assert f'value="{typed}"' in html and 'value="Priory Hall"' in html

    def test_costs(self, client, draft, draft_service, provider):
        url = f"/provider/listings/{draft.slug}/services/{draft_service.pk}/costs/"

        response = signed_in(client, provider).post(url, {
            "cost_type": "per_session", "cost_amount": "£12.50", "cost_note": "Lunch is extra",
            "ways_to_pay": ["self_funded", "direct_payment"],
        })

        assert response.status_code == 302
        draft_service.refresh_from_db()
        assert draft_service.cost_label == "£12.50 per session"
        assert draft_service.ways_to_pay == ["self_funded", "direct_payment"]

    def test_when_it_runs_reads_times_as_people_write_them(self, client, draft, draft_service, provider):
        url = f"/provider/listings/{draft.slug}/services/{draft_service.pk}/when/"

        response = signed_in(client, provider).post(url, {"days": ["tue", "thu"], "opens_at": "10am",
                                                          "closes_at": "14:30"})

        assert response.status_code == 302
        draft_service.refresh_from_db()
        assert draft_service.days == ["tue", "thu"]
        assert (draft_service.opens_at, draft_service.closes_at) == (datetime.time(10), datetime.time(14, 30))
        html = client.get(url).content.decode()
        assert 'value="10am"' in html and 'value="2:30pm"' in html

    def test_a_time_it_cannot_read_is_kept_with_a_message(self, client, draft, draft_service, provider):
        url = f"/provider/listings/{draft.slug}/services/{draft_service.pk}/when/"

        response = signed_in(client, provider).post(url, {"opens_at": "teatime", "closes_at": "9am"})

        html = response.content.decode()
        assert "Enter start time as a time, like 10am" in html and 'value="teatime"' in html

    def test_accessibility_answers_are_yes_no_or_not_known(self, client, draft, draft_service, provider):
        url = f"/provider/listings/{draft.slug}/services/{draft_service.pk}/accessibility/"
        signed_in(client, provider)
        page = client.get(url).content.decode()
        for question in ["Is there step-free access?", "Is there a hearing loop?", "Is there an accessible toilet?"]:
            assert question in page, question
        assert page.count("I do not know") == 3

        response = client.post(url, {"step_free_access": "True", "hearing_loop": "False", "accessible_toilet": "",
                                     "languages": "English, Polish", "cqc_registration": "1-123456789"})

        assert response.status_code == 302
        draft_service.refresh_from_db()
        assert (draft_service.step_free_access, draft_service.hearing_loop, draft_service.accessible_toilet) == (
            True, False, None)
        assert (draft_service.languages, draft_service.cqc_registration) == ("English, Polish", "1-123456789")
        page = client.get(url).content.decode()
        assert re.search(r'id="id_step_free_access_0"[^>]* value="True" checked', page)
        assert re.search(r'id="id_hearing_loop_1"[^>]* value="False" checked', page)
        assert re.search(r'id="id_accessible_toilet_2"[^>]* value="" checked', page)

    def test_i_do_not_know_takes_back_a_yes(self, client, draft, provider):
        service = make_service(enterprise=draft, step_free_access=True)
        url = f"/provider/listings/{draft.slug}/services/{service.pk}/accessibility/"

        assert signed_in(client, provider).post(url, {"step_free_access": ""}).status_code == 302
        service.refresh_from_db()
        assert service.step_free_access is None

    def test_an_answer_that_is_not_one_of_the_choices_is_refused_with_a_message(self, client, draft, draft_service,
                                                                                 provider):
        url = f"/provider/listings/{draft.slug}/services/{draft_service.pk}/accessibility/"

        response = signed_in(client, provider).post(url, {"hearing_loop": "maybe", "languages": "Welsh"})

        html = response.content.decode()
        assert response.status_code == 200
        assert "Select yes, no or I do not know" in html and 'href="#id_hearing_loop_0"' in html
        assert 'value="Welsh"' in html
        draft_service.refresh_from_db()
        assert draft_service.hearing_loop is None and draft_service.languages == ""

    def test_documents(self, client, draft, provider):
        expiry = in_future()
        url = f"/provider/listings/{draft.slug}/documents/"

        response = signed_in(client, provider).post(url, {
            "insurance_expires_on_day": str(expiry.day), "insurance_expires_on_month": str(expiry.month),
            "insurance_expires_on_year": str(expiry.year), "dbs_answer": "some_checked",
            "has_safeguarding_policy": "False",
        })

        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.insurance_expires_on, draft.dbs_answer, draft.has_safeguarding_policy) == (
            expiry, "some_checked", False)
        html = client.get(url).content.decode()
        assert re.search(rf'name="insurance_expires_on_year"[^>]* value="{expiry.year}"', html)

    @pytest.mark.parametrize("day, month, year, message", [
        ("3", "", "2027", "The expiry date must include a month"),
        ("31", "2", "2027", "The expiry date must be a real date"),
        ("3", "3", "27", "The year must include 4 numbers"),
        ("99999999999999999999", "3", "2027", "The expiry date must be a real date"),
        ("3", "99999999999999999999", "2027", "The expiry date must be a real date"),
        ("²", "3", "2027", "The expiry date must be a real date, in numbers"),
        ("31", "12", "9999", "The expiry date must be between 1 January 1900 and 31 December 2100"),
    ])
    def test_a_wrong_date_is_kept_with_a_message(self, client, draft, provider, day, month, year, message):
        response = signed_in(client, provider).post(f"/provider/listings/{draft.slug}/documents/", {
            "insurance_expires_on_day": day, "insurance_expires_on_month": month, "insurance_expires_on_year": year,
        })

        html = response.content.decode()
        assert response.status_code == 200 and message in html
        assert 'href="#id_insurance_expires_on_0"' in html
        assert re.search(rf'name="insurance_expires_on_day"[^>]* value="{re.escape(day)}"', html)

    def test_removing_a_service_asks_first_then_deletes_it(self, client, draft, draft_service, provider):
        url = f"/provider/listings/{draft.slug}/services/{draft_service.pk}/remove/"
        signed_in(client, provider)

        assert "Are you sure you want to remove Thursday club?" in client.get(url).content.decode()
        assert Service.objects.filter(pk=draft_service.pk).exists()
        response = client.post(url)

        assert response.status_code == 302
        assert not Service.objects.filter(pk=draft_service.pk).exists()

    def test_a_service_that_is_not_there_is_not_found(self, client, draft, provider):
        assert signed_in(client, provider).get(f"/provider/listings/{draft.slug}/services/999999/").status_code == 404
        assert signed_in(client, provider).get(f"/provider/listings/{draft.slug}/services/new-1/").status_code == 404


def add_service_token(client, enterprise) -> str:
    html = client.get(f"/provider/listings/{enterprise.slug}/services/add/").content.decode()
    return re.search(r'name="form_token" value="([0-9a-f]+)"', html)[1]


@pytest.mark.django_db
class TestSendingTheSameFormTwice:
    def test_adding_a_service_twice_adds_it_once(self, client, draft, provider):
        signed_in(client, provider)
        token = add_service_token(client, draft)
        data = {"form_token": token, "name": "Lunch club"}

        first = client.post(f"/provider/listings/{draft.slug}/services/add/", data)
        second = client.post(f"/provider/listings/{draft.slug}/services/add/", data)

        assert first.status_code == second.status_code == 302
        assert second.url == f"/provider/listings/{draft.slug}/"
        assert draft.services.count() == 1
        assert "Lunch club was already added" in client.get(second.url).content.decode()

    def test_each_new_form_adds_another(self, client, draft, provider):
        signed_in(client, provider)
        for name in ["Lunch club", "Tea dance"]:
            client.post(f"/provider/listings/{draft.slug}/services/add/",
                        {"form_token": add_service_token(client, draft), "name": name})

        assert sorted(draft.services.values_list("name", flat=True)) == ["Lunch club", "Tea dance"]

    def test_a_form_without_its_token_adds_nothing_and_keeps_what_was_typed(self, client, draft, provider):
        response = signed_in(client, provider).post(f"/provider/listings/{draft.slug}/services/add/",
                                                    {"name": "Lunch club"})

        html = response.content.decode()
        assert response.status_code == 200 and "This page had expired" in html and 'value="Lunch club"' in html
        assert not draft.services.exists()

    def test_twice_on_a_live_listing_adds_one_new_service_to_the_revision(self, client, live, live_provider):
        signed_in(client, live_provider)
        token = add_service_token(client, live)

        for _ in range(2):
            client.post(f"/provider/listings/{live.slug}/services/add/", {"form_token": token, "name": "Disco"})

        services = pending_revision(live).data["services"]
        assert [values["name"] for key, values in services.items() if key.startswith("new-")] == ["Disco"]


# Editing a live listing: a pending revision, approved by staff ------------------------------------------------------


@pytest.mark.django_db
class TestEditingALiveListing:
    def test_changes_wait_for_approval_while_the_public_sees_the_old_text(self, client, live, live_provider, staff):
        service = live.services.get()
        signed_in(client, live_provider)

        response = client.post(f"/provider/listings/{live.slug}/services/{service.pk}/", {
            "name": "Tea dance and social", "summary": "Dancing, tea and cake.",
            "categories": [c.pk for c in service.categories.all()], "delivery": ["venue"],
        })

        assert response.status_code == 302
        service.refresh_from_db()
        assert service.name == "Tea dance" and service.summary == "Dancing and tea."
        revision = pending_revision(live)
        assert revision.data["services"][str(service.pk)]["name"] == "Tea dance and social"
        public = client.get(service.get_absolute_url()).content.decode()
        assert "Dancing and tea." in public and "Dancing, tea and cake." not in public
        task_list = client.get(f"/provider/listings/{live.slug}/").content.decode()
        assert "Changes not sent yet" in task_list and "Tea dance and social" in task_list

        response = client.post(f"/provider/listings/{live.slug}/submit/")

        assert response.status_code == 302
        revision.refresh_from_db()
        assert revision.submitted_at is not None
        assert "Changes waiting for approval" in client.get("/provider/").content.decode()
        task_list = client.get(f"/provider/listings/{live.slug}/").content.decode()
        assert "Changes waiting for approval" in task_list and "Dancing, tea and cake." in task_list
        assert "Dancing and tea." in client.get(service.get_absolute_url()).content.decode()

        listings.approve_revision(revision=revision, by=staff)

        public = client.get(service.get_absolute_url()).content.decode()
        assert "Tea dance and social" in public and "Dancing, tea and cake." in public

    def test_the_enterprise_details_wait_too(self, client, live, live_provider):
        signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/about/",
                                              {"name": "Droitwich Dancers", "summary": "We dance."})

        live.refresh_from_db()
        assert live.name == "Droitwich Dance Club"
        assert working_copy(live)["enterprise"]["name"] == "Droitwich Dancers"

    def test_a_new_service_is_edited_by_its_new_key(self, client, live, live_provider, venue_postcode):
        signed_in(client, live_provider)
        client.post(f"/provider/listings/{live.slug}/services/add/",
                    {"form_token": add_service_token(client, live), "name": "Disco"})

        response = client.post(f"/provider/listings/{live.slug}/services/new-1/where/",
                               {"venue_postcode": "WR14 4AA"})

        assert response.status_code == 302
        assert pending_revision(live).data["services"]["new-1"]["venue_postcode"] == "WR14 4AA"
        assert live.services.count() == 1

    def test_removing_a_live_service_waits_for_approval(self, client, live, live_provider):
        service = live.services.get()

        signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/services/{service.pk}/remove/")

        assert Service.objects.filter(pk=service.pk).exists()
        assert pending_revision(live).data["removed"] == [str(service.pk)]

    def test_there_is_nothing_to_send_without_changes(self, client, live, live_provider):
        response = signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/submit/")

        assert response.status_code == 200 and "You have not changed your listing" in response.content.decode()
        assert not Revision.objects.exists()

    def test_changes_that_were_sent_cannot_be_changed_until_the_council_decides(self, client, live, live_provider):
        signed_in(client, live_provider)
        client.post(f"/provider/listings/{live.slug}/contact/", {"phone": "01632 960002"})
        client.post(f"/provider/listings/{live.slug}/submit/")

        response = client.post(f"/provider/listings/{live.slug}/contact/", {"phone": "01632 960003"})

        assert response.status_code == 403
        assert "Your changes are with the council" in response.content.decode()
        assert pending_revision(live).data["enterprise"]["phone"] == "01632 960002"

    def test_a_rejected_change_says_why(self, client, live, live_provider, staff):
        signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/contact/", {"phone": "01632 960002"})
        listings.submit_revision(revision=pending_revision(live), by=live_provider)
        listings.reject_revision(revision=pending_revision(live), by=staff, reason="That number is not yours")

        html = client.get(f"/provider/listings/{live.slug}/").content.decode()

        assert "did not approve your last changes" in html and "That number is not yours" in html


# Sending a draft to the council -------------------------------------------------------------------------------------


def complete(enterprise, category, venue):
    enterprise.summary, enterprise.phone = "Hot lunches and company.", "01632 960001"
    enterprise.insurance_expires_on, enterprise.dbs_answer = in_future(), "all_checked"
    enterprise.has_safeguarding_policy = True
    enterprise.save()
    return make_service("Lunch club", enterprise=enterprise, venue=venue, summary="A hot lunch.",
                        categories=[category], cost_type=CostType.PER_DAY, cost_amount=8)


@pytest.mark.django_db
class TestSubmitting:
    def test_it_says_what_is_missing(self, client, draft, provider):
        signed_in(client, provider)

        response = client.post(f"/provider/listings/{draft.slug}/submit/")

        html = response.content.decode()
        assert response.status_code == 200
        assert "You cannot send your listing yet" in html
        for message in ["Enter a short summary", "Enter a phone number or an email address", "Add at least one service",
                        "Enter the date your public liability insurance runs to",
                        "Answer the question about DBS checks",
                        "Say whether you have a safeguarding policy"]:
            assert message in html, message
        assert f'href="/provider/listings/{draft.slug}/contact/"' in html
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

    def test_each_service_must_be_complete(self, draft, personal_care):
        service = make_service("Home care", enterprise=draft, categories=[personal_care], delivery=[Delivery.HOME,
                                                                                                   Delivery.VENUE])
        service.cost_type = ""
        service.save()

        messages = [message for section, message, url in missing_for_submission(working_copy(draft), draft.slug)
                    if section == "Service: Home care"]

        assert messages == [
            "Describe what the service does", "Enter the postcode of the venue",
            "Say where you visit people at home: a distance from a postcode, or a list of areas",
            "Say what the service costs", "Enter the CQC registration number: this service gives personal care",
        ]

    def test_insurance_must_not_have_run_out(self, draft):
        draft.insurance_expires_on = days_ago(1)
        draft.save()

        messages = [message for _, message, _ in missing_for_submission(working_copy(draft))]

        assert any(message.startswith("Your public liability insurance ran out on") for message in messages)

    def test_a_complete_listing_goes_to_the_council(self, client, draft, provider, day_clubs, venue_postcode):
        complete(draft, day_clubs, venue_postcode)
        signed_in(client, provider)
        page = client.get(f"/provider/listings/{draft.slug}/submit/").content.decode()
        assert "Check and send your listing" in page and "Send to the council" in page and "Lunch club" in page

        response = client.post(f"/provider/listings/{draft.slug}/submit/")

        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == Status.SUBMITTED and draft.submitted_at is not None
        assert ListingEvent.objects.filter(enterprise=draft, action="submitted").exists()

    def test_a_listing_with_the_council_cannot_be_changed(self, client, draft, provider, day_clubs, venue_postcode):
        service = complete(draft, day_clubs, venue_postcode)
        signed_in(client, provider).post(f"/provider/listings/{draft.slug}/submit/")

        html = client.get(f"/provider/listings/{draft.slug}/").content.decode()
        assert "Your listing is with the council" in html
        assert f"/provider/listings/{draft.slug}/about/" not in html and "Add a service" not in html

        for url, data in [
            (f"/provider/listings/{draft.slug}/about/", {"name": "Changed"}),
            (f"/provider/listings/{draft.slug}/services/{service.pk}/", {"name": "Changed"}),
            (f"/provider/listings/{draft.slug}/services/{service.pk}/remove/", {}),
            (f"/provider/listings/{draft.slug}/services/add/", {"name": "Changed"}),
        ]:
            response = client.post(url, data)
            assert response.status_code == 403, url
            assert "Your listing is with the council" in response.content.decode()
        assert client.get(f"/provider/listings/{draft.slug}/submit/").status_code == 403
        draft.refresh_from_db()
        service.refresh_from_db()
        assert draft.name == "Malvern Hills Lunch Club" and service.name == "Lunch club" and draft.services.count() == 1

    def test_when_the_council_asks_for_changes_the_provider_sees_why_and_can_send_again(
        self, client, draft, provider, staff, day_clubs, venue_postcode
    ):
        complete(draft, day_clubs, venue_postcode)
        signed_in(client, provider).post(f"/provider/listings/{draft.slug}/submit/")
        listings.request_changes(enterprise=draft, by=staff, message="Please add your opening times")

        html = client.get(f"/provider/listings/{draft.slug}/").content.decode()
        assert "The council asked you to change your listing" in html and "Please add your opening times" in html
        response = client.post(f"/provider/listings/{draft.slug}/about/",
                               {"name": "Malvern Lunch", "summary": "Hot lunches and company."})
        assert response.status_code == 302

        client.post(f"/provider/listings/{draft.slug}/submit/")

        draft.refresh_from_db()
        assert draft.status == Status.SUBMITTED and draft.name == "Malvern Lunch"

    @pytest.mark.parametrize("status", [Status.REJECTED, Status.ARCHIVED])
    def test_rejected_and_archived_listings_are_read_only(self, client, draft, provider, status):
        draft.status = status
        draft.save()
        signed_in(client, provider)

        assert client.get(f"/provider/listings/{draft.slug}/").status_code == 200
        assert client.post(f"/provider/listings/{draft.slug}/about/", {"name": "Changed"}).status_code == 403
        draft.refresh_from_db()
        assert draft.name == "Malvern Hills Lunch Club"


# Capacity and yearly figures: live at once --------------------------------------------------------------------------


@pytest.mark.django_db
class TestCapacity:
    def test_it_goes_live_at_once_with_todays_date(self, client, live, live_provider):
        service = live.services.get()
        service.capacity, service.capacity_confirmed_on = Capacity.TAKING, days_ago(90)
        service.save()
        signed_in(client, live_provider)
        assert "Not known" in client.get(service.get_absolute_url()).content.decode()
        home = client.get("/provider/").content.decode()
        assert "Is Tea dance taking new people?" in home
        assert f'action="/provider/services/{service.pk}/capacity/"' in home

        response = client.post(f"/provider/services/{service.pk}/capacity/", {"capacity": "waiting_list"})

        assert response.status_code == 302 and response.url == f"/provider/#service-{service.pk}"
        service.refresh_from_db()
        assert service.capacity == Capacity.WAITING_LIST and service.capacity_confirmed_on == timezone.localdate()
        assert not Revision.objects.exists()
        assert "Waiting list" in client.get(service.get_absolute_url()).content.decode()

    def test_confirming_the_same_status_again_refreshes_the_date(self, client, live, live_provider):
        service = live.services.get()
        service.capacity, service.capacity_confirmed_on = Capacity.FULL, days_ago(30)
        service.save()

        signed_in(client, live_provider).post(f"/provider/services/{service.pk}/capacity/", {"capacity": "full"})

        service.refresh_from_db()
        assert service.capacity == Capacity.FULL and service.capacity_confirmed_on == timezone.localdate()

    def test_a_status_is_required(self, client, live, live_provider):
        service = live.services.get()

        response = signed_in(client, live_provider).post(f"/provider/services/{service.pk}/capacity/", {})

        html = response.content.decode()
        assert response.status_code == 200
        assert "Select whether the service is taking new people" in html
        assert f'href="#capacity-{service.pk}-capacity_0"' in html

    def test_another_providers_service_is_not_found(self, client, live, provider):
        service = live.services.get()

        response = signed_in(client, provider).post(f"/provider/services/{service.pk}/capacity/",
                                                    {"capacity": "full"})

        assert response.status_code == 404
        service.refresh_from_db()
        assert service.capacity == Capacity.TAKING


@pytest.mark.django_db
class TestFigures:
    def test_they_are_saved_at_once_with_the_date(self, client, live, live_provider):
        response = signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/figures/", {
            "people_supported": "120", "paid_staff": "2", "volunteers": "6",
        })

        assert response.status_code == 302 and response.url == "/provider/"
        live.refresh_from_db()
        assert (live.people_supported, live.paid_staff, live.volunteers) == (120, 2, 6)
        assert live.figures_updated_on == timezone.localdate()
        assert not Revision.objects.exists()

    def test_a_wrong_number_is_kept_with_a_message(self, client, live, live_provider):
        response = signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/figures/", {
            "people_supported": "lots", "paid_staff": "-1", "volunteers": "",
        })

        html = response.content.decode()
        assert response.status_code == 200
        assert "Enter the number of people as a whole number" in html and 'value="lots"' in html
        assert "The number of paid staff must be 0 or more" in html
        assert "Enter how many volunteers help you, or 0" in html


# The home page ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestHome:
    def test_it_lists_each_listing_with_its_status(self, client, draft, provider, live, day_clubs):
        live.members.add(provider)
        Revision.objects.create(enterprise=live, data=working_copy(live), submitted_at=timezone.now())

        html = signed_in(client, provider).get("/provider/").content.decode()

        assert html.count("<h1") == 1
        assert "Malvern Hills Lunch Club" in html and "Droitwich Dance Club" in html
        assert "Draft" in html and "Published" in html and "Changes waiting for approval" in html
        assert f'href="/provider/listings/{draft.slug}/"' in html
        assert f'href="/provider/listings/{live.slug}/figures/"' in html

    def test_it_runs_the_same_number_of_queries_for_more_listings(self, client, live, live_provider, council):
        signed_in(client, live_provider)
        client.get("/provider/")
        with CaptureQueriesContext(connection) as one:
            client.get("/provider/")
        for number in range(3):
            enterprise = make_enterprise(council=council)
            enterprise.members.add(live_provider)
            make_service(enterprise=enterprise)
            make_service(enterprise=enterprise)

        with CaptureQueriesContext(connection) as four:
            client.get("/provider/")

        assert len(four) == len(one)


def test_times_are_read_the_way_people_write_them():
    assert parse_time("10am") == datetime.time(10)
    assert parse_time("10:30 am") == datetime.time(10, 30)
    assert parse_time("2.15pm") == datetime.time(14, 15)
    assert parse_time("14:30") == datetime.time(14, 30)
    assert parse_time("1430") == datetime.time(14, 30)
    assert parse_time("12pm") == parse_time("midday") == datetime.time(12)
    assert parse_time("12am") == datetime.time(0)
    assert parse_time("25:00") is None and parse_time("13pm") is None and parse_time("soon") is None


# A provider's edit flow without a maze (issue 16) --------------------------------------------------------------------


def sent_changes(client, live, live_provider, phone="01632 960002"):
    """The provider changes the phone number of their live listing and sends the change for approval."""
    signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/contact/", {"phone": phone}, follow=True)
    client.post(f"/provider/listings/{live.slug}/submit/", follow=True)
    return pending_revision(live)


def banners(html: str) -> list[str]:
    return re.findall(r'class="govuk-notification-banner[ "]', html)


@pytest.mark.django_db
class TestSavingALiveListing:
    def test_a_save_says_it_is_saved_and_not_sent_with_the_button_to_send_it(self, client, live, live_provider):
        response = signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/contact/",
                                                         {"phone": "01632 960002"})

        assert response.status_code == 302 and response.url == f"/provider/listings/{live.slug}/"
        html = client.get(response.url).content.decode()
        assert "Saved. Send your changes for approval when you are ready" in html
        assert "People keep seeing your listing as it was until the council approves your changes" in html
        assert re.search(rf'href="/provider/listings/{live.slug}/submit/" role="button"[^>]*>Check and send your '
                         r'changes</a>', html)
        assert "govuk-notification-banner--success" not in html and len(banners(html)) == 1
        again = client.get(response.url).content.decode()
        assert "Saved. Send your changes" not in again, "said once, straight after saving"
        assert "Check and send your changes" in again and "Changes not sent yet" in again

    def test_removing_a_service_says_the_same(self, client, live, live_provider):
        service = live.services.get()

        response = signed_in(client, live_provider).post(
            f"/provider/listings/{live.slug}/services/{service.pk}/remove/")

        html = client.get(response.url).content.decode()
        assert "Saved. Send your changes for approval when you are ready" in html
        assert "People keep seeing Tea dance until the council approves your changes" in html
        assert "govuk-notification-banner--success" not in html

    def test_a_draft_is_still_simply_saved(self, client, draft, provider):
        response = signed_in(client, provider).post(f"/provider/listings/{draft.slug}/contact/",
                                                    {"phone": "01632 960002"})

        html = client.get(response.url).content.decode()
        assert "Contact details saved" in html and "Saved. Send your changes" not in html


@pytest.mark.django_db
class TestBeforeYouStart:
    def test_a_draft_starts_with_what_the_council_asks_for(self, client, draft, provider):
        signed_in(client, provider)
        task_list = client.get(f"/provider/listings/{draft.slug}/").content.decode()
        link = f'href="/provider/listings/{draft.slug}/before-you-start/"'
        assert link in task_list and "see what you will need" in task_list
        tasks = re.findall(r'class="govuk-link govuk-task-list__link"[^>]*>([^<]+)<', task_list)
        assert tasks[:3] == ["Documents the council asks for", "About your enterprise", "Contact details"]

        page = client.get(f"/provider/listings/{draft.slug}/before-you-start/").content.decode()

        assert "<h1 class=\"govuk-heading-l\">Before you start</h1>" in page
        for need in ["public liability insurance certificate", "DBS checks", "safeguarding policy",
                     "CQC registration number", "the postcode of the venue", "what it costs"]:
            assert need in page, need
        assert re.search(rf'href="/provider/listings/{draft.slug}/documents/" role="button"[^>]*>\s*Start with the '
                         r'documents', page)

    def test_what_is_missing_starts_with_the_documents(self, draft):
        sections = [section for section, _, _ in missing_for_submission(working_copy(draft))]

        assert sections[:3] == ["Documents the council asks for"] * 3

    def test_a_listing_with_the_council_has_nothing_to_start(self, client, draft, provider):
        draft.status = Status.SUBMITTED
        draft.save()

        response = signed_in(client, provider).get(f"/provider/listings/{draft.slug}/before-you-start/")

        assert response.status_code == 403 and "Your listing is with the council" in response.content.decode()


@pytest.mark.django_db
class TestCheckAndSend:
    def test_the_check_page_shows_the_documents_in_words(self, client, draft, provider, day_clubs, venue_postcode):
        complete(draft, day_clubs, venue_postcode)
        draft.insurance_expires_on = datetime.date(timezone.localdate().year + 1, 3, 31)
        draft.save()

        html = signed_in(client, provider).get(f"/provider/listings/{draft.slug}/submit/").content.decode()

        assert "Documents the council asks for" in html
        assert f"31 March {draft.insurance_expires_on.year}" in html and str(draft.insurance_expires_on) not in html
        assert "Yes, everyone who works with people has a DBS check" in html
        assert re.search(r"Safeguarding policy</dt>\s*<dd[^>]*>Yes</dd>", html)
        assert f'href="/provider/listings/{draft.slug}/documents/"' in html

    def test_a_long_description_is_shown_whole(self, client, draft, provider, day_clubs, venue_postcode):
        service = complete(draft, day_clubs, venue_postcode)
        service.summary, service.description = "", "We meet every week. " * 40 + "The end."
        service.save()

        html = signed_in(client, provider).get(f"/provider/listings/{draft.slug}/submit/").content.decode()

        assert "The end." in html and "…" not in html

    def test_changes_are_shown_whole_with_dates_times_and_money_as_people_write_them(self, client, live,
                                                                                    live_provider):
        service = live.services.get()
        expiry = datetime.date(timezone.localdate().year + 2, 3, 31)
        signed_in(client, live_provider)
        client.post(f"/provider/listings/{live.slug}/documents/", {
            "insurance_expires_on_day": "31", "insurance_expires_on_month": "3",
            "insurance_expires_on_year": str(expiry.year), "dbs_answer": "all_checked",
            "has_safeguarding_policy": "True",
        })
        client.post(f"/provider/listings/{live.slug}/services/{service.pk}/when/",
                    {"days": ["tue"], "opens_at": "2pm", "closes_at": "3:30pm"})
        client.post(f"/provider/listings/{live.slug}/services/{service.pk}/costs/",
                    {"cost_type": "per_session", "cost_amount": "1,250.5"})
        long_text = "Dancing and tea. " * 30 + "The very end."
        client.post(f"/provider/listings/{live.slug}/services/{service.pk}/", {
            "name": "Tea dance", "description": long_text, "categories": [c.pk for c in service.categories.all()],
            "delivery": ["venue"],
        })

        for page in [f"/provider/listings/{live.slug}/", f"/provider/listings/{live.slug}/submit/"]:
            html = client.get(page).content.decode()
            assert f"31 March {expiry.year}" in html and expiry.isoformat() not in html, page
            assert "2pm" in html and "3:30pm" in html and "14:00" not in html, page
            assert "£1,250.50" in html, page
            assert "The very end." in html and "…" not in html, page

    def test_sending_twice_sends_once_with_one_banner(self, client, draft, provider, day_clubs, venue_postcode):
        complete(draft, day_clubs, venue_postcode)
        signed_in(client, provider)

        first = client.post(f"/provider/listings/{draft.slug}/submit/")
        second = client.post(f"/provider/listings/{draft.slug}/submit/")

        assert first.status_code == second.status_code == 302
        assert second.url == f"/provider/listings/{draft.slug}/"
        assert ListingEvent.objects.filter(enterprise=draft, action="submitted").count() == 1
        html = client.get(second.url).content.decode()
        assert len(banners(html)) == 1 and "Your listing has been sent to the council" in html
        assert "Your listing is with the council" in html

    def test_changes_sent_twice_are_sent_once(self, client, live, live_provider):
        signed_in(client, live_provider).post(f"/provider/listings/{live.slug}/contact/", {"phone": "01632 960002"})

        first = client.post(f"/provider/listings/{live.slug}/submit/")
        second = client.post(f"/provider/listings/{live.slug}/submit/")

        assert first.status_code == second.status_code == 302
        assert ListingEvent.objects.filter(enterprise=live, action="revision_submitted").count() == 1
        html = client.get(second.url).content.decode()
        assert len(banners(html)) == 1 and "Your changes have been sent to the council for approval" in html


@pytest.mark.django_db
class TestWithdrawingChanges:
    def test_a_provider_withdraws_what_they_sent_and_changes_it_again(self, client, live, live_provider, staff):
        sent = sent_changes(client, live, live_provider)
        task_list = client.get(f"/provider/listings/{live.slug}/").content.decode()
        assert "Withdraw your changes" in task_list and f'name="revision" value="{sent.pk}"' in task_list

        response = client.post(f"/provider/listings/{live.slug}/withdraw/", {"revision": str(sent.pk)})

        assert response.status_code == 302 and response.url == f"/provider/listings/{live.slug}/"
        sent.refresh_from_db()
        assert sent.status == Revision.Status.WITHDRAWN
        reopened = pending_revision(live)
        assert reopened.submitted_at is None and reopened.data["enterprise"]["phone"] == "01632 960002"
        assert ListingEvent.objects.filter(enterprise=live, action="revision_withdrawn", actor=live_provider).exists()
        html = client.get(response.url).content.decode()
        assert "Your changes are withdrawn" in html and "Changes not sent yet" in html
        assert client.post(f"/provider/listings/{live.slug}/contact/", {"phone": "01632 960003"}).status_code == 302
        with pytest.raises(listings.TransitionError, match="already been dealt with"):
            listings.approve_revision(revision=sent, by=staff)
        client.post(f"/provider/listings/{live.slug}/submit/")
        listings.approve_revision(revision=pending_revision(live), by=staff)
        live.refresh_from_db()
        assert live.phone == "01632 960003"

    def test_withdrawing_twice_withdraws_once(self, client, live, live_provider):
        sent = sent_changes(client, live, live_provider)

        for _ in range(2):
            response = client.post(f"/provider/listings/{live.slug}/withdraw/", {"revision": str(sent.pk)})
            assert response.status_code == 302

        assert live.revisions.count() == 2
        assert live.revisions.filter(status=Revision.Status.WITHDRAWN).count() == 1
        assert len(banners(client.get(response.url).content.decode())) == 1

    def test_after_the_council_approved_it_says_so_and_changes_nothing(self, client, live, live_provider, staff):
        sent = sent_changes(client, live, live_provider)
        listings.approve_revision(revision=sent, by=staff)

        response = client.post(f"/provider/listings/{live.slug}/withdraw/", {"revision": str(sent.pk)})

        assert response.status_code == 302
        html = client.get(response.url).content.decode()
        assert "The council approved your changes before you could withdraw them" in html
        assert not Revision.objects.filter(enterprise=live, status=Revision.Status.PENDING).exists()
        sent.refresh_from_db()
        assert sent.status == Revision.Status.APPROVED

    @pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999", "1\x00", "²"])
    def test_odd_input_withdraws_nothing(self, client, live, live_provider, value):
        sent = sent_changes(client, live, live_provider)

        response = client.post(f"/provider/listings/{live.slug}/withdraw/", {"revision": value})

        assert response.status_code == 302
        sent.refresh_from_db()
        assert sent.status == Revision.Status.PENDING and sent.submitted_at is not None

    def test_another_listings_changes_cannot_be_withdrawn_through_yours(self, client, live, live_provider,
                                                                         draft, provider):
        sent = sent_changes(client, live, live_provider)

        response = signed_in(client, provider).post(f"/provider/listings/{draft.slug}/withdraw/",
                                                    {"revision": str(sent.pk)})

        assert response.status_code == 302
        sent.refresh_from_db()
        assert sent.status == Revision.Status.PENDING

    @pytest.mark.parametrize("persona, expected", [
        ("live_provider", 302), ("provider", 404), ("referrer", 403), ("staff", 403),
    ])
    def test_who_may_withdraw(self, client, request, live, live_provider, provider, persona, expected):
        sent = sent_changes(client, live, live_provider)
        client.logout()

        response = signed_in(client, request.getfixturevalue(persona)).post(
            f"/provider/listings/{live.slug}/withdraw/", {"revision": str(sent.pk)})

        assert response.status_code == expected
        sent.refresh_from_db()
        assert (sent.status == Revision.Status.WITHDRAWN) == (expected == 302)

    def test_anonymous_people_are_sent_to_sign_in_and_a_get_withdraws_nothing(self, client, live, live_provider):
        sent = sent_changes(client, live, live_provider)
        url = f"/provider/listings/{live.slug}/withdraw/"

        assert client.get(url).status_code == 405
        client.logout()
        response = client.post(url, {"revision": str(sent.pk)})

        assert response.status_code == 302 and response.url == f"/sign-in/?next={quote(url)}"
        sent.refresh_from_db()
        assert sent.status == Revision.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_and_an_approval_at_the_same_moment_one_wins_and_the_other_fails_cleanly(council):
    from enterprises.revisions import withdraw_changes
    from tests.concurrency import at_the_same_moment

    listing = make_enterprise("Droitwich Dance Club", council=council)
    provider_person, officer = make_user("dancer@example.org"), make_user("officer@example.gov.uk")
    listing.members.add(provider_person)
    StaffMembership.objects.create(user=officer, council=council)
    from enterprises.revisions import save_enterprise_details

    save_enterprise_details(listing, by=provider_person, values={"phone": "01632 960002"})
    sent = listings.submit_revision(revision=pending_revision(listing), by=provider_person)
    calls = iter([lambda: withdraw_changes(sent, by=provider_person),
                  lambda: listings.approve_revision(revision=sent, by=officer)])
    lock = __import__("threading").Lock()

    def one_of_them():
        with lock:
            call = next(calls)
        return call()

    results, errors = at_the_same_moment(one_of_them)

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], listings.TransitionError)
    sent.refresh_from_db()
    listing.refresh_from_db()
    if sent.status == Revision.Status.APPROVED:
        assert listing.phone == "01632 960002" and pending_revision(listing) is None
    else:
        assert sent.status == Revision.Status.WITHDRAWN and listing.phone != "01632 960002"
        assert pending_revision(listing).submitted_at is None


@pytest.mark.django_db
class TestHowLongApprovalUsuallyTakes:
    def test_the_page_says_it_when_the_council_has_approved_enough_lately(self, client, live, live_provider,
                                                                         staff, council):
        for hours in (20, 50, 80):
            other = make_enterprise(council=council)
            Revision.objects.create(enterprise=other, status=Revision.Status.APPROVED, decided_by=staff,
                                    submitted_at=timezone.now() - datetime.timedelta(days=10, hours=hours),
                                    decided_at=timezone.now() - datetime.timedelta(days=10))
        sent_changes(client, live, live_provider)

        html = client.get(f"/provider/listings/{live.slug}/").content.decode()

        assert "Approval usually takes about 2 days." in html

    def test_nothing_is_said_without_enough_approvals(self, client, live, live_provider):
        sent_changes(client, live, live_provider)

        html = client.get(f"/provider/listings/{live.slug}/").content.decode()

        assert "Changes waiting for approval" in html and "usually takes" not in html
