"""Bulk upload's use cases: upload a file, check it (in the background), apply it, or cancel it.

Each is one transaction that checks permission inside and writes its audit record in the same
transaction. Applying publishes every new and changed listing through the one publishing path
(reason "uploaded"), or, for an organisation editor whose organisation is not trusted, sends
each one for approval as a ListingChange; either way all of it or none of it is saved.
"""

import hashlib
import json
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from familyhelp.audit.services import audit_batch, audit_record
from familyhelp.core.tasks import enqueue_on_commit
from familyhelp.directory import search
from familyhelp.directory.models import Organization, Service
from familyhelp.directory.rules import organisations_editable_by
from familyhelp.stewardship.models import BulkUpload, ListingVersion
from familyhelp.stewardship.services import editing, publishing
from familyhelp.stewardship.services.common import (
    StewardshipError,
)
from familyhelp.stewardship.uploads.cells import as_uuid
from familyhelp.stewardship.uploads.reading import read_upload
from familyhelp.stewardship.uploads.validation import CHANGED, NEW, UNCHANGED, Plan, plan_upload

logger = logging.getLogger(__name__)

RECORD_TYPE = "stewardship.bulkupload"
PERMISSION = "stewardship.bulk_upload"
# Lines of each answer kept for the preview (a long description is cut, not stored twice).
PREVIEW_LINES = 8
PREVIEW_LINE_LENGTH = 300
# In the summary: why the upload is not saved (shown on its page).
NOTICE = "notice"

NOT_ALLOWED = "Only directory administrators and organisation editors can upload listings."
NOT_YOURS = "Only the person who uploaded this file can confirm or cancel it."
NOT_READY = "This upload cannot be saved because it is {status}."
NOT_CANCELLABLE = "This upload cannot be cancelled because it is {status}."
OUT_OF_DATE = (
    "The listings changed after you checked the file, so nothing was saved. Check the new "
    "preview, then confirm again."
)
APPLY_FAILED = (
    "Something went wrong while saving the listings, so nothing was saved. Upload the file "
    "again, and if it happens again contact the directory team."
)
NAME_AN_ORGANISATION = "Enter the name or ID of the organisation whose listings you want"
NO_SUCH_ORGANISATION = "There is no organisation called '{name}' whose listings you can upload"
SAME_NAME = "More than one organisation is called '{name}': enter its ID instead"
CHECK_FAILED = "The file could not be checked. Upload it again, or contact the directory team."


def upload_create(*, actor, file_name: str, content: bytes, request=None) -> BulkUpload:
    """Keep the file and start checking it in the background; a file that cannot be read at
    all (not CSV/XLSX, too big, too many rows, formulas) is refused and nothing is kept."""
    if not actor.has_perm(PERMISSION):
        raise StewardshipError(NOT_ALLOWED)
    table = read_upload(content)
    with transaction.atomic():
        upload = BulkUpload(
            uploaded_by=actor,
            file_name=(file_name or "upload")[:255],
            file_format=table.file_format,
            file_size=len(content),
            file_sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            status=BulkUpload.Status.VALIDATING,
            rows_total=len(table.rows),
        )
        upload.full_clean()
        upload.save(force_insert=True)
        audit_record(
            actor=actor,
            action="create",
            record_type=RECORD_TYPE,
            record_id=upload.pk,
            values={
                "file_format": upload.file_format,
                "file_size": upload.file_size,
                "file_sha256": upload.file_sha256,
                "rows": upload.rows_total,
            },
            request=request,
        )
        from familyhelp.stewardship.uploads.tasks import check_bulk_upload

        enqueue_on_commit(check_bulk_upload, str(upload.pk))
    return upload


