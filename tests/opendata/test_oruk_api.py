"""The Open Referral UK 3.0 API: valid against the official schemas, published listings only, open to any website."""

import json
import uuid
from datetime import date, datetime, time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.dates import long_date
from enterprises.models import (
    Capacity,
    CostType,
    Delivery,
    Enterprise,
    EnterpriseCheck,
    Organisation,
)
from opendata import oruk
from tests.factories import (
    days_ago,
    make_category,
    make_client_group,
    make_enterprise,
    make_postcode,
    make_referral,
    make_service,
    make_user,
)
from tests.opendata.openapi_copy import response_schema, schema_errors, schema_file

API = "/api/oruk"


def validate(instance, schema: str) -> None:
    """`schema` is the address of a schema in the project's copy of the profile (tests/opendata/openapi_copy.py),
    whose JSON Schemas are the profile's byte for byte, so this runs wherever the project is cloned."""
    errors = schema_errors(instance, schema)
    assert not errors, f"not valid against {schema}:\n" + "\n".join(errors)


def get(client, path, status=200, **params):
    response = client.get(API + path, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def names(data) -> list[str]:
    return [item.get("name") or item["service"]["name"] for item in data["contents"]]


PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


def paging(data) -> tuple:
    """The page wrapper's fields, in the order openapi.json lists them."""
    return tuple(data[key] for key in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page",
                                       "empty"))


def service_id(service) -> str:
    return oruk.oruk_id("service", service.pk)


def sal_id(service) -> str:
    return oruk.oruk_id("service_at_location", service.pk)


@pytest.mark.django_db
class TestTheResponsesMatchTheOfficialSchemas:
    def test_the_root_says_which_standard_it_follows(self, client):
        data = get(client, "/")

        validate(data, response_schema("/"))
        assert data == {"version": "3.0", "profile": oruk.PROFILE_URL, "openapi_url": oruk.OPENAPI_URL}

    def test_a_full_service(self, client, full_service):
        data = get(client, f"/services/{service_id(full_service)}")

        validate(data, response_schema("/services/{id}"))
        for phone in data["phones"]:  # HSDS 3.0 fields that the profile's compiled schema leaves out
            validate(phone, schema_file("phone.json"))
        for language in data["languages"]:
            validate(language, schema_file("language.json"))
        for key in ("service_at_locations", "schedules", "service_areas", "languages", "cost_options", "phones",
                    "contacts", "attributes"):
            assert data[key], f"{key} is empty"
        location = data["service_at_locations"][0]["location"]
        assert location["addresses"] and location["accessibility"]

    def test_the_services_page(self, client, full_service):
        make_service("Plain service")  # with nothing but a name

        data = get(client, "/services")

        validate(data, response_schema("/services"))
        assert set(data) == PAGE_KEYS and data["total_items"] == 2

    def test_the_service_at_locations_page(self, client, full_service):
        data = get(client, "/service_at_locations")

        validate(data, response_schema("/service_at_locations"))
        assert set(data) == PAGE_KEYS and data["total_items"] == 1

    def test_a_full_service_at_location(self, client, full_service):
        data = get(client, f"/service_at_locations/{sal_id(full_service)}")

        # compiled/service_at_location.json: the profile gives compiled/service.json, which the copy mends
        validate(data, response_schema("/service_at_locations/{id}"))
        assert data["service"]["id"] == service_id(full_service)
        assert data["location"]["addresses"][0]["postal_code"] == "WR14 4AA"

    def test_taxonomies_and_their_terms(self, client, full_service, home_help):
        taxonomies = get(client, "/taxonomies")
        validate(taxonomies, response_schema("/taxonomies"))
        assert [item["name"] for item in taxonomies["contents"]] == ["Types of support", "Who it is for"]

        types = get(client, f"/taxonomies/{taxonomies['contents'][0]['id']}")
        validate(types, response_schema("/taxonomies/{id}"))
        assert {term["name"] for term in types["taxonomy_terms"]} == {"Day clubs", "Home help"}

        terms = get(client, "/taxonomy_terms")
        validate(terms, response_schema("/taxonomy_terms"))
        assert {term["name"] for term in terms["contents"]} == {"Day clubs", "Home help", "Carers"}

        term = get(client, f"/taxonomy_terms/{terms['contents'][0]['id']}")
        validate(term, response_schema("/taxonomy_terms/{id}"))
        assert term == terms["contents"][0]

    def test_an_error_page_and_an_empty_page_are_valid_too(self, client):
        validate(get(client, "/services", page=3), response_schema("/services"))
        nothing = get(client, "/service_at_locations", search="nothing matches")
        validate(nothing, response_schema("/service_at_locations"))

    def test_the_validation_is_not_a_formality(self):
        with pytest.raises(AssertionError, match="'status' is a required property"):
            validate({"id": str(uuid.uuid4()), "name": "No status"}, response_schema("/services/{id}"))
        with pytest.raises(AssertionError, match="is not a 'uuid'"):
            validate({"id": "service-12", "name": "A", "status": "active"}, response_schema("/services/{id}"))
        with pytest.raises(AssertionError, match="is not of type 'integer'"):
            validate({"total_items": "3", "contents": []}, response_schema("/services"))
        with pytest.raises(AssertionError, match="is not of type 'string'"):
            validate({"total_items": 1, "contents": [{"id": str(uuid.uuid4()), "name": None, "status": "active"}]},
                     response_schema("/services"))


