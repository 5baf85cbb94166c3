"""The services behind the people pages: details, teams, roles, reactivation, and refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from familyhelp.accounts import rules, services
from familyhelp.accounts.models import Role, TeamMembership
from familyhelp.accounts.services import (
    AccountsError,
    user_assign_role,
    user_change_details,
    user_deactivate,
    user_reactivate,
    user_remove_from_team,
    user_set_roles,
    user_set_teams,
)
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory, role
from familyhelp.audit.models import AuditEvent


def events():
    return list(AuditEvent.objects.order_by("sequence"))


def held(person):
    return set(person.role_assignments.values_list("role__code", flat=True))


# user_change_details


def test_changing_details_saves_and_audits_only_the_fields_that_changed(council, council_admin):
    person = UserFactory(agency=council, full_name="Alex Reid", job_title="Health visitor")

    user_change_details(
        actor=council_admin,
        user=person,
        full_name="Alex Reid-Smith",
        job_title="Health visitor",
        fte=Decimal("0.6"),
    )

    person.refresh_from_db()
    assert (person.full_name, person.fte) == ("Alex Reid-Smith", Decimal("0.60"))
    [event] = events()
    assert (event.action, event.record_id) == ("change", str(person.pk))
    assert event.fields_changed == ["full_name", "fte"]
    # The name is personal data: only the FTE is kept as a value
    assert event.values == {"fte": "0.60"}


def test_changing_nothing_is_refused_and_not_audited(council, council_admin):
    person = UserFactory(agency=council, full_name="Alex Reid", job_title="Nurse")
    with pytest.raises(AccountsError, match=services.NOTHING_CHANGED):
        user_change_details(
            actor=council_admin, user=person, full_name="Alex Reid", job_title="Nurse", fte=1
        )
    assert events() == []


def test_an_fte_out_of_range_changes_nothing(council, council_admin):
    person = UserFactory(agency=council)
    with pytest.raises(ValidationError):
        user_change_details(
            actor=council_admin, user=person, full_name="A", job_title="", fte=Decimal("1.5")
        )
    person.refresh_from_db()
    assert person.fte == Decimal("1.00") and person.full_name != "A"
    assert events() == []


def test_changing_another_agencys_person_is_refused_and_audited(school, council_admin):
    teacher = UserFactory(agency=school, full_name="Sam Teacher")
    with pytest.raises(AccountsError, match=services.OUTSIDE_YOUR_AGENCY):
        user_change_details(
            actor=council_admin, user=teacher, full_name="Changed", job_title="", fte=1
        )
    teacher.refresh_from_db()
    assert teacher.full_name == "Sam Teacher"
    [event] = events()
    assert (event.actor, event.action, event.values) == (
        council_admin,
        "change",
        {"refused": "outside_agency"},
    )


# teams


def test_set_teams_adds_and_removes_in_one_audited_change(council, council_admin):
    person = UserFactory(agency=council)
    early_help, duty, hub = (TeamFactory(agency=council) for _ in range(3))
    TeamMembership.objects.create(user=person, team=early_help)

    user_set_teams(actor=council_admin, user=person, teams=[duty, hub])

    assert set(person.team_memberships.values_list("team", flat=True)) == {duty.pk, hub.pk}
    [event] = events()
    assert event.values == {
        "added_teams": sorted([duty.pk, hub.pk]),
        "removed_teams": [early_help.pk],
    }


def test_set_teams_refuses_another_agencys_team_and_changes_nothing(council, school, system_admin):
    person = UserFactory(agency=council)
    ours, theirs = TeamFactory(agency=council), TeamFactory(agency=school, name="Year 6")
    with pytest.raises(AccountsError, match="Year 6 is a team of"):
        user_set_teams(actor=system_admin, user=person, teams=[ours, theirs])
    assert not person.team_memberships.exists()
    assert events() == []


def test_removing_someone_from_a_team(council, council_admin):
    person, team = UserFactory(agency=council), TeamFactory(agency=council, name="Duty")
    TeamMembership.objects.create(user=person, team=team)

    user_remove_from_team(actor=council_admin, user=person, team=team)

    assert not person.team_memberships.exists()
    assert events()[-1].values == {"removed_teams": [team.pk]}
    with pytest.raises(AccountsError, match="is not in Duty"):
        user_remove_from_team(actor=council_admin, user=person, team=team)


# roles


def test_set_roles_changes_only_roles_the_administrator_may_grant(council, council_admin):
    # The council admin holds agency administrator and practitioner, not auditor
    person = UserFactory(agency=council, roles=["auditor", "practitioner"])

    user_set_roles(actor=council_admin, user=person, roles=[role(Role.AGENCY_ADMINISTRATOR)])

    # Practitioner (grantable) is taken away; auditor (not theirs to give) stays
    assert held(person) == {"auditor", Role.AGENCY_ADMINISTRATOR}
    [event] = events()
    assert (event.action, event.values) == (
        "permission_change",
        {"granted_roles": [Role.AGENCY_ADMINISTRATOR], "removed_roles": ["practitioner"]},
    )


@pytest.mark.parametrize(
    ("code", "refused"),
    [("auditor", "role_not_grantable"), (Role.SYSTEM_ADMINISTRATOR, "system_administrator_only")],
)
def test_set_roles_refuses_a_role_they_may_not_grant_and_changes_nothing(
    council, council_admin, code, refused
):
    person = UserFactory(agency=council, roles=["practitioner"])
    with pytest.raises(AccountsError):
        user_set_roles(actor=council_admin, user=person, roles=[role(code)])
    assert held(person) == {"practitioner"}
    [event] = events()
    assert event.values == {"refused": refused, "role": code}


def test_an_administrator_cannot_raise_their_own_role(council, council_admin):
    before = held(council_admin)
    with pytest.raises(AccountsError, match=services.SYSTEM_ADMINISTRATOR_ONLY):
        user_set_roles(
            actor=council_admin,
            user=council_admin,
            roles=[role(Role.AGENCY_ADMINISTRATOR), role(Role.SYSTEM_ADMINISTRATOR)],
        )
    assert held(council_admin) == before
    assert not council_admin.has_perm("accounts.manage_person", UserFactory(agency=None))
    [event] = events()
    assert (event.actor, event.action, event.record_id, event.values) == (
        council_admin,
        "permission_change",
        str(council_admin.pk),
        {"refused": "system_administrator_only", "role": Role.SYSTEM_ADMINISTRATOR},
    )


@pytest.mark.parametrize(
    ("code", "refused", "message"),
    [
        ("auditor", "role_not_grantable", services.ROLE_NOT_GRANTABLE),
        (
            Role.SYSTEM_ADMINISTRATOR,
            "system_administrator_only",
            services.SYSTEM_ADMINISTRATOR_ONLY,
        ),
    ],
)
def test_an_administrator_cannot_give_themselves_or_anyone_a_role_they_do_not_hold(
    council, council_admin, code, refused, message
):
    colleague = UserFactory(agency=council, roles=["practitioner"])
    for person in (council_admin, colleague):
        before = held(person)
        with pytest.raises(AccountsError, match=message):
            user_assign_role(actor=council_admin, user=person, role=role(code))
        assert held(person) == before
    assert [(e.actor, e.action, e.record_id, e.values) for e in events()] == [
        (council_admin, "permission_change", str(person.pk), {"refused": refused, "role": code})
        for person in (council_admin, colleague)
    ]


def test_the_rules_see_a_role_change_at_once(council, system_admin):
    person = UserFactory(agency=council, roles=["practitioner"])
    assert not person.has_perm("accounts.view_people")  # caches their roles

    user_set_roles(actor=system_admin, user=person, roles=[role(Role.AGENCY_ADMINISTRATOR)])

    assert person.has_perm("accounts.view_people")
    assert rules.role_codes(person) == {Role.AGENCY_ADMINISTRATOR}


# reactivate


def test_reactivating_a_deactivated_person(council, council_admin):
    person = UserFactory(agency=council)
    user_deactivate(actor=council_admin, user=person, reason="Left")

    user_reactivate(actor=council_admin, user=person)

    person.refresh_from_db()
    assert person.is_active and person.deactivated_at is None
    assert events()[-1].values == {"is_active": True}
    with pytest.raises(AccountsError, match="is already active"):
        user_reactivate(actor=council_admin, user=person)


def test_reactivating_someone_in_another_agency_is_refused_and_audited(
    school, council_admin, system_admin
):
    teacher = UserFactory(agency=school)
    user_deactivate(actor=system_admin, user=teacher)
    with pytest.raises(AccountsError, match=services.OUTSIDE_YOUR_AGENCY):
        user_reactivate(actor=council_admin, user=teacher)
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert events()[-1].values == {"refused": "outside_agency"}


def test_an_agency_administrator_cannot_manage_a_system_administrator_in_their_agency(
    council, council_admin
):
    boss = UserFactory(agency=council, roles=[Role.SYSTEM_ADMINISTRATOR])
    for permission in (
        "accounts.manage_person",
        "accounts.deactivate_person",
        "accounts.reset_second_factor",
        "accounts.unlock_account",
    ):
        assert not council_admin.has_perm(permission, boss), permission
    colleague = UserFactory(agency=council, roles=["practitioner"])
    assert council_admin.has_perm("accounts.manage_person", colleague)


def test_an_agency_administrator_gives_agency_roles_but_never_to_themselves(council):
    # Given an agency administrator who holds no other role
    admin = UserFactory(agency=council, roles=[Role.AGENCY_ADMINISTRATOR])
    colleague = UserFactory(agency=council)
    # They may give a colleague a role marked as an agency administrator's to give
    user_assign_role(actor=admin, user=colleague, role=role("practitioner"))
    assert held(colleague) == {"practitioner"}
    # But not a role that reaches across agencies
    with pytest.raises(AccountsError, match=services.ROLE_NOT_GRANTABLE):
        user_assign_role(actor=admin, user=colleague, role=role("auditor"))
    # And not to themselves, even a role they could give to others
    with pytest.raises(AccountsError, match=services.GRANT_TO_YOURSELF):
        user_assign_role(actor=admin, user=admin, role=role("team-manager"))
    assert held(admin) == {Role.AGENCY_ADMINISTRATOR}
    assert held(colleague) == {"practitioner"}
    refusals = [e.values for e in events() if "refused" in e.values]
    assert refusals == [
        {"refused": "role_not_grantable", "role": "auditor"},
        {"refused": "self", "role": "team-manager"},
    ]