def upload_check(*, upload_id) -> BulkUpload | None:
    """Check every row of the file, recording progress as it goes, then the errors or the
    preview. Run by the background task; does nothing to an upload already checked."""
    upload = BulkUpload.objects.select_related("uploaded_by").filter(pk=upload_id).first()
    if upload is None or upload.status != BulkUpload.Status.VALIDATING:
        return upload
    try:
        if upload.uploaded_by is None or not upload.uploaded_by.is_active:
            raise StewardshipError(CHECK_FAILED)
        plan = _plan(upload, progress=_progress_of(upload))
    except Exception:
        # Recorded on the upload, whose page says so; the task itself ends normally.
        logger.exception("Bulk upload %s could not be checked", upload.pk)
        upload.status = BulkUpload.Status.FAILED
        upload.validated_at = timezone.now()
        upload.save(update_fields=["status", "validated_at"])
        return upload
    _record(upload, plan)
    return upload


def _progress_of(upload):
    def progress(done, total):
        BulkUpload.objects.filter(pk=upload.pk).update(rows_done=done, rows_total=total)

    return progress


def _plan(upload: BulkUpload, progress=None) -> Plan:
    table = read_upload(bytes(upload.content))
    return plan_upload(
        table, actor=upload.uploaded_by, progress=progress, namespace=uuid.UUID(str(upload.pk))
    )


def _record(upload: BulkUpload, plan: Plan, notice: str = "") -> None:
    """Store what checking found: every error, or the preview (and why it was checked again)."""
    upload.errors = plan.errors
    upload.summary = {} if plan.errors else preview_of(plan)
    if notice:
        upload.summary[NOTICE] = notice
    upload.status = BulkUpload.Status.INVALID if plan.errors else BulkUpload.Status.READY
    upload.validated_at = timezone.now()
    upload.rows_done = upload.rows_total
    upload.save(update_fields=["errors", "summary", "status", "validated_at", "rows_done"])


def fingerprint(plan: Plan) -> str:
    """What applying would do, as one hash: applying refuses if it is no longer what was
    previewed."""
    rows = [
        [row.service_id, row.organisation_id, row.kind, row.publishes, row.document]
        for row in plan.rows
    ]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()


def _lines(lines: list[str]) -> list[str]:
    kept = [
        line if len(line) <= PREVIEW_LINE_LENGTH else line[: PREVIEW_LINE_LENGTH - 1] + "…"
        for line in lines[:PREVIEW_LINES]
    ]
    if len(lines) > PREVIEW_LINES:
        kept.append(f"(and {len(lines) - PREVIEW_LINES} more lines)")
    return kept


def preview_of(plan: Plan) -> dict:
    """The counts ("12 new, 30 changed, 3 unchanged") and each new or changed listing."""
    listed = [row for row in plan.rows if row.kind != UNCHANGED]
    return {
        NEW: plan.count(NEW),
        CHANGED: plan.count(CHANGED),
        UNCHANGED: plan.count(UNCHANGED),
        "for_approval": sum(1 for row in listed if not row.publishes),
        "fingerprint": fingerprint(plan),
        "services": [
            {
                "row": row.row,
                "kind": row.kind,
                "name": row.document.get("name", ""),
                "organisation": row.organisation_name,
                "service_id": row.service_id,
                "publishes": row.publishes,
                "changes": [
                    {
                        "label": change.label,
                        "before": _lines(change.before),
                        "after": _lines(change.after),
                    }
                    for change in row.changes
                ],
            }
            for row in listed
        ],
    }


def _locked(upload: BulkUpload) -> BulkUpload:
    return (
        BulkUpload.objects.select_for_update(of=("self",))
        .select_related("uploaded_by")
        .get(pk=upload.pk)
    )


def _check_uploader(actor, upload: BulkUpload, request, action):
    if upload.uploaded_by_id == actor.pk and actor.has_perm(PERMISSION):
        return
    audit_record(
        actor=actor,
        action=action,
        record_type=RECORD_TYPE,
        record_id=upload.pk,
        values={"refused": "not_the_uploader"},
        request=request,
    )
    raise StewardshipError(NOT_YOURS)


