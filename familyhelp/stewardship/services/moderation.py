"""Directory administrators decide on changes, restore versions and trust organisations."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from familyhelp.audit.services import audit_record
from familyhelp.core.notifications import site_url
from familyhelp.directory.models import Organization, Service
from familyhelp.directory.selectors.editors import organisation_editor_emails
from familyhelp.stewardship.models import ListingChange, ListingVersion, TrustedOrganisation
from familyhelp.stewardship.services.common import (
    CHANGE_RECORD_TYPE,
    ORGANISATION_RECORD_TYPE,
    SERVICE_RECORD_TYPE,
    StewardshipError,
    email_on_commit,
)
from familyhelp.stewardship.services.editing import _check_revision, _locked
from familyhelp.stewardship.services.publishing import listing_publish

NOT_AN_ADMINISTRATOR = "Only directory administrators can do this."
NOT_WAITING = "This change is not waiting for approval: it has been {status}."
MESSAGE_NEEDED = {
    "reject": "Enter why the change is rejected, so the editor knows",
    "request_changes": "Enter what the editor needs to change",
}
MESSAGE_MAX_LENGTH = 2000
MESSAGE_TOO_LONG = f"The message must be {MESSAGE_MAX_LENGTH} characters or fewer"
NO_SUCH_VERSION = "There is no version {number} of this listing."
RESTORE_THE_LATEST = "Version {number} is the published version already."

DECISIONS = {
    ListingChange.Status.APPROVED: "approved",
    ListingChange.Status.REJECTED: "rejected",
    ListingChange.Status.CHANGES_REQUESTED: "changes requested",
}


def _check_administrator(actor, *, record_type, record_id, request, action="change"):
    if actor.has_perm("directory.administer"):
        return
    audit_record(
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        values={"refused": "not_a_directory_administrator"},
        request=request,
    )
    raise StewardshipError(NOT_AN_ADMINISTRATOR)


def _decide(*, actor, change, revision, status, message, request) -> ListingChange:
    # Checked before the transaction, so the refusal's audit record is not rolled back with it.
    _check_administrator(
        actor, record_type=CHANGE_RECORD_TYPE, record_id=change.pk, request=request
    )
    with transaction.atomic():
        change = _locked(change)
        if change.status != ListingChange.Status.SUBMITTED:
            raise StewardshipError(NOT_WAITING.format(status=change.get_status_display().lower()))
        _check_revision(change, revision, {})
        now = timezone.now()
        if status == ListingChange.Status.APPROVED:
            service, _ = listing_publish(
                actor=actor,
                organization=change.organization,
                service=change.service,
                document=change.document,
                reason=(
                    ListingVersion.Reason.APPROVED
                    if change.service
                    else ListingVersion.Reason.CREATED
                ),
                change=change,
                request=request,
            )
            change.service = service
        change.status = status
        change.message = message
        change.decided_at, change.decided_by = now, actor
        change.revision += 1
        change.save()
        audit_record(
            actor=actor,
            action="change",
            record_type=CHANGE_RECORD_TYPE,
            record_id=change.pk,
            fields_changed=["status"],
            values={"step": status},
            request=request,
        )
        email_on_commit(
            to=organisation_editor_emails(change.organization_id),
            template="listing_decision",
            personalisation={
                "service_name": change.document.get("name", ""),
                "decision": DECISIONS[status],
                "link": site_url(reverse("stewardship:change", args=[change.pk])),
            },
            reference=f"listing-change-{change.pk}",
        )
    return change


def _message(message: str, kind: str) -> str:
    message = (message or "").strip()
    if not message:
        raise StewardshipError(MESSAGE_NEEDED[kind])
    if len(message) > MESSAGE_MAX_LENGTH:
        raise StewardshipError(MESSAGE_TOO_LONG)
    return message


def change_approve(*, actor, change: ListingChange, revision: int, message: str = "", request=None):
    """Publish the change: the public site and the API show it from now on."""
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise StewardshipError(MESSAGE_TOO_LONG)
    return _decide(
        actor=actor,
        change=change,
        revision=revision,
        status=ListingChange.Status.APPROVED,
        message=message,
        request=request,
    )


def change_reject(*, actor, change: ListingChange, revision: int, message: str, request=None):
    return _decide(
        actor=actor,
        change=change,
        revision=revision,
        status=ListingChange.Status.REJECTED,
        message=_message(message, "reject"),
        request=request,
    )


def change_request_changes(
    *, actor, change: ListingChange, revision: int, message: str, request=None
):
    return _decide(
        actor=actor,
        change=change,
        revision=revision,
        status=ListingChange.Status.CHANGES_REQUESTED,
        message=_message(message, "request_changes"),
        request=request,
    )


def version_restore(*, actor, service: Service, number: int, request=None) -> ListingVersion:
    """Publish an earlier version again, as a new version (nothing in the history is lost)."""
    _check_administrator(
        actor, record_type=SERVICE_RECORD_TYPE, record_id=service.pk, request=request
    )
    version = ListingVersion.objects.filter(service=service, number=number).first()
    if version is None:
        raise StewardshipError(NO_SUCH_VERSION.format(number=number))
    latest = ListingVersion.objects.filter(service=service).order_by("-number").first()
    if latest.number == version.number:
        raise StewardshipError(RESTORE_THE_LATEST.format(number=number))
    _, restored = listing_publish(
        actor=actor,
        organization=service.organization,
        service=service,
        document=version.document,
        reason=ListingVersion.Reason.RESTORED,
        restored_from=version.number,
        assured=False,
        request=request,
    )
    return restored


def organisation_set_trusted(
    *, actor, organization: Organization, trusted: bool, request=None
) -> bool:
    """Let the organisation's editors publish without approval (or stop them)."""
    _check_administrator(
        actor, record_type=ORGANISATION_RECORD_TYPE, record_id=organization.pk, request=request
    )
    with transaction.atomic():
        existing = TrustedOrganisation.objects.filter(organization=organization)
        if trusted == existing.exists():
            return trusted
        if trusted:
            TrustedOrganisation.objects.create(organization=organization, trusted_by=actor)
        else:
            existing.delete()
        audit_record(
            actor=actor,
            action="permission_change",
            record_type=ORGANISATION_RECORD_TYPE,
            record_id=organization.pk,
            fields_changed=["publishes_without_approval"],
            values={"publishes_without_approval": trusted},
            request=request,
        )
    return trusted
