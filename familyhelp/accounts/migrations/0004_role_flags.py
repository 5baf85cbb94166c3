"""Which seeded roles need a second factor, and which may break glass (data a council can change)."""

from django.db import migrations

# Aggregate and pseudonymised figures only: no personal data and no directory changes.
NO_MFA = ["data-analyst"]
# The people who may need a record urgently outside their usual relationship to it.
MAY_BREAK_GLASS = ["front-door-officer", "team-manager"]


def set_flags(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(code__in=NO_MFA).update(requires_mfa=False)
    Role.objects.filter(code__in=MAY_BREAK_GLASS).update(may_break_glass=True)


def clear_flags(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.update(requires_mfa=True, may_break_glass=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_invitation_sso_break_glass_role_flags")]

    operations = [migrations.RunPython(set_flags, clear_flags)]
