"""Courses and meet-ups for providers: council staff publish them, providers of that council book and cancel a place
from their home page, a full event has a waiting list whose first person takes a place given up, and staff see who
booked, who waits and who attended."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from core.models import OutgoingMessage
from enterprises.events import book_place, cancel_place, publish_event, send_event_reminders
from enterprises.models import Booking, Event
from tests.concurrency import at_the_same_moment
from tests.factories import make_council, make_enterprise, make_user
from tests.personas import fast_passwords

EVENTS = "/council/events/"
NEW = "/council/events/new/"
PROVIDER_EVENTS = "/provider/events/"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def html(response) -> str:
    return response.content.decode()


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def make_event(council, *, places: int = 10, days: int = 7, title: str = "Safeguarding basics", **fields) -> Event:
    starts_at = timezone.make_aware(datetime.datetime.combine(in_days(days), datetime.time(10)))
    values = {"kind": Event.Kind.COURSE, "description": "What to do when you are worried about someone.",
              "online": False, "venue": "Guildhall, High Street, Worcester", **fields}
    return publish_event(council=council, by=None, title=title, starts_at=starts_at, places=places, **values)


def form_data(**changes) -> dict:
    day = in_days(14)
    return {"kind": "course", "title": "Safeguarding basics", "description": "What to do when you are worried.",
            "date_day": day.day, "date_month": day.month, "date_year": day.year, "time": "10am", "online": "no",
            "venue": "Guildhall, High Street, Worcester", "link": "", "places": "12", **changes}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    fast_passwords(settings)


@pytest.fixture
def council(people):
    return people.stella.staff_membership.council


@pytest.fixture
def event(council):
    return make_event(council)


@pytest.fixture
def penny(people):
    """Penny runs an enterprise listed with another council (Hugo's)."""
    person = make_user("penny@ledbury.example", name="Penny Hill")
    make_enterprise("Ledbury Lifts", council=make_council("Herefordshire Council")).members.add(person)
    return person


# Publishing -----------------------------------------------------------------------------------------------------


def test_stella_publishes_a_course_and_providers_of_her_council_see_it_on_their_home_page(people, penny):
    staff = signed_in(people.stella)

    response = staff.post(NEW, form_data())

    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/council/events/{event.pk}/"
    page = html(staff.get(response["Location"]))
    assert "Safeguarding basics is published: providers can book a place" in page
    assert "Guildhall, High Street, Worcester" in page and "0 of 12 taken" in page
    assert "Safeguarding basics" in html(staff.get(EVENTS))
    home = html(signed_in(people.jean).get("/provider/"))
    assert "Courses and meet-ups" in home and "Safeguarding basics" in home
    assert "at 10am" in home
    assert "Safeguarding basics" in html(signed_in(people.jean).get(PROVIDER_EVENTS))
    assert "Safeguarding basics" not in html(signed_in(penny).get("/provider/"))
    assert "Safeguarding basics" not in html(signed_in(penny).get(PROVIDER_EVENTS))
    assert "Safeguarding basics" not in html(signed_in(people.hugo).get(EVENTS))


def test_an_online_meet_up_shows_its_link_only_to_those_with_a_place(people):
    signed_in(people.stella).post(NEW, form_data(kind="meetup", online="yes", venue="",
                                                 link="meet.example.org/providers", title="Coffee and chat"))
    event = Event.objects.get()
    assert event.online and event.link == "https://meet.example.org/providers" and event.venue == ""
    jean = signed_in(people.jean)
    assert "https://meet.example.org/providers" not in html(jean.get(PROVIDER_EVENTS))

    jean.post(f"/provider/events/{event.pk}/book/")

    assert "https://meet.example.org/providers" in html(jean.get(PROVIDER_EVENTS))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the title"),
        ({"title": "x" * 151}, "title", "The title must be 150 characters or fewer"),
        ({"title": "Safe\x00guarding"}, "title", "Null characters are not allowed."),
        ({"description": ""}, "description", "Enter what the event is"),
        ({"kind": "party"}, "kind", "Select whether it is a course or a meet-up"),
        ({"date_day": "", "date_month": "", "date_year": ""}, "date", "Enter the date"),
        ({"date_day": "31", "date_month": "2", "date_year": str(in_days(400).year)}, "date",
         "The date must be a real date"),
        ({"date_year": "9999"}, "date", "The date must be between 1 January 1900 and 31 December 2100"),
        ({"date_year": "2099"}, "date", "The date must be within the next 2 years"),
        ({"date_day": "1", "date_month": "1", "date_year": "2001"}, "date", "The date must be today or in the future"),
        ({"date_day": "99999999999999999999999"}, "date", "The date must be a real date"),
        ({"time": ""}, "time", "Enter the start time"),
        ({"time": "25:99"}, "time", "Enter start time as a time, like 10am or 2:30pm"),
        ({"online": ""}, "online", "Select whether it is in person or online"),
        ({"online": "no", "venue": "  "}, "venue", "Enter the address of the venue"),
        ({"online": "yes", "link": ""}, "link", "Enter the link to join"),
        ({"online": "yes", "link": "not a link"}, "link", "Enter the link as a web address"),
        ({"online": "yes", "link": "javascript:alert(1)"}, "link", "Enter the link as a web address"),
        ({"places": ""}, "places", "Enter the number of places"),
        ({"places": "0"}, "places", "The number of places must be 1 or more"),
        ({"places": "99999999999999999999999999"}, "places", "The number of places must be 1,000 or fewer"),
        ({"places": "twelve"}, "places", "Enter the number of places as a whole number, like 12"),
        ({"places": "1\x00"}, "places", "Enter the number of places as a whole number, like 12"),
    ],
)
def test_a_mistake_in_the_event_is_told_beside_its_field_keeping_what_was_typed(people, changes, field, message):
    response = signed_in(people.stella).post(NEW, form_data(**changes))

    assert response.status_code == 200
    page = html(response)
    assert "There is a problem" in page and f'href="#id_{field}' in page
    assert message in page
    assert response.context["form"].errors[field]
    assert 'value="Guildhall, High Street, Worcester"' in page or field == "venue"
    assert not Event.objects.exists()