@pytest.mark.django_db
class TestWhatIsPublished:
    def test_the_service_and_its_organization(self, client, full_service):
        data = get(client, f"/services/{service_id(full_service)}")

        assert data["name"] == "Thursday day club"
        assert data["description"] == "A friendly day out with lunch.\n\nGames, music and a hot two-course lunch."
        assert data["url"] == f"{settings.SITE_URL}/services/{full_service.pk}/"
        assert data["email"] == "hello@example.org"
        assert data["status"] == "active"
        assert (data["minimum_age"], data["maximum_age"]) == (18, 99)
        assert data["fees"] == "£32.00 per day. Lunch included"
        assert data["accreditations"] == (
            "Registered with the Care Quality Commission: 1-123456789. "
            f"Meets the local quality standard, checked {long_date(days_ago(30))}"
        )
        assert data["alert"] == f"Waiting list (confirmed {long_date(days_ago(5))})"
        assert data["assured_date"] == days_ago(20).isoformat()
        assert datetime.fromisoformat(data["last_modified"]) <= timezone.now()
        assert data["organization"] == {
            "id": oruk.oruk_id("organization", full_service.enterprise.pk),
            "name": "Malvern Hills Lunch Club",
            "description": "Lunch and company in Malvern.\n\nRun by volunteers since 2019.",
            "email": "hello@example.org",
            "website": "https://example.org/lunch",
        }
        assert data["organization_id"] == data["organization"]["id"]
        assert data["phones"] == [{"id": oruk.oruk_id("phone", full_service.pk), "service_id": data["id"],
                                   "number": "01632 960123"}]
        assert [contact["name"] for contact in data["contacts"]] == ["Jean Smith"]

    def test_the_venue(self, client, full_service):
        location = get(client, f"/services/{service_id(full_service)}")["service_at_locations"][0]["location"]

        assert location["location_type"] == "physical" and location["name"] == "Priory Church Hall"
        assert location["latitude"] == pytest.approx(52.10, abs=0.02)
        assert location["longitude"] == pytest.approx(-2.33, abs=0.02)
        address = location["addresses"][0]
        assert (address["address_1"], address["city"], address["postal_code"], address["country"]) == (
            "Church Street", "Great Malvern", "WR14 4AA", "GB"
        )
        assert [item["description"] for item in location["accessibility"]] == [
            "Step-free access", "Hearing loop", "Accessible toilet", "Large-print menus"
        ]

    def test_days_and_times_are_a_weekly_schedule(self, client, full_service):
        [schedule] = get(client, f"/services/{service_id(full_service)}")["schedules"]

        assert schedule["freq"] == "WEEKLY" and schedule["byday"] == "MO,TH"
        assert (schedule["opens_at"], schedule["closes_at"]) == ("10:00", "15:30")
        assert schedule["description"] == "Monday, Thursday, 10am to 3:30pm"
        assert schedule["notes"] == "Not on bank holidays"
        assert schedule["attending_type"] == "At a venue, At the person’s home"

    def test_a_note_alone_is_a_schedule_without_days(self, client):
        service = make_service(schedule_note="Second Tuesday of the month")

        [schedule] = get(client, f"/services/{service_id(service)}")["schedules"]

        assert "byday" not in schedule and "description" not in schedule
        assert schedule["notes"] == "Second Tuesday of the month"

    def test_coverage_names_the_postcode_district_not_the_base_postcode(self, client, full_service):
        data = get(client, f"/services/{service_id(full_service)}")

        assert [area["name"] for area in data["service_areas"]] == ["Within 5 miles of WR14", "Worcester"]
        assert "WR14 2BB" not in json.dumps(data)

    @pytest.mark.parametrize(
        ("cost", "expected"),
        [
            ({"cost_type": CostType.FREE}, {"amount": 0, "amount_description": "Free"}),
            ({"cost_type": CostType.PER_HOUR, "cost_amount": 18.5}, {"amount": 18.5, "amount_description": "per hour"}),
            ({"cost_type": CostType.DONATION}, {"amount_description": "Donation"}),
            ({"cost_type": CostType.DONATION, "cost_amount": 3},
             {"amount": 3.0, "amount_description": "Donation, suggested amount"}),
        ],
    )
    def test_the_cost(self, client, cost, expected):
        service = make_service(**cost)

        [option] = get(client, f"/services/{service_id(service)}")["cost_options"]

        assert {key: option[key] for key in ("amount", "amount_description") if key in option} == expected

    def test_no_cost_given_is_no_cost_option(self, client):
        service = make_service(cost_type="")

        assert get(client, f"/services/{service_id(service)}")["cost_options"] == []

    def test_ways_to_pay_are_the_cost_options_condition(self, client, full_service):
        [option] = get(client, f"/services/{service_id(full_service)}")["cost_options"]

        assert option["option"] == "Lunch included. Ways to pay: paying for yourself, direct payment or personal budget"

    def test_languages_one_each_with_a_code_where_known(self, client, full_service):
        languages = get(client, f"/services/{service_id(full_service)}")["languages"]

        assert [(item["name"], item.get("code")) for item in languages] == [
            ("English", "en"), ("Polish", "pl"), ("BSL", "bfi")
        ]

    def test_categories_and_client_groups_are_attributes_linking_taxonomy_terms(self, client, full_service):
        data = get(client, f"/services/{service_id(full_service)}")
        taxonomies = {item["name"]: item["id"] for item in get(client, "/taxonomies")["contents"]}

        linked = {(item["link_type"], item["taxonomy_term"]["name"], item["taxonomy_term"]["taxonomy_id"])
                  for item in data["attributes"]}
        assert linked == {
            ("type_of_support", "Day clubs", taxonomies["Types of support"]),
            ("intended_audience", "Carers", taxonomies["Who it is for"]),
        }
        day_clubs = next(item for item in data["attributes"] if item["link_type"] == "type_of_support")
        assert day_clubs["taxonomy_term"]["term"] == "cd-day-clubs"
        assert day_clubs["link_id"] == data["id"]

    def test_a_stale_capacity_is_not_published(self, client):
        service = make_service(capacity=Capacity.TAKING, capacity_confirmed_on=days_ago(400))

        assert "alert" not in get(client, f"/services/{service_id(service)}")

    def test_lapsed_checks_are_an_alert(self, client):
        enterprise = make_enterprise(insurance_expires_on=days_ago(3), review_due_on=days_ago(10))
        service = make_service(enterprise=enterprise, capacity=Capacity.NOT_KNOWN)

        alert = get(client, f"/services/{service_id(service)}")["alert"]

        assert f"insurance expired on {long_date(days_ago(3))}" in alert
        assert f"review of this listing was due on {long_date(days_ago(10))}" in alert

    def test_a_service_without_a_venue_has_no_service_at_location(self, client):
        service = make_service(delivery=[Delivery.HOME])

        assert get(client, f"/services/{service_id(service)}")["service_at_locations"] == []
        assert get(client, "/service_at_locations")["total_items"] == 0
        get(client, f"/service_at_locations/{sal_id(service)}", status=404)

    def test_fields_we_do_not_have_are_left_out_not_null(self, client):
        service = make_service("Bare", enterprise=make_enterprise(summary=""), capacity=Capacity.NOT_KNOWN)

        data = get(client, f"/services/{service_id(service)}")

        assert None not in data.values()
        assert not {"email", "minimum_age", "maximum_age", "alert", "accreditations", "assured_date"} & set(data)
        assert data["organization"]["description"] == ""  # required by the schema, so empty rather than absent


