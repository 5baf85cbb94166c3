from django.apps import AppConfig


class TestRecordsConfig(AppConfig):
    name = "familyhelp.accounts.tests.records"
    label = "testrecords"
    verbose_name = "Test records"
    default_auto_field = "django.db.models.BigAutoField"