def test_the_start_time_must_be_in_the_future_today(people):
    today = timezone.localdate()
    response = signed_in(people.stella).post(NEW, form_data(date_day=today.day, date_month=today.month,
                                                            date_year=today.year, time="00:00"))

    assert "The start time must be in the future" in html(response)


# Booking --------------------------------------------------------------------------------------------------------


def test_jean_books_a_place_and_stella_sees_her_booked(people, event):
    jean = signed_in(people.jean)

    response = jean.post(f"/provider/events/{event.pk}/book/")

    assert response.status_code == 302 and response["Location"] == f"{PROVIDER_EVENTS}#event-{event.pk}"
    page = html(jean.get(PROVIDER_EVENTS))
    assert "You have a place on Safeguarding basics" in page and "Cancel my place" in page
    assert "You have a place" in html(jean.get("/provider/"))
    staff_page = html(signed_in(people.stella).get(f"/council/events/{event.pk}/"))
    assert "Jean Smith, Malvern Lunch Club" in staff_page and "1 of 10 taken" in staff_page


def test_booking_twice_keeps_one_place(people, event):
    jean = signed_in(people.jean)

    jean.post(f"/provider/events/{event.pk}/book/")
    jean.post(f"/provider/events/{event.pk}/book/")

    assert Booking.objects.filter(event=event, person=people.jean).count() == 1


def test_when_full_a_provider_joins_the_waiting_list_and_takes_a_place_given_up(people, council, mailoutbox,
                                                                               deliver_queued_messages):
    event = make_event(council, places=1)
    book_place(event=event, person=people.jean)
    sam = signed_in(people.sam)
    assert "Join the waiting list" in html(sam.get(PROVIDER_EVENTS))

    sam.post(f"/provider/events/{event.pk}/book/")

    page = html(sam.get(PROVIDER_EVENTS))
    assert "you are on the waiting list" in page and "You are number 1 on the waiting list" in page
    assert "Sam Green, Severn Sitters" in html(signed_in(people.stella).get(f"/council/events/{event.pk}/"))
    deliver_queued_messages()
    mailoutbox.clear()

    signed_in(people.jean).post(f"/provider/events/{event.pk}/cancel/")

    assert Booking.objects.get(event=event).person == people.sam
    assert Booking.objects.get(event=event).status == Booking.Status.BOOKED
    assert deliver_queued_messages() == 1
    [email] = mailoutbox
    assert email.to == ["sam@sitters.example"] and email.subject == "You have a place: Safeguarding basics"
    assert "Guildhall, High Street, Worcester" in email.body
    assert "You have a place" in html(sam.get(PROVIDER_EVENTS))