@pytest.mark.django_db
class TestIds:
    def test_a_service_id_carries_its_key_and_comes_back(self, client, full_service):
        expected = f"8670d335-0001-8000-8000-{full_service.pk:012x}"

        assert get(client, "/services")["contents"][0]["id"] == expected
        assert uuid.UUID(expected).version == 8
        assert get(client, f"/services/{expected.upper()}")["id"] == expected
        assert get(client, f"/services/{expected}/")["id"] == expected

    def test_an_id_of_another_kind_or_another_namespace_names_no_service(self, full_service):
        assert oruk.pk_from_id("service", uuid.UUID(service_id(full_service))) == full_service.pk
        assert oruk.pk_from_id("service", uuid.UUID(sal_id(full_service))) is None
        assert oruk.pk_from_id("service", uuid.uuid4()) is None
        assert oruk.pk_from_id("service", uuid.uuid5(oruk.NAMESPACE, f"service:{full_service.pk}")) is None

    def test_an_id_means_the_same_record_in_every_response(self, client, full_service):
        listed = get(client, "/service_at_locations")["contents"][0]
        full = get(client, f"/services/{service_id(full_service)}")

        assert listed["id"] == full["service_at_locations"][0]["id"]
        assert listed["location"]["id"] == full["service_at_locations"][0]["location"]["id"]
        assert listed["service"]["id"] == full["id"]

    @pytest.mark.parametrize("path", ["/services/12", "/service_at_locations/nope", "/taxonomies/1",
                                      "/taxonomy_terms/day-clubs"])
    def test_an_id_that_is_not_a_uuid_is_a_400(self, client, path):
        data = get(client, path, status=400)

        assert "is a UUID" in data["message"] and data["parameter"] == "id"

    @pytest.mark.parametrize("path", ["/services", "/service_at_locations", "/taxonomies", "/taxonomy_terms"])
    def test_an_unknown_id_is_a_404(self, client, path):
        data = get(client, f"{path}/{uuid.uuid4()}", status=404)

        assert data["status"] == 404 and "no" in data["message"]


