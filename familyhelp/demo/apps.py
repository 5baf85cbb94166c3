from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "familyhelp.demo"
    label = "demo"
    verbose_name = "Demo county"
