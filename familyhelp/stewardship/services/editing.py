"""Drafts: an organisation's editors start a change to a listing (or a new one), save it a
question at a time, and submit it for approval (or publish it, for a trusted organisation).

Two editors of one listing share its one open change (a database constraint), and every save
carries the revision the editor's page was showing: a save from an out-of-date page is refused
with `StaleChange`, which says who saved what since, and the page keeps the editor's own text.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from familyhelp.audit.services import audit_record
from familyhelp.core.notifications import site_url
from familyhelp.directory import search
from familyhelp.directory.models import Organization, Service
from familyhelp.directory.selectors.editors import directory_administrator_emails
from familyhelp.stewardship.listing import (
    describe,
    document_problems,
    empty_document,
    normalised,
)
from familyhelp.stewardship.models import ListingChange, ListingVersion, TrustedOrganisation
from familyhelp.stewardship.services.common import (
    CHANGE_RECORD_TYPE,
    SERVICE_RECORD_TYPE,
    StewardshipError,
    email_on_commit,
)
from familyhelp.stewardship.services.publishing import (
    listing_publish,
    published_document,
    version_baseline,
)

NOT_YOURS = "You can only change the listings of organisations you edit."
NOT_EDITABLE = "This change has already been {status}, so it can no longer be edited."
NOT_SUBMITTABLE = "This change cannot be sent for approval because it has been {status}."
INCOMPLETE = "The listing is not ready to send: {problems}."
UNKNOWN_FIELD = "There is no question called '{field}'."


@dataclass
class StaleChange(StewardshipError):
    """Someone saved the change after this page was opened: nothing was saved."""

    change: ListingChange
    # question → (what the other person saved, as lines) for the questions this page asked
    theirs: dict
    saved_by: str
    saved_at: object

    def __str__(self):
        return (
            f"{self.saved_by} saved changes to this listing at "
            f"{timezone.localtime(self.saved_at):%H:%M on %d %B %Y} after you opened this page. "
            "Nothing you entered has been saved yet: check their answers, then save yours again."
        )


def _check_may_edit(actor, *, organization: Organization, service: Service | None, request, action):
    target = service if service is not None else organization
    permission = "directory.edit_service" if service is not None else "directory.edit_organization"
    if actor.has_perm(permission, target):
        return
    audit_record(
        actor=actor,
        action=action,
        record_type=CHANGE_RECORD_TYPE,
        record_id=service.pk if service is not None else "",
        values={"refused": "not_an_editor", "organization": str(organization.pk)},
        request=request,
    )
    raise StewardshipError(NOT_YOURS)


def change_start(
    *, actor, organization: Organization | None = None, service: Service | None = None, request=None
) -> ListingChange:
    """The open change of the listing (shared by its editors), or a new draft of it.

    With no `service`, a new draft of a new service of `organization`."""
    if service is not None:
        organization = service.organization
    _check_may_edit(
        actor, organization=organization, service=service, request=request, action="create"
    )
    if service is not None:
        existing = ListingChange.objects.filter(
            service=service, status__in=ListingChange.OPEN_STATUSES
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            document = published_document(service) if service is not None else empty_document()
            change = change_create(
                actor=actor,
                organization=organization,
                service=service,
                document=document,
                request=request,
            )
    except IntegrityError:
        # A colleague started one at the same moment: share theirs.
        return ListingChange.objects.get(service=service, status__in=ListingChange.OPEN_STATUSES)
    return change


def change_create(
    *,
    actor,
    organization: Organization,
    service: Service | None,
    document: dict,
    submitted: bool = False,
    request=None,
    **values,
) -> ListingChange:
    """A new change of the listing holding `document`: a draft, or (`submitted`, from a bulk
    upload) already waiting for approval. The caller has checked the actor may edit the listing
    and holds the transaction; `values` go into the audit record."""
    base = version_baseline(service=service, actor=actor) if service is not None else None
    change = ListingChange(
        organization=organization,
        service=service,
        document=document,
        base_version=base.number if base else None,
        created_by=actor,
        updated_by=actor,
    )
    if submitted:
        change.status = ListingChange.Status.SUBMITTED
        change.submitted_at, change.submitted_by = timezone.now(), actor
    change.full_clean(validate_constraints=False)
    change.save(force_insert=True)
    _audit(
        actor,
        change,
        "create",
        request,
        service=str(service.pk) if service else None,
        step=change.status if submitted else "started",
        **values,
    )
    return change


def _audit(actor, change: ListingChange, action: str, request, fields=(), **values) -> None:
    audit_record(
        actor=actor,
        action=action,
        record_type=CHANGE_RECORD_TYPE,
        record_id=change.pk,
        fields_changed=fields,
        values=values,
        request=request,
    )


def _check_may_edit_change(actor, change: ListingChange, *, request, action) -> None:
    # Checked before the transaction, so the refusal's audit record is not rolled back with it.
    _check_may_edit(
        actor,
        organization=change.organization,
        service=change.service,
        request=request,
        action=action,
    )


def _locked(change: ListingChange) -> ListingChange:
    return (
        # Only the change's row: PostgreSQL cannot lock the nullable side of the service join.
        ListingChange.objects.select_for_update(of=("self",))
        .select_related("organization", "service")
        .get(pk=change.pk)
    )


def _check_revision(change: ListingChange, revision: int, updates: dict) -> None:
    if int(revision) == change.revision:
        return
    current = describe(change.document)
    theirs = {field: current.get(field, []) for field in updates if field in current}
    who = change.updated_by.full_name or change.updated_by.email if change.updated_by else "Someone"
    raise StaleChange(change=change, theirs=theirs, saved_by=who, saved_at=change.updated_at)


def change_save(
    *, actor, change: ListingChange, revision: int, updates: dict, request=None
) -> ListingChange:
    """Save answers to some questions; a change waiting for approval goes back to being a draft
    (it is sent again when the editor is ready)."""
    unknown = set(updates) - set(empty_document())
    if unknown:
        raise StewardshipError(UNKNOWN_FIELD.format(field=sorted(unknown)[0]))
    _check_may_edit_change(actor, change, request=request, action="change")
    with transaction.atomic():
        change = _locked(change)
        if not change.is_open:
            raise StewardshipError(NOT_EDITABLE.format(status=change.get_status_display().lower()))
        _check_revision(change, revision, updates)
        document = normalised(change.document)
        changed = [field for field, value in updates.items() if document.get(field) != value]
        document.update(updates)
        change.document = document
        change.revision += 1
        change.updated_by, change.updated_at = actor, timezone.now()
        if change.status == ListingChange.Status.SUBMITTED:
            change.status = ListingChange.Status.DRAFT
        change.save()
        _audit(actor, change, "change", request, changed, revision=change.revision, step="saved")
    return change


def is_trusted(organization: Organization) -> bool:
    return TrustedOrganisation.objects.filter(organization=organization).exists()


def change_submit(*, actor, change: ListingChange, revision: int, request=None) -> ListingChange:
    """Send the change for approval; a trusted organisation's change (or a directory
    administrator's) is published at once."""
    _check_may_edit_change(actor, change, request=request, action="change")
    with transaction.atomic():
        change = _locked(change)
        if change.status not in ListingChange.EDITABLE_STATUSES:
            raise StewardshipError(
                NOT_SUBMITTABLE.format(status=change.get_status_display().lower())
            )
        _check_revision(change, revision, {})
        problems = document_problems(change.document)
        if problems:
            raise StewardshipError(
                INCOMPLETE.format(problems="; ".join(message.lower() for _, message in problems))
            )
        now = timezone.now()
        change.submitted_at, change.submitted_by = now, actor
        change.revision += 1
        publishes = is_trusted(change.organization) or actor.has_perm("directory.administer")
        if publishes:
            service, _ = listing_publish(
                actor=actor,
                organization=change.organization,
                service=change.service,
                document=change.document,
                reason=ListingVersion.Reason.PUBLISHED
                if change.service
                else ListingVersion.Reason.CREATED,
                change=change,
                request=request,
            )
            change.service = service
            change.status = ListingChange.Status.APPROVED
            change.decided_at, change.decided_by = now, actor
        else:
            change.status = ListingChange.Status.SUBMITTED
        change.save()
        step = "published" if publishes else "submitted"
        _audit(actor, change, "change", request, step=step, revision=change.revision)
        if not publishes:
            tell_administrators_on_commit(
                service_name=change.document.get("name", ""),
                organisation_name=change.organization.name,
                path=reverse("stewardship:review", args=[change.pk]),
                reference=f"listing-change-{change.pk}",
            )
    return change


