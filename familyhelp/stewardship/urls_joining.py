"""Stewardship pages: joining (namespace "stewardship"; docs/joining.md)."""

from django.urls import path

from familyhelp.stewardship import views_joining as views

urlpatterns = [
    # Public: no sign-in needed.
    path("join-the-directory/", views.join_start, name="join-start"),
    path("join-the-directory/your-organisation/", views.join, name="join"),
    path("join-the-directory/sent/", views.join_sent, name="join-sent"),
    path("organisations/<uuid:organisation_id>/claim/", views.claim, name="claim"),
    # Directory administrators.
    path("directory-admin/join-requests/", views.join_requests, name="join-requests"),
    path(
        "directory-admin/join-requests/<uuid:join_request_id>/",
        views.join_request,
        name="join-request",
    ),
    path(
        "directory-admin/join-requests/<uuid:join_request_id>/approve/",
        views.join_request_approve,
        name="join-request-approve",
    ),
    path(
        "directory-admin/join-requests/<uuid:join_request_id>/refuse/",
        views.join_request_refuse,
        name="join-request-refuse",
    ),
]
