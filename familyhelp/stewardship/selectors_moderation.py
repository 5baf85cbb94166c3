"""Reads for the directory administrators' moderation pages: the approval queue, one change
with what it would change, a listing's versions and an organisation's trust.

Each selector takes the person it reads for and returns nothing to anyone who does not
administer the directory (`directory.administer`). Listings are public data: these reads are not
audited. The queue and the history cost the same number of queries however long they are.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from familyhelp.directory.models import Organization, Service
from familyhelp.stewardship.listing import DiffRow, document_diff
from familyhelp.stewardship.models import ListingChange, ListingVersion, TrustedOrganisation
from familyhelp.stewardship.services.publishing import published_document, version_latest

ADMINISTER = "directory.administer"


def _administers(actor) -> bool:
    return actor is not None and actor.is_authenticated and actor.has_perm(ADMINISTER)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _name(user) -> str:
    if user is None:
        return "Unknown"
    return user.full_name or user.email


# --- The approval queue ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    change: ListingChange
    today: datetime.date

    @property
    def service_name(self) -> str:
        return (self.change.document or {}).get("name") or "Unnamed service"

    @property
    def is_new_service(self) -> bool:
        return self.change.service_id is None

    @property
    def sent_by(self) -> str:
        return _name(self.change.submitted_by)

    @property
    def sent_on(self) -> datetime.date:
        return timezone.localtime(self.change.submitted_at).date()

    @property
    def days_waiting(self) -> int:
        return max((self.today - self.sent_on).days, 0)


def change_queue(*, actor) -> list[QueueRow]:
    """Every change waiting for approval, the longest waiting first (one query)."""
    if not _administers(actor):
        return []
    today = timezone.localdate()
    changes = (
        ListingChange.objects.filter(status=ListingChange.Status.SUBMITTED)
        .select_related("organization", "service", "submitted_by")
        .order_by("submitted_at", "created_at", "id")
    )
    return [QueueRow(change, today) for change in changes]


# --- One change ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """A change and what it would change, question by question."""

    change: ListingChange
    rows: list[DiffRow]
    # What the "before" column is: the listing published now, or (for an approved change) the
    # version it replaced.
    compared_with: str
    # The latest published version, when it is newer than the one the draft started from.
    newer_version: ListingVersion | None

    @property
    def service_name(self) -> str:
        name = (self.change.document or {}).get("name")
        if name:
            return name
        return self.change.service.name if self.change.service else "Unnamed service"


COMPARED_WITH_PUBLISHED = "published"
COMPARED_WITH_REPLACED = "replaced"
COMPARED_WITH_NOTHING = "new"


def change_get(*, actor, change_id) -> ListingChange | None:
    if not _administers(actor) or _uuid(change_id) is None:
        return None
    return (
        ListingChange.objects.select_related(
            "organization", "service", "submitted_by", "decided_by", "updated_by"
        )
        .filter(pk=change_id)
        .first()
    )


def change_review(*, actor, change: ListingChange) -> Review | None:
    """What `change` would change in the listing as published now; for an approved change, what
    it changed (its version against the one before)."""
    if not _administers(actor):
        return None
    if change.status == ListingChange.Status.APPROVED:
        published = change.versions.order_by("number").first()
        if published is not None:
            before = (
                ListingVersion.objects.filter(
                    service_id=published.service_id, number__lt=published.number
                )
                .order_by("-number")
                .first()
            )
            return Review(
                change=change,
                rows=document_diff(before.document if before else None, published.document),
                compared_with=COMPARED_WITH_REPLACED if before else COMPARED_WITH_NOTHING,
                newer_version=None,
            )
    if change.service is None:
        return Review(
            change=change,
            rows=document_diff(None, change.document),
            compared_with=COMPARED_WITH_NOTHING,
            newer_version=None,
        )
    latest = version_latest(change.service)
    newer = None
    if latest is not None and change.base_version is not None:
        newer = latest if latest.number > change.base_version else None
    if newer is not None:
        newer = ListingVersion.objects.select_related("created_by").get(pk=newer.pk)
    return Review(
        change=change,
        rows=document_diff(published_document(change.service), change.document),
        compared_with=COMPARED_WITH_PUBLISHED,
        newer_version=newer,
    )


# --- Versions --------------------------------------------------------------------------------


def service_get(*, actor, service_id) -> Service | None:
    if not _administers(actor) or _uuid(service_id) is None:
        return None
    return Service.objects.select_related("organization").filter(pk=service_id).first()


def version_list(*, actor, service: Service) -> list[ListingVersion]:
    """Every kept version of the listing, newest first (one query)."""
    if not _administers(actor):
        return []
    return list(
        ListingVersion.objects.filter(service=service)
        .select_related("created_by")
        .order_by("-number")
    )


@dataclass(frozen=True)
class VersionView:
    version: ListingVersion
    previous: ListingVersion | None
    latest: ListingVersion
    # Each question's answer in this version, as lines of text.
    answers: list[tuple[str, str, list[str]]]
    # What this version changed from the one before (everything, for the first version).
    rows: list[DiffRow]

    @property
    def latest_number(self) -> int:
        return self.latest.number

    @property
    def is_latest(self) -> bool:
        return self.version.number == self.latest.number

    def restore_rows(self) -> list[DiffRow]:
        """What restoring this version would change in the listing's latest version."""
        return document_diff(self.latest.document, self.version.document)


def version_get(*, actor, service: Service, number: int) -> VersionView | None:
    if not _administers(actor):
        return None
    versions = {
        version.number: version
        for version in ListingVersion.objects.filter(
            service=service, number__in=[number - 1, number]
        ).select_related("created_by")
    }
    version = versions.get(number)
    if version is None:
        return None
    latest = version_latest(service)
    previous = versions.get(number - 1)
    rows = document_diff(previous.document if previous else None, version.document)
    whole = document_diff(None, version.document, only_changed=False)
    return VersionView(
        version=version,
        previous=previous,
        latest=latest,
        answers=[(row.field, row.label, row.after) for row in whole],
        rows=rows,
    )


def open_change_of(*, actor, service: Service) -> ListingChange | None:
    """The change of the listing that is still open (a draft or waiting), if any."""
    if not _administers(actor):
        return None
    return ListingChange.objects.filter(
        service=service, status__in=ListingChange.OPEN_STATUSES
    ).first()


# --- Organisations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationAdmin:
    organization: Organization
    trust: TrustedOrganisation | None
    services: list[Service]

    @property
    def trusted(self) -> bool:
        return self.trust is not None

    @property
    def trusted_by(self) -> str:
        return _name(self.trust.trusted_by) if self.trust else ""


def organisation_get(*, actor, organisation_id) -> OrganisationAdmin | None:
    """The organisation, whether it publishes without approval, and its services (3 queries)."""
    if not _administers(actor) or _uuid(organisation_id) is None:
        return None
    organization = Organization.objects.filter(pk=organisation_id).first()
    if organization is None:
        return None
    trust = (
        TrustedOrganisation.objects.select_related("trusted_by")
        .filter(organization=organization)
        .first()
    )
    services = list(Service.objects.filter(organization=organization).order_by("name", "id"))
    return OrganisationAdmin(organization=organization, trust=trust, services=services)
