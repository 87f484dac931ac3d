"""Providers' courses and meet-ups: the council's upcoming events, booking and cancelling a place (the rules:
enterprises/events.py)."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from enterprises.access import provider_required
from enterprises.events import BookingRefused, book_place, cancel_place, provider_events, when
from enterprises.models import Booking

ON_THE_HOME_PAGE = 3


def upcoming_for(user, limit: int | None = None) -> list[dict]:
    """The upcoming events this provider may book, each with when it is and their booking (or None)."""
    mine = Booking.objects.filter(person=user)
    events = provider_events(user).select_related("council").prefetch_related(
        Prefetch("bookings", queryset=mine, to_attr="mine"))
    if limit is not None:
        events = events[:limit]
    rows = []
    for event in events:
        booking = event.mine[0] if event.mine else None
        position = None
        if booking is not None and booking.status == Booking.Status.WAITING:
            position = Booking.objects.filter(event=event, status=Booking.Status.WAITING,
                                              booked_at__lte=booking.booked_at).count()
        rows.append({"event": event, "when": when(event), "booking": booking, "position": position})
    return rows


@require_GET
@provider_required
def events(request):
    return render(request, "provider/events.html", {"rows": upcoming_for(request.user)})


def _event(request, pk):
    return get_object_or_404(provider_events(request.user), pk=pk)


@require_POST
@provider_required
def book(request, pk):
    event = _event(request, pk)
    try:
        booking = book_place(event=event, person=request.user)
    except BookingRefused as refused:
        messages.error(request, str(refused))
    else:
        if booking.status == Booking.Status.BOOKED:
            messages.success(request, f"You have a place on {event.title}")
        else:
            messages.success(request, f"{event.title} is full: you are on the waiting list, and we will email you "
                                      f"if a place comes free")
    return redirect(f"{_events_url()}#event-{event.pk}")


@require_POST
@provider_required
def cancel(request, pk):
    event = _event(request, pk)
    cancelled = cancel_place(event=event, person=request.user)
    if cancelled is not None:
        what = "place on" if cancelled.status == Booking.Status.BOOKED else "place on the waiting list for"
        messages.success(request, f"You have cancelled your {what} {event.title}")
    return redirect(f"{_events_url()}#event-{event.pk}")


def _events_url():
    return reverse("provider:events")
