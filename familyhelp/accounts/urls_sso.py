"""URLs for the sso pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

from django.urls import path

from familyhelp.accounts.views import sso

urlpatterns = [
    path("sign-in/sso/callback/", sso.SsoCallbackView.as_view(), name="sso-callback"),
    path("sign-in/sso/problem/", sso.sso_refused, name="sso-refused"),
    path("sign-in/with/<slug:provider>/", sso.SsoStartView.as_view(), name="sso-start"),
    path("people/<uuid:person_id>/sign-in-accounts/", sso.identities, name="sso-identities"),
    path(
        "people/<uuid:person_id>/sign-in-accounts/<int:identity_id>/unlink/",
        sso.unlink,
        name="sso-unlink",
    ),
]
