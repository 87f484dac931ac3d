"""The public pages: what a resident sees, and what nobody may do."""

import datetime

import pytest
from django.test import Client

from enterprises.models import Capacity, CostType, Enterprise, WayToPay
from tests.factories import days_ago, make_area, make_enterprise, make_postcode, make_service


@pytest.fixture
def day_club(db, day_clubs, carers):
    enterprise = make_enterprise(
        "Malvern Hills Lunch Club", phone="01632 960123", email="hello@example.org", contact_name="Jean Smith"
    )
    venue = make_postcode("WR14 4AA", 377500, 245800)
    return make_service(
        "Thursday day club",
        enterprise=enterprise,
        venue=venue,
        venue_name="Priory Church Hall",
        summary="A friendly day out with lunch.",
        description="Games, music and a hot two-course lunch.",
        categories=[day_clubs],
        client_groups=[carers],
        cost_type=CostType.PER_DAY,
        cost_amount=32,
        ways_to_pay=[WayToPay.SELF_FUNDED, WayToPay.DIRECT_PAYMENT],
        days=["thu"],
        capacity=Capacity.WAITING_LIST,
        capacity_confirmed_on=days_ago(5),
        step_free_access=True,
        languages="English, Polish",
    )


@pytest.mark.django_db
class TestPublicPages:
    @pytest.mark.parametrize("path", ["/", "/search/", "/shortlist/", "/shortlist/print/", "/accessibility/",
                                      "/privacy/", "/cookies/"])
    def test_anyone_can_open_it(self, client, path):
        assert client.get(path).status_code == 200

    def test_the_home_page_offers_a_search_and_the_types_of_support(self, client, day_clubs):
        html = client.get("/").content.decode()

        assert 'name="q"' in html and 'name="postcode"' in html
        assert 'href="/search/?category=day-clubs"' in html

    def test_the_footer_credits_code_point_open(self, client):
        html = client.get("/").content.decode()

        assert "Contains OS data © Crown copyright and database right" in html
        assert "Open Government Licence" in html

    def test_the_privacy_notice_says_how_long_referral_details_are_kept(self, client, settings):
        settings.REFERRAL_RETENTION_MONTHS = 18

        html = client.get("/privacy/").content.decode()

        assert "If someone refers you to a service" in html
        assert "we keep your details for 18 months" in html

    def test_the_privacy_notice_says_what_is_kept_of_a_search(self, client, settings):
        settings.SEARCH_WORDS_MIN_VISITORS = 4

        html = client.get("/privacy/").content.decode()

        assert "anything that looks like a name, a phone number, an email address, a postcode or a street" in html
        assert "only once at least 4 different people have searched for it on at least 4 different days" in html
        assert "the code changes every month" in html

    def test_the_site_name_comes_from_settings(self, client, settings):
        settings.SITE_NAME = "Community Connect"

        assert "<title>Find care and support near you – Community Connect</title>" in client.get("/").content.decode()

    def test_the_service_page_has_what_a_person_needs_to_decide_and_get_in_touch(self, client, day_club):
        html = client.get(day_club.get_absolute_url()).content.decode()

        for fact in ["Thursday day club", "Malvern Hills Lunch Club", "Day clubs", "Carers", "Priory Church Hall",
                     "WR14 4AA", "Thursday", "£32.00 per day", "Direct payment or personal budget", "Waiting list",
                     "Step-free access", "English, Polish", "01632 960123", "hello@example.org", "Jean Smith"]:
            assert fact in html, fact

    def test_the_service_page_lists_the_providers_other_services(self, client, day_club):
        make_service("Friday lunch", enterprise=day_club.enterprise)
        make_service("Hidden elsewhere", enterprise=make_enterprise(status=Enterprise.Status.DRAFT))

        html = client.get(day_club.get_absolute_url()).content.decode()

        assert "Other services from Malvern Hills Lunch Club" in html
        assert "Friday lunch" in html and "Hidden elsewhere" not in html

    def test_the_service_page_gives_times_in_plain_english(self, client, day_club):
        day_club.opens_at, day_club.closes_at = datetime.time(10, 0), datetime.time(15, 30)
        day_club.save()

        assert "Thursday, 10am to 3:30pm" in client.get(day_club.get_absolute_url()).content.decode()

    def test_the_service_page_says_where_a_home_service_reaches(self, client, day_club):
        day_club.coverage_postcode, day_club.coverage_radius_miles = "WR13 6NP", 5
        day_club.save()
        day_club.coverage_areas.set([make_area("Malvern", 377500, 245800), make_area("Upton", 384500, 240500)])

        html = client.get(day_club.get_absolute_url()).content.decode()

        assert "Within 5 miles of WR13, and Malvern, Upton" in html
        assert "WR13 6NP" not in html  # the base is often the provider's home: its district is enough

    def test_the_enterprise_page_lists_its_services(self, client, day_club):
        make_service("Friday lunch", enterprise=day_club.enterprise)

        html = client.get(day_club.enterprise.get_absolute_url()).content.decode()

        assert "Thursday day club" in html and "Friday lunch" in html and "01632 960123" in html

    def test_a_missing_service_is_a_friendly_404(self, client):
        response = client.get("/services/999999/")

        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


