from django.contrib import admin
from django.urls import include, path

from core import converters, health  # noqa: F401  (converters registers <text:…>, which refuses a NUL)
from core.security import security_txt
from directory import location, problem_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),  # for load balancers: database and migrations
    path("search/", views.search, name="search"),
    path("search/postcode-near-me/", location.postcode_near, name="postcode_near"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("services/<int:pk>/report-a-problem/", problem_views.report, name="report_problem"),
    path("services/<int:pk>/report-a-problem/sent/", problem_views.report_sent, name="report_problem_sent"),
    path("providers/<slug:slug>/", views.enterprise_detail, name="enterprise"),
    path("shortlist/", views.shortlist, name="shortlist"),
    path("shortlist/print/", views.shortlist_print, name="shortlist_print"),
    path("shortlist/add/<int:pk>/", views.shortlist_add, name="shortlist_add"),
    path("shortlist/remove/<int:pk>/", views.shortlist_remove, name="shortlist_remove"),
    path("shortlist/share/", views.shortlist_share, name="shortlist_share"),
    path("shortlist/share/<text:code>/", views.shortlist_sharing, name="shortlist_sharing"),
    path("shortlist/open/", views.shortlist_open, name="shortlist_open"),
    path("shortlist/shared/<text:code>/", views.shared_shortlist, name="shared_shortlist"),
    path("shortlist/shared/<text:code>/add/", views.shared_shortlist_add, name="shared_shortlist_add"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
    path("", include("opendata.urls")),  # open data: the ORUK API at /api/oruk/, the CSV at /open-data/
    path("", include("accounts.urls")),
    path("", include("enterprises.start.urls")),
    path("provider/problems/", problem_views.provider_reports, name="provider_problem_reports"),
    path("provider/", include("enterprises.provider.urls")),
    path("council/problems/", problem_views.council_reports, name="council_problem_reports"),
    path("council/problems/<int:pk>/dealt-with/", problem_views.council_dealt_with, name="council_problem_dealt_with"),
    path("council/", include("enterprises.council.urls")),
    path("council/reports/", include("reports.urls")),
    path("", include("referrals.urls")),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("admin/", admin.site.urls),
]
