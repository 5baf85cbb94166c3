"""The one path that changes a published listing: apply a document, keep the version, audit it.

Approving a change, publishing a trusted organisation's change, restoring a version and a bulk
upload all come here, so every published version is kept (ListingVersion) with who and when,
and search and the Open Referral feed's cache are refreshed once the transaction commits.
Callers check permission; this module does not know who may do what.
"""

from django.db import transaction
from django.db.models import Max

from familyhelp.audit.services import audit_record
from familyhelp.directory import search
from familyhelp.directory.models import Organization, Service
from familyhelp.stewardship.listing import (
    document_apply,
    document_diff,
    listing_document,
    listing_queryset,
)
from familyhelp.stewardship.models import ListingChange, ListingVersion
from familyhelp.stewardship.services.common import SERVICE_RECORD_TYPE


def published_document(service: Service) -> dict:
    """The listing as the public sees it now, read afresh from the database."""
    return listing_document(listing_queryset().get(pk=service.pk))


def version_latest(service: Service) -> ListingVersion | None:
    return ListingVersion.objects.filter(service=service).order_by("-number").first()


def version_baseline(*, service: Service, actor=None) -> ListingVersion:
    """The latest version of the listing, recording the published one first if none is kept yet
    (listings imported or loaded before editing began)."""
    latest = version_latest(service)
    if latest is not None:
        return latest
    return ListingVersion.objects.create(
        service=service,
        number=1,
        document=published_document(service),
        reason=ListingVersion.Reason.BASELINE,
        created_by=None,
    )


def listing_publish(
    *,
    actor,
    organization: Organization,
    service: Service | None,
    document: dict,
    reason: str,
    change: ListingChange | None = None,
    restored_from: int | None = None,
    assured: bool = True,
    reindex: bool = True,
    request=None,
) -> tuple[Service, ListingVersion]:
    """Publish `document` as the listing of `service` (a new service when None)."""
    with transaction.atomic():
        created = service is None
        before = None
        if not created:
            # Lock the service, so two publishes of one listing number their versions in turn.
            service = Service.objects.select_for_update().get(pk=service.pk)
            before = version_baseline(service=service, actor=actor).document
        service = document_apply(
            organization=organization, service=service, document=document, assured=assured
        )
        after = published_document(service)
        number = (
            ListingVersion.objects.filter(service=service).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        version = ListingVersion.objects.create(
            service=service,
            number=number,
            document=after,
            reason=reason,
            change=change,
            restored_from=restored_from,
            created_by=actor,
        )
        changed = [row.field for row in document_diff(before, after)]
        audit_record(
            actor=actor,
            action="create" if created else "change",
            record_type=SERVICE_RECORD_TYPE,
            record_id=service.pk,
            fields_changed=changed,
            values={"version": number, "reason": reason, "restored_from": restored_from},
            request=request,
        )
        if reindex:
            search.index_services([service.pk])
    return service, version


def version_record(*, actor, service: Service, reason: str, request=None) -> ListingVersion | None:
    """Keep the listing as it is now as a new version, if it differs from the latest one.

    For changes made outside `listing_publish` that should still be in the history (the Django
    admin): the caller records the baseline (`version_baseline`) before changing anything."""
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service.pk)
        latest = version_latest(service)
        now = published_document(service)
        if latest is not None and latest.document == now:
            return None
        changed = [row.field for row in document_diff(latest.document if latest else None, now)]
        version = ListingVersion.objects.create(
            service=service,
            number=(latest.number if latest else 0) + 1,
            document=now,
            reason=reason,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="change",
            record_type=SERVICE_RECORD_TYPE,
            record_id=service.pk,
            fields_changed=changed,
            values={"version": version.number, "reason": reason},
            request=request,
        )
    return version
