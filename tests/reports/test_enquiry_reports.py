"""The reports' section on enquiries about starting a micro-enterprise (issue 17, item 1): enquiries by month and by
area, how many became enterprises, and the median time to start; for the staff's own council only, never with
anyone's details."""

import uuid
from datetime import date, datetime

import pytest
from django.utils import timezone

from enterprises.models import Enquiry, StaffMembership
from reports import figures as reports
from tests.factories import make_area, make_council, make_enterprise, make_user

Stage = Enquiry.Stage


def at(year, month, day) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10))


def enquiry(area, received, stage=Stage.NEW, started=None, **fields) -> Enquiry:
    return Enquiry.objects.create(
        submission_key=uuid.uuid4(), council=area.council, area=area, idea="A lunch club", name="Dora Sampleton",
        email="dora@example.com", received_at=received, stage=stage, started_at=started,
        closed_at=started if stage == Stage.STARTED else (received if stage == Stage.NOT_GOING_AHEAD else None),
        **fields,
    )


@pytest.fixture
def world(db):
    council = make_council()
    malvern = make_area("Malvern", 377000, 245000, council=council)
    worcester = make_area("Worcester", 385000, 255000, council=council)
    listing = make_enterprise("Malvern Lunch Club", council=council)
    enquiry(malvern, at(2025, 1, 10), Stage.STARTED, started=at(2025, 1, 20), enterprise=listing)  # 10 days
    enquiry(malvern, at(2025, 1, 15), Stage.STARTED, started=at(2025, 2, 14), enterprise=listing)  # 30 days
    enquiry(worcester, at(2025, 2, 3), Stage.NOT_GOING_AHEAD, reason="Moved away")
    enquiry(worcester, at(2025, 3, 3), Stage.TALKING)
    enquiry(worcester, at(2025, 3, 4))
    enquiry(worcester, at(2023, 3, 4))  # before the period
    enquiry(make_area("Ledbury", 370000, 237000, council=make_council("Herefordshire Council")), at(2025, 1, 5))
    staff = make_user("stella@worcestershire.example", name="Stella Officer")
    StaffMembership.objects.create(user=staff, council=council)
    return council, malvern, staff


def tables(council, **filters):
    section = reports.enquiries(reports.Scope.of(council),
                                reports.Filters.make(date(2025, 1, 1), date(2025, 3, 31), **filters))
    return {table.slug: {row.label: row.values for row in table.rows} for table in section.tables}


def test_the_summary_counts_what_became_enterprises_and_the_median_days_to_start(world):
    council, _, _ = world
    summary = tables(council)["enquiries-summary"]
    assert summary == {
        "Enquiries received": (5,), "Still new": (1,), "Talking": (1,), "Became enterprises (started)": (2,),
        "Not going ahead": (1,), "Became enterprises, of those decided": ("67%",), "Median days to start": ("20.0",),
    }


def test_enquiries_by_month_and_by_area_by_where_they_are_now(world):
    council, _, _ = world
    found = tables(council)
    assert found["enquiries-by-month"] == {
        "January 2025": (2, 0, 0, 2, 0), "February 2025": (1, 0, 0, 0, 1), "March 2025": (2, 1, 1, 0, 0)}
    assert found["enquiries-by-area"] == {"Malvern": (2, 0, 0, 2, 0), "Worcester": (3, 1, 1, 0, 1)}


def test_the_area_filter_counts_that_areas_enquiries_only(world):
    council, malvern, _ = world
    found = tables(council, area=malvern)
    assert found["enquiries-summary"]["Enquiries received"] == (2,)
    assert list(found["enquiries-by-area"]) == ["Malvern"]


def test_no_enquiries_yet_says_so_rather_than_a_percentage_of_nothing(db):
    council = make_council("Shropshire Council")
    summary = tables(council)["enquiries-summary"]
    assert summary["Became enterprises, of those decided"] == ("None decided yet",)
    assert summary["Median days to start"] == ("None started yet",)


def test_the_reports_page_shows_them_as_stacked_tables_without_anyones_details(client, world):
    _, _, staff = world
    client.force_login(staff)
    page = client.get("/council/reports/", {
        "date_from_day": "1", "date_from_month": "1", "date_from_year": "2025",
        "date_to_day": "31", "date_to_month": "3", "date_to_year": "2025",
    }).content.decode()
    assert "Enquiries about starting a micro-enterprise" in page and 'href="#enquiries"' in page
    assert 'data-label="Received"' in page and "app-table--stacked" in page
    assert "Dora" not in page and "dora@example.com" not in page


def test_each_table_downloads_as_csv(client, world):
    _, _, staff = world
    client.force_login(staff)
    response = client.get("/council/reports/enquiries-by-area.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == "Area,Received,New,Talking,Started,Not going ahead"
