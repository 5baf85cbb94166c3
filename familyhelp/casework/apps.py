from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "familyhelp.casework"
    label = "casework"
    verbose_name = "Case work"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from familyhelp.casework.seed import drift_rules_seed_if_empty

        # The drift rules come back if the table is ever emptied (the tests' flush does).
        post_migrate.connect(drift_rules_seed_if_empty, sender=self, dispatch_uid="casework.drift")

        # Episodes (casework/services/episodes/, casework/involvement.py): a Family Help decision
        # opens an episode; the family page lists the family's episodes.
        from familyhelp.casework.involvement import register_episodes

        register_episodes()