@pytest.mark.django_db
class TestShortlist:
    def test_it_adds_a_service_and_returns_to_the_result(self, client, day_club):
        response = client.post(f"/shortlist/add/{day_club.pk}/", {"next": "/search/?q=club"})

        assert response.status_code == 302
        assert response.url == "/search/?q=club"
        html = client.get("/shortlist/").content.decode()
        assert "Thursday day club" in html
        assert "Your shortlist (1)" in html

    def test_adding_twice_keeps_one(self, client, day_club):
        client.post(f"/shortlist/add/{day_club.pk}/")
        client.post(f"/shortlist/add/{day_club.pk}/")

        assert client.session["shortlist"] == [day_club.pk]

    def test_it_removes_a_service(self, client, day_club):
        client.post(f"/shortlist/add/{day_club.pk}/")
        client.post(f"/shortlist/remove/{day_club.pk}/")

        assert "Your shortlist is empty" in client.get("/shortlist/").content.decode()

    def test_the_print_view_has_the_contact_details(self, client, day_club):
        client.post(f"/shortlist/add/{day_club.pk}/")

        html = client.get("/shortlist/print/").content.decode()

        assert "01632 960123" in html and "Priory Church Hall" in html

    def test_the_result_shows_remove_once_shortlisted(self, client, day_club):
        client.post(f"/shortlist/add/{day_club.pk}/")

        html = client.get("/search/").content.decode()

        assert f'action="/shortlist/remove/{day_club.pk}/"' in html

    def test_a_listing_unpublished_later_drops_off_the_shortlist(self, client, day_club):
        client.post(f"/shortlist/add/{day_club.pk}/")
        Enterprise.objects.filter(pk=day_club.enterprise_id).update(status=Enterprise.Status.SUSPENDED)

        response = client.get("/shortlist/")

        assert response.context["services"] == []
        assert "Your shortlist is empty" in response.content.decode()
        assert "Your shortlist (0)" in client.get("/").content.decode()

    def test_it_refuses_to_shortlist_an_unpublished_service(self, client):
        hidden = make_service(enterprise=make_enterprise(status=Enterprise.Status.SUBMITTED))

        assert client.post(f"/shortlist/add/{hidden.pk}/").status_code == 404
        assert client.session.get("shortlist", []) == []

    def test_it_rejects_get(self, client, day_club):
        assert client.get(f"/shortlist/add/{day_club.pk}/").status_code == 405
        assert client.get(f"/shortlist/remove/{day_club.pk}/").status_code == 405

    def test_it_refuses_a_post_without_the_csrf_token(self, day_club):
        strict = Client(enforce_csrf_checks=True)

        assert strict.post(f"/shortlist/add/{day_club.pk}/").status_code == 403

    @pytest.mark.parametrize("elsewhere", ["https://evil.example.com/", "99", "home", "odd\x00value"])
    def test_it_goes_back_only_to_a_page_of_this_site(self, client, day_club, elsewhere):
        response = client.post(f"/shortlist/add/{day_club.pk}/", {"next": elsewhere})

        assert response.url == "/shortlist/"


@pytest.mark.django_db
class TestPublicPagesRefuseWrites:
    @pytest.mark.parametrize("path", ["/", "/search/", "/shortlist/", "/cookies/"])
    def test_it_rejects_post(self, client, path):
        assert client.post(path).status_code == 405


@pytest.mark.django_db
def test_a_page_for_another_role_says_who_it_is_for_in_the_site_layout(client):
    from tests.factories import make_user

    client.force_login(make_user("jean@example.org"))

    response = client.get("/council/")

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1 class=\"govuk-heading-xl\">You cannot use this page</h1>" in html
    assert "Only council staff can use this page." in html
    assert "You are signed in as jean@example.org" in html
