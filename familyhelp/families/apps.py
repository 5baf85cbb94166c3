from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "familyhelp.families"
    label = "families"
    verbose_name = "Families and people"
    default_auto_field = "django.db.models.BigAutoField"
