"""The people pages: who sees them, what they show, and misuse by administrators."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import NoReverseMatch, reverse

from familyhelp.accounts import services
from familyhelp.accounts.models import Invitation, Role, TeamMembership, User
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import TeamFactory, UserFactory, role
from familyhelp.accounts.tests.test_mfa import confirmed_device
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox

SIGNING_IN = ["sign_in", "sign_in_failed", "sign_out"]


def signed_in(user):
    """A client signed in as `user`, past the second-factor step."""
    return sign_in(Client(), user)


def events(**filters):
    return list(
        AuditEvent.objects.exclude(action__in=SIGNING_IN).filter(**filters).order_by("sequence")
    )


def person_url(person, page="person"):
    return reverse(f"accounts:{page}", kwargs={"person_id": person.pk})


def text(response):
    return response.content.decode()


# Who may open the pages


@pytest.mark.parametrize("codes", [["practitioner"], ["auditor", "team-manager"], []])
def test_people_without_an_administrator_role_get_not_found(council, codes):
    client = signed_in(UserFactory(agency=council, roles=codes))
    colleague = UserFactory(agency=council)
    for url in (
        reverse("accounts:people"),
        reverse("accounts:people-invite"),
        person_url(colleague),
    ):
        assert client.get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(council):
    person = UserFactory(agency=council)
    for url in (reverse("accounts:people"), person_url(person)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


# The list


def test_an_agency_administrator_lists_their_agencys_people_with_roles_and_teams(
    council, school, council_admin, django_assert_max_num_queries
):
    duty = TeamFactory(agency=council, name="Duty team")
    for n in range(30):
        person = UserFactory(agency=council, full_name=f"Council Person {n:02}", roles=["auditor"])
        TeamMembership.objects.create(user=person, team=duty)
    UserFactory(agency=school, full_name="School Person")
    client = signed_in(council_admin)

    # Session, person, their roles and permissions, then the count, the page of people and
    # their roles and teams: the same however many people there are (25 on the first page)
    with django_assert_max_num_queries(14):
        first = client.get(reverse("accounts:people"))
    with django_assert_max_num_queries(14):
        second = client.get(reverse("accounts:people"), {"page": "2"})

    assert first.status_code == 200
    page = text(first)
    assert "31 people" in page
    assert "Council Person 00" in page and "Auditor" in page and "Duty team" in page
    assert "School Person" not in page and "School Person" not in text(second)
    assert "Council Person 29" in text(second)
    assert 'href="?page=2"' in page


def test_the_list_searches_by_name_or_email_and_filters_by_status(
    council, council_admin, system_admin
):
    UserFactory(agency=council, full_name="Alex Reid", email="alex@wessexvale.example")
    UserFactory(agency=council, full_name="Sam Jones", email="reid.s@wessexvale.example")
    gone = UserFactory(agency=council, full_name="Gone Person")
    services.user_deactivate(actor=council_admin, user=gone)
    invited = UserFactory(agency=council, full_name="Invited Person")
    invited.set_unusable_password()
    invited.save()
    client = signed_in(council_admin)

    found = text(client.get(reverse("accounts:people"), {"q": "reid"}))
    assert "Alex Reid" in found and "Sam Jones" in found and "Gone Person" not in found

    deactivated = text(client.get(reverse("accounts:people"), {"status": "deactivated"}))
    assert "Gone Person" in deactivated and "Alex Reid" not in deactivated
    only_invited = text(client.get(reverse("accounts:people"), {"status": "invited"}))
    assert "Invited Person" in only_invited and "Alex Reid" not in only_invited

    bad = client.get(reverse("accounts:people"), {"status": "banned", "page": "x"})
    assert "Select a status from the list" in text(bad)
    assert "The page number must be a whole number" in text(bad)
    assert "<title>Error: " in text(bad)
    beyond = client.get(reverse("accounts:people"), {"page": "9"})
    assert "There is no page 9" in text(beyond) and "Alex Reid" not in text(beyond)


def test_a_system_administrator_sees_every_agency_and_can_filter_by_one(
    council, school, system_admin
):
    UserFactory(agency=council, full_name="Council Person")
    UserFactory(agency=school, full_name="School Person")
    client = signed_in(system_admin)

    everyone = text(client.get(reverse("accounts:people")))
    assert "Council Person" in everyone and "School Person" in everyone
    one = text(client.get(reverse("accounts:people"), {"agency": school.pk}))
    assert "School Person" in one and "Council Person" not in one


# The person page


def test_the_person_page_shows_details_and_the_actions_the_administrator_may_take(
    council, council_admin
):
    person = UserFactory(
        agency=council, full_name="Alex Reid", job_title="Health visitor", roles=["practitioner"]
    )
    TeamMembership.objects.create(user=person, team=TeamFactory(agency=council, name="Duty"))

    page = text(signed_in(council_admin).get(person_url(person)))

    assert "Alex Reid" in page and "Health visitor" in page and "Duty" in page
    assert "Practitioner" in page
    for name in ("person-details", "person-roles", "person-teams", "person-deactivate"):
        assert person_url(person, name) in page


def test_the_person_page_links_to_other_areas_only_when_they_exist(council, system_admin):
    person = UserFactory(agency=council)
    confirmed_device(person)
    page = text(signed_in(system_admin).get(person_url(person)))
    # Each link appears exactly when its page is there to go to
    for name, wording in (
        ("accounts:reset-second-factor", "Reset second factor"),
        ("audit:search", "See the audit history"),
    ):
        try:
            url = reverse(name, kwargs={"person_id": person.pk} if "second" in name else None)
        except NoReverseMatch:  # the other area has not built it yet
            assert wording not in page
        else:
            assert wording in page and url in page


def test_an_agency_administrator_is_not_offered_the_audit_log_they_may_not_read(
    council, council_admin
):
    person = UserFactory(agency=council)
    client = signed_in(council_admin)

    page = text(client.get(person_url(person)))

    assert "See the audit history" not in page
    assert client.get(reverse("audit:search"), {"person": person.pk}).status_code == 404


def test_opening_another_agencys_person_is_not_found_and_audited(school, council_admin):
    teacher = UserFactory(agency=school)
    client = signed_in(council_admin)

    for name in ("person", "person-details", "person-roles", "person-teams", "person-deactivate"):
        assert client.get(person_url(teacher, name)).status_code == 404
    assert client.post(person_url(teacher, "person-deactivate"), {"reason": "x"}).status_code == 404
    assert (
        client.post(
            person_url(teacher, "person-roles"), {"roles": [role("auditor").pk]}
        ).status_code
        == 404
    )

    teacher.refresh_from_db()
    assert teacher.is_active and not teacher.role_assignments.exists()
    refused = events(actor=council_admin, action="view", record_id=str(teacher.pk))
    assert len(refused) == 7
    assert {e.values["refused"] for e in refused} == {"not_permitted"}


def test_an_unknown_person_is_not_found_like_a_forbidden_one(council_admin):
    import uuid

    missing = uuid.uuid4()
    response = signed_in(council_admin).get(
        reverse("accounts:person", kwargs={"person_id": missing})
    )
    assert response.status_code == 404
    assert events()[-1].values == {"refused": "not_found"}


# Changing details, roles and teams


def test_changing_details(council, council_admin):
    person = UserFactory(agency=council, full_name="Alex Reid")
    client = signed_in(council_admin)

    bad = client.post(
        person_url(person, "person-details"), {"full_name": "", "job_title": "", "fte": "2"}
    )
    assert "Enter the person’s full name" in text(bad) and "Enter the FTE as a number" in text(bad)

    response = client.post(
        person_url(person, "person-details"),
        {"full_name": "Alex Reid-Smith", "job_title": "Nurse", "fte": "0.5"},
        follow=True,
    )
    assert "Alex Reid-Smith’s details have been changed" in text(response)
    person.refresh_from_db()
    assert (person.full_name, person.job_title, str(person.fte)) == (
        "Alex Reid-Smith",
        "Nurse",
        "0.50",
    )


def test_the_roles_page_offers_only_roles_the_administrator_may_grant(council, council_admin):
    person = UserFactory(agency=council, roles=["auditor"])
    page = text(signed_in(council_admin).get(person_url(person, "person-roles")))
    offered = set(re.findall(r'name="roles" type="checkbox" value="(\d+)"', page))
    grantable = Role.objects.filter(agency_administrators_may_grant=True)
    assert offered == {str(pk) for pk in grantable.values_list("pk", flat=True)}
    assert str(role("auditor").pk) not in offered
    assert str(role(Role.SYSTEM_ADMINISTRATOR).pk) not in offered
    assert "They also hold Auditor" in page


def test_changing_roles_through_the_page(council, council_admin):
    person = UserFactory(agency=council, roles=["auditor"])
    response = signed_in(council_admin).post(
        person_url(person, "person-roles"), {"roles": [role("practitioner").pk]}, follow=True
    )
    assert "roles have been changed" in text(response)
    assert set(person.role_assignments.values_list("role__code", flat=True)) == {
        "auditor",
        "practitioner",
    }
    assert events()[-1].values == {"granted_roles": ["practitioner"]}


@pytest.mark.parametrize(
    ("code", "message", "refused"),
    [
        ("auditor", services.ROLE_NOT_GRANTABLE, "role_not_grantable"),
        (
            Role.SYSTEM_ADMINISTRATOR,
            services.SYSTEM_ADMINISTRATOR_ONLY,
            "system_administrator_only",
        ),
    ],
)
def test_a_forged_request_for_a_role_not_offered_is_refused_and_audited(
    council, council_admin, code, message, refused
):
    # The page does not offer the role; a hand-made request asks for it anyway
    response = signed_in(council_admin).post(
        person_url(council_admin, "person-roles"),
        {"roles": [role(Role.AGENCY_ADMINISTRATOR).pk, role(code).pk]},
    )
    assert response.status_code == 200
    assert message in text(response) and "There is a problem" in text(response)
    assert code not in set(council_admin.role_assignments.values_list("role__code", flat=True))
    assert events()[-1].values == {"refused": refused, "role": code}


def test_changing_teams_offers_only_the_persons_agencys_teams(council, school, council_admin):
    person = UserFactory(agency=council)
    duty = TeamFactory(agency=council, name="Duty")
    year_six = TeamFactory(agency=school, name="Year 6")
    client = signed_in(council_admin)

    assert "Year 6" not in text(client.get(person_url(person, "person-teams")))
    forged = client.post(person_url(person, "person-teams"), {"teams": [year_six.pk]})
    assert "Select teams from the list" in text(forged)
    client.post(person_url(person, "person-teams"), {"teams": [duty.pk]})
    assert list(person.team_memberships.values_list("team", flat=True)) == [duty.pk]


# Deactivating and reactivating


def test_deactivating_asks_for_a_reason_and_ends_their_sessions(council, council_admin):
    person = UserFactory(agency=council)
    their_session = signed_in(person)
    client = signed_in(council_admin)

    page = text(client.get(person_url(person, "person-deactivate")))
    assert "Are you sure you want to deactivate" in page
    missing = client.post(person_url(person, "person-deactivate"), {"reason": ""})
    assert "Enter why you are deactivating this person" in text(missing)
    person.refresh_from_db()
    assert person.is_active

    done = client.post(person_url(person, "person-deactivate"), {"reason": "Left"}, follow=True)

    assert "has been deactivated and signed out" in text(done)
    person.refresh_from_db()
    assert not person.is_active
    assert not Session.objects.filter(session_key=their_session.session.session_key).exists()
    assert events()[-1].reason == "Left"


def test_an_administrator_is_not_offered_to_deactivate_themselves(council_admin):
    page = text(signed_in(council_admin).get(person_url(council_admin)))
    assert person_url(council_admin, "person-deactivate") not in page
    response = signed_in(council_admin).post(
        person_url(council_admin, "person-deactivate"), {"reason": "x"}
    )
    assert services.CANNOT_DEACTIVATE_YOURSELF in text(response)
    council_admin.refresh_from_db()
    assert council_admin.is_active


def test_reactivating(council, council_admin):
    person = UserFactory(agency=council)
    services.user_deactivate(actor=council_admin, user=person)
    client = signed_in(council_admin)

    assert client.get(person_url(person, "person-reactivate")).status_code == 405
    response = client.post(person_url(person, "person-reactivate"), follow=True)

    assert "has been reactivated" in text(response)
    person.refresh_from_db()
    assert person.is_active


# Inviting


def invite_data(**overrides):
    return {
        "full_name": "Alex Reid",
        "email": "alex.reid@wessexvale.example",
        "job_title": "Health visitor",
        "fte": "0.6",
        "roles": [role("practitioner").pk],
        **overrides,
    }


def test_inviting_through_the_page(council, council_admin, django_capture_on_commit_callbacks):
    duty = TeamFactory(agency=council, name="Duty")
    client = signed_in(council_admin)
    form = text(client.get(reverse("accounts:people-invite")))
    assert "Duty" in form and 'name="agency"' not in form  # their own agency only

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:people-invite"), invite_data(teams=[duty.pk]), follow=True
        )

    assert "Invitation sent" in text(response)
    person = User.objects.get(email="alex.reid@wessexvale.example")
    assert person.agency == council
    assert [m.to for m in outbox(template="invitation")] == [person.email]


def test_inviting_an_email_that_already_exists_gets_a_clear_error(council, council_admin):
    UserFactory(email="alex.reid@wessexvale.example", agency=council)
    response = signed_in(council_admin).post(
        reverse("accounts:people-invite"), invite_data(email="ALEX.REID@wessexvale.example")
    )
    assert response.status_code == 200
    assert "There is already an account with this email address" in text(response)
    assert not Invitation.objects.exists()


def test_the_invite_page_says_what_is_wrong(council_admin):
    response = signed_in(council_admin).post(
        reverse("accounts:people-invite"),
        invite_data(full_name="", email="not an email", fte="three"),
    )
    page = text(response)
    assert "Enter the person’s full name" in page
    assert "Enter an email address in the correct format" in page
    assert "Enter the FTE as a number from 0.01 to 1" in page
    assert not User.objects.filter(full_name="").exists()


def test_a_system_administrator_chooses_the_agency_and_its_teams(
    council, school, system_admin, django_capture_on_commit_callbacks
):
    year_six = TeamFactory(agency=school, name="Year 6")
    client = signed_in(system_admin)
    wrong = client.post(
        reverse("accounts:people-invite"), invite_data(agency=council.pk, teams=[year_six.pk])
    )
    assert f"Select only teams of {council.name}" in text(wrong)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:people-invite"), invite_data(agency=school.pk, teams=[year_six.pk])
        )
    person = User.objects.get(email="alex.reid@wessexvale.example")
    assert person.agency == school
    assert list(person.team_memberships.values_list("team", flat=True)) == [year_six.pk]


def test_resending_an_invitation_from_the_person_page(
    council, council_admin, django_capture_on_commit_callbacks
):
    client = signed_in(council_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:people-invite"), invite_data())
    person = User.objects.get(email="alex.reid@wessexvale.example")
    assert "Resend invitation" in text(client.get(person_url(person)))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(person_url(person, "person-resend-invitation"), follow=True)

    assert "A new invitation has been sent" in text(response)
    assert len(outbox(to=person.email)) == 2
    assert Invitation.objects.filter(user=person, revoked_at__isnull=True).count() == 1


def test_names_are_shown_as_text_never_as_markup(council, council_admin):
    person = UserFactory(agency=council, full_name='Sam <script>alert("x")</script>')
    client = signed_in(council_admin)
    for url in (reverse("accounts:people"), person_url(person)):
        page = text(client.get(url))
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
