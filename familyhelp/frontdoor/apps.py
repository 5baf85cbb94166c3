from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "familyhelp.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from familyhelp.frontdoor.seed import levels_seed_if_empty

        # The threshold guidance comes back if the table is ever emptied (the tests' flush does).
        post_migrate.connect(levels_seed_if_empty, sender=self, dispatch_uid="frontdoor.levels")
