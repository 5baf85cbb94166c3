"""Stewardship's pages, one module of routes per area, all in the "stewardship" namespace."""

from django.urls import path

from familyhelp.stewardship import (
    urls_dashboard,
    urls_editing,
    urls_joining,
    urls_moderation,
    urls_uploads,
    views,
)

app_name = "stewardship"

urlpatterns = [
    # Freshness: the reminder's confirm link, and the overdue listings.
    path("listings/confirm/<str:signed>/", views.confirm, name="confirm"),
    path("listings/confirm/<str:signed>/done/", views.confirmed, name="confirmed"),
    path("directory-admin/overdue/", views.overdue, name="overdue"),
    *urls_editing.urlpatterns,
    *urls_moderation.urlpatterns,
    *urls_dashboard.urlpatterns,
    *urls_uploads.urlpatterns,
    *urls_joining.urlpatterns,
]
