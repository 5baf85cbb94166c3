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

        # Families (issue 6 §1): the front door's rows on the family page, and its part of merges.
        from familyhelp.frontdoor.involvement import register_involvement
        from familyhelp.frontdoor.merging import register_merge_handler

        register_involvement()
        register_merge_handler()