def tell_administrators_on_commit(*, service_name, organisation_name, path, reference) -> None:
    """Email the directory administrators that changes wait for them (names and a link only)."""
    email_on_commit(
        to=directory_administrator_emails(),
        template="listing_submitted",
        personalisation={
            "service_name": service_name,
            "organisation_name": organisation_name,
            "link": site_url(path),
        },
        reference=reference,
    )


def change_withdraw(*, actor, change: ListingChange, request=None) -> ListingChange:
    """Throw the draft away (or take back a change waiting for approval); the published listing
    is untouched."""
    _check_may_edit_change(actor, change, request=request, action="delete")
    with transaction.atomic():
        change = _locked(change)
        if not change.is_open:
            raise StewardshipError(NOT_EDITABLE.format(status=change.get_status_display().lower()))
        change.status = ListingChange.Status.WITHDRAWN
        change.updated_by, change.updated_at = actor, timezone.now()
        change.revision += 1
        change.save()
        _audit(actor, change, "delete", request, step="withdrawn")
    return change


NOT_CONFIRMABLE = (
    "Only a listing that is running can be confirmed as still correct. Change its status first."
)


def listing_confirm(*, actor, service: Service, request=None) -> Service:
    """An editor checked the published listing and it is still correct: its review starts again
    (a listing hidden for being out of date is shown again). Audited like a reminder's confirm."""
    _check_may_edit(
        actor, organization=service.organization, service=service, request=request, action="confirm"
    )
    with transaction.atomic():
        service = Service.objects.select_for_update(of=("self",)).get(pk=service.pk)
        if service.status != Service.Status.ACTIVE:
            raise StewardshipError(NOT_CONFIRMABLE)
        previous = service.assured_date
        service.assured_date = timezone.localdate()
        service.last_modified = timezone.now()
        service.save(update_fields=["assured_date", "last_modified"])
        audit_record(
            actor=actor,
            action="confirm",
            record_type=SERVICE_RECORD_TYPE,
            record_id=service.pk,
            fields_changed=["assured_date"],
            values={"previous_assured_date": previous, "assured_date": service.assured_date},
            request=request,
            reason="Confirmed as still correct by an editor, signed in.",
        )
        # The listing may have been hidden: the search index and the feed's caches follow.
        search.index_services([service.pk])
    return service
