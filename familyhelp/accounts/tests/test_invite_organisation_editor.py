"""Directory administrators invite organisation editors, and may give that role and no other."""

import inspect

import pytest
from django.test import RequestFactory

from familyhelp.accounts import invitations, services
from familyhelp.accounts.models import Agency, Invitation, Role, User
from familyhelp.accounts.tests.factories import AgencyFactory, UserFactory, role
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox

pytestmark = pytest.mark.django_db

EMAIL = "Sam@WexfordParents.example"


@pytest.fixture
def directory_admin():
    return UserFactory(
        email="directory.admin@wessexvale.example", roles=["directory-administrator"]
    )


def http_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def invite(actor, **changes):
    fields = {
        "actor": actor,
        "email": EMAIL,
        "full_name": "Sam Okafor",
        "agency_name": "Wexford Parents' Forum",
        "request": http_request(actor),
    }
    fields.update(changes)
    return invitations.invitation_send_organisation_editor(**fields)


def roles_of(person):
    return set(person.role_assignments.values_list("role__code", flat=True))


def test_a_directory_administrator_invites_an_organisation_editor(
    directory_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite(directory_admin)
    person = sent.invitation.user
    assert person.email == "sam@wexfordparents.example"
    assert not person.has_usable_password()
    assert roles_of(person) == {"organisation-editor"}
    assert person.agency.name == "Wexford Parents' Forum"
    assert person.agency.kind == Agency.Kind.VOLUNTARY_COMMUNITY
    assert sent.invitation.invited_by == directory_admin
    (email,) = outbox(template="invitation")
    assert email.to == person.email
    assert email.personalisation["agency"] == "Wexford Parents' Forum"
    # The new agency, the person, their role and the invitation are each audited
    audited = set(
        AuditEvent.objects.filter(actor=directory_admin).values_list("record_type", "action")
    )
    assert audited == {
        ("accounts.agency", "create"),
        ("accounts.user", "create"),
        ("accounts.user", "permission_change"),
        ("accounts.invitation", "create"),
    }


def test_an_existing_voluntary_agency_of_that_name_is_reused(directory_admin):
    agency = AgencyFactory(name="Wexford Parents' Forum", kind=Agency.Kind.VOLUNTARY_COMMUNITY)
    sent = invite(directory_admin, agency_name="wexford  parents' forum")
    assert sent.invitation.user.agency == agency
    assert Agency.objects.filter(name__iexact="wexford parents' forum").count() == 1


def test_an_agency_of_another_kind_is_never_joined(directory_admin):
    AgencyFactory(name="Wessex Vale Council", kind=Agency.Kind.COUNCIL)
    with pytest.raises(services.AccountsError, match="not a voluntary or community"):
        invite(directory_admin, agency_name="Wessex Vale Council")
    assert not User.objects.filter(email__iexact=EMAIL).exists()


def test_a_system_administrator_may_invite_too(db):
    system_admin = UserFactory(agency=None, roles=[Role.SYSTEM_ADMINISTRATOR])
    assert roles_of(invite(system_admin).invitation.user) == {"organisation-editor"}


@pytest.mark.parametrize(
    "roles",
    [[], ["organisation-editor"], ["agency-administrator"], ["practitioner"], ["team-manager"]],
)
def test_nobody_else_may_invite_and_the_refusal_is_audited(roles):
    actor = UserFactory(roles=roles)
    with pytest.raises(services.AccountsError, match="Only a directory administrator"):
        invite(actor)
    assert not User.objects.filter(email__iexact=EMAIL).exists()
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(
        actor=actor, values__refused=services.REFUSED_NOT_A_DIRECTORY_ADMINISTRATOR
    ).exists()


def test_an_address_that_already_has_an_account_is_refused(directory_admin):
    existing = UserFactory(email="sam@wexfordparents.example")
    with pytest.raises(services.AccountsError, match="already an account"):
        invite(directory_admin)
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(
        actor=directory_admin, record_id=str(existing.pk), values__refused="email_in_use"
    ).exists()


def test_it_cannot_grant_any_other_role(directory_admin):
    # There is no way to ask for another role ...
    parameters = inspect.signature(invitations.invitation_send_organisation_editor).parameters
    assert set(parameters) == {"actor", "email", "full_name", "agency_name", "request"}
    with pytest.raises(TypeError):
        invite(directory_admin, roles=[role(Role.SYSTEM_ADMINISTRATOR)])
    assert not User.objects.filter(email__iexact=EMAIL).exists()
    # ... the person holds the one role, and the general services still refuse the administrator
    person = invite(directory_admin).invitation.user
    assert roles_of(person) == {"organisation-editor"}
    for code in ("practitioner", "directory-administrator", Role.SYSTEM_ADMINISTRATOR):
        with pytest.raises(services.AccountsError):
            services.user_assign_role(actor=directory_admin, user=person, role=role(code))
    with pytest.raises(services.AccountsError):
        invitations.invitation_send(
            actor=directory_admin,
            email="other@example.org",
            full_name="Other",
            agency=person.agency,
            roles=[role("practitioner")],
            request=http_request(directory_admin),
        )
    assert roles_of(person) == {"organisation-editor"}
    assert not User.objects.filter(email="other@example.org").exists()


def test_an_existing_person_is_given_the_organisation_editor_role_only(directory_admin):
    person = UserFactory(roles=["practitioner"])
    assert services.user_grant_organisation_editor(actor=directory_admin, user=person) is True
    assert roles_of(person) == {"practitioner", "organisation-editor"}
    # Asking again changes nothing
    assert services.user_grant_organisation_editor(actor=directory_admin, user=person) is False
    assert person.role_assignments.count() == 2
    assert (
        AuditEvent.objects.filter(
            actor=directory_admin,
            record_id=str(person.pk),
            action="permission_change",
            values__granted_role="organisation-editor",
        ).count()
        == 1
    )


def test_only_a_directory_administrator_may_give_the_role(db):
    agency_admin = UserFactory(roles=["agency-administrator"])
    person = UserFactory(agency=agency_admin.agency)
    with pytest.raises(services.AccountsError, match="Only a directory administrator"):
        services.user_grant_organisation_editor(actor=agency_admin, user=person)
    assert roles_of(person) == set()
