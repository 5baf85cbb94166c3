"""The Open Referral UK 3.0 feed, mounted at /api/oruk/.

Each path answers as the standard spells it (`/services`) and with a final slash (`/services/`).
"""

from django.urls import path, re_path

from familyhelp.directory.api import views

app_name = "oruk"

ENDPOINTS = [
    ("services", views.ServiceListView, "services"),
    ("services/<str:id>", views.ServiceDetailView, "service"),
    ("service_at_locations", views.ServiceAtLocationListView, "service-at-locations"),
    ("service_at_locations/<str:id>", views.ServiceAtLocationDetailView, "service-at-location"),
    ("organizations", views.OrganizationListView, "organizations"),
    ("organizations/<str:id>", views.OrganizationDetailView, "organization"),
    ("taxonomies", views.TaxonomyListView, "taxonomies"),
    ("taxonomies/<str:id>", views.TaxonomyDetailView, "taxonomy"),
    ("taxonomy_terms", views.TaxonomyTermListView, "taxonomy-terms"),
    ("taxonomy_terms/<str:id>", views.TaxonomyTermDetailView, "taxonomy-term"),
]

urlpatterns = [
    path("", views.ApiDetailsView.as_view(), name="api-details"),
    *(path(route, view.as_view(), name=name) for route, view, name in ENDPOINTS),
    *(path(f"{route}/", views.undocumented(view).as_view()) for route, view, _ in ENDPOINTS),
    re_path(r"^(?P<rest>.*)$", views.NoEndpointView.as_view()),
]
