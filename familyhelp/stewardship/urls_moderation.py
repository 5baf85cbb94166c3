"""Stewardship pages: moderation (namespace "stewardship"; docs/moderation.md)."""

from django.urls import path

from familyhelp.stewardship import views_moderation as views

urlpatterns = [
    path("directory-admin/changes/", views.queue, name="queue"),
    path("directory-admin/changes/<uuid:change_id>/", views.review, name="review"),
    path("directory-admin/services/<uuid:service_id>/history/", views.history, name="history"),
    path(
        "directory-admin/services/<uuid:service_id>/history/<int:number>/",
        views.version,
        name="version",
    ),
    path(
        "directory-admin/services/<uuid:service_id>/history/<int:number>/restore/",
        views.version_restore,
        name="version-restore",
    ),
    path(
        "directory-admin/organisations/<uuid:organisation_id>/",
        views.organisation,
        name="organisation-admin",
    ),
]
