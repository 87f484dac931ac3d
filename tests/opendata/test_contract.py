"""The contract test: schemathesis, a client nobody here wrote, drives the Open Referral UK API from the profile's own
OpenAPI file, with positive and negative data on every endpoint, and finds no server error, no wrong content type
and no body that the profile's schemas refuse.

It reads the project's copy of the file (opendata/openapi/oruk-uk-3.0.json, with the JSON Schemas it refers to, so
nothing is fetched), in which the profile's known flaws are mended, each with a note in its `x-mended` list
(opendata/openapi/README.md says more). It calls Django in-process through its WSGI handler (the same middleware and
URLs as production) on the real PostgreSQL test database, holding a few published services and an unpublished one.
Hypothesis is derandomized and keeps no example database, so every run sends the same requests: 952 generated ones
(80 examples per operation and mode when fuzzing, and the coverage phase's boundary cases), plus one for each real id,
in 10 to 20 seconds on two cores.

Checks: schemathesis's `not_a_server_error`, `content_type_conformance` and `response_schema_conformance` (every
200 body against the profile's schema), and ours (`answers_like_our_api`): every answer is JSON open to any origin,
an error says what to change, and a page never holds more than 100 items. Two of schemathesis's checks are left out
because the profile's file is looser than the API, not because the API is wrong: `positive_data_acceptance` (the file
lets `page` be 0 and an id be any string, which the API answers with a 400 that says why) and
`negative_data_rejection` (the API takes an empty parameter, `?page=`, as one not sent, as web forms send them).
"""

import json

import pytest
import requests
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from enterprises.models import Delivery, Enterprise, Service
from opendata import api, oruk
from tests.factories import make_category, make_client_group, make_enterprise, make_service
from tests.opendata import openapi_copy
from tests.personas import fast_passwords

# Examples per operation and mode in the fuzzing phase (the coverage phase adds its own boundary cases): about a
# thousand requests in all, and a run well under a minute on two cores.
MAX_EXAMPLES = 80

CONFIG = SchemathesisConfig.from_dict({
    "base-url": "http://localhost/api/oruk",  # in-process: the path where our urls.py mounts the API
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
    },
})
schema = schemathesis.openapi.from_path(openapi_copy.OPENAPI, config=CONFIG)
schema.app = WSGIHandler()


def _header(response, name: str) -> str | None:
    for key, values in response.headers.items():
        if key.lower() == name.lower():
            return values[0] if isinstance(values, list) else values
    return None


def answers_like_our_api(ctx, response, case):
    """Every answer, whatever was sent: JSON open to any origin (a CORS preflight's empty 204 aside); an error is
    `{"status", "error", "message"}` with a message that says what to change; a page holds at most 100 items."""
    assert _header(response, "Access-Control-Allow-Origin") == "*", "no Access-Control-Allow-Origin: *"
    if response.status_code == 204 and case.method.upper() == "OPTIONS":
        return
    assert (_header(response, "Content-Type") or "").startswith("application/json"), "not JSON"
    if case.method.upper() == "HEAD":
        return
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert body["status"] == response.status_code and body["error"], body
        assert isinstance(body["message"], str) and len(body["message"]) > 10, body
    elif "contents" in body:
        assert body["size"] == len(body["contents"]) <= api.MAX_PER_PAGE, "a page of more than 100"


