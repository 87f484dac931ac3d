"""Reports for council staff, under /council/reports/ (namespace "reports")."""

from django.urls import path

from reports import views as views_reports

app_name = "reports"
urlpatterns = [
    path("", views_reports.index, name="index"),
    path("<slug:table>.csv", views_reports.table_csv, name="csv"),
]
