"""A shortlist the family can open: shared by a short code, emailed, printed, with phone numbers and addresses."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.models import OutgoingMessage
from directory.models import SharedShortlist
from directory.shortlist import CODE_ALPHABET, normalise_code, readable_code
from enterprises.models import Delivery, Enterprise
from tests.factories import make_enterprise, make_postcode, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_club(db):
    lunch_club = make_enterprise("Malvern Lunch Club", phone="01632 960123")
    return make_service("Thursday day club", enterprise=lunch_club, venue=make_postcode("WR14 4AA", 377500, 245800),
                        venue_name="Priory Church Hall", venue_address="Church Street\nMalvern")


@pytest.fixture
def home_help(db):
    helpers = make_enterprise("Severn Home Helpers", phone="01632 960456")
    return make_service("Home help", enterprise=helpers, delivery=[Delivery.HOME], coverage_postcode="WR11 4TP",
                        coverage_radius_miles=5)


def shortlist_of(*services) -> Client:
    """A resident whose shortlist holds these services."""
    client = Client()
    for service in services:
        client.post(f"/shortlist/add/{service.pk}/")
    return client


def share(client) -> str:
    """Press "Share this list": the code on the page it leads to."""
    response = client.post("/shortlist/share/")
    assert response.status_code == 302
    return re.fullmatch(r"/shortlist/share/([0-9A-Z]{4}-[0-9A-Z]{4})/", response.url)[1]


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


class TestWhatTheListShows:
    def test_each_service_shows_its_phone_number_and_where_it_is(self, day_club, home_help):
        page = text(shortlist_of(day_club, home_help).get("/shortlist/"))

        assert "Phone 01632 960123" in page and "Phone 01632 960456" in page
        assert "Where Priory Church Hall, Church Street, Malvern, WR14 4AA" in page
        assert "Where Comes to you (within 5 miles of WR11)" in page

    def test_the_printout_shows_them_too_with_a_print_button_for_javascript(self, day_club, home_help):
        response = shortlist_of(day_club, home_help).get("/shortlist/print/")
        page = text(response)

        assert "Priory Church Hall, Church Street, Malvern, WR14 4AA" in page and "01632 960123" in page
        assert "Comes to you (within 5 miles of WR11)" in page
        assert 'app-print-button" data-app-print hidden>Print your shortlist</button>' in response.content.decode()

    def test_the_shortlist_offers_share_email_and_print(self, day_club):
        html = shortlist_of(day_club).get("/shortlist/").content.decode()

        assert ">Share this list</button>" in html and ">Email this list</button>" in html
        assert 'href="/shortlist/print/"' in html and "data-app-print hidden" in html


class TestSharing:
    def test_a_shared_list_opens_for_someone_else_on_another_device(self, day_club, home_help):
        code = share(shortlist_of(day_club, home_help))

        daughter = Client()
        page = text(daughter.get(f"/shortlist/shared/{code}/"))

        assert "A shared shortlist" in page and f"Its code is {code}" in page
        assert page.index("Thursday day club") < page.index("Home help")
        assert "Phone 01632 960123" in page and "Add these to your shortlist" in page
        assert "Your shortlist (0)" in page  # her own, still empty: the shared list is not hers until she adds it

    def test_the_sharer_sees_the_link_and_the_code_to_read_out(self, day_club):
        client = shortlist_of(day_club)
        code = share(client)

        page = text(client.get(f"/shortlist/share/{code}/"))

        assert f"http://testserver/shortlist/shared/{code}/" in page
        assert f"The code for your list is {code}" in page

    def test_a_code_is_made_only_when_asked_for_and_the_same_list_keeps_its_code(self, day_club, home_help):
        client = shortlist_of(day_club, home_help)
        client.get("/shortlist/")
        assert not SharedShortlist.objects.exists()

        assert share(client) == share(client) == share(shortlist_of(day_club, home_help))
        assert share(shortlist_of(home_help, day_club)) != share(client)  # another order is another list
        assert SharedShortlist.objects.count() == 2

    def test_codes_are_eight_unambiguous_characters(self, day_club):
        code = share(shortlist_of(day_club)).replace("-", "")

        assert len(code) == 8 and set(code) <= set(CODE_ALPHABET)
        assert not set("ILOU") & set(CODE_ALPHABET)

    def test_a_code_typed_as_people_type_it_opens_the_list(self, day_club):
        code = share(shortlist_of(day_club))
        typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")

        response = Client().get("/shortlist/open/", {"code": typed})

        assert response.status_code == 302 and response.url == f"/shortlist/shared/{code}/"

    def test_a_link_with_the_code_written_another_way_goes_to_the_list(self, day_club):
        code = share(shortlist_of(day_club))

        response = Client().get(f"/shortlist/shared/{code.replace('-', '').lower()}/")

        assert response.status_code == 301 and response.url == f"/shortlist/shared/{code}/"

    def test_adding_a_shared_list_puts_its_services_on_your_own(self, day_club, home_help):
        code = share(shortlist_of(day_club, home_help))
        daughter = shortlist_of(home_help)

        response = daughter.post(f"/shortlist/shared/{code}/add/", follow=True)

        assert "1 service added to your shortlist" in text(response)
        assert daughter.session["shortlist"] == [home_help.pk, day_club.pk]

    def test_a_service_no_longer_listed_is_left_out_and_the_list_says_so(self, day_club, home_help):
        code = share(shortlist_of(day_club, home_help))
        helpers = home_help.enterprise
        helpers.status = Enterprise.Status.SUSPENDED
        helpers.save()

        daughter = Client()
        page = text(daughter.get(f"/shortlist/shared/{code}/"))
        daughter.post(f"/shortlist/shared/{code}/add/")

        assert "Thursday day club" in page and "Home help" not in page
        assert "1 service on this list is no longer listed, so it is not shown." in page
        assert daughter.session["shortlist"] == [day_club.pk]

    def test_an_empty_shortlist_has_nothing_to_share(self, db):
        client = Client()
        response = client.post("/shortlist/share/", follow=True)

        assert "there is nothing to share" in text(response)
        assert not SharedShortlist.objects.exists()

    def test_sharing_is_limited_per_network(self, day_club, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "shortlist_share": (2, 60)}
        client = shortlist_of(day_club)
        share(client), share(client)

        response = client.post("/shortlist/share/")

        assert response.status_code == 429 and "Too many attempts from your network" in text(response)


class TestBadCodes:
    @pytest.mark.parametrize("typed, message", [
        ("", "Enter the code for the shared list"),
        ("K7QM", "Enter the code as it was given to you, like K7QM-4XTB: 8 letters and numbers"),
        ("K7QM-4XT!", "Enter the code as it was given to you, like K7QM-4XTB: 8 letters and numbers"),
        ("x" * 500, "Enter the code as it was given to you, like K7QM-4XTB"),
        ("ZZZZ-ZZZZ", "There is no shared list with that code. Check it and try again"),
    ])
    def test_a_wrong_code_is_told_beside_the_field_and_kept(self, db, typed, message):
        response = Client().get("/shortlist/open/", {"code": typed})
        html = response.content.decode()

        assert response.status_code == 200
        assert "<title>Error: Open a shared shortlist" in html and 'class="govuk-error-summary' in html
        assert 'id="id_code-error"' in html and f'value="{typed}"' in html
        assert html.count(message) == 2  # in the summary and beside the field

    def test_the_form_is_plain_before_anything_is_typed(self, db):
        html = Client().get("/shortlist/open/").content.decode()

        assert "What is the code for the shared list?" in html and "govuk-error-summary" not in html

    @pytest.mark.parametrize("path", ["/shortlist/shared/ZZZZ-ZZZZ/", "/shortlist/shared/xyz/",
                                      "/shortlist/share/ZZZZ-ZZZZ/"])
    def test_a_link_to_no_list_is_not_found(self, db, path):
        assert Client().get(path).status_code == 404
        assert Client().post("/shortlist/shared/ZZZZ-ZZZZ/add/").status_code == 404

    def test_codes_normalise_as_people_type_them(self):
        assert normalise_code(" k7qm 4xtb ") == "K7QM4XTB"
        assert normalise_code("OIL0-0000") == "01100000"
        assert normalise_code("K7QM4XTU") is None and normalise_code("") is None and normalise_code(None) is None
        assert readable_code("K7QM4XTB") == "K7QM-4XTB"


class TestEmailing:
    def test_the_list_is_emailed_once_and_the_address_is_not_kept(self, day_club, home_help,
                                                                   django_capture_on_commit_callbacks):
        client = shortlist_of(day_club, home_help)
        code = share(client)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/shortlist/share/{code}/", {"email": "daughter@example.org"}, follow=True)

        assert "We have sent your shortlist to daughter@example.org" in text(response)
        [email] = mail.outbox
        assert email.to == ["daughter@example.org"]
        assert f"http://127.0.0.1:8000/shortlist/shared/{code}/" in email.body and code in email.body
        assert "Thursday day club, by Malvern Lunch Club" in email.body
        assert "Phone: 01632 960123" in email.body
        assert "Where: Priory Church Hall, Church Street, Malvern, WR14 4AA" in email.body
        assert "Where: Comes to you (within 5 miles of WR11)" in email.body
        assert "&" not in email.body.replace("&amp;", "")  # plain text, nothing escaped
        [message] = OutgoingMessage.objects.all()
        assert message.status == OutgoingMessage.Status.SENT
        assert (message.to, message.body, message.personalisation) == ("", "", {})

    def test_the_email_is_queued_in_the_same_transaction_as_its_rate_limit_count(self, day_club):
        client = shortlist_of(day_club)
        code = share(client)

        client.post(f"/shortlist/share/{code}/", {"email": "daughter@example.org"})

        message = OutgoingMessage.objects.get()
        assert message.kind == "shortlist" and message.to == "daughter@example.org" and not message.keep_recipient

    @pytest.mark.parametrize("typed, error", [
        ("", "Enter the email address to send the list to"),
        ("daughter at example", "Enter an email address in the correct format, like name@example.com"),
        ("a" * 300 + "@example.org", "Enter an email address in the correct format, like name@example.com"),
    ])
    def test_a_bad_address_is_told_beside_the_field_and_kept(self, day_club, typed, error):
        client = shortlist_of(day_club)
        code = share(client)

        response = client.post(f"/shortlist/share/{code}/", {"email": typed})
        html = response.content.decode()

        assert response.status_code == 200 and "<title>Error: Share your shortlist" in html
        assert html.count(error) == 2
        assert f'value="{typed}"' in html or not typed
        assert not OutgoingMessage.objects.exists()

    def test_emailing_is_limited_per_network(self, day_club, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "shortlist_email": (2, 60)}
        client = shortlist_of(day_club)
        code = share(client)
        for _ in range(2):
            client.post(f"/shortlist/share/{code}/", {"email": "daughter@example.org"})

        response = client.post(f"/shortlist/share/{code}/", {"email": "son@example.org"})

        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert "Too many attempts from your network" in text(response) and 'value="son@example.org"' in \
            response.content.decode()
        assert OutgoingMessage.objects.count() == 2
        # Another network may still send.
        assert client.post(f"/shortlist/share/{code}/", {"email": "son@example.org"},
                           REMOTE_ADDR="192.0.2.9").status_code == 302


class TestTheSharedListsPage:
    def test_a_shared_list_shows_each_visitor_their_own_count_and_never_their_list(self, day_club, home_help):
        code = share(shortlist_of(day_club))
        keeper = shortlist_of(home_help)
        keeper.get("/shortlist/")  # where "Home help is on your shortlist" is shown

        keepers = text(keeper.get(f"/shortlist/shared/{code}/"))
        strangers = text(Client().get(f"/shortlist/shared/{code}/"))

        assert "Your shortlist (1)" in keepers and "Home help" not in keepers
        assert "Your shortlist (0)" in strangers and "Home help" not in strangers

    def test_a_shared_list_renders_in_a_fixed_number_of_queries(self, day_club, home_help):
        code = share(shortlist_of(day_club, home_help))
        path = f"/shortlist/shared/{code}/"

        with CaptureQueriesContext(connection) as queries:
            assert Client().get(path).status_code == 200

        assert len(queries) == 2  # the code's list, and its services with their providers
