from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory

from familyhelp.accounts import services
from familyhelp.accounts.models import Role, RoleAssignment, TeamMembership, User
from familyhelp.accounts.services import (
    AccountsError,
    user_add_to_team,
    user_assign_role,
    user_create,
    user_deactivate,
    user_remove_role,
)
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory, role
from familyhelp.audit.models import AuditEvent

SIGNING_IN = ["sign_in", "sign_in_failed", "sign_out"]


def last_event():
    """The last audit event other than signing in and out (which the tests' clients cause)."""
    return AuditEvent.objects.exclude(action__in=SIGNING_IN).order_by("-sequence").first()


def assert_only_refusal(actor, action, record_id, refused, **values):
    """The one audit event is the refusal itself: who tried what, on whom, and why it failed."""
    event = AuditEvent.objects.exclude(action__in=SIGNING_IN).get()
    assert (event.actor, event.action, event.record_type, event.record_id) == (
        actor,
        action,
        "accounts.user",
        record_id,
    )
    assert event.values == {"refused": refused, **values}


# user_create


def test_an_agency_administrator_adds_a_person_to_their_agency_and_it_is_audited(
    council, council_admin
):
    person = user_create(
        actor=council_admin,
        email="Alex.Reid@WessexVale.example",
        full_name="Alex Reid",
        job_title="Health visitor",
        fte=Decimal("0.6"),
        agency=council,
    )

    assert person.email == "alex.reid@wessexvale.example"
    assert person.agency == council and person.fte == Decimal("0.60")
    assert not person.has_usable_password()  # they set one through their invitation
    event = last_event()
    assert (event.actor, event.action, event.record_type, event.record_id) == (
        council_admin,
        "create",
        "accounts.user",
        str(person.pk),
    )


def test_a_system_administrator_adds_a_person_to_any_agency(system_admin, school):
    person = user_create(
        actor=system_admin, email="head@vale.example", full_name="Head", agency=school
    )
    assert person.agency == school


def test_an_agency_administrator_cannot_add_a_person_to_another_agency(council_admin, school):
    with pytest.raises(AccountsError, match=services.OUTSIDE_YOUR_AGENCY):
        user_create(actor=council_admin, email="x@vale.example", full_name="X", agency=school)
    assert not User.objects.filter(email="x@vale.example").exists()
    assert_only_refusal(council_admin, "create", "", "outside_agency", agency=school.pk)


def test_a_person_without_an_administrator_role_cannot_add_anyone(council):
    practitioner = UserFactory(agency=council, roles=["practitioner"])
    with pytest.raises(AccountsError, match=services.NOT_AN_ADMINISTRATOR):
        user_create(actor=practitioner, email="x@vale.example", full_name="X", agency=council)
    assert not User.objects.filter(email="x@vale.example").exists()
    assert_only_refusal(practitioner, "create", "", "not_an_administrator", agency=council.pk)


def test_adding_an_email_already_in_use_in_another_case_is_refused(council, council_admin):
    UserFactory(email="alex.reid@wessexvale.example", agency=council)
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=council_admin, email="ALEX.REID@wessexvale.example", full_name="A", agency=council
        )
    assert "email" in error.value.message_dict
    assert User.objects.filter(email__iexact="alex.reid@wessexvale.example").count() == 1
    assert not AuditEvent.objects.exists()


def test_an_fte_out_of_range_is_refused(council, council_admin):
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=council_admin, email="a@vale.example", full_name="A", fte=2, agency=council
        )
    assert "fte" in error.value.message_dict
    assert not AuditEvent.objects.exists()


# user_assign_role / user_remove_role


def test_an_agency_administrator_grants_a_role_they_hold_and_it_is_audited(council, council_admin):
    person = UserFactory(agency=council)

    user_assign_role(actor=council_admin, user=person, role=role("practitioner"))

    assert list(person.role_assignments.values_list("role__code", flat=True)) == ["practitioner"]
    event = last_event()
    assert event.action == "permission_change" and event.actor == council_admin
    assert event.record_id == str(person.pk)
    assert event.values == {"granted_role": "practitioner"}


@pytest.mark.parametrize(
    ("code", "error", "refused"),
    [
        ("auditor", services.ROLE_NOT_GRANTABLE, "role_not_grantable"),
        (
            Role.SYSTEM_ADMINISTRATOR,
            services.SYSTEM_ADMINISTRATOR_ONLY,
            "system_administrator_only",
        ),
    ],
)
def test_an_agency_administrator_cannot_grant_a_role_they_lack_or_system_administrator(
    council, council_admin, code, error, refused
):
    person = UserFactory(agency=council)
    with pytest.raises(AccountsError, match=error):
        user_assign_role(actor=council_admin, user=person, role=role(code))
    assert not person.role_assignments.exists()
    assert_only_refusal(council_admin, "permission_change", str(person.pk), refused, role=code)


def test_an_agency_administrator_cannot_change_roles_in_another_agency(school, council_admin):
    teacher = UserFactory(agency=school, roles=["practitioner"])
    with pytest.raises(AccountsError, match=services.OUTSIDE_YOUR_AGENCY):
        user_remove_role(actor=council_admin, user=teacher, role=role("practitioner"))
    assert teacher.role_assignments.count() == 1
    assert_only_refusal(council_admin, "permission_change", str(teacher.pk), "outside_agency")


def test_a_system_administrator_grants_system_administrator(system_admin, council):
    person = UserFactory(agency=None)
    user_assign_role(actor=system_admin, user=person, role=role(Role.SYSTEM_ADMINISTRATOR))
    assert RoleAssignment.objects.filter(user=person, role__code=Role.SYSTEM_ADMINISTRATOR).exists()


