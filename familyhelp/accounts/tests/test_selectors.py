from familyhelp.accounts.selectors import user_list, user_roles
from familyhelp.accounts.tests.factories import UserFactory


def test_an_agency_administrator_sees_only_their_own_agencys_people(
    council, school, council_admin, django_assert_num_queries
):
    colleague = UserFactory(agency=council)
    UserFactory(agency=school)

    # Even when asking for another agency's people, they see none of them
    # The actor's roles, the list, then the roles and teams of everyone on it
    with django_assert_num_queries(5):
        assert set(user_list(actor=council_admin)) == {council_admin, colleague}
    assert list(user_list(actor=council_admin, agency=school)) == []


def test_a_system_administrator_sees_everyone_and_can_narrow_to_one_agency(
    council, school, system_admin, django_assert_num_queries
):
    colleague, teacher = UserFactory(agency=council), UserFactory(agency=school)
    with django_assert_num_queries(5):
        everyone = list(user_list(actor=system_admin))
        # agencies, roles and teams come with the people, no extra queries
        [
            (p.agency, list(p.role_assignments.all()), list(p.team_memberships.all()))
            for p in everyone
        ]
    assert set(everyone) == {system_admin, colleague, teacher}
    assert list(user_list(actor=system_admin, agency=school)) == [teacher]


def test_a_superuser_counts_as_a_system_administrator(council, school):
    root = UserFactory(agency=None, is_superuser=True)
    teacher = UserFactory(agency=school)
    assert teacher in user_list(actor=root)


def test_a_person_with_no_agency_and_no_system_role_sees_no_one(council):
    UserFactory(agency=council)
    assert list(user_list(actor=UserFactory(agency=None))) == []


def test_user_roles_lists_every_role_a_person_holds(db):
    person = UserFactory(roles=["team-manager", "practitioner"])
    UserFactory(roles=["auditor"])
    assert [r.name for r in user_roles(person)] == ["Practitioner", "Team manager"]
