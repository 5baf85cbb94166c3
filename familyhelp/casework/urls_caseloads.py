"""Routes: caseloads, drift, reallocation and case work settings (docs/caseloads-and-drift.md)."""

from django.urls import path

from familyhelp.casework import views_caseloads as views

urlpatterns = [
    path("caseloads/", views.caseloads, name="caseloads"),
    path("caseloads/teams/<int:team_id>.csv", views.caseloads_download, name="caseloads-download"),
    path("caseloads/drift/", views.drift, name="drift"),
    path("caseloads/workers/<uuid:user_id>/", views.worker, name="worker"),
    path("caseloads/episodes/<int:pk>/reallocate/", views.reallocate, name="reallocate"),
    path("caseloads/settings/", views.configure, name="settings"),
]
