"""Who may look after the directory: administrators everything, organisation editors their own."""

import pytest

from familyhelp.accounts import access
from familyhelp.accounts.relationships import Relationship, relationships_of
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.directory.models import OrganisationEditor, Organization, Service
from familyhelp.directory.rules import organisations_editable_by
from familyhelp.directory.tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    return OrganizationFactory(name="Vale Play"), OrganizationFactory(name="Ashcombe Scouts")


@pytest.fixture
def editor(organisations):
    person = UserFactory(roles=["organisation-editor"])
    OrganisationEditor.objects.create(user=person, organization=organisations[0])
    return person


def test_an_organisation_editor_edits_only_the_organisations_linked_to_them(editor, organisations):
    mine, theirs = organisations
    assert relationships_of(editor, mine) == {Relationship.ORGANISATION_EDITOR}
    assert relationships_of(editor, theirs) == set()
    assert access.user_has_perm(editor, "directory.edit_organization", mine)
    assert not access.user_has_perm(editor, "directory.edit_organization", theirs)
    assert not access.user_has_perm(editor, "directory.administer")
    assert list(organisations_editable_by(editor)) == [mine]


def test_an_organisation_editor_edits_the_services_of_their_organisations(editor, organisations):
    mine, theirs = organisations
    my_service = ServiceFactory(organization=mine)
    their_service = ServiceFactory(organization=theirs)
    assert access.user_has_perm(editor, "directory.edit_service", my_service)
    assert not access.user_has_perm(editor, "directory.edit_service", their_service)
    editable = access.visible_to(editor, "directory.edit_service", Service.objects.all())
    assert list(editable) == [my_service]


def test_the_link_without_the_role_allows_nothing(editor, organisations):
    editor.role_assignments.all().delete()
    editor = type(editor).objects.get(pk=editor.pk)
    assert not access.user_has_perm(editor, "directory.edit_organization", organisations[0])
    assert list(organisations_editable_by(editor)) == []


@pytest.mark.parametrize("role", ["directory-administrator", "system-administrator"])
def test_administrators_edit_every_organisation(organisations, role):
    admin = UserFactory(roles=[role])
    assert access.user_has_perm(admin, "directory.administer")
    for organisation in organisations:
        assert access.user_has_perm(admin, "directory.edit_organization", organisation)
    assert set(organisations_editable_by(admin)) == set(organisations)


@pytest.mark.parametrize(
    "roles", [[], ["practitioner"], ["front-door-officer", "team-manager"], ["auditor"]]
)
def test_other_roles_edit_nothing(organisations, roles):
    person = UserFactory(roles=roles)
    assert not access.user_has_perm(person, "directory.administer")
    assert not access.user_has_perm(person, "directory.edit_organization", organisations[0])
    assert list(organisations_editable_by(person)) == []


def test_a_deactivated_editor_edits_nothing(editor, organisations):
    editor.is_active = False
    editor.save()
    assert not access.user_has_perm(editor, "directory.edit_organization", organisations[0])
    assert list(organisations_editable_by(editor)) == []


def test_the_editable_list_costs_the_same_queries_however_many_links(
    editor, django_assert_num_queries
):
    for organisation in OrganizationFactory.create_batch(5):
        OrganisationEditor.objects.create(user=editor, organization=organisation)
    editor = type(editor).objects.get(pk=editor.pk)
    with django_assert_num_queries(2):  # the person's roles, then the list
        names = [organisation.name for organisation in organisations_editable_by(editor)]
    assert len(names) == 6
    assert Organization.objects.count() == 7


def test_listings_are_not_personal_records_so_reading_one_is_not_audited(editor, organisations):
    from familyhelp.audit.models import AuditEvent

    access.get_object_for_user_or_404(
        editor, "directory.edit_organization", Organization.objects.all(), pk=organisations[0].pk
    )
    assert not AuditEvent.objects.exists()
