"""Stewardship pages: editing (namespace "stewardship"; docs/editing-listings.md)."""

from django.urls import path

from familyhelp.stewardship.views_editing import changes, entries, organisations

urlpatterns = [
    path("listings/", organisations.organisations, name="organisations"),
    path(
        "listings/organisations/<uuid:organisation_id>/",
        organisations.organisation,
        name="organisation",
    ),
    path(
        "listings/organisations/<uuid:organisation_id>/add/",
        organisations.organisation_add_service,
        name="organisation-add-service",
    ),
    path("listings/services/<uuid:service_id>/", organisations.service, name="service"),
    path(
        "listings/services/<uuid:service_id>/confirm/",
        organisations.service_confirm,
        name="service-confirm",
    ),
    path("listings/changes/<uuid:change_id>/", changes.change, name="change"),
    path("listings/changes/<uuid:change_id>/check/", changes.check, name="change-check"),
    path("listings/changes/<uuid:change_id>/sent/", changes.sent, name="change-sent"),
    path("listings/changes/<uuid:change_id>/delete/", changes.delete, name="change-delete"),
    path(
        "listings/changes/<uuid:change_id>/questions/<slug:question>/",
        changes.question,
        name="change-question",
    ),
    path(
        "listings/changes/<uuid:change_id>/lists/<slug:kind>/",
        entries.entries,
        name="change-entries",
    ),
    path(
        "listings/changes/<uuid:change_id>/lists/<slug:kind>/add/",
        entries.entry,
        name="change-entry-add",
    ),
    path(
        "listings/changes/<uuid:change_id>/lists/<slug:kind>/<uuid:entry_id>/",
        entries.entry,
        name="change-entry",
    ),
    path(
        "listings/changes/<uuid:change_id>/lists/<slug:kind>/<uuid:entry_id>/remove/",
        entries.entry_remove,
        name="change-entry-remove",
    ),
]
