"""Bringing an existing directory in: the staff page (a CSV file of our open data's columns) and the command (that
too, or an Open Referral UK API, served here by a local server): a dry run first, then listings waiting for approval."""

import csv
import io
import re
from html import unescape as html_unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from core.spreadsheets import csv_lines
from enterprises import listings
from enterprises.models import Enterprise, ListingEvent, Service
from opendata import importer
from opendata.csv_export import COLUMNS, csv_rows, csv_services
from opendata.models import DirectoryImport, ImportedService
from tests.factories import make_area, make_category, make_enterprise, make_postcode, make_service
from tests.opendata.local_api import serving
from tests.personas import fast_passwords

HEADINGS = [heading for heading, _ in COLUMNS]
ORUK_ID = "8670d335-0001-8000-8000-0000000000aa"


def csv_file(*rows: dict, headings=HEADINGS, name="directory.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headings, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def a_service(**cells) -> dict:
    return {"Service name": "Knit and Natter", "Provider": "Droitwich Knitters", "Summary": "Knitting and a chat.",
            "Venue postcode": "WR1 2EY", "Days and times": "Tuesday, 2pm to 4pm", "Cost": "Free",
            "Phone": "01905 000000", "Email": "hello@knitters.example", **cells}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    fast_passwords(settings)


def signed_in(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def upload(client, file) -> object:
    return client.post("/council/import/", {"file": file})


def page_text(response) -> str:
    """What the page says, its tags left out."""
    return " ".join(html_unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def checked(client, *rows, **kwargs):
    """Upload a file and follow to its dry run."""
    response = upload(client, csv_file(*rows, **kwargs))
    assert response.status_code == 302, page_text(response)
    return client.get(response.url), response.url


# Who may use it -------------------------------------------------------------------------------------------------


@pytest.fixture
def an_import(people):
    return DirectoryImport.objects.create(
        council=people.stella.staff_membership.council, created_by=people.stella, source="directory.csv",
        rows=importer.rows_as_data(importer.read_csv(csv_file(a_service()).read())),
    )


@pytest.mark.django_db
class TestWhoMayImport:
    def urls(self, an_import):
        return [("get", "/council/import/"), ("post", "/council/import/"),
                ("get", f"/council/import/{an_import.pk}/"), ("post", f"/council/import/{an_import.pk}/confirm/")]

    def test_anyone_not_signed_in_is_sent_to_sign_in(self, people, an_import):
        for method, url in self.urls(an_import):
            response = getattr(Client(), method)(url)
            assert response.status_code == 302 and response.url.startswith("/sign-in/?next=/council/import/")

    @pytest.mark.parametrize("persona", ["jean", "ruth", "owen"])
    def test_providers_and_referrers_are_refused(self, people, an_import, persona):
        for method, url in self.urls(an_import):
            assert getattr(signed_in(getattr(people, persona)), method)(url).status_code == 403

    def test_staff_of_the_council_may_upload_check_and_confirm(self, people, an_import):
        client = signed_in(people.stella)

        assert client.get("/council/import/").status_code == 200
        assert client.get(f"/council/import/{an_import.pk}/").status_code == 200
        assert client.post(f"/council/import/{an_import.pk}/confirm/").status_code == 302
        assert Enterprise.objects.filter(name="Droitwich Knitters", council=people.lunch_club.council).exists()

    def test_staff_of_another_council_cannot_see_or_confirm_this_councils_import(self, people, an_import):
        client = signed_in(people.hugo)

        assert client.get("/council/import/").status_code == 200  # their own council's page
        assert client.get(f"/council/import/{an_import.pk}/").status_code == 404
        assert client.post(f"/council/import/{an_import.pk}/confirm/").status_code == 404
        assert not Enterprise.objects.filter(name="Droitwich Knitters").exists()

    def test_confirming_needs_a_post_with_the_csrf_token(self, people, an_import):
        assert signed_in(people.stella).get(f"/council/import/{an_import.pk}/confirm/").status_code == 405
        client = Client(enforce_csrf_checks=True)
        client.force_login(people.stella)
        assert client.post(f"/council/import/{an_import.pk}/confirm/").status_code == 403
        assert not Enterprise.objects.filter(name="Droitwich Knitters").exists()

    def test_what_another_councils_staff_import_goes_to_their_council(self, people):
        response, url = checked(signed_in(people.hugo), a_service())
        signed_in(people.hugo).post(url + "confirm/")

        assert Enterprise.objects.get(name="Droitwich Knitters").council == people.hugo.staff_membership.council


# The dry run ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestTheDryRun:
    def test_it_shows_what_would_be_created_and_imports_nothing(self, people):
        response, _ = checked(signed_in(people.stella), a_service(), a_service(**{"Service name": "Sock club"}))

        text = page_text(response)
        assert "2 new services to list" in text
        assert "line 2 Knit and Natter Droitwich Knitters" in text
        assert "line 3 Sock club Droitwich Knitters" in text
        assert "Import 2 services" in text
        assert not Enterprise.objects.filter(name="Droitwich Knitters").exists()

    def test_a_service_like_one_already_listed_at_that_postcode_is_shown_and_not_imported(self, people):
        client = signed_in(people.stella)
        response, url = checked(client, a_service(**{"Service name": "thursday day club", "Provider": "Other"}))

        text = page_text(response)
        assert "1 that look like listings you already have" in text
        assert "Thursday Day Club (Malvern Lunch Club, WR1 2EY)" in text
        assert "There is nothing in this file to import" in text

    def test_bad_rows_are_reported_with_their_line_and_reason(self, people):
        response, _ = checked(
            signed_in(people.stella),
            a_service(),
            a_service(**{"Service name": "", "Minimum age": "99999999999999999999999"}),
            a_service(**{"Service name": "Walks", "Venue postcode": "NOT A POSTCODE", "Email": "not an email"}),
            a_service(**{"Service name": "Lunch", "Days and times": "Monday, teatime"}),
        )

        text = page_text(response)
        assert "line 3 Service name: This field cannot be blank.; Minimum age: Ensure this value is less than" in text
        assert "line 4 Venue postcode: “NOT A POSTCODE” is not a postcode; Email: Enter a valid email address." in text
        assert "line 5 Days and times: “teatime” is not a time like 10am or 3:30pm" in text
        assert "Import 1 service" in text

    def test_names_we_do_not_have_are_listed_as_left_out(self, people):
        make_category("Day clubs")
        response, _ = checked(signed_in(people.stella), a_service(**{
            "Types of support": "Day clubs; Underwater basket weaving", "How it is delivered": "By pigeon"}))

        text = page_text(response)
        assert "How it is delivered: “By pigeon” is not one of ours" in text
        assert "Category “Underwater basket weaving”" in text
        assert "Category “Day clubs”" not in text


# Odd files: a message beside the field, never a server error ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "message"), [
    (b"", "The selected file is empty"),
    (b"   \n  ", "The file is empty"),
    (b"name,colour\nKnitters,blue\n", "The file does not have the columns of our open data"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "The file is not a CSV file"),
    ("Service name,Provider\nKnit\x00ting,Knitters\n".encode(), "The file is not a CSV file"),
    ("Service name,Provider\nCafé,Knitters\n".encode("latin-1"), "The file is not UTF-8 text"),
    (b"Service name,Provider\n", "The file has column headings but no services"),
    (b'Service name,Provider\n"' + b"x" * 200_000 + b'",Knitters\n', "cannot be read as CSV at line"),
])
def test_a_file_that_cannot_be_read_is_told_beside_the_field(people, content, message):
    response = upload(signed_in(people.stella), SimpleUploadedFile("odd.csv", content))

    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert message in text
    assert 'href="#id_file"' in response.content.decode()  # the error summary's link to the field
    assert not DirectoryImport.objects.exists()


@pytest.mark.django_db
def test_no_file_and_a_file_too_large_are_told(people, settings):
    client = signed_in(people.stella)
    assert "Select a CSV file" in page_text(client.post("/council/import/", {}))

    big = SimpleUploadedFile("big.csv", b"Service name,Provider\n" + b"a,b\n" * (importer.MAX_CSV_BYTES // 4 + 1))
    assert "The selected file must be smaller than 5 MB" in page_text(upload(client, big))


@pytest.mark.django_db
def test_huge_numbers_in_every_number_column_are_bad_rows_not_errors(people):
    huge = "9" * 40
    response, url = checked(signed_in(people.stella), a_service(**{
        "Minimum age": huge, "Maximum age": "-1", "Cost": f"£{huge} per hour",
        "Areas covered": f"Within {huge} miles of WR1",
        "Capacity confirmed on": "2026-13-45"}))

    text = page_text(response)
    assert "line 2 Areas covered: Ensure this value is less than or equal to 50." in text
    assert "Minimum age: Ensure this value is less than or equal to 32767." in text
    assert "Maximum age: Ensure this value is greater than or equal to 0." in text
    assert "Cost: Ensure that there are no more than 7 digits in total." in text
    assert "Capacity confirmed on: “2026-13-45” value has the correct format (YYYY-MM-DD) but it is an invalid" in text
    assert signed_in(people.stella).post(url + "confirm/").status_code == 302  # nothing to import: still no error
    assert not Enterprise.objects.filter(name="Droitwich Knitters").exists()


# Confirming -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestConfirming:
    def test_new_listings_wait_for_approval_with_their_history(self, people):
        client = signed_in(people.stella)
        _, url = checked(client, a_service(), a_service(**{"Service name": "Sock club"}),
                         a_service(**{"Service name": "Walks", "Provider": "Pershore Walkers"}))

        response = client.post(url + "confirm/", follow=True)

        assert "3 new services, 0 updated" in page_text(response)
        assert "2 new listings are waiting for approval" in page_text(response)
        knitters = Enterprise.objects.get(name="Droitwich Knitters")
        assert knitters.status == Enterprise.Status.SUBMITTED
        assert knitters.council == people.lunch_club.council
        assert sorted(knitters.services.values_list("name", flat=True)) == ["Knit and Natter", "Sock club"]
        event = ListingEvent.objects.get(enterprise=knitters)
        assert (event.action, event.actor) == ("imported", people.stella)
        assert event.message == "Imported from the file directory.csv"
        assert "Droitwich Knitters" in page_text(client.get("/council/"))
        review = page_text(client.get(f"/council/listings/{knitters.slug}/"))
        assert "Imported from another directory Imported from the file directory.csv" in review
        service = knitters.services.get(name="Knit and Natter")
        assert (service.days, str(service.opens_at), service.venue_easting) == (["tue"], "14:00:00", 385000)

    def test_confirming_twice_imports_once(self, people):
        client = signed_in(people.stella)
        _, url = checked(client, a_service())

        client.post(url + "confirm/")
        again = client.post(url + "confirm/", follow=True)

        assert "This file was already imported: nothing was imported again" in page_text(again)
        assert Service.objects.filter(name="Knit and Natter").count() == 1

    def test_importing_the_same_source_again_updates_listings_not_yet_published(self, people):
        client = signed_in(people.stella)
        _, url = checked(client, a_service(**{"Open Referral UK ID": ORUK_ID}))
        client.post(url + "confirm/")

        response, url = checked(client, a_service(**{"Open Referral UK ID": ORUK_ID, "Summary": "Now with tea."}))
        assert "1 service imported before, to update" in page_text(response)
        client.post(url + "confirm/")

        service = Service.objects.get(name="Knit and Natter")
        assert service.summary == "Now with tea."
        assert Enterprise.objects.filter(name="Droitwich Knitters").count() == 1

    def test_a_published_listing_is_not_changed_by_an_import(self, people):
        client = signed_in(people.stella)
        _, url = checked(client, a_service(**{"Open Referral UK ID": ORUK_ID}))
        client.post(url + "confirm/")
        listing = Enterprise.objects.get(name="Droitwich Knitters")
        listings.approve_listing(enterprise=listing, by=people.stella, missing_checks_reason="Phoned them")

        response, _ = checked(client, a_service(**{"Open Referral UK ID": ORUK_ID, "Summary": "Changed"}))

        assert "which is published: change it from its own page" in page_text(response)
        assert Service.objects.get(name="Knit and Natter").summary == "Knitting and a chat."

    def test_a_failure_part_way_leaves_nothing_imported(self, people, monkeypatch):
        client = signed_in(people.stella)
        _, url = checked(client, a_service(), a_service(**{"Service name": "Walks", "Provider": "Pershore Walkers"}))
        real, calls = listings.import_listings, []

        def fails_once_the_listings_are_made(**kwargs):
            calls.append(real(**kwargs))
            raise RuntimeError("the database went away")

        monkeypatch.setattr(listings, "import_listings", fails_once_the_listings_are_made)
        client.raise_request_exception = False
        assert client.post(url + "confirm/").status_code == 500

        assert [listing.name for listing in calls[0]] == ["Droitwich Knitters", "Pershore Walkers"]
        assert not Enterprise.objects.filter(name__in=["Droitwich Knitters", "Pershore Walkers"]).exists()
        assert DirectoryImport.objects.get().confirmed_at is None


# Our own CSV, round the loop ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_our_csv_imported_into_an_empty_directory_exports_the_same(people, full_service, client):
    council = people.lunch_club.council
    full_service.enterprise.council = council
    full_service.enterprise.save()
    not_the_listing = {"Service ID", "Open Referral UK ID", "Service page", "Last updated"}

    def exported():
        rows = list(csv_rows(csv_services()))
        keep = [i for i, heading in enumerate(rows[0]) if heading not in not_the_listing]
        return sorted([[str(row[i]) for i in keep] for row in rows[1:]])

    before = exported()
    data = "".join(csv_lines(csv_rows(csv_services()))).encode()
    Enterprise.objects.all().delete()

    signed = signed_in(people.stella)
    _, url = checked_file(signed, data)
    signed.post(url + "confirm/")
    for listing in Enterprise.objects.all():
        listings.approve_listing(enterprise=listing, by=people.stella, missing_checks_reason="Phoned them")

    assert exported() == before
    assert ImportedService.objects.count() == 3


def checked_file(client, data: bytes):
    response = upload(client, SimpleUploadedFile("ours.csv", data))
    assert response.status_code == 302, page_text(response)
    return client.get(response.url), response.url


# The command, from a CSV file or an Open Referral UK API --------------------------------------------------------


@pytest.mark.django_db
class TestTheCommand:
    def test_without_confirm_it_shows_the_dry_run_and_imports_nothing(self, people, tmp_path, capsys):
        path = tmp_path / "directory.csv"
        path.write_bytes(csv_file(a_service(), a_service(**{"Service name": ""})).read())

        call_command("import_directory", csv=str(path), council=people.lunch_club.council.slug)

        out = capsys.readouterr().out
        assert "Would create 1, update 0; 0 look like listings we have; 1 cannot be imported." in out
        assert "not imported  line 3: Service name: This field cannot be blank." in out
        assert "Nothing imported yet" in out
        assert not Enterprise.objects.filter(name="Droitwich Knitters").exists()

    def test_it_reads_every_page_of_an_api_and_reports_bad_services_by_id(self, people, capsys):
        good = {"id": ORUK_ID, "name": "Knit and Natter", "organization_id": "org-1",
                "organization": {"id": "org-1", "name": "Droitwich Knitters"}}
        bad = {"id": "svc-2", "name": "", "organization": {"name": "Droitwich Knitters"}}
        answers = {
            "/services?page=1&per_page=100": {"contents": [{"id": ORUK_ID}], "total_pages": 2, "last_page": False},
            "/services?page=2&per_page=100": {"contents": [{"id": "svc-2"}, {"id": "svc-3"}], "total_pages": 2,
                                               "last_page": True},
            f"/services/{ORUK_ID}": good, "/services/svc-2": bad, "/services/svc-3": b"not json",
        }
        with serving(answers) as api:
            call_command("import_directory", oruk=api, council=people.lunch_club.council.slug, confirm=True)

        out = capsys.readouterr().out
        assert "not imported  id svc-2: Service name: This field cannot be blank." in out
        assert "not imported  id svc-3: " in out and "did not answer with JSON" in out
        assert "Imported: 1 services in 1 new listings waiting for approval; 0 updated." in out
        assert ImportedService.objects.get().source_id == ORUK_ID

    @pytest.mark.parametrize(("address", "message"), [
        ("file:///etc/passwd", "must start http:// or https://"),
        ("ftp://example.org/api", "must start http:// or https://"),
        ("http://127.0.0.1:9/api", "did not answer"),
    ])
    def test_an_api_that_cannot_be_read_is_told(self, people, address, message):
        with pytest.raises(CommandError, match=message):
            call_command("import_directory", oruk=address, council=people.lunch_club.council.slug)

    def test_a_redirect_to_another_scheme_is_not_followed(self, people):
        with serving({"/services": ("redirect", "file:///etc/passwd")}) as api:
            with pytest.raises(CommandError, match="did not answer"):
                call_command("import_directory", oruk=api, council=people.lunch_club.council.slug)

    def test_an_answer_too_large_is_refused(self, people, monkeypatch):
        from opendata import oruk_client

        monkeypatch.setattr(oruk_client, "MAX_RESPONSE_BYTES", 100)
        with serving({"/services": {"contents": [{"id": "x" * 200}]}}) as api:
            with pytest.raises(CommandError, match="answered with more than"):
                call_command("import_directory", oruk=api, council=people.lunch_club.council.slug)

    def test_an_unknown_council_or_someone_not_on_its_staff_is_refused(self, people, tmp_path):
        path = tmp_path / "d.csv"
        path.write_bytes(csv_file(a_service()).read())
        with pytest.raises(CommandError, match="No council has the slug"):
            call_command("import_directory", csv=str(path), council="nowhere")
        with pytest.raises(CommandError, match="is not on the staff of"):
            call_command("import_directory", csv=str(path), council=people.lunch_club.council.slug,
                         by=people.hugo.email)


@pytest.mark.django_db
def test_every_column_of_our_csv_is_read_or_deliberately_not(people):
    """Our export's columns are the one list (opendata/csv_export.py); a new one there must be read here too."""
    make_area("Worcester", 385100, 255100, people.lunch_club.council)
    make_postcode("WR14 4AA", 377500, 245800)
    row = importer.read_csv(csv_file(a_service(**{"Areas covered": "Within 3 miles of WR14; Worcester"})).read())[0]
    assert (row.service["coverage_radius_miles"], row.service["coverage_postcode"]) == (3, "WR14")
    assert row.areas == ["Worcester"]
    source = open(importer.__file__).read()
    not_read = {"Service ID", "Service page", "Last updated"}
    assert [heading for heading in HEADINGS if f'"{heading}"' not in source and heading not in not_read] == []


@pytest.mark.django_db
def test_a_service_without_a_postcode_is_a_likely_duplicate_only_of_one_without_a_postcode_of_the_same_names(people):
    council = people.lunch_club.council
    response, _ = checked(signed_in(people.stella),
                          a_service(**{"Service name": "Thursday Day Club", "Provider": "Malvern Lunch Club",
                                       "Venue postcode": ""}))
    assert "1 new service to list" in page_text(response)

    make_service("Phone friends", enterprise=make_enterprise("Call Club", council=council))
    response, _ = checked(signed_in(people.stella),
                          a_service(**{"Service name": "phone friends", "Provider": "CALL CLUB", "Venue postcode": ""}))
    assert "Phone friends (Call Club, no postcode)" in page_text(response)


ODD_VALUES = [None, "", "\x00", "x" * 10_000, 10**40, -1, 1.5e308, float("nan"), float("inf"), [], {},
              ["a", {"b": None}], {"name": 5}, True]
ORUK_FIELDS = ["id", "name", "description", "organization", "organization_id", "minimum_age", "maximum_age",
               "languages", "service_at_locations", "schedules", "cost_options", "fees", "service_areas", "phones",
               "contacts", "attributes", "alert", "accreditations", "email"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_an_api_service_with_odd_values_anywhere_is_a_bad_row_or_a_good_one_never_an_error(people, value):
    council = people.lunch_club.council
    for name in ORUK_FIELDS:
        service = {"id": f"svc-{name}", "name": "Walks", "organization": {"name": "Pershore Walkers"}, name: value}
        row = importer.read_oruk_service(service)
        importer.plan([row], council)
        if not row.problems:
            importer.apply([row], council=council, by=None, source="a test")
    nested = {
        "organization": lambda v: {"name": "Pershore Walkers", "description": v, "email": v, "website": v},
        "schedules": lambda v: [{"byday": v, "opens_at": v, "closes_at": v, "notes": v, "attending_type": v}],
        "cost_options": lambda v: [{"amount": v, "amount_description": v, "option": v}],
        "service_at_locations": lambda v: [{"location": {"name": v, "addresses": [{"address_1": v, "postal_code": v}],
                                                          "accessibility": [{"description": v}]}}],
        "attributes": lambda v: [{"link_type": v, "taxonomy_term": {"name": v, "taxonomy": v}}],
        "phones": lambda v: [{"number": v}],
        "service_areas": lambda v: [{"name": v}],
    }
    for name, record in nested.items():
        service = {"id": f"nested-{name}", "name": "Walks", "organization": {"name": "Pershore Walkers"},
                   name: record(value)}
        row = importer.read_oruk_service(service)
        importer.plan([row], council)
        if not row.problems:
            importer.apply([row], council=council, by=None, source="a test")
    assert importer.read_oruk_service(["not", "a", "service"]).problems == ["It is not a service record"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", [
    "x" * 10_000, "9" * 40, "-1", "1e309", "NaN", "£", "£1e999 per hour", "Donation (suggested £)",
    "Within 99999999999 miles of ZZ", "🙂;🙂", "=cmd()", "Monday, 25pm to 99am", "31/02/2026",
    "Full; Taking new people", " ; ; ",
], ids=lambda v: v[:20])
def test_odd_text_in_any_column_of_a_csv_file_is_a_bad_row_or_a_good_one_never_an_error(people, value):
    council = people.lunch_club.council
    for heading in HEADINGS:
        rows = importer.read_csv(csv_file(a_service(**{heading: value, "Open Referral UK ID": ""})).read())
        importer.plan(rows, council)
        importer.apply(rows, council=council, by=None, source="a test")


@pytest.mark.django_db
def test_two_rows_with_the_same_id_import_the_first_and_report_the_second(people):
    response, _ = checked(signed_in(people.stella), a_service(**{"Open Referral UK ID": ORUK_ID}),
                          a_service(**{"Open Referral UK ID": ORUK_ID, "Service name": "Sock club"}))

    text = page_text(response)
    assert "1 new service to list" in text
    assert "line 3 It has the same id as line 2" in text
