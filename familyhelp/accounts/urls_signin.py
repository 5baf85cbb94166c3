"""URLs for the signin pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

urlpatterns = []
