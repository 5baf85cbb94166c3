"""URLs for the people pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

urlpatterns = []
