"""Searching from a town, a village or part of a postcode, as a resident who does not know their postcode would."""

import pytest
from django.core.management import call_command

from enterprises.gazetteer import wgs84_to_grid
from enterprises.models import PlaceName
from tests.directory.test_search import found_names, search
from tests.factories import make_place, make_postcode, make_service


@pytest.fixture
def evesham(db):
    make_postcode("WR11 4TP", 404000, 244000)
    make_postcode("WR11 4AA", 404200, 244200)
    make_postcode("WR11 1AB", 403000, 243000)
    return make_place("Evesham", 403600, 243800, population=27684)


def test_a_latitude_and_longitude_lands_on_the_national_grid_within_100_metres():
    [(easting, northing)] = wgs84_to_grid([(51.501009, -0.141588)])  # SW1A 1AA: 529090 179645 in Code-Point Open

    assert abs(easting - 529090) < 100 and abs(northing - 179645) < 100


@pytest.mark.django_db
class TestPlaceNames:
    def test_it_finds_services_near_a_town_and_says_where(self, client, evesham):
        make_service("Evesham day club", venue=make_postcode("WR11 2AA", 404500, 244500))
        make_service("Far away club", venue=make_postcode("WR1 2EY", 385000, 255000))

        response = search(client, postcode="evesham")

        assert found_names(response) == ["Evesham day club"]
        assert "1 service found within 5 miles of Evesham" in response.content.decode()

    def test_it_finds_services_near_a_district_or_a_sector_of_postcodes(self, client, evesham):
        make_service("Evesham day club", venue=make_postcode("WR11 2AA", 404500, 244500))

        for typed in ("WR11", "wr11", "WR11 4"):
            response = search(client, postcode=typed)
            assert found_names(response) == ["Evesham day club"], typed
            assert f"within 5 miles of {typed.upper()}" in response.content.decode()

    def test_a_district_with_no_postcodes_is_explained(self, client, evesham):
        response = search(client, postcode="ZZ99")

        assert "We could not find any postcodes starting ZZ99" in response.content.decode()

    def test_an_ambiguous_name_offers_a_choice_that_each_runs_the_search(self, client, db):
        make_place("Newport", 330930, 188126, label="Newport, near Cardiff, Wales", population=161506)
        make_place("Newport", 450149, 89330, label="Newport, near Gosport, England", population=24884)
        make_service("Isle of Wight club", venue=make_postcode("PO30 1AA", 450000, 89000))

        response = search(client, postcode="Newport")
        html = response.content.decode()

        assert "There is more than one place called Newport. Choose which you mean" in html
        assert "Which did you mean?" in html
        assert "?postcode=Newport%2C+near+Gosport%2C+England" in html
        chosen = search(client, postcode="Newport, near Gosport, England")
        assert found_names(chosen) == ["Isle of Wight club"]
        assert "within 5 miles of Newport, near Gosport, England" in chosen.content.decode()

    def test_a_misspelt_name_offers_the_place_it_is_close_to(self, client, evesham):
        make_service("Evesham day club", venue=make_postcode("WR11 2AA", 404500, 244500))

        html = search(client, postcode="Evsham").content.decode()

        assert "Enter a full UK postcode, like WR1 2EY, or a town or village" in html
        assert 'Did you mean <a class="govuk-link" href="?postcode=Evesham">Evesham</a>?' in html
        assert found_names(search(client, postcode="Evesham")) == ["Evesham day club"]

    def test_what_is_neither_a_place_nor_a_postcode_asks_for_a_postcode(self, client, evesham):
        html = search(client, postcode="Zzyzx").content.decode()

        assert "Enter a full UK postcode, like WR1 2EY, or a town or village" in html
        assert "Did you mean" not in html


@pytest.mark.django_db
def test_import_places_loads_gb_towns_and_villages_and_can_run_again():
    call_command("import_places")
    call_command("import_places")

    evesham = PlaceName.objects.get(label="Evesham")
    assert abs(evesham.easting - 403600) < 1000 and abs(evesham.northing - 243800) < 1000
    assert PlaceName.objects.filter(label="Inkberrow").exists()
    assert PlaceName.objects.filter(name="Newport").count() > 3
    assert PlaceName.objects.filter(label="Newport, near Cardiff, Wales").exists()
    assert not PlaceName.objects.filter(name="Belfast").exists()  # Northern Ireland: no postcode data
