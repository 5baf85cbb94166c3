"""Case work's starting drift rules and the demo's stepped-down case audit tool.

Put in place after `migrate` when the tables are empty (post_migrate, so the tests' flush brings
them back). A partnership edits them; nothing here touches a table that has rows.
"""

# code, working days
DRIFT_RULES = [
    ("no_contact", 20),
    ("review_overdue", 0),
    ("no_goals", 10),
    ("actions_overdue", 0),
    ("not_allocated", 5),
]


def drift_rules_seed_if_empty(sender=None, using="default", **kwargs) -> int:
    from familyhelp.casework.models import DriftRule

    if DriftRule.objects.using(using).exists():
        return 0
    DriftRule.objects.using(using).bulk_create(
        DriftRule(code=code, working_days=days) for code, days in DRIFT_RULES
    )
    return len(DRIFT_RULES)