def test_granting_a_role_already_held_is_refused_and_not_audited(council, council_admin):
    person = UserFactory(agency=council, roles=["practitioner"])
    with pytest.raises(AccountsError, match="already has the role Practitioner"):
        user_assign_role(actor=council_admin, user=person, role=role("practitioner"))
    assert not AuditEvent.objects.exists()


def test_removing_a_role_takes_it_away_and_is_audited(council, council_admin):
    person = UserFactory(agency=council, roles=["practitioner"])

    user_remove_role(actor=council_admin, user=person, role=role("practitioner"))

    assert not person.role_assignments.exists()
    event = last_event()
    assert event.action == "permission_change"
    assert event.values == {"removed_role": "practitioner"}


def test_removing_a_role_not_held_is_refused_and_not_audited(council, council_admin):
    person = UserFactory(agency=council)
    with pytest.raises(AccountsError, match="does not have the role Practitioner"):
        user_remove_role(actor=council_admin, user=person, role=role("practitioner"))
    assert not AuditEvent.objects.exists()


# user_add_to_team


def test_a_person_joins_a_team_of_their_agency_and_it_is_audited(council, council_admin):
    person = UserFactory(agency=council)
    early_help, duty = TeamFactory(agency=council), TeamFactory(agency=council)

    user_add_to_team(actor=council_admin, user=person, team=early_help)
    user_add_to_team(actor=council_admin, user=person, team=duty)

    assert set(TeamMembership.objects.filter(user=person).values_list("team", flat=True)) == {
        early_help.pk,
        duty.pk,
    }
    event = last_event()
    assert (event.action, event.record_id, event.values) == (
        "change",
        str(person.pk),
        {"added_team": duty.pk},
    )


def test_a_person_cannot_join_a_team_of_another_agency(council, school, system_admin):
    person = UserFactory(agency=council, full_name="Alex Reid")
    year_six = TeamFactory(agency=school, name="Year 6")
    with pytest.raises(AccountsError) as error:
        user_add_to_team(actor=system_admin, user=person, team=year_six)
    assert str(error.value) == services.TEAM_OUTSIDE_AGENCY.format(
        team="Year 6", team_agency=school.name, person="Alex Reid", agency=council.name
    )
    assert not TeamMembership.objects.exists()
    assert not AuditEvent.objects.exists()


def test_joining_the_same_team_twice_is_refused(council, council_admin):
    person, team = UserFactory(agency=council), TeamFactory(agency=council)
    user_add_to_team(actor=council_admin, user=person, team=team)
    with pytest.raises(AccountsError, match="is already in"):
        user_add_to_team(actor=council_admin, user=person, team=team)
    assert AuditEvent.objects.count() == 1


# user_deactivate


def signed_in_client(user):
    client = Client()
    client.force_login(user)
    session = client.session
    session["accounts.mfa_satisfied_by"] = "test"
    session.save()
    return client


def test_deactivating_a_person_ends_their_sessions_at_once(council, council_admin):
    # Given a member of staff signed in to the admin on two devices, and a colleague signed in
    person = UserFactory(agency=council, is_staff=True)
    laptop, phone = signed_in_client(person), signed_in_client(person)
    colleague = signed_in_client(council_admin)
    assert laptop.get("/django-admin/").status_code == 200

    # When their agency administrator deactivates them
    user_deactivate(actor=council_admin, user=person, reason="Left the council")

    # Then they are signed out everywhere, can no longer sign in, and the colleague is not affected
    person.refresh_from_db()
    assert not person.is_active and person.deactivated_at is not None
    for device in (laptop, phone):
        assert device.get("/django-admin/").status_code == 302
    assert not Client().login(
        request=RequestFactory().post("/sign-in/"),
        username=person.email,
        password="long enough passphrase",
    )
    assert Session.objects.filter(session_key=colleague.session.session_key).exists()
    event = last_event()
    assert (event.action, event.reason, event.values) == (
        "change",
        "Left the council",
        {"is_active": False, "sessions_ended": 2},
    )


def test_deactivating_someone_in_another_agency_is_refused_and_changes_nothing(
    school, council_admin
):
    teacher = UserFactory(agency=school)
    session = signed_in_client(teacher).session.session_key
    with pytest.raises(AccountsError, match=services.OUTSIDE_YOUR_AGENCY):
        user_deactivate(actor=council_admin, user=teacher)
    teacher.refresh_from_db()
    assert teacher.is_active and teacher.deactivated_at is None
    assert Session.objects.filter(session_key=session).exists()
    assert_only_refusal(council_admin, "change", str(teacher.pk), "outside_agency")


def test_an_administrator_cannot_deactivate_themselves(council_admin):
    with pytest.raises(AccountsError, match=services.CANNOT_DEACTIVATE_YOURSELF):
        user_deactivate(actor=council_admin, user=council_admin)
    council_admin.refresh_from_db()
    assert council_admin.is_active
    assert_only_refusal(council_admin, "change", str(council_admin.pk), "self")


def test_deactivating_twice_is_refused(council, council_admin):
    person = UserFactory(agency=council)
    user_deactivate(actor=council_admin, user=person)
    with pytest.raises(AccountsError, match="has already been deactivated"):
        user_deactivate(actor=council_admin, user=person)
    assert AuditEvent.objects.count() == 1


def test_a_deactivated_agency_administrator_can_no_longer_manage_people(council, council_admin):
    person = UserFactory(agency=council)
    User.objects.filter(pk=council_admin.pk).update(is_active=False)
    council_admin.refresh_from_db()
    with pytest.raises(AccountsError, match=services.NOT_AN_ADMINISTRATOR):
        user_deactivate(actor=council_admin, user=person)