HIDDEN = [
    {"status": Enterprise.Status.DRAFT},
    {"status": Enterprise.Status.SUBMITTED},
    {"status": Enterprise.Status.CHANGES_REQUESTED},
    {"status": Enterprise.Status.SUSPENDED},
    {"status": Enterprise.Status.ARCHIVED},
    {"status": Enterprise.Status.REJECTED},
    {"status": Enterprise.Status.PUBLISHED, "review_due_on": date(2000, 1, 1)},  # long overdue for its review
]


@pytest.mark.django_db
class TestOnlyPublishedListings:
    @pytest.mark.parametrize("hidden_as", HIDDEN, ids=lambda fields: "-".join(map(str, fields.values())))
    def test_a_listing_the_public_may_not_see_is_in_no_endpoint(self, client, hidden_as, day_clubs, worcester,
                                                                home_postcode):
        venue = make_postcode("WR1 3AA", 385100, 255100)
        shown = make_service("Shown club", venue=venue, categories=[day_clubs], coverage_areas=[worcester])
        hidden = make_service("Hidden club", enterprise=make_enterprise("Hidden Ltd", **hidden_as), venue=venue,
                              categories=[day_clubs], coverage_areas=[worcester])
        term = get(client, "/taxonomy_terms")["contents"][0]["id"]

        for path, params in [
            ("/services", {}),
            ("/services", {"search": "club"}),
            ("/services", {"taxonomy_term_id": term}),
            ("/service_at_locations", {}),
            ("/service_at_locations", {"postcode": "WR1 2EY", "proximity": 5000}),
            ("/service_at_locations", {"postcode": "WR1 2EY"}),
        ]:
            data = get(client, path, **params)
            assert names(data) == ["Shown club"], (path, params)
            assert "Hidden" not in json.dumps(data)
        get(client, f"/services/{service_id(hidden)}", status=404)
        get(client, f"/service_at_locations/{sal_id(hidden)}", status=404)
        assert get(client, f"/services/{service_id(shown)}")["name"] == "Shown club"

    def test_unknown_and_unpublished_ids_get_the_same_answer(self, client):
        hidden = make_service(enterprise=make_enterprise(status=Enterprise.Status.DRAFT))
        unknown = oruk.oruk_id("service", 999999999)

        assert get(client, f"/services/{service_id(hidden)}", status=404)["message"] == (
            f"There is no published service with the id {service_id(hidden)}"
        )
        assert get(client, f"/services/{unknown}", status=404)["message"] == (
            f"There is no published service with the id {unknown}"
        )

    def test_no_referral_data_is_ever_published(self, client, full_service):
        council = full_service.enterprise.council
        referrer = make_user("worker@example.org", name="Ruth Worker")
        Organisation.objects.create(council=council, name="Adult Social Care").members.add(referrer)
        make_referral(service=full_service, referrer=referrer, person_name="Margaret Evans")

        everything = "".join(
            json.dumps(get(client, path))
            for path in ["/services", f"/services/{service_id(full_service)}", "/service_at_locations",
                         f"/service_at_locations/{sal_id(full_service)}"]
        )

        for private in ("Margaret Evans", "Ruth Worker", "worker@example.org", "Adult Social Care", "walking frame"):
            assert private not in everything


