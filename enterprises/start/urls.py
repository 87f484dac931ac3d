"""The public "Start a community micro-enterprise" pages."""

from django.urls import path

from enterprises.start import views

urlpatterns = [
    path("start-a-micro-enterprise/", views.start, name="start_enquiry"),
    path("start-a-micro-enterprise/sent/", views.sent, name="start_enquiry_sent"),
]
