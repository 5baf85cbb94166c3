"""Who may read the audit log: every role against every audit permission, from one table."""

import pytest

from familyhelp.accounts.models import Role
from familyhelp.accounts.tests.factories import UserFactory

PERMISSIONS = ("audit.search_log", "audit.view_record_history", "audit.export_log")
# role -> may read the log at all (a team manager only for their teams' people: the selectors
# narrow what they see; see test_selectors.py)
MAY_READ = {
    "system-administrator": True,
    "auditor": True,
    "team-manager": True,
    "agency-administrator": False,
    "directory-administrator": False,
    "organisation-editor": False,
    "practitioner": False,
    "front-door-officer": False,
    "family-keyworker": False,
    "data-analyst": False,
}


def test_the_table_names_every_role(db):
    assert set(MAY_READ) == set(Role.objects.values_list("code", flat=True))


@pytest.mark.parametrize("permission", PERMISSIONS)
@pytest.mark.parametrize(("role", "allowed"), MAY_READ.items())
def test_each_role_may_or_may_not_read_the_log(db, role, allowed, permission):
    assert UserFactory(roles=[role]).has_perm(permission) is allowed


@pytest.mark.parametrize("permission", PERMISSIONS)
def test_a_superuser_may_and_a_deactivated_auditor_or_no_one_may_not(db, permission):
    assert UserFactory(is_superuser=True).has_perm(permission)
    assert not UserFactory(roles=["auditor"], is_active=False).has_perm(permission)
    assert not UserFactory(roles=[]).has_perm(permission)
