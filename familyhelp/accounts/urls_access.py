"""URLs for the access pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

urlpatterns = []
