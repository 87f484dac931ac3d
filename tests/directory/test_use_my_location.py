""""Use my location": the browser's position becomes the nearest postcode on our server, and is neither stored nor
logged. (The button itself, with JavaScript on and off, is in tests/browser/test_use_my_location_journey.py.)"""

import json
import logging

import pytest
from django.db import connection
from django.urls import reverse

from core.geo import lat_long
from directory.location import NEAREST_WITHIN_METRES
from tests.factories import make_postcode

URL = reverse("postcode_near")


@pytest.fixture
def worcester_postcodes(db):
    make_postcode("WR1 2EY", 385000, 255000)
    make_postcode("WR1 3AA", 385600, 255400)
    make_postcode("WR11 4TP", 404000, 244000)


def position(easting: int, northing: int) -> dict:
    latitude, longitude = lat_long(easting, northing)
    return {"latitude": str(latitude), "longitude": str(longitude)}


def test_a_position_in_worcester_gives_its_nearest_postcode(client, worcester_postcodes):
    response = client.post(URL, position(385100, 255050))  # about 110 m from WR1 2EY, 620 m from WR1 3AA

    assert response.status_code == 200
    assert response.json() == {"postcode": "WR1 2EY"}
    assert "no-store" in response["Cache-Control"]


def test_a_position_in_evesham_gives_evesham(client, worcester_postcodes):
    assert client.post(URL, position(403700, 243900)).json() == {"postcode": "WR11 4TP"}


@pytest.mark.parametrize(
    "where",
    [
        pytest.param((385600 + NEAREST_WITHIN_METRES + 500, 255400), id="in a field beyond every postcode"),
        pytest.param(None, id="in Paris"),
    ],
)
def test_somewhere_with_no_postcode_near_says_to_type_one(client, worcester_postcodes, where):
    data = position(*where) if where else {"latitude": "48.8566", "longitude": "2.3522"}

    response = client.post(URL, data)

    assert response.status_code == 404
    assert response.json()["error"].startswith("We could not find a postcode near you. Enter your postcode")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"latitude": "52.19"},
        {"latitude": "here", "longitude": "-2.22"},
        {"latitude": "nan", "longitude": "-2.22"},
        {"latitude": "1e400", "longitude": "-2.22"},
        {"latitude": "91", "longitude": "-2.22"},
        {"latitude": "52.19", "longitude": "-181"},
        {"latitude": "52.19\x00", "longitude": "-2.22"},
        {"latitude": "9" * 400, "longitude": "-2.22"},
    ],
    ids=["nothing", "no longitude", "words", "nan", "too big for a float", "past the pole", "past the date line",
         "a NUL", "400 digits"],
)
def test_a_position_that_is_not_one_is_refused_plainly(client, worcester_postcodes, data):
    response = client.post(URL, data)

    assert response.status_code == 400
    assert response.json() == {"error": "Send a latitude and a longitude in degrees"}


def test_only_a_post_is_answered(client, worcester_postcodes):
    assert client.get(URL, position(385000, 255000)).status_code == 405


def test_the_position_is_neither_logged_nor_stored(client, worcester_postcodes, caplog):
    caplog.set_level(logging.INFO, logger="directory.requests")
    data = position(385100, 255050)
    tables_before = _row_counts()

    client.post(URL, data)

    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "directory.requests"]
    assert line["path"] == URL and line["status"] == 200
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert data["latitude"] not in logged and data["longitude"] not in logged
    assert _row_counts() == tables_before


def test_the_nearest_postcode_is_found_through_its_index_not_a_scan(worcester_postcodes):
    """With 1.7 million postcodes, a scan would take a second; the nearest-neighbour walk of the index a millisecond."""
    from directory.location import nearest_postcode

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        with connection.execute_wrapper(_explain_into(plans := [])):
            assert nearest_postcode(*lat_long(385100, 255050)) == "WR1 2EY"

    assert "postcode_point_idx" in plans[0]


def _explain_into(plans: list):
    def explain(execute, sql, params, many, context):
        if sql.lstrip().startswith("SELECT postcode"):
            context["cursor"].execute(f"EXPLAIN {sql}", params)
            plans.append(" ".join(row[0] for row in context["cursor"].fetchall()))
        return execute(sql, params, many, context)

    return explain


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts
