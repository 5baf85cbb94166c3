"""URLs for the signin pages (included by familyhelp/accounts/urls.py, namespace "accounts")."""

from django.urls import path

from familyhelp.accounts.views import signin

urlpatterns = [
    path("sign-in/", signin.sign_in, name="sign-in"),
    path("sign-out/", signin.sign_out, name="sign-out"),
    path("signed-out/", signin.signed_out, name="signed-out"),
    path("session/keep-alive/", signin.keep_alive, name="keep-alive"),
    path("account/", signin.home, name="home"),
    path("locked-accounts/", signin.locked_accounts, name="locked-accounts"),
    path(
        "locked-accounts/<uuid:person_id>/unlock/",
        signin.unlock_account,
        name="unlock-account",
    ),
    path("password-reset/", signin.password_reset, name="password-reset"),
    path("password-reset/sent/", signin.password_reset_sent, name="password-reset-sent"),
    path("password-reset/done/", signin.password_reset_done, name="password-reset-done"),
    path(
        "password-reset/<str:uidb64>/new-password/",
        signin.password_reset_new,
        name="password-reset-new",
    ),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        signin.password_reset_link,
        name="password-reset-link",
    ),
]
