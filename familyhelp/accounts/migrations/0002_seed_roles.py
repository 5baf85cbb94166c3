"""The ten roles of issue 4, held in data so a council can rename or describe them."""

from django.db import migrations

ROLES = [
    ("system-administrator", "System administrator", "Runs the whole service, across agencies."),
    ("agency-administrator", "Agency administrator", "Manages its own agency's people."),
    ("directory-administrator", "Directory administrator", "Looks after the public directory."),
    ("organisation-editor", "Organisation editor", "Edits the listings of its organisations."),
    (
        "practitioner",
        "Practitioner",
        "Makes requests for support, such as a school's safeguarding lead or a health visitor.",
    ),
    ("front-door-officer", "Front door officer", "Triages requests for support."),
    (
        "family-keyworker",
        "Family keyworker / lead professional",
        "Works with a family and leads their plan.",
    ),
    ("team-manager", "Team manager", "Manages a team and its caseloads."),
    ("data-analyst", "Data analyst", "Sees aggregate and pseudonymised data only."),
    ("auditor", "Auditor", "Reads the audit log."),
]


def seed_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, description in ROLES:
        Role.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )


def unseed_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(code__in=[code for code, _, _ in ROLES], assignments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_user_agency_team_role")]

    operations = [migrations.RunPython(seed_roles, unseed_roles)]
