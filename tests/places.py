"""Places the tests share: a Worcester postcode, the Worcester area, and a few types of support."""

import pytest

from tests.factories import make_area, make_category, make_client_group, make_postcode

MILE = 1609


@pytest.fixture
def home_postcode(db):
    """Where our resident lives: a Worcester postcode."""
    return make_postcode("WR1 2EY", 385000, 255000)


@pytest.fixture
def postcode_miles_east(db):
    """A postcode `miles` due east of the resident's."""

    def build(miles: float, postcode: str):
        return make_postcode(postcode, 385000 + round(miles * MILE), 255000)

    return build


@pytest.fixture
def worcester(db):
    return make_area("Worcester", 385100, 255100)


@pytest.fixture
def day_clubs(db):
    return make_category("Day clubs")


@pytest.fixture
def home_help(db):
    return make_category("Home help")


@pytest.fixture
def carers(db):
    return make_client_group("Carers")
