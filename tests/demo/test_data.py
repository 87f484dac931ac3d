"""The demo's data files (demo/data/*.yaml): read with yaml.safe_load and checked, so that a mistake in one stops the
demo with one line naming the file and the record."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from demo import seed
from demo.referrals import demo_referrals
from demo.seed import DemoDataError, demo_data
from enterprises.models import Enterprise


@pytest.fixture
def data_files(tmp_path, monkeypatch):
    """A copy of demo/data to edit, read instead of the real one (and nothing cached from either)."""
    copy = tmp_path / "data"
    shutil.copytree(seed.DATA, copy)
    monkeypatch.setattr(seed, "DATA", copy)
    demo_data.cache_clear()
    demo_referrals.cache_clear()
    yield copy
    demo_data.cache_clear()
    demo_referrals.cache_clear()


def edit(folder, name, old, new):
    path = folder / name
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_data_files_hold_the_whole_demo():
    data = demo_data()

    assert len(data.towns) == 16 and data.towns[0].name == "Worcester"
    assert data.towns[0].prefixes == ("WR1 ", "WR2 ", "WR3 ", "WR4 ", "WR5 ")
    assert len(data.kinds) == 25
    assert len(data.enterprises) == 80
    assert len(demo_referrals()) == 9
    assert demo_data() is data  # read once


@pytest.mark.parametrize(
    "name, old, new, message",
    [
        ("enterprises.yaml", "  legal_form: cic\n", "", r'enterprises.yaml, record 2 \("Acorn Day Opportunities"\): '
         "missing legal_form"),
        ("enterprises.yaml", "legal_form: cic", "legal_form: CIC", r"record 2 .*: legal_form should be one of "),
        ("enterprises.yaml", "[day_ld, arts, day_ld@bromsgrove]", "[day_ld, art]", r"record 2 .*: services should be "
         r"kinds from kinds.yaml: .*, not 'art'"),
        ("enterprises.yaml", "day_ld@bromsgrove", "day_ld@brumsgrove", r"kind@town with a town from towns.yaml"),
        ("enterprises.yaml", "  town: martley\n", "  town: martley\n  webiste: false\n", r"record 1 .*: unknown field "
         "webiste"),
        ("kinds.yaml", "Day club at {venue}", "Day club at {vneue}", r'kinds.yaml, kind "day": names: \{vneue\} is not '
         "one of"),
        ("kinds.yaml", "categories: [day-clubs, social-groups]", "categories: [day-clubs, social]",
         r'kind "day": categories should be a list of .*, not \'social\''),
        ("kinds.yaml", 'opens: "10:00"', 'opens: "10 am"', r'kind "day", schedule: opens should be a time such as '
         '"10:20"'),
        ("kinds.yaml", "amount: [25, 28", "amount: [free, 28", r'kind "day", cost: amount should be a price'),
        ("towns.yaml", "districts: [WR1, WR2", "districts: [WR1 2, WR", r'towns.yaml, record 1 \("Worcester"\): '
         "districts should be"),
        ("referrals.yaml", "action: accepted", "action: accept", r'referrals.yaml, record 4 \("accepted"\), step 1: '
         "action should be one of"),
        ("referrals.yaml", "date_of_birth: 1941-05-12", "date_of_birth: 12/05/1941", r"record 1 .*, person: "
         "date_of_birth should be a date"),
        ("towns.yaml", "- name: Worcester", "- name: Worcester\n  - oops", r"demo/data/towns.yaml: while parsing"),
        ("kinds.yaml", "day:\n", "day: !!python/object:object {}\nday_x:\n", r"demo/data/kinds.yaml: could not "
         "determine a constructor"),  # safe_load: no Python objects
    ],
)
def test_a_mistake_in_a_data_file_names_the_file_and_the_record(data_files, name, old, new, message):
    edit(data_files, name, old, new)

    with pytest.raises(DemoDataError, match=message):
        demo_referrals() if name == "referrals.yaml" else demo_data()


def test_an_unquoted_time_is_read_as_the_time_it_says(data_files):
    edit(data_files, "kinds.yaml", 'opens: "10:00"\n    closes: "15:30"', "opens: 10:00\n    closes: 15:30")

    schedule = demo_data().kinds["day"].schedule

    assert (schedule.opens_at.isoformat(), schedule.closes_at.isoformat()) == ("10:00:00", "15:30:00")


@pytest.mark.django_db
def test_seed_demo_says_what_is_wrong_in_one_line_and_writes_nothing(data_files):
    edit(data_files, "enterprises.yaml", "  town: martley\n", "  town: abberley\n")

    with pytest.raises(CommandError) as error:
        call_command("seed_demo", stdout=StringIO())

    assert str(error.value).startswith('demo/data/enterprises.yaml, record 1 ("Abberley and Martley Good Neighbours"): '
                                       "town should be one of worcester, kidderminster")
    assert "\n" not in str(error.value)
    assert not Enterprise.objects.exists()
