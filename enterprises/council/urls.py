"""Council staff: approvals, reviews, lists, invitations, under /council/ (namespace "council")."""

from django.urls import path

from core import converters  # noqa: F401  (registers <text:…>, which refuses a NUL)
from enterprises.council import enquiries, events, place_names, synonyms
from enterprises.council import views as council

app_name = "council"
urlpatterns = [
    path("", council.queue, name="queue"),
    path("listings/", council.all_listings, name="listings"),
    path("review-overdue/", council.review_overdue_list, name="review_overdue"),
    path("insurance-expiring/", council.insurance_expiring_list, name="insurance_expiring"),
    path("no-review-date/", council.no_review_date_list, name="no_review_date"),
    path("no-insurance-date/", council.no_insurance_date_list, name="no_insurance_date"),
    path("messages-not-sent/", council.failed_messages_list, name="failed_messages"),
    path("place-names/", place_names.place_names, name="place_names"),
    path("place-names/<int:pk>/remove/", place_names.remove_place_name, name="remove_place_name"),
    path("events/", events.events, name="events"),
    path("events/new/", events.new_event, name="new_event"),
    path("events/<int:pk>/", events.event, name="event"),
    path("events/<int:pk>/attendance/", events.attendance, name="event_attendance"),
    path("listings/<slug:slug>/", council.review, name="review"),
    path("listings/<slug:slug>/approve/", council.approve, name="approve"),
    path("listings/<slug:slug>/request-changes/", council.request_changes, name="request_changes"),
    path("listings/<slug:slug>/reject/", council.reject, name="reject"),
    path("listings/<slug:slug>/mark-reviewed/", council.mark_reviewed, name="mark_reviewed"),
    path("listings/<slug:slug>/suspend/", council.suspend, name="suspend"),
    path("listings/<slug:slug>/reinstate/", council.reinstate, name="reinstate"),
    path("listings/<slug:slug>/archive/", council.archive, name="archive"),
    path("enquiries/", enquiries.enquiry_list, name="enquiries"),
    path("enquiries/<text:reference>/", enquiries.enquiry_detail, name="enquiry"),
    path("enquiries/<text:reference>/talking/", enquiries.enquiry_talking, name="enquiry_talking"),
    path("enquiries/<text:reference>/started/", enquiries.enquiry_started, name="enquiry_started"),
    path("enquiries/<text:reference>/not-going-ahead/", enquiries.enquiry_not_going_ahead,
         name="enquiry_not_going_ahead"),
    path("revisions/<int:pk>/", council.revision, name="revision"),
    path("revisions/<int:pk>/approve/", council.approve_revision, name="approve_revision"),
    path("revisions/<int:pk>/reject/", council.reject_revision, name="reject_revision"),
    path("words-people-use/", synonyms.synonyms, name="synonyms"),
    path("words-people-use/add/", synonyms.add_synonym, name="add_synonym"),
    path("words-people-use/<int:pk>/", synonyms.change_synonym, name="change_synonym"),
    path("words-people-use/<int:pk>/delete/", synonyms.delete_synonym, name="delete_synonym"),
]
