"""Open data: the Open Referral UK API under /api/oruk/, the page and CSV under /open-data/, and the council staff's
import of an existing directory under /council/import/.

API paths are as the ORUK OpenAPI file writes them (no trailing slash); one is also accepted. Any other path under
/api/oruk/ is a JSON 404 that lists the endpoints.
"""

from django.urls import include, path, re_path

from opendata import api, import_views
from opendata import csv_export as open_data

ID = r"(?P<id>[^/]+)"

api_patterns = [
    re_path(r"^$", api.root, name="root"),
    re_path(r"^services/?$", api.services, name="services"),
    re_path(rf"^services/{ID}/?$", api.service, name="service"),
    re_path(r"^service_at_locations/?$", api.service_at_locations, name="service_at_locations"),
    re_path(rf"^service_at_locations/{ID}/?$", api.service_at_location, name="service_at_location"),
    re_path(r"^taxonomies/?$", api.taxonomies, name="taxonomies"),
    re_path(rf"^taxonomies/{ID}/?$", api.taxonomy, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", api.taxonomy_terms, name="taxonomy_terms"),
    re_path(rf"^taxonomy_terms/{ID}/?$", api.taxonomy_term, name="taxonomy_term"),
    re_path(r"^(?P<path>.*)$", api.not_found),
]

urlpatterns = [
    re_path(r"^api/oruk/", include((api_patterns, "oruk"))),
    re_path(r"^api/oruk$", api.root),
    path("open-data/", open_data.open_data, name="open_data"),
    path("open-data/services.csv", open_data.services_csv, name="open_data_services_csv"),
    path("council/import/", import_views.start, name="import_directory"),
    path("council/import/<int:pk>/", import_views.check, name="import_directory_check"),
    path("council/import/<int:pk>/confirm/", import_views.confirm, name="import_directory_confirm"),
]
