"""The reports count the courses and meet-ups a council ran for its providers: courses run, places taken, and
providers trained (someone from them attended a course)."""

import datetime

from django.test import Client
from django.utils import timezone

from enterprises.events import book_place, mark_attendance
from enterprises.models import Event
from tests.enterprises.test_events import make_event
from tests.factories import make_enterprise, make_user


def figures(page: str, caption: str) -> str:
    return page.split(caption, 1)[1].split("</table>", 1)[0]


def ran(event: Event, days_ago: int) -> None:
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(days=days_ago))
    event.refresh_from_db()


def test_the_reports_count_courses_run_places_taken_and_providers_trained(people):
    council = people.stella.staff_membership.council
    course, again, meetup = make_event(council), make_event(council, title="First aid"), make_event(
        council, kind=Event.Kind.MEETUP, title="Coffee morning")
    coming = make_event(council, title="Still to come")
    for event in (course, again, meetup, coming):
        book_place(event=event, person=people.jean)
        book_place(event=event, person=people.sam)
    for event, days in ((course, 40), (again, 10), (meetup, 5)):
        ran(event, days)
    mark_attendance(event=course, council=council, attended={course.bookings.get(person=people.jean).pk})
    mark_attendance(event=again, council=council, attended={again.bookings.get(person=people.jean).pk})
    mark_attendance(event=meetup, council=council, attended=set(meetup.bookings.values_list("pk", flat=True)))
    elsewhere = make_event(people.hugo.staff_membership.council, title="Hereford course")
    outsider = make_user("penny@ledbury.example")
    make_enterprise("Ledbury Lifts", council=elsewhere.council).members.add(outsider)
    book_place(event=elsewhere, person=outsider)
    ran(elsewhere, 3)
    client = Client()
    client.force_login(people.stella)

    page = client.get("/council/reports/").content.decode()

    summary = figures(page, "Courses and meet-ups run for providers")
    assert [cell.split(">")[-1] for cell in summary.split("</td>")[:-1]] == ["2", "1", "6", "4", "1"]
    assert "Courses and meet-ups run each month" in page


def test_the_training_table_downloads_as_csv(people):
    council = people.stella.staff_membership.council
    course = make_event(council)
    book_place(event=course, person=people.jean)
    ran(course, 2)
    client = Client()
    client.force_login(people.stella)

    response = client.get("/council/reports/training-summary.csv")

    assert response.status_code == 200
    assert "Courses run,1" in response.content.decode() and "Places taken,1" in response.content.decode()