CHECKS = [answers_like_our_api]
# Called in-process, an answer reaches the checks as the app wrote it, with no HTTP client to undo the gzip the app
# gives a client that accepts it (schemathesis's requests say they do): so ask for it plain, as a client that undid
# it would see it (gzip has its own tests, tests/core/test_compression.py).
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def in_process(db, monkeypatch):
    """Django's WSGI handler closes the database connection as each request starts and ends, which inside a test's
    transaction would throw its data away; as Django's test client does, those handlers are off meanwhile. Any
    request for the internet fails at once: the copy's schemas are all on disk."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"the contract test reached for the network: {args} {kwargs}")

    monkeypatch.setattr(requests.Session, "request", refuse)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    fast_passwords(settings)


@pytest.fixture
def directory(in_process, full_service, home_help, people):
    """A few published services (one with everything, one visiting people at home, one with nothing but a name, and
    the cast's: Jean's day club and Sam's evening sitting, both at a venue) and one of an enterprise still in draft."""
    make_service("Home help around Worcester", categories=[home_help], client_groups=[make_client_group("Carers")],
                 delivery=[Delivery.HOME], days=["tue", "fri"], minimum_age=65, languages="English and Welsh")
    make_service("Plain service")
    make_service("Not published", enterprise=make_enterprise(status=Enterprise.Status.DRAFT),
                 categories=[make_category("Befriending")])
    return full_service


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the data is read, never changed
def test_the_profiles_openapi_file_finds_no_fault(case, directory):
    case.call_and_validate(headers=PLAIN, additional_checks=CHECKS)


def test_every_published_record_by_its_id_passes_the_same_checks(directory):
    """Generated ids are never ours, so each operation with an `{id}` is also called with every real id."""
    published = Service.objects.published()
    ids = {
        "/services/{id}": [oruk.oruk_id("service", service.pk) for service in published],
        "/service_at_locations/{id}": [
            oruk.oruk_id("service_at_location", service.pk) for service in published.exclude(venue_postcode="")
        ],
        "/taxonomies/{id}": [vocabulary.id for vocabulary in oruk.VOCABULARIES],
        "/taxonomy_terms/{id}": [
            vocabulary.term_id(term) for vocabulary in oruk.VOCABULARIES for term in vocabulary.model.objects.all()
        ],
    }
    assert len(ids["/services/{id}"]) == 5 and len(ids["/service_at_locations/{id}"]) == 3, ids
    for path, values in ids.items():
        operation = schema[path]["GET"]
        for value in values:
            response = operation.Case(path_parameters={"id": value}).call_and_validate(
                headers=PLAIN, additional_checks=CHECKS
            )
            assert response.status_code == 200, (path, value, response.content[:300])
            assert json.loads(response.content)["id"] == value


def test_the_id_of_a_listing_still_in_draft_is_a_404_that_passes_the_same_checks(directory):
    draft = Service.objects.get(name="Not published")
    for path, kind in (("/services/{id}", "service"), ("/service_at_locations/{id}", "service_at_location")):
        case = schema[path]["GET"].Case(path_parameters={"id": oruk.oruk_id(kind, draft.pk)})
        response = case.call_and_validate(headers=PLAIN, additional_checks=CHECKS)
        assert response.status_code == 404, (path, response.content[:300])


# The copy ------------------------------------------------------------------------------------------------------------


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from [value] if key == "$ref" else refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def put(document, pointer: str, value) -> None:
    """Set the value at a JSON pointer (RFC 6901) in `document`."""
    *parents, last = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
    for part in parents:
        document = document[int(part) if isinstance(document, list) else part]
    document[last] = value


def test_every_ref_in_the_copy_is_a_file_beside_it():
    """Nothing is fetched: each file of the copy refers only to itself and to files in its folder."""
    for path in openapi_copy.FOLDER.rglob("*.json"):
        for ref in refs(openapi_copy.load(path)):
            target = ref.split("#")[0]
            assert not target or ("://" not in ref and (path.parent / target).is_file()), f"{path.name}: {ref}"


def test_the_copy_is_the_profiles_file_with_only_the_noted_mends():
    """Undoing each mend listed in `x-mended` (each with the reason) gives back the profile's file exactly, and the
    schemas beside it are the profile's, byte for byte."""
    if not (openapi_copy.PROFILE / "openapi.json").is_file():
        pytest.skip(f"The profile is not in {openapi_copy.PROFILE}, so the copy cannot be compared with it")
    copy = openapi_copy.load(openapi_copy.OPENAPI)
    mends = copy.pop("x-mended")

    for mend in mends:
        assert len(mend["why"]) > 50 and len(mend["at"]) == len(mend["was"]), mend
        for pointer, was in zip(mend["at"], mend["was"]):
            put(copy, pointer, was)

    assert copy == openapi_copy.load(openapi_copy.PROFILE / "openapi.json")
    for path in (openapi_copy.FOLDER / "schema").rglob("*.json"):
        relative = path.relative_to(openapi_copy.FOLDER / "schema")
        assert path.read_bytes() == (openapi_copy.PROFILE / relative).read_bytes(), relative


def test_the_run_is_repeatable_and_quick():
    """Guards the settings that keep the run the same every time and well under a minute."""
    generation = schema.config.generation_for(operation=None, phase="fuzzing")
    assert generation.deterministic and generation.database == "none"
    assert generation.max_examples <= 100
