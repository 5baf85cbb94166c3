"""Stewardship pages: dashboard (namespace "stewardship")."""

from django.urls import path

from familyhelp.stewardship import views_dashboard

urlpatterns = [
    path("directory-admin/", views_dashboard.dashboard, name="dashboard"),
    path(
        "directory-admin/dashboard.csv",
        views_dashboard.dashboard_download,
        name="dashboard-download",
    ),
]
