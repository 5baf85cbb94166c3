"""The audit log's pages for auditors and managers: namespace "audit", under /audit/."""

from django.urls import path

from familyhelp.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export, name="export"),
    path(
        "records/<str:record_type>/<str:record_id>/viewers/",
        views.viewers,
        name="viewers",
    ),
]
