from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from familyhelp.accounts.models import Role, RoleAssignment, Team, TeamMembership, User
from familyhelp.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory, role

ISSUE_4_ROLES = {
    "System administrator",
    "Agency administrator",
    "Directory administrator",
    "Organisation editor",
    "Practitioner",
    "Front door officer",
    "Family keyworker / lead professional",
    "Team manager",
    "Data analyst",
    "Auditor",
}


def test_the_ten_roles_of_issue_4_are_seeded_as_data(db):
    assert set(Role.objects.values_list("name", flat=True)) == ISSUE_4_ROLES


def test_the_user_model_is_accounts_user_signing_in_by_email(db):
    # Given a person created through the manager with a mixed-case address
    User.objects.create_user(email="Sam.Jones@WessexVale.Example", password="long passphrase 1")

    # Then their address is stored in lower case and they sign in with any case of it
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert User.objects.get().email == "sam.jones@wessexvale.example"
    person = authenticate(
        RequestFactory().post("/sign-in/"),
        username="SAM.JONES@wessexvale.example",
        password="long passphrase 1",
    )
    assert person is not None and person.email == "sam.jones@wessexvale.example"


def test_the_superuser_has_no_agency_and_reaches_the_admin(db):
    admin = User.objects.create_superuser(email="root@wessexvale.example", password="x" * 20)
    assert admin.is_staff and admin.is_superuser and admin.agency is None


def test_an_email_is_unique_whatever_its_case_in_the_database(db):
    UserFactory(email="sam.jones@wessexvale.example")
    # Written straight to the table, skipping the normalisation the model and manager do
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="SAM.JONES@wessexvale.example")])
    assert User.objects.count() == 1


def test_validation_rejects_an_email_already_used_in_another_case(db):
    UserFactory(email="sam.jones@wessexvale.example")
    with pytest.raises(ValidationError) as error:
        User(email="Sam.Jones@WessexVale.example", agency=AgencyFactory()).full_clean(
            exclude=["password"]
        )
    assert "email" in error.value.message_dict


@pytest.mark.parametrize("fte", [Decimal("0.00"), Decimal("1.01"), Decimal("-0.50")])
def test_the_database_refuses_an_fte_outside_0_01_to_1(db, fte):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(fte=fte)
    with pytest.raises(ValidationError) as error:
        UserFactory.build(fte=fte).full_clean(exclude=["agency", "password"])
    assert "fte" in error.value.message_dict


@pytest.mark.parametrize("fte", [Decimal("0.01"), Decimal("0.6"), Decimal("1.00")])
def test_an_fte_from_0_01_to_1_is_accepted(db, fte):
    assert UserFactory(fte=fte).fte == fte


def test_a_team_name_is_unique_within_its_agency_only(db):
    council, school = AgencyFactory(), AgencyFactory()
    TeamFactory(agency=council, name="Early help")
    TeamFactory(agency=school, name="Early help")
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(agency=council, name="Early help")


def test_an_agency_name_is_unique(db):
    AgencyFactory(name="Vale Police")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory._meta.model.objects.create(name="Vale Police", kind="police")


def test_a_person_holds_a_role_or_a_team_only_once(db):
    person, team = UserFactory(roles=["practitioner", "auditor"]), TeamFactory()
    TeamMembership.objects.create(user=person, team=team)
    assert person.role_assignments.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=person, role=role("practitioner"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMembership.objects.create(user=person, team=team)


def test_passwords_are_hashed_with_argon2_first():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_password_hashed_with_argon2_verifies(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    person = User.objects.create_user(email="kim@wessexvale.example", password="long passphrase 2")
    assert person.password.startswith("argon2$argon2id$")
    assert person.check_password("long passphrase 2")
    assert not person.check_password("wrong passphrase")


def test_the_starting_roles_match_the_migrations_and_come_back_after_a_flush(db):
    from familyhelp.accounts.seed import ROLES, roles_seed_if_empty

    fields = ("code", "name", "description", "requires_mfa", "may_break_glass")
    migrated = list(
        Role.objects.order_by("code").values_list(*fields, "agency_administrators_may_grant")
    )
    assert migrated == sorted(ROLES)
    assert roles_seed_if_empty() == 0  # a table with rows is left alone
    Role.objects.all().delete()
    assert roles_seed_if_empty() == len(ROLES)
    assert list(
        Role.objects.order_by("code").values_list(*fields, "agency_administrators_may_grant")
    ) == sorted(ROLES)


def test_a_flush_leaves_the_starting_roles_in_place(transactional_db):
    # The transactional tests' teardown flushes every table, as this does
    from django.core.management import call_command

    from familyhelp.accounts.seed import ROLES

    call_command("flush", interactive=False, verbosity=0)
    assert Role.objects.count() == len(ROLES)
