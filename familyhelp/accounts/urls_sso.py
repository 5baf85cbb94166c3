"""URLs for the sso pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

urlpatterns = []
