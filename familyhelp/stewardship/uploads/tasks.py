"""The background tasks that check an uploaded file and save a confirmed one
(familyhelp/core/tasks.py)."""

from familyhelp.core.tasks import task
from familyhelp.stewardship.uploads import services


@task()
def check_bulk_upload(upload_id: str) -> dict:
    """Check every row of the upload, recording progress; returns counts, never content."""
    upload = services.upload_check(upload_id=upload_id)
    if upload is None:
        return {"rows": 0, "errors": 0}
    return {"rows": upload.rows_total, "errors": len(upload.errors)}


@task()
def apply_bulk_upload(upload_id: str) -> dict:
    """Save a confirmed upload's listings in one transaction; returns counts, never content."""
    upload = services.upload_apply_confirmed(upload_id=upload_id)
    if upload is None:
        return {"published": 0, "sent_for_approval": 0}
    return {
        "published": upload.summary.get("published", 0),
        "sent_for_approval": upload.summary.get("sent_for_approval", 0),
    }
