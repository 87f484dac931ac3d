"""Council staff's courses and meet-ups for providers: the list, publishing one, and an event's page with who
booked, who waits and who attended (the rules: enterprises/events.py)."""

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import GovukDateField, GovukFormMixin
from enterprises.access import staff_required
from enterprises.events import council_events, mark_attendance, publish_event, when
from enterprises.models import Booking, Event
from enterprises.provider.forms import LenientTimeField

MOST_PLACES = 1000
FURTHEST_AHEAD_DAYS = 2 * 366


class EventForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Is it a course or a meet-up?", choices=Event.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Select whether it is a course or a meet-up",
                                             "invalid_choice": "Select whether it is a course or a meet-up"})
    title = forms.CharField(label="Title", max_length=150, help_text="For example, Safeguarding basics",
                            error_messages={"required": "Enter the title",
                                            "max_length": "The title must be 150 characters or fewer"})
    description = forms.CharField(label="What is it?", max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text="What providers will learn or do, and who it is for",
                                  error_messages={"required": "Enter what the event is",
                                                  "max_length": "What the event is must be 3,000 characters or "
                                                                "fewer"})
    date = GovukDateField(label="Date", what="The date", help_text="For example, 27 3 2027")
    time = LenientTimeField(label="Start time", required=True, help_text="For example, 10am or 14:30",
                            error_messages={"required": "Enter the start time"})
    online = forms.TypedChoiceField(label="Where is it?", choices=[("no", "In person"), ("yes", "Online")],
                                    coerce=lambda answer: answer == "yes", widget=forms.RadioSelect,
                                    error_messages={"required": "Select whether it is in person or online",
                                                    "invalid_choice": "Select whether it is in person or online"})
    venue = forms.CharField(label="Address of the venue (if in person)", max_length=300, required=False,
                            help_text="For example, Guildhall, High Street, Worcester WR1 2EY",
                            error_messages={"max_length": "The address must be 300 characters or fewer"})
    link = forms.URLField(label="Link to join (if online)", max_length=500, required=False, assume_scheme="https",
                          help_text="The web address providers use to join",
                          error_messages={"invalid": "Enter the link as a web address, starting https://",
                                          "max_length": "The link must be 500 characters or fewer"})
    places = forms.IntegerField(label="Number of places", min_value=1, max_value=MOST_PLACES,
                                widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
                                error_messages={"required": "Enter the number of places",
                                                "invalid": "Enter the number of places as a whole number, like 12",
                                                "min_value": "The number of places must be 1 or more",
                                                "max_value": f"The number of places must be {MOST_PLACES:,} or "
                                                             f"fewer"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["class"] = "govuk-input--width-30"
        self.fields["link"].widget.attrs.update({"spellcheck": "false", "autocomplete": "url"})

    def clean_date(self):
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("The date must be today or in the future", code="past")
        if day > today + datetime.timedelta(days=FURTHEST_AHEAD_DAYS):
            raise forms.ValidationError("The date must be within the next 2 years", code="too_far")
        return day

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("date"), cleaned.get("time")
        if day and time:
            cleaned["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
            if cleaned["starts_at"] <= timezone.now():
                self.add_error("time", "The start time must be in the future")
        online = cleaned.get("online")
        if online is True and not cleaned.get("link") and "link" not in self.errors:
            self.add_error("link", "Enter the link to join")
        if online is False and not cleaned.get("venue", "").strip() and "venue" not in self.errors:
            self.add_error("venue", "Enter the address of the venue")
        return cleaned


@require_GET
@staff_required
def events(request):
    now = timezone.now()
    listed = council_events(request.council)
    return render(request, "council/events.html", {
        "upcoming": listed.filter(starts_at__gt=now),
        "past": listed.filter(starts_at__lte=now).order_by("-starts_at", "-pk")[:50],
    })


@require_http_methods(["GET", "POST"])
@staff_required
def new_event(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = publish_event(council=request.council, by=request.user, kind=data["kind"], title=data["title"],
                              description=data["description"], starts_at=data["starts_at"], online=data["online"],
                              venue=data["venue"], link=data["link"], places=data["places"])
        messages.success(request, f"{event.title} is published: providers can book a place")
        return redirect("council:event", event.pk)
    return render(request, "council/event_form.html", {"form": form})


def _event(request, pk) -> Event:
    return get_object_or_404(council_events(request.council), pk=pk)


@require_GET
@staff_required
def event(request, pk):
    found = _event(request, pk)
    bookings = list(found.bookings.select_related("person", "enterprise"))
    return render(request, "council/event.html", {
        "event": found,
        "when": when(found),
        "booked": [booking for booking in bookings if booking.status == Booking.Status.BOOKED],
        "waiting": [booking for booking in bookings if booking.status == Booking.Status.WAITING],
    })


@require_POST
@staff_required
def attendance(request, pk):
    found = _event(request, pk)
    chosen = {int(value) for value in request.POST.getlist("attended") if value.isdecimal() and len(value) < 19}
    if not found.has_started:
        messages.error(request, "You can mark who attended once the event has started")
        return redirect("council:event", found.pk)
    came = mark_attendance(event=found, council=request.council, attended=chosen)
    messages.success(request, f"Attendance saved: {came} attended")
    return redirect("council:event", found.pk)
