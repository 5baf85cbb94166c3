"""The site's URLs plus test-only pages, used as ROOT_URLCONF by config/settings/test.py only."""

from django.urls import include, path

from config.urls import handler400, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

urlpatterns = [
    *site_urlpatterns,
    # Access: the stand-in personal record (familyhelp/accounts/tests/records).
    path("", include("familyhelp.accounts.tests.records.urls")),
    # Other areas: append your test-only URLs below this line, one commented entry each.
]