def test_leaving_the_waiting_list_gives_no_one_a_place(people, council, penny, mailoutbox, deliver_queued_messages):
    event = make_event(council, places=1)
    book_place(event=event, person=people.jean)
    book_place(event=event, person=people.sam)

    signed_in(people.sam).post(f"/provider/events/{event.pk}/cancel/")

    assert list(event.bookings.values_list("person", "status")) == [(people.jean.pk, Booking.Status.BOOKED)]
    assert deliver_queued_messages() == 0


def test_a_promotion_is_undone_with_the_cancellation_that_caused_it(people, council):
    """The email is queued in the cancellation's own transaction: nothing is told of a change that did not happen."""
    event = make_event(council, places=1)
    book_place(event=event, person=people.jean)
    book_place(event=event, person=people.sam)

    with pytest.raises(RuntimeError), transaction.atomic():
        cancel_place(event=event, person=people.jean)
        raise RuntimeError

    assert OutgoingMessage.objects.count() == 0
    assert event.bookings.get(person=people.sam).status == Booking.Status.WAITING


@pytest.mark.django_db(transaction=True)
def test_two_providers_racing_for_the_last_place_never_overbook(people, council):
    event = make_event(council, places=1)

    people_in_turn = iter([people.jean, people.sam])
    bookings, errors = at_the_same_moment(lambda: book_place(event=event, person=next(people_in_turn)))

    assert errors == []
    assert sorted(booking.status for booking in bookings) == [Booking.Status.BOOKED, Booking.Status.WAITING]
    assert event.bookings.filter(status=Booking.Status.BOOKED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_booking_sent_twice_at_the_same_moment_makes_one(people, council):
    event = make_event(council, places=5)

    bookings, errors = at_the_same_moment(lambda: book_place(event=event, person=people.jean))

    assert errors == [] and len(bookings) == 2
    assert event.bookings.count() == 1


def test_an_event_that_has_started_cannot_be_booked(people, council):
    event = make_event(council, days=-1)

    assert signed_in(people.jean).post(f"/provider/events/{event.pk}/book/").status_code == 404
    assert "Safeguarding basics" not in html(signed_in(people.jean).get(PROVIDER_EVENTS))


# Attendance -----------------------------------------------------------------------------------------------------


def test_stella_marks_who_attended_once_the_event_has_started(people, council):
    event = make_event(council, places=5)
    jean, sam = book_place(event=event, person=people.jean), book_place(event=event, person=people.sam)
    staff = signed_in(people.stella)
    assert "You can mark who attended once the event has started" in html(staff.get(f"/council/events/{event.pk}/"))
    staff.post(f"/council/events/{event.pk}/attendance/", {"attended": [jean.pk]})
    assert Booking.objects.filter(attended__isnull=False).count() == 0

    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    response = staff.post(f"/council/events/{event.pk}/attendance/",
                          {"attended": [str(jean.pk), "99999999999999999999999", "x\x00"]})

    assert response.status_code == 302
    page = html(staff.get(response["Location"]))
    assert "Attendance saved: 1 attended" in page and "(did not attend)" in page
    assert Booking.objects.get(pk=jean.pk).attended is True
    assert Booking.objects.get(pk=sam.pk).attended is False
    assert "Past events" in html(staff.get(EVENTS))


# Who may do what ------------------------------------------------------------------------------------------------

STAFF_PAGES = ["/council/events/", "/council/events/new/", "/council/events/{pk}/"]
PROVIDER_PAGES = ["/provider/events/"]
STAFF_POSTS = ["/council/events/{pk}/attendance/", "/council/events/new/"]
PROVIDER_POSTS = ["/provider/events/{pk}/book/", "/provider/events/{pk}/cancel/"]


@pytest.mark.parametrize("url", STAFF_PAGES + PROVIDER_PAGES + STAFF_POSTS + PROVIDER_POSTS)
def test_a_visitor_is_asked_to_sign_in(client, event, url):
    url = url.format(pk=event.pk)
    method = client.post if url in {u.format(pk=event.pk) for u in STAFF_POSTS + PROVIDER_POSTS} else client.get

    response = method(url)

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("who", ["ruth", "jean"])
@pytest.mark.parametrize("url", STAFF_PAGES + STAFF_POSTS)
def test_only_council_staff_use_the_staff_pages(people, event, who, url):
    client = signed_in(getattr(people, who))
    url = url.format(pk=event.pk)

    assert client.get(url).status_code in {403, 405}
    assert client.post(url, form_data()).status_code in {403, 405}
    assert Event.objects.count() == 1


@pytest.mark.parametrize("who", ["ruth", "stella", "hugo"])
@pytest.mark.parametrize("url", PROVIDER_PAGES + PROVIDER_POSTS)
def test_only_providers_use_the_provider_pages(people, event, who, url):
    client = signed_in(getattr(people, who))
    url = url.format(pk=event.pk)

    assert client.get(url).status_code in {403, 405}
    assert client.post(url).status_code in {403, 405}
    assert not Booking.objects.exists()


@pytest.mark.parametrize("url", ["/council/events/{pk}/", "/council/events/{pk}/attendance/"])
def test_staff_of_another_council_cannot_see_or_change_an_event(people, event, url):
    hugo = signed_in(people.hugo)
    book_place(event=event, person=people.jean)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))

    assert hugo.get(url.format(pk=event.pk)).status_code in {404, 405}
    assert hugo.post(url.format(pk=event.pk), {"attended": []}).status_code in {404, 405}
    assert Booking.objects.get().attended is None


