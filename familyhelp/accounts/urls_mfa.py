"""URLs for the mfa pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

urlpatterns = []
