"""Who may look after the directory: predicates for the `rules` package.

A directory administrator (or a system administrator) administers the whole directory. An
organisation editor edits only the organisations they are linked to (OrganisationEditor), and
those organisations' services. Issue 5's editing pages ask these same rules.
"""

import rules
from django.db.models import Exists, OuterRef, QuerySet

from familyhelp.accounts import access, relationships
from familyhelp.accounts.relationships import Relationship
from familyhelp.accounts.rules import (
    is_directory_administrator,
    is_organisation_editor,
    is_system_administrator,
)
from familyhelp.directory.models import OrganisationEditor, Organization

ORGANIZATION = "directory.organization"
SERVICE = "directory.service"


def _editor_of(user, organization_id) -> set[Relationship]:
    linked = OrganisationEditor.objects.filter(user=user, organization_id=organization_id)
    return {Relationship.ORGANISATION_EDITOR} if linked.exists() else set()


def _linked(user, queryset, kinds, organization_field):
    if Relationship.ORGANISATION_EDITOR not in kinds:
        return queryset.none()
    links = OrganisationEditor.objects.filter(user=user, organization=OuterRef(organization_field))
    return queryset.filter(Exists(links))


# Listings are public data, not personal records: reads are not audited and there is no
# break-glass; the relationship decides only who may change them.
relationships.register(
    ORGANIZATION,
    name="Organisation",
    relationships=lambda user, organization: _editor_of(user, organization.pk),
    visible=lambda user, queryset, kinds: _linked(user, queryset, kinds, "pk"),
    personal=False,
)
relationships.register(
    SERVICE,
    name="Service",
    relationships=lambda user, service: _editor_of(user, service.organization_id),
    visible=lambda user, queryset, kinds: _linked(user, queryset, kinds, "organization_id"),
    personal=False,
)

may_administer_directory = is_system_administrator | is_directory_administrator

rules.add_perm("directory.administer", may_administer_directory)
# obj is the Organization, or the Service, to change. The role is needed as well as the link,
# so taking the role away stops someone editing without unpicking each link.
relationships.record_permission(
    "directory.edit_organization",
    record_type=ORGANIZATION,
    everything=may_administer_directory,
    relationships=[Relationship.ORGANISATION_EDITOR],
    requires=is_organisation_editor,
)
relationships.record_permission(
    "directory.edit_service",
    record_type=SERVICE,
    everything=may_administer_directory,
    relationships=[Relationship.ORGANISATION_EDITOR],
    requires=is_organisation_editor,
)


def organisations_editable_by(user) -> QuerySet[Organization]:
    """The organisations whose listings the person may edit (all, for a directory admin)."""
    return access.visible_to(user, "directory.edit_organization", Organization.objects.all())


# --- Report a problem (familyhelp/directory/views_problems.py; docs/problem-reports.md) ---
# Who may open the problem reports list: administrators see every report, organisation editors
# those about their organisations' services (each report is checked with directory.edit_service).
rules.add_perm("directory.view_problem_reports", may_administer_directory | is_organisation_editor)