@pytest.mark.django_db
class TestPaging:
    @pytest.fixture
    def three(self, db):
        return [make_service(f"Service {n}") for n in range(3)]

    def test_a_middle_and_the_last_page(self, client, three):
        first = get(client, "/services", per_page=2)
        last = get(client, "/services", per_page=2, page=2)

        assert paging(first) == (3, 2, 1, 2, True, False, False)
        assert paging(last) == (3, 2, 2, 1, False, True, False)
        assert set(names(first)) | set(names(last)) == {"Service 0", "Service 1", "Service 2"}

    def test_a_page_past_the_end_is_empty_not_an_error(self, client, three):
        data = get(client, "/services", per_page=2, page=7)

        assert paging(data) == (3, 2, 7, 0, False, True, True) and data["contents"] == []

    def test_nothing_found_is_one_empty_page(self, client, three):
        data = get(client, "/services", search="zebra")

        assert paging(data) == (0, 0, 1, 0, True, True, True) and data["contents"] == []

    def test_fifty_a_page_unless_asked(self, client):
        for n in range(52):
            make_service(f"Service {n}")

        assert get(client, "/services")["size"] == 50
        assert get(client, "/services", per_page=100)["size"] == 52

    @pytest.mark.parametrize("asked", [101, 500, "0500", 10**30])
    def test_a_page_bigger_than_100_is_served_as_100_and_says_so(self, client, asked):
        """Clients ask for big pages (the DfE's checker asks for 500): they get 100, and `size` and `total_pages`
        say so, so that following the pages still reads everything."""
        for n in range(103):
            make_service(f"Service {n}")

        first = get(client, "/services", per_page=asked)
        second = get(client, "/services", per_page=asked, page=2)

        assert paging(first) == (103, 2, 1, 100, True, False, False)
        assert paging(second) == (103, 2, 2, 3, False, True, False)
        assert len(set(names(first)) | set(names(second))) == 103

    @pytest.mark.parametrize("path", ["/taxonomies", "/taxonomy_terms", "/service_at_locations"])
    def test_every_list_takes_a_big_page(self, client, path, day_clubs, carers):
        data = get(client, path, per_page=500)

        assert data["size"] == len(data["contents"]) and data["last_page"]

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"per_page": 0}, "per_page"),
            ({"per_page": "000"}, "per_page"),
            ({"per_page": -5}, "per_page"),
            ({"per_page": "ten"}, "per_page"),
            ({"per_page": "2.5"}, "per_page"),
            ({"per_page": "1e3"}, "per_page"),
            ({"page": 0}, "page"),
            ({"page": -1}, "page"),
            ({"page": "1.5"}, "page"),
            ({"page": 10**7}, "page"),
        ],
    )
    @pytest.mark.parametrize("path", ["/services", "/service_at_locations", "/taxonomies", "/taxonomy_terms"])
    def test_paging_out_of_range_is_a_400_that_says_why(self, client, path, params, parameter):
        data = get(client, path, status=400, **params)

        assert data["parameter"] == parameter
        assert data["message"] in (
            "per_page must be a whole number, 1 or more (a page holds at most 100)",
            "page must be a whole number from 1 to 1000000",
        )

    def test_the_taxonomy_lists_page_too(self, client, day_clubs, home_help, carers):
        data = get(client, "/taxonomy_terms", per_page=2, page=2)

        assert (data["total_items"], data["size"], data["last_page"]) == (3, 1, True)


