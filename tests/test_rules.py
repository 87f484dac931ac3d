"""Rules that show in more than one place, each written once (docs/architecture.md, "Each rule has one home"): what a
person notices wherever the rule shows, from the one function that holds it."""

import csv
import io

import pytest

from directory.models import SearchRecord
from enterprises.models import StaffMembership
from tests.factories import make_enterprise, make_service, make_user


def download(response) -> tuple[str, list[list[str]]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def staff_of_worcester(worcester):
    staff = make_user("stella@worcestershire.example", name="Stella Officer")
    StaffMembership.objects.create(user=staff, council=worcester.council)
    return staff


# CSV downloads (core/spreadsheets.py) --------------------------------------------------------------------------------


def test_a_formula_typed_by_a_provider_or_a_visitor_is_text_in_every_download(client, settings, worcester,
                                                                             staff_of_worcester):
    make_service("=HYPERLINK(\"https://evil.example\")", enterprise=make_enterprise("@SUM(A1)"))
    settings.SEARCH_WORDS_MIN_VISITORS = 1
    SearchRecord.objects.create(area=worcester, words="+cmd", result_count=0, visitor="0123456789abcdef")

    open_data, [_, service] = download(client.get("/open-data/services.csv"))
    client.force_login(staff_of_worcester)
    report, [_, word] = download(client.get("/council/reports/searches-found-nothing.csv"))

    assert open_data.startswith("\ufeff") and report.startswith("\ufeff"), "Excel reads both as UTF-8"
    assert "'=HYPERLINK(\"https://evil.example\")" in service and "'@SUM(A1)" in service
    assert word == ["'+cmd", "1"]
