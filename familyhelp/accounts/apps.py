from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "familyhelp.accounts"
    label = "accounts"
    verbose_name = "People and agencies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Audit records for sign-in, sign-out, failed sign-ins and lockouts.
        from django.db.models.signals import post_migrate

        from familyhelp.accounts import checks, signals  # noqa: F401 (checks registers itself)
        from familyhelp.accounts.seed import roles_seed_if_empty

        signals.connect()
        # The starting roles come back if the table is ever emptied (the tests' flush does).
        post_migrate.connect(roles_seed_if_empty, sender=self, dispatch_uid="accounts.roles")