@pytest.mark.django_db
class TestQueriesDoNotGrowWithThePage:
    def make(self, count, day_clubs, carers, worcester, venue):
        for n in range(count):
            enterprise = make_enterprise(phone="01632 960000", email="a@example.org")
            EnterpriseCheck.objects.create(enterprise=enterprise, kind="quality_standard",
                                           checked_by=self.staff, checked_on=days_ago(3))
            make_service(f"Club {n}", enterprise=enterprise, venue=venue, categories=[day_clubs],
                         client_groups=[carers], coverage_areas=[worcester], days=["mon"], languages="English")

    def count(self, client, path, **params):
        with CaptureQueriesContext(connection) as queries:
            data = get(client, path, per_page=100, **params)
        return len(queries), data["size"]

    @pytest.mark.parametrize("path", ["/services", "/service_at_locations"])
    @pytest.mark.parametrize("params", [{}, {"search": "club", "postcode": "WR1 2EY", "proximity": 3000}])
    def test_a_page_of_3_and_of_30_take_the_same_queries(self, client, path, params, day_clubs, carers, worcester,
                                                           home_postcode):
        self.staff = make_user("officer@example.org")
        venue = make_postcode("WR1 3AA", 385100, 255100)
        self.make(3, day_clubs, carers, worcester, venue)
        small, small_size = self.count(client, path, **params)
        self.make(27, day_clubs, carers, worcester, venue)
        large, large_size = self.count(client, path, **params)

        assert (small_size, large_size) == (3, 30)
        assert small == large, f"{small} queries for 3 services, {large} for 30"
        assert large <= 4


