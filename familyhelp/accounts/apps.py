from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "familyhelp.accounts"
    label = "accounts"
    verbose_name = "People and agencies"
    default_auto_field = "django.db.models.BigAutoField"
