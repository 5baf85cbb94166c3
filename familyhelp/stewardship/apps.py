from django.apps import AppConfig


class StewardshipConfig(AppConfig):
    name = "familyhelp.stewardship"
    label = "stewardship"
    verbose_name = "Directory stewardship"
    default_auto_field = "django.db.models.BigAutoField"
