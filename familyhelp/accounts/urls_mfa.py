"""URLs for the second factor pages (in familyhelp/accounts/urls.py, namespace "accounts")."""

from django.urls import path

from familyhelp.accounts.views import mfa

urlpatterns = [
    path("account/second-factor/", mfa.verify, name="second-factor"),
    path("account/second-factor/set-up/", mfa.set_up, name="second-factor-set-up"),
    path(
        "account/second-factor/recovery-code/",
        mfa.use_recovery_code,
        name="second-factor-recovery-code",
    ),
    path(
        "account/second-factor/recovery-codes/",
        mfa.recovery_codes,
        name="second-factor-recovery-codes",
    ),
    path(
        "account/second-factor/recovery-codes/new/",
        mfa.new_recovery_codes,
        name="second-factor-new-recovery-codes",
    ),
    path(
        "people/<uuid:person_id>/second-factor/reset/",
        mfa.reset_second_factor,
        name="reset-second-factor",
    ),
]