@pytest.mark.django_db
class TestFilters:
    def test_search_words(self, client):
        make_service("Lunch club", description="A hot meal with friends")
        make_service("Gardening help")

        assert names(get(client, "/services", search="lunch")) == ["Lunch club"]
        assert names(get(client, "/services", search="meal")) == ["Lunch club"]

    def test_a_search_too_long_is_a_400(self, client):
        assert get(client, "/services", status=400, search="x" * 201)["parameter"] == "search"

    @pytest.mark.parametrize("path, parameter", [
        ("/services", "search"), ("/service_at_locations", "search"), ("/services", "postcode"),
        ("/services", "day"), ("/services", "page"), ("/taxonomy_terms", "taxonomy_id"),
    ])
    def test_a_nul_character_in_any_parameter_is_a_400_that_says_so(self, client, path, parameter):
        data = get(client, path, status=400, **{parameter: "lunch\x00club"})

        assert data["message"] == f"{parameter} must not contain a NUL character (%00)"
        assert data["parameter"] == parameter

    def test_taxonomy_term_id(self, client, day_clubs, home_help, carers):
        make_service("Club", categories=[day_clubs])
        make_service("Help", categories=[home_help], client_groups=[carers])
        terms = {term["name"]: term["id"] for term in get(client, "/taxonomy_terms")["contents"]}

        assert names(get(client, "/services", taxonomy_term_id=terms["Day clubs"])) == ["Club"]
        assert names(get(client, "/services", taxonomy_term_id=terms["Carers"])) == ["Help"]
        assert names(get(client, "/services", taxonomy_term_id=str(uuid.uuid4()))) == []
        assert get(client, "/services", status=400, taxonomy_term_id="day-clubs")["parameter"] == "taxonomy_term_id"

    def test_taxonomy_id(self, client, day_clubs, carers):
        make_service("Typed", categories=[day_clubs])
        make_service("For carers", client_groups=[carers])
        make_service("Neither")
        taxonomies = {item["name"]: item["id"] for item in get(client, "/taxonomies")["contents"]}

        assert names(get(client, "/services", taxonomy_id=taxonomies["Types of support"])) == ["Typed"]
        assert names(get(client, "/services", taxonomy_id=taxonomies["Who it is for"])) == ["For carers"]
        assert names(get(client, "/services", taxonomy_id=str(uuid.uuid4()))) == []

    def test_taxonomy_terms_of_one_taxonomy(self, client, day_clubs, carers):
        taxonomies = {item["name"]: item["id"] for item in get(client, "/taxonomies")["contents"]}

        data = get(client, "/taxonomy_terms", taxonomy_id=taxonomies["Who it is for"])

        assert [term["name"] for term in data["contents"]] == ["Carers"]

    def test_ages_as_the_standard_defines_them(self, client):
        make_service("Adults", minimum_age=18, maximum_age=64)
        make_service("Older people", minimum_age=65)
        make_service("Young people", minimum_age=11, maximum_age=25)
        make_service("Anyone")

        assert set(names(get(client, "/services", minimum_age=18))) == {"Adults", "Older people"}
        assert set(names(get(client, "/services", maximum_age=64))) == {"Adults", "Young people"}
        assert names(get(client, "/services", minimum_age=17.5, maximum_age=64)) == ["Adults"]
        assert len(get(client, "/services", minimum_age=0)["contents"]) == 4
        assert get(client, "/services", status=400, minimum_age="old")["parameter"] == "minimum_age"
        assert get(client, "/services", status=400, maximum_age=-1)["parameter"] == "maximum_age"

    @pytest.mark.parametrize("day", ["MO", "mo", "Monday", "mon"])
    def test_day(self, client, day):
        make_service("Mondays", days=["mon", "wed"])
        make_service("Tuesdays", days=["tue"])
        make_service("Any day, ask")

        assert names(get(client, "/services", day=day)) == ["Mondays"]

    def test_an_unknown_day_is_a_400(self, client):
        assert "MO, TU" in get(client, "/services", status=400, day="Funday")["message"]

    def test_start_and_end_times(self, client):
        make_service("Morning", days=["mon"], opens_at=time(9), closes_at=time(12))
        make_service("Afternoon", days=["mon"], opens_at=time(13), closes_at=time(16))

        assert names(get(client, "/services", start_time="12:30")) == ["Afternoon"]
        assert names(get(client, "/services", end_time="12:00")) == ["Morning"]
        assert names(get(client, "/services", end_time="12:00:00")) == ["Morning"]
        for wrong in ("noon", "9:30", "24:00", "12:30+1", "12:30:00 Z"):
            assert get(client, "/services", status=400, start_time=wrong)["parameter"] == "start_time"

    def test_a_time_in_rfc_3339s_time_format_is_read_as_uk_time_today(self, client):
        """The profile means `time` as RFC 3339's full-time (with an offset, such as 09:30:00Z); our opening times
        are UK local, so a time with an offset is read as the UK time it is today."""
        make_service("Morning", days=["mon"], opens_at=time(9), closes_at=time(12))
        make_service("Afternoon", days=["mon"], opens_at=time(13), closes_at=time(16))
        uk_offset = timezone.localtime().utcoffset()  # 0 in winter, an hour in summer
        noon_utc_in_uk = (datetime(2000, 1, 1, 12) + uk_offset).time()

        assert noon_utc_in_uk in (time(12), time(13))
        for asked in ("12:00:00Z", "12:00:00.5z", "13:00:00+01:00", "07:00:00-05:00", "12:00:60Z"):
            expected = ["Afternoon"] if noon_utc_in_uk == time(12) else []
            assert names(get(client, "/services", start_time=asked, end_time="23:59")) == expected, asked
        assert names(get(client, "/services", end_time="12:00:00Z")) == ["Morning"]

    def test_postcode_and_proximity_in_metres(self, client, home_postcode, postcode_miles_east):
        make_service("One mile", venue=postcode_miles_east(1, "WR2 1AA"))
        make_service("Three miles", venue=postcode_miles_east(3, "WR2 3AA"))

        assert names(get(client, "/service_at_locations", postcode="wr12ey", proximity=2000)) == ["One mile"]
        assert names(get(client, "/service_at_locations", postcode="WR1 2EY", proximity=5000)) == [
            "One mile", "Three miles"
        ]
        assert names(get(client, "/service_at_locations", postcode="WR1 2EY", proximity=1000)) == []

    def test_a_postcode_alone_finds_what_covers_it(self, client, home_postcode, postcode_miles_east, worcester):
        covering = make_service("Covers Worcester", venue=postcode_miles_east(3, "WR2 3AA"),
                                coverage_areas=[worcester], delivery=[Delivery.VENUE, Delivery.HOME])
        make_service("Venue only", venue=postcode_miles_east(1, "WR2 1AA"))

        assert names(get(client, "/service_at_locations", postcode="WR1 2EY")) == [covering.name]

    def test_services_take_a_postcode_too_for_home_visits(self, client, home_postcode, worcester):
        make_service("Home help", delivery=[Delivery.HOME], coverage_areas=[worcester])
        make_service("Elsewhere", delivery=[Delivery.HOME])

        assert names(get(client, "/services", postcode="WR1 2EY", proximity=1000)) == ["Home help"]

    @pytest.mark.parametrize(
        ("params", "parameter", "message"),
        [
            ({"postcode": "ZZ9 9ZZ"}, "postcode", "We could not find the postcode ZZ9 9ZZ"),
            ({"postcode": "not one"}, "postcode", "Enter a full UK postcode"),
            ({"proximity": 1000}, "proximity", "proximity needs a postcode"),
            ({"postcode": "WR1 2EY", "proximity": "far"}, "proximity", "proximity must be a number of metres"),
            ({"postcode": "WR1 2EY", "proximity": 0}, "proximity", "proximity must be a number of metres"),
            ({"postcode": "WR1 2EY", "proximity": 200000}, "proximity", "at most 100000"),
        ],
    )
    def test_a_postcode_or_proximity_it_cannot_use_is_a_400(self, client, home_postcode, params, parameter, message):
        data = get(client, "/service_at_locations", status=400, **params)

        assert data["parameter"] == parameter and message in data["message"]

    def test_nearest_first(self, client, home_postcode, postcode_miles_east):
        make_service("Three miles", venue=postcode_miles_east(3.5, "WR2 3AA"))
        make_service("One mile", venue=postcode_miles_east(1.5, "WR2 1AA"))

        data = get(client, "/service_at_locations", postcode="WR1 2EY", proximity=8000)

        assert names(data) == ["One mile", "Three miles"]

    def test_unknown_parameters_are_ignored(self, client):
        make_service("Club")

        assert names(get(client, "/services", full="true", modified_after="2020-01-01")) == ["Club"]


