"""Provider self-service, under /provider/ (namespace "provider")."""

from django.urls import path

from core import converters  # noqa: F401  (registers <text:…>, which refuses a NUL)
from enterprises.provider import events, still_correct, views

app_name = "provider"

listing = "listings/<slug:slug>/"
service = f"{listing}services/<text:key>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/<int:pk>/capacity/", views.capacity, name="capacity"),
    path("events/", events.events, name="events"),
    path("events/<int:pk>/book/", events.book, name="book_event"),
    path("events/<int:pk>/cancel/", events.cancel, name="cancel_event"),
    path("still-correct/<text:token>/", still_correct.still_correct, name="still_correct"),
    path(listing, views.task_list, name="task_list"),
    path(f"{listing}before-you-start/", views.before_you_start, name="before_you_start"),
    path(f"{listing}about/", views.about, name="about"),
    path(f"{listing}contact/", views.contact, name="contact"),
    path(f"{listing}documents/", views.documents, name="documents"),
    path(f"{listing}figures/", views.figures, name="figures"),
    path(f"{listing}submit/", views.submit, name="submit"),
    path(f"{listing}withdraw/", views.withdraw, name="withdraw"),
    path(f"{listing}services/add/", views.service_add, name="service_add"),
    path(service, views.service, name="service"),
    path(f"{service}where/", views.service_where, name="service_where"),
    path(f"{service}costs/", views.service_costs, name="service_costs"),
    path(f"{service}when/", views.service_when, name="service_when"),
    path(f"{service}accessibility/", views.service_accessibility, name="service_accessibility"),
    path(f"{service}remove/", views.service_remove, name="service_remove"),
]
