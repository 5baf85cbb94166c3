"""Reads behind the editors' pages: "Your organisations", one organisation's listings, one change.

Every read starts from the person: an editor reaches only the organisations they edit
(`directory.rules.organisations_editable_by`); a directory administrator reaches them all.
A record the person may not edit reads as missing, and the refusal is audited (someone trying
another organisation's listing is worth knowing about, even though listings are public data).
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator

from familyhelp.accounts import access
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.directory.models import Organization, Service
from familyhelp.directory.rules import organisations_editable_by
from familyhelp.stewardship import freshness
from familyhelp.stewardship.models import ListingChange
from familyhelp.stewardship.services.common import (
    CHANGE_RECORD_TYPE,
    ORGANISATION_RECORD_TYPE,
    SERVICE_RECORD_TYPE,
)

ORGANISATIONS_PER_PAGE = 20


@dataclass
class ServiceRow:
    """One listing of an organisation: the published service (if any) and its open change."""

    service: Service | None
    change: ListingChange | None
    state: freshness.Freshness | None

    @property
    def hidden(self) -> bool:
        if self.service is None:
            return False
        return self.service.status != Service.Status.ACTIVE or bool(
            self.state and self.state.hidden
        )

    @property
    def name(self) -> str:
        if self.service is not None:
            return self.service.name
        return (self.change.document.get("name") if self.change else "") or "New service"


@dataclass
class OrganisationRow:
    organization: Organization
    rows: list[ServiceRow] = field(default_factory=list)


@dataclass
class OrganisationsPage:
    organisations: list[OrganisationRow]
    total: int
    page_number: int
    total_pages: int


def _rows_for(organizations: list[Organization], on: datetime.date) -> dict:
    """{organisation id: [ServiceRow]} for many organisations in three queries."""
    ids = [organization.pk for organization in organizations]
    services = list(Service.objects.filter(organization_id__in=ids).order_by("name", "id"))
    changes = list(
        ListingChange.objects.filter(
            organization_id__in=ids, status__in=ListingChange.OPEN_STATUSES
        ).order_by("created_at")
    )
    states = freshness.freshness_of_many(services, on) if services else {}
    open_by_service = {change.service_id: change for change in changes if change.service_id}
    result: dict = {pk: [] for pk in ids}
    for service in services:
        result[service.organization_id].append(
            ServiceRow(service, open_by_service.get(service.pk), states.get(service.pk))
        )
    for change in changes:
        if change.service_id is None:
            result[change.organization_id].append(ServiceRow(None, change, None))
    return result


def editable_organisations(
    *, actor, search: str = "", page: int = 1, on: datetime.date | None = None
) -> OrganisationsPage:
    """The organisations the person edits, a page at a time, each with its listings: a fixed
    number of queries whatever the page holds."""
    on = on or freshness.today()
    organisations = organisations_editable_by(actor).order_by("name", "id")
    if search:
        organisations = organisations.filter(name__icontains=search)
    paginator = Paginator(organisations, ORGANISATIONS_PER_PAGE)
    number = min(max(page, 1), max(paginator.num_pages, 1))
    found = list(paginator.page(number).object_list)
    rows = _rows_for(found, on)
    return OrganisationsPage(
        organisations=[OrganisationRow(org, rows[org.pk]) for org in found],
        total=paginator.count,
        page_number=number,
        total_pages=paginator.num_pages,
    )


def _refused(actor, *, record_type, record_id, request, permission):
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        record_type=record_type,
        record_id=record_id,
        values={"refused": "not_an_editor", "permission": permission},
        request=request,
    )
    return access.RecordNotFound(record_type, str(record_id), personal=False)


def organisation_get(*, actor, organisation_id, request=None) -> Organization:
    """The organisation, if the person edits it; else RecordNotFound (audited when it exists)."""
    organization = Organization.objects.filter(pk=organisation_id).first()
    if organization is None:
        raise access.RecordNotFound(ORGANISATION_RECORD_TYPE, str(organisation_id), False)
    if not access.user_has_perm(actor, "directory.edit_organization", organization):
        raise _refused(
            actor,
            record_type=ORGANISATION_RECORD_TYPE,
            record_id=organization.pk,
            request=request,
            permission="directory.edit_organization",
        )
    return organization


def organisation_listings(*, organization: Organization, on=None) -> list[ServiceRow]:
    return _rows_for([organization], on or freshness.today())[organization.pk]


def service_get(*, actor, service_id, request=None) -> Service:
    """The service, if the person may edit it; else RecordNotFound (audited when it exists)."""
    service = Service.objects.select_related("organization").filter(pk=service_id).first()
    if service is None:
        raise access.RecordNotFound(SERVICE_RECORD_TYPE, str(service_id), False)
    if not access.user_has_perm(actor, "directory.edit_service", service):
        raise _refused(
            actor,
            record_type=SERVICE_RECORD_TYPE,
            record_id=service.pk,
            request=request,
            permission="directory.edit_service",
        )
    return service


def service_row(*, service: Service, on=None) -> ServiceRow:
    change = ListingChange.objects.filter(
        service=service, status__in=ListingChange.OPEN_STATUSES
    ).first()
    return ServiceRow(service, change, freshness.freshness_of(service, on))


def change_get(*, actor, change_id, request=None) -> ListingChange:
    """The change, if the person edits its listing; else RecordNotFound (audited when it
    exists). Closed changes are returned too: their page says what happened to them."""
    change = (
        ListingChange.objects.select_related("organization", "service", "updated_by")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        raise access.RecordNotFound(CHANGE_RECORD_TYPE, str(change_id), False)
    if change.service is not None:
        permission, target = "directory.edit_service", change.service
    else:
        permission, target = "directory.edit_organization", change.organization
    if not access.user_has_perm(actor, permission, target):
        raise _refused(
            actor,
            record_type=CHANGE_RECORD_TYPE,
            record_id=change.pk,
            request=request,
            permission=permission,
        )
    return change


def service_for_start(*, service_id) -> Service | None:
    """The service a "Change" button names; the editing service decides whether the person may
    change it (and audits a refusal)."""
    return Service.objects.select_related("organization").filter(pk=service_id).first()
