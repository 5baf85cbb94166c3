from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "familyhelp.accounts"
    label = "accounts"
    verbose_name = "People and agencies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Audit records for sign-in, sign-out, failed sign-ins and lockouts.
        from familyhelp.accounts import checks, signals  # noqa: F401 (checks registers itself)

        signals.connect()