@pytest.mark.parametrize("url", PROVIDER_POSTS)
def test_a_provider_of_another_council_cannot_book_or_cancel(penny, event, url):
    assert signed_in(penny).post(url.format(pk=event.pk)).status_code == 404
    assert not Booking.objects.exists()


@pytest.mark.parametrize("url", ["/council/events/99999999999999999999999/",
                                 "/provider/events/99999999999999999999/book/"])
def test_an_event_number_too_big_for_the_database_is_not_found(people, url):
    client = signed_in(people.stella if url.startswith("/council") else people.jean)

    response = client.post(url) if url.endswith("book/") else client.get(url)

    assert response.status_code == 404


# The reminder the day before ------------------------------------------------------------------------------------


def test_everyone_with_a_place_is_reminded_the_day_before_once(people, council, mailoutbox, deliver_queued_messages):
    event = make_event(council, places=1, days=1)
    later = make_event(council, places=5, days=2, title="First aid")
    book_place(event=event, person=people.jean)
    book_place(event=event, person=people.sam)  # waiting: no reminder
    book_place(event=later, person=people.sam)

    call_command("send_event_reminders")
    call_command("send_event_reminders")

    assert deliver_queued_messages() == 1
    [email] = mailoutbox
    assert email.to == ["jean@lunchclub.example"] and email.subject == "Tomorrow: Safeguarding basics"
    assert "at 10am" in email.body and "Guildhall" in email.body


def test_the_reminder_can_catch_up_a_day_it_missed(people, council, deliver_queued_messages, mailoutbox):
    event = make_event(council, days=3)
    book_place(event=event, person=people.jean)

    call_command("send_event_reminders", date=str(in_days(2)))

    assert deliver_queued_messages() == 1
    assert Booking.objects.get().reminded_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_the_same_moment_remind_once(people, council):
    event = make_event(council, days=1)
    book_place(event=event, person=people.jean)

    counts, errors = at_the_same_moment(send_event_reminders)

    assert errors == [] and sorted(counts) == [0, 1]
    assert OutgoingMessage.objects.filter(kind="event_reminder").count() == 1


@pytest.mark.parametrize("url", ["/council/events/", "/council/events/{pk}/", "/provider/events/"])
def test_pages_that_only_show_refuse_to_be_sent_a_form(people, event, url):
    client = signed_in(people.jean if url.startswith("/provider") else people.stella)

    assert client.post(url.format(pk=event.pk)).status_code == 405
