"""Courses and meet-ups a council runs for its providers: publishing them, booking and cancelling a place, the
waiting list, who attended.

Audiences: council staff see and publish their own council's events (`council_events`); a provider sees the
upcoming events of the councils their enterprises belong to (`provider_events`), and only their own booking.
Every change to an event's places locks the event's row first, so two bookings for the last place, or a booking
beside a cancellation, are taken one after the other and never give more places than there are.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.dates import govuk_time, long_date
from core.notifications import queue_email
from enterprises.access import provider_enterprises
from enterprises.models import Booking, Council, Event

Status = Booking.Status


class BookingRefused(ValueError):
    """A booking that cannot be made, with a message for the provider."""


def with_counts(events):
    return events.annotate(
        booked=Count("bookings", filter=Q(bookings__status=Status.BOOKED)),
        waiting=Count("bookings", filter=Q(bookings__status=Status.WAITING)),
        attended_count=Count("bookings", filter=Q(bookings__status=Status.BOOKED, bookings__attended=True)),
    )


def council_events(council: Council):
    """A member of staff's view: their council's events, with how many booked, wait and attended."""
    return with_counts(Event.objects.filter(council=council))


def provider_events(user):
    """The events a provider may book: upcoming ones of the councils their enterprises belong to."""
    councils = provider_enterprises(user).values("council_id")
    return with_counts(Event.objects.filter(council_id__in=councils, starts_at__gt=timezone.now()))


def when(event: Event) -> str:
    """"Tuesday 3 March 2026 at 10am"."""
    local = timezone.localtime(event.starts_at)
    return f"{local:%A} {long_date(local.date())} at {govuk_time(local.time())}"


@transaction.atomic
def publish_event(*, council: Council, by, kind: str, title: str, description: str, starts_at: datetime,
                  online: bool, venue: str = "", link: str = "", places: int) -> Event:
    return Event.objects.create(
        council=council, kind=kind, title=title.strip(), description=description.strip(), starts_at=starts_at,
        online=online, venue="" if online else venue.strip(), link=link.strip() if online else "", places=places,
        created_by=by,
    )


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def book_place(*, event: Event, person) -> Booking:
    """A place for `person`, or, when the event is full, a place on its waiting list. Booking again changes nothing."""
    event = _locked(event)
    if event.has_started:
        raise BookingRefused("This event has already started")
    enterprise = provider_enterprises(person).filter(council_id=event.council_id).order_by("name", "pk").first()
    if enterprise is None:
        raise BookingRefused("Only providers listed with this council can book")
    existing = Booking.objects.filter(event=event, person=person).first()
    if existing is not None:
        return existing
    taken = Booking.objects.filter(event=event, status=Status.BOOKED).count()
    return Booking.objects.create(event=event, person=person, enterprise=enterprise,
                                  status=Status.BOOKED if taken < event.places else Status.WAITING)


@transaction.atomic
def cancel_place(*, event: Event, person) -> Booking | None:
    """Give up a place (or a place on the waiting list). A place given up goes to the first person waiting, who is
    told by email. Returns the booking cancelled, or None if there was none."""
    event = _locked(event)
    booking = Booking.objects.filter(event=event, person=person).first()
    if booking is None:
        return None
    booking.delete()
    if booking.status == Status.BOOKED and not event.has_started:
        _fill_places(event)
    return booking


def _fill_places(event: Event) -> None:
    free = event.places - Booking.objects.filter(event=event, status=Status.BOOKED).count()
    if free <= 0:
        return
    for booking in Booking.objects.filter(event=event, status=Status.WAITING).select_related("person")[:free]:
        booking.status = Status.BOOKED
        booking.save(update_fields=["status"])
        _tell(booking, f"You have a place: {event.title}",
              f"A place has come free on {event.title}, {when(event)}, and it is yours: you were first on the "
              f"waiting list.\n\nIf you cannot come, please cancel your place so someone else can have it.")


def _tell(booking: Booking, subject: str, body: str, *, kind: str = "event_place") -> None:
    event = booking.event
    link = f"{settings.SITE_URL}{reverse('provider:events')}"
    where = f"Online: {event.link}" if event.online else f"Where: {event.venue}"
    text = f"{body}\n\n{where}\n\nYour events: {link}\n\n{settings.SITE_NAME}"
    queue_email(booking.person.email, subject, text, kind=kind, council_id=event.council_id,
                fields={"event": event.title, "when": when(event), "link": link})


@transaction.atomic
def mark_attendance(*, event: Event, council: Council, attended: set[int]) -> int:
    """Record who came: the booked people whose booking ids are in `attended` came, the others did not. Returns how
    many came."""
    if event.council_id != council.pk:
        raise BookingRefused("This is not one of your council’s events")
    booked = Booking.objects.filter(event=event, status=Status.BOOKED)
    came = booked.filter(pk__in=attended).update(attended=True)
    booked.exclude(pk__in=attended).update(attended=False)
    return came


def send_event_reminders(*, today: date | None = None) -> int:
    """Email everyone with a place on an event that starts tomorrow, once per booking: each booking is locked and
    marked reminded in the transaction that queues its email, so a second run (or two at once) sends nothing again.
    Returns how many were sent."""
    tomorrow = (today or timezone.localdate()) + timedelta(days=1)
    starts = [timezone.make_aware(datetime.combine(day, time())) for day in (tomorrow, tomorrow + timedelta(days=1))]
    due = Booking.objects.filter(status=Status.BOOKED, reminded_at__isnull=True, event__starts_at__gte=starts[0],
                                 event__starts_at__lt=starts[1])
    sent = 0
    with transaction.atomic():
        for booking in due.select_related("event", "person").select_for_update(of=("self",), skip_locked=True):
            booking.reminded_at = timezone.now()
            booking.save(update_fields=["reminded_at"])
            _tell(booking, f"Tomorrow: {booking.event.title}",
                  f"A reminder that you have a place on {booking.event.title}, {when(booking.event)}.\n\nIf you "
                  f"cannot come, please cancel your place so someone on the waiting list can have it.",
                  kind="event_reminder")
            sent += 1
    return sent
