"""Stewardship pages: uploads (namespace "stewardship")."""

from django.urls import path

from familyhelp.stewardship import views_uploads

urlpatterns = [
    path("listings/upload/", views_uploads.upload, name="upload-start"),
    path(
        "listings/upload/template.<str:file_format>",
        views_uploads.template,
        name="upload-template",
    ),
    path("listings/upload/current/", views_uploads.current_listings, name="upload-current"),
    path("listings/upload/<uuid:upload_id>/", views_uploads.upload_detail, name="upload"),
    path(
        "listings/upload/<uuid:upload_id>/confirm/",
        views_uploads.upload_confirm,
        name="upload-confirm",
    ),
    path(
        "listings/upload/<uuid:upload_id>/cancel/",
        views_uploads.upload_cancel,
        name="upload-cancel",
    ),
]