def upload_confirm(*, actor, upload: BulkUpload, request=None) -> BulkUpload:
    """The uploader confirms the preview: the listings are saved in the background (a large
    file takes longer than a page may wait), all at once or not at all."""
    with transaction.atomic():
        upload = _locked(upload)
        _check_uploader(actor, upload, request, "change")
        if upload.status != BulkUpload.Status.READY:
            raise StewardshipError(NOT_READY.format(status=upload.get_status_display().lower()))
        upload.status = BulkUpload.Status.APPLYING
        upload.summary = {key: value for key, value in upload.summary.items() if key != NOTICE}
        upload.save(update_fields=["status", "summary"])
        audit_record(
            actor=actor,
            action="change",
            record_type=RECORD_TYPE,
            record_id=upload.pk,
            fields_changed=["status"],
            values={"step": "confirmed"},
            request=request,
        )
        from familyhelp.stewardship.uploads.tasks import apply_bulk_upload

        enqueue_on_commit(apply_bulk_upload, str(upload.pk))
    return upload


def upload_apply_confirmed(*, upload_id) -> BulkUpload | None:
    """Apply a confirmed upload as its uploader (the background task's part). What happened is
    recorded on the upload, whose page says so."""
    upload = BulkUpload.objects.select_related("uploaded_by").filter(pk=upload_id).first()
    if upload is None or upload.status != BulkUpload.Status.APPLYING:
        return upload
    try:
        if upload.uploaded_by is None:
            raise StewardshipError(NOT_YOURS)
        return upload_apply(actor=upload.uploaded_by, upload=upload)
    except StewardshipError as refused:
        BulkUpload.objects.filter(pk=upload.pk, status=BulkUpload.Status.APPLYING).update(
            status=BulkUpload.Status.FAILED, summary={**upload.summary, NOTICE: str(refused)}
        )
        upload.refresh_from_db()
        return upload


def upload_apply(*, actor, upload: BulkUpload, request=None) -> BulkUpload:
    """Save every new and changed listing of a checked file, all at once or not at all."""
    stale = None
    try:
        with transaction.atomic():
            upload = _locked(upload)
            _check_uploader(actor, upload, request, "change")
            if upload.status not in (BulkUpload.Status.READY, BulkUpload.Status.APPLYING):
                raise StewardshipError(NOT_READY.format(status=upload.get_status_display().lower()))
            # The listings may have changed since the preview: check the file again, now,
            # inside the transaction, and save only what the uploader saw.
            plan = _plan(upload)
            if plan.errors or fingerprint(plan) != upload.summary.get("fingerprint"):
                stale = plan
            else:
                # Thousands of audit records, appended together at the end: the audit chain's
                # lock is then held for the appends only, not while every listing is saved.
                with audit_batch():
                    counts = _apply(actor=actor, upload=upload, plan=plan, request=request)
                upload.status = BulkUpload.Status.APPLIED
                upload.applied_at = timezone.now()
                upload.summary = {**upload.summary, **counts}
                upload.save(update_fields=["status", "applied_at", "summary"])
                audit_record(
                    actor=actor,
                    action="change",
                    record_type=RECORD_TYPE,
                    record_id=upload.pk,
                    fields_changed=["status"],
                    values={
                        "step": "applied",
                        NEW: plan.count(NEW),
                        CHANGED: plan.count(CHANGED),
                        UNCHANGED: plan.count(UNCHANGED),
                        **counts,
                    },
                    request=request,
                )
    except StewardshipError:
        raise
    except Exception:
        logger.exception("Bulk upload %s could not be applied", upload.pk)
        BulkUpload.objects.filter(pk=upload.pk).update(
            status=BulkUpload.Status.FAILED, summary={**upload.summary, NOTICE: APPLY_FAILED}
        )
        raise StewardshipError(APPLY_FAILED) from None
    if stale is not None:
        _record(upload, stale, notice=OUT_OF_DATE)
        raise StewardshipError(OUT_OF_DATE)
    return upload


