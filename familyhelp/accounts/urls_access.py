"""URLs for the access pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

from django.urls import path, re_path

from familyhelp.accounts.views import access

urlpatterns = [
    re_path(
        r"^access/emergency/(?P<record_type>[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)/"
        r"(?P<record_id>[A-Za-z0-9_-]{1,64})/$",
        access.break_glass_request_page,
        name="break-glass",
    ),
    path("access/reviews/", access.break_glass_reviews_page, name="break-glass-reviews"),
    path("access/reviews/<uuid:pk>/", access.break_glass_review_page, name="break-glass-review"),
]
