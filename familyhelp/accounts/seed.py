"""The ten roles Family Help starts with, as the migrations left them (0002, 0004, 0005).

The migrations hold their own frozen copy; this one puts the roles back when the table is empty
after `manage.py flush` (which the test suite's transactional tests run), through post_migrate.
A council that changes a role keeps its change: nothing here touches a table that has rows.
"""

# code, name, description, requires_mfa, may_break_glass, agency_administrators_may_grant
ROLES = [
    ("system-administrator", "System administrator", "Runs the whole service, across agencies.",
     True, False, False),
    ("agency-administrator", "Agency administrator", "Manages its own agency's people.",
     True, False, True),
    ("directory-administrator", "Directory administrator", "Looks after the public directory.",
     True, False, False),
    ("organisation-editor", "Organisation editor", "Edits the listings of its organisations.",
     True, False, True),
    ("practitioner", "Practitioner",
     "Makes requests for support, such as a school's safeguarding lead or a health visitor.",
     True, False, True),
    ("front-door-officer", "Front door officer", "Triages requests for support.",
     True, True, True),
    ("family-keyworker", "Family keyworker / lead professional",
     "Works with a family and leads their plan.", True, False, True),
    ("team-manager", "Team manager", "Manages a team and its caseloads.", True, True, True),
    ("data-analyst", "Data analyst", "Sees aggregate and pseudonymised data only.",
     False, False, True),
    ("auditor", "Auditor", "Reads the audit log.", True, False, False),
]  # fmt: skip


def roles_seed_if_empty(sender=None, using="default", **kwargs) -> int:
    """post_migrate receiver: create the starting roles when there are none; returns how many."""
    from familyhelp.accounts.models import Role

    if Role.objects.using(using).exists():
        return 0
    Role.objects.using(using).bulk_create(
        Role(
            code=code,
            name=name,
            description=description,
            requires_mfa=mfa,
            may_break_glass=break_glass,
            agency_administrators_may_grant=grantable,
        )
        for code, name, description, mfa, break_glass, grantable in ROLES
    )
    return len(ROLES)
