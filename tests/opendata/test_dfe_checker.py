"""What the DfE's Family Hubs checker does, against the demo directory (about 150 services, some unpublished): it asks
for `/services?per_page=500`, which used to be our 400, so it read nothing; then it fetches each service and each
service_at_location by its id. Every answer must be a 200 valid against the profile's schemas (the project's copy,
opendata/openapi/, so this never skips)."""

from io import StringIO

import pytest
from django.core.management import call_command

from enterprises.models import Service
from opendata import api
from tests.demo.test_seed import make_town_postcodes
from tests.opendata import openapi_copy

API = "/api/oruk"


@pytest.fixture
def demo_directory(db):
    make_town_postcodes()
    call_command("seed_demo", stdout=StringIO())
    return Service.objects.published()


def fetch(client, path: str, schema_path: str, **params) -> dict:
    response = client.get(API + path, params)
    assert response.status_code == 200, (path, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    problems = openapi_copy.errors(data, schema_path)
    assert not problems, f"{path} is not valid against {schema_path}:\n" + "\n".join(problems)
    return data


def every_page(client, path: str) -> list[dict]:
    """The list at `per_page=500`, page after page until `last_page`, as a harvester reads it."""
    pages = [fetch(client, path, path, per_page=500)]
    while not pages[-1]["last_page"]:
        pages.append(fetch(client, path, path, per_page=500, page=len(pages) + 1))
    for number, page in enumerate(pages, start=1):
        assert page["page_number"] == number and page["total_pages"] == len(pages)
        assert page["size"] == len(page["contents"]) <= api.MAX_PER_PAGE
    return [item for page in pages for item in page["contents"]]


def test_the_dfe_checker_reads_every_service_and_service_at_location(client, demo_directory):
    published = demo_directory.count()
    assert published > api.MAX_PER_PAGE, "the demo should need more than one page of 100"

    services = every_page(client, "/services")
    at_locations = every_page(client, "/service_at_locations")

    assert len(services) == len({item["id"] for item in services}) == published
    assert 0 < len(at_locations) == demo_directory.exclude(venue_postcode="").count()
    located = set()
    for item in services:
        service = fetch(client, f"/services/{item['id']}", "/services/{id}")
        assert service["id"] == item["id"] and service["name"] == item["name"]
        located |= {link["id"] for link in service["service_at_locations"]}
    for item in at_locations:
        at_location = fetch(client, f"/service_at_locations/{item['id']}", "/service_at_locations/{id}")
        assert at_location["id"] == item["id"] and at_location["service"]["id"] == item["service"]["id"]
    assert located == {item["id"] for item in at_locations}