@pytest.mark.django_db
class TestOpenAndReadOnly:
    @pytest.mark.parametrize("path", ["/", "/services", "/taxonomies", "/taxonomy_terms", "/service_at_locations",
                                      "/no-such-thing", "/services?page=0"])
    def test_every_response_allows_any_origin(self, client, path):
        response = client.get(API + path)

        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Content-Type"].startswith("application/json")

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    def test_it_refuses_to_change_anything_with_a_json_405(self, method):
        client = Client(enforce_csrf_checks=True)
        response = getattr(client, method)(API + "/services", {}, content_type="application/json")

        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json()["message"] == f"This API is read-only: use GET, not {method.upper()}"

    def test_it_answers_a_cors_preflight(self, client):
        response = client.options(API + "/services", HTTP_ORIGIN="https://app.example",
                                  HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                                  HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept")

        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Headers"] == "accept"

    def test_head_works(self, client):
        response = client.head(API + "/services")

        assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"

    def test_no_key_or_sign_in_is_needed(self, client):
        make_service("Club")

        assert client.get(API + "/services").status_code == 200

    def test_an_unknown_endpoint_is_a_json_404_listing_the_endpoints(self, client):
        data = get(client, "/organizations", status=404)

        assert "/services/{id}" in data["message"] and "/taxonomy_terms" in data["message"]

    def test_the_version_is_the_string_3_0_which_the_dfe_importer_reads_as_a_number(self, client):
        version = get(client, "/")["version"]

        assert version == "3.0" and isinstance(version, str)  # a string, as the profile's schema says
        assert float(version) == 3.0  # and one that reads as the number 3.0: not "3.0.0", "v3" or "HSDS 3.0"

    def test_the_root_works_without_its_slash(self, client):
        response = client.get("/api/oruk")

        assert response.status_code == 200 and response.json()["version"] == "3.0"


def test_each_taxonomy_has_a_fixed_id():
    assert [vocabulary.id for vocabulary in oruk.VOCABULARIES] == [
        str(uuid.uuid5(oruk.NAMESPACE, "taxonomy:category")), str(uuid.uuid5(oruk.NAMESPACE, "taxonomy:client_group"))
    ]


@pytest.mark.django_db
def test_terms_made_later_are_found(client):
    term = make_category("Befriending")
    group = make_client_group("Older people")

    assert get(client, f"/taxonomy_terms/{oruk.oruk_id('category', term.pk)}")["name"] == "Befriending"
    assert get(client, f"/taxonomy_terms/{oruk.oruk_id('client_group', group.pk)}")["name"] == "Older people"
    get(client, "/taxonomy_terms/" + oruk.oruk_id("category", 10**9), status=404)
