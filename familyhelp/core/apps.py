from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "familyhelp.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from familyhelp.core import checks  # noqa: F401 - registers the system checks