def _apply(*, actor, upload: BulkUpload, plan: Plan, request) -> dict:
    rows = [row for row in plan.rows if row.kind != UNCHANGED]
    organisations = Organization.objects.in_bulk({row.organisation_id for row in rows})
    services = Service.objects.in_bulk({row.service_id for row in rows if row.service_id})
    published, submitted = [], []
    for row in rows:
        service = services.get(uuid.UUID(row.service_id)) if row.service_id else None
        organisation = organisations[uuid.UUID(row.organisation_id)]
        if row.publishes:
            service, _ = publishing.listing_publish(
                actor=actor,
                organization=organisation,
                service=service,
                document=row.document,
                reason=ListingVersion.Reason.UPLOADED,
                reindex=False,
                request=request,
            )
            published.append(service.pk)
            continue
        change = editing.change_create(
            actor=actor,
            organization=organisation,
            service=service,
            document=row.document,
            submitted=True,
            request=request,
            bulk_upload=str(upload.pk),
        )
        submitted.append(change)
    if published:
        search.index_services(published)
    if submitted:
        editing.tell_administrators_on_commit(
            service_name=f"{len(submitted)} listings from a bulk upload",
            organisation_name=", ".join(sorted({change.organization.name for change in submitted})),
            path=reverse("stewardship:upload", args=[upload.pk]),
            reference=f"bulk-upload-{upload.pk}",
        )
    return {"published": len(published), "sent_for_approval": len(submitted)}


def upload_cancel(*, actor, upload: BulkUpload, request=None) -> BulkUpload:
    """Throw the upload away: nothing in it is saved."""
    with transaction.atomic():
        upload = _locked(upload)
        _check_uploader(actor, upload, request, "delete")
        if upload.status not in (
            BulkUpload.Status.VALIDATING,
            BulkUpload.Status.INVALID,
            BulkUpload.Status.READY,
            BulkUpload.Status.FAILED,
        ):
            raise StewardshipError(
                NOT_CANCELLABLE.format(status=upload.get_status_display().lower())
            )
        upload.status = BulkUpload.Status.CANCELLED
        upload.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="change",
            record_type=RECORD_TYPE,
            record_id=upload.pk,
            fields_changed=["status"],
            values={"step": "cancelled"},
            request=request,
        )
    return upload


# --- Reads ---------------------------------------------------------------------------------


def upload_get(*, actor, upload_id) -> BulkUpload | None:
    """The upload, for its uploader or a directory administrator; None for anyone else."""
    if not actor.has_perm(PERMISSION):
        return None
    uploads = BulkUpload.objects.defer("content").select_related("uploaded_by")
    if not actor.has_perm("directory.administer"):
        uploads = uploads.filter(uploaded_by=actor)
    try:
        return uploads.filter(pk=upload_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def organisations_to_export(*, actor, organisation: str = "") -> list:
    """Which organisations' listings to download: the one named (by id or exact name) if the
    person may upload it, else every organisation an editor edits. An administrator must name
    one (the whole directory is far more than one file may hold)."""
    if not actor.has_perm(PERMISSION):
        raise StewardshipError(NOT_ALLOWED)
    editable = organisations_editable_by(actor)
    organisation = organisation.strip()
    if not organisation:
        if actor.has_perm("directory.administer"):
            raise StewardshipError(NAME_AN_ORGANISATION)
        return list(editable.values_list("pk", flat=True))
    as_id = as_uuid(organisation)
    found = list(
        editable.filter(Q(pk=as_id) if as_id else Q(name=organisation)).values_list("pk", flat=True)
    )
    if not found:
        raise StewardshipError(NO_SUCH_ORGANISATION.format(name=organisation[:100]))
    if len(found) > 1:
        raise StewardshipError(SAME_NAME.format(name=organisation[:100]))
    return found


def upload_list(*, actor, limit: int = 10):
    """The person's own latest uploads."""
    return list(
        BulkUpload.objects.defer("content", "errors", "summary")
        .filter(uploaded_by=actor)
        .order_by("-created_at")[:limit]
    )
