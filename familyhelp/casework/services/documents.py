"""Documents on an episode: checked on the way in, handed out only to those allowed, audited.

What a file is comes from its first bytes, never from its name or the browser's say-so: a PDF
starts "%PDF-", a PNG and a JPEG with their signatures, and the office formats are zip files
whose insides name them (DOCX and XLSX: `[Content_Types].xml` with `word/` or `xl/` parts; ODT:
a first entry `mimetype` holding the OpenDocument text type). The name's extension must agree.
Files are stored through Django's storage API under a random name (casework/models.py); the
name the person gave is kept for the download. See docs/case-notes-and-chronology.md.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from familyhelp.accounts import access as record_access
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework import access
from familyhelp.casework.chronology import chronology_record
from familyhelp.casework.models import ChronologyEntry, Document, Episode

RECORD_WORK = "casework.record_work"
DOCUMENT_RECORD_TYPE = "casework.document"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

NOT_ALLOWED = "You cannot add documents to this episode. Nothing has been saved."
EPISODE_CLOSED = "This episode is closed. Re-open it before adding a document."
FILE_REQUIRED = "Select a file"
FILE_EMPTY = "The selected file is empty"
FILE_TOO_BIG = "The selected file must be smaller than {size}"
FILE_TYPE = "The selected file must be a PDF, PNG, JPEG, DOCX, XLSX or ODT"
FILE_NOT_WHAT_IT_CLAIMS = (
    "The selected file is not a real {claimed} file. It may be damaged or another kind of file "
    "renamed. Nothing has been saved"
)
TITLE_REQUIRED = "Enter a title for the document"
TITLE_TOO_LONG = "The title must be 200 characters or fewer"


@dataclass(frozen=True)
class FileType:
    extension: str
    label: str
    kind: str
    content_type: str


TYPES = {
    ".pdf": FileType(".pdf", "PDF", Document.Kind.PDF, "application/pdf"),
    ".png": FileType(".png", "PNG", Document.Kind.IMAGE, "image/png"),
    ".jpg": FileType(".jpg", "JPEG", Document.Kind.IMAGE, "image/jpeg"),
    ".jpeg": FileType(".jpeg", "JPEG", Document.Kind.IMAGE, "image/jpeg"),
    ".docx": FileType(
        ".docx",
        "DOCX",
        Document.Kind.OFFICE,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": FileType(
        ".xlsx",
        "XLSX",
        Document.Kind.OFFICE,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ".odt": FileType(
        ".odt", "ODT", Document.Kind.OFFICE, "application/vnd.oasis.opendocument.text"
    ),
}
ACCEPT = ",".join(TYPES)
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


class DocumentError(Exception):
    """A refused or invalid upload; `errors` maps a form field to its messages."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def max_bytes() -> int:
    return int(getattr(settings, "CASEWORK_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return (
            f"{size / (1024 * 1024):.0f}MB"
            if size % (1024 * 1024) == 0
            else (f"{size / (1024 * 1024):.1f}MB")
        )
    if size >= 1024:
        return f"{size // 1024}KB"
    return f"{size} bytes"


def _zip_names(upload) -> tuple[list[str], bytes] | None:
    """The names inside a zip file and its first entry's content when that is `mimetype`."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            first = b""
            if infos and infos[0].filename == "mimetype" and infos[0].file_size < 200:
                first = archive.read(infos[0])
            return [info.filename for info in infos], first
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    finally:
        upload.seek(0)


def _content_matches(file_type: FileType, upload) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if file_type.extension == ".pdf":
        return head.startswith(b"%PDF-")
    if file_type.extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if file_type.kind == Document.Kind.IMAGE:  # JPEG
        return head.startswith(b"\xff\xd8\xff")
    if not head.startswith(b"PK\x03\x04"):
        return False
    found = _zip_names(upload)
    if found is None:
        return False
    names, mimetype = found
    if file_type.extension == ".odt":
        return mimetype.strip() == ODT_MIMETYPE and "content.xml" in names
    if "[Content_Types].xml" not in names:
        return False
    part = "word/document.xml" if file_type.extension == ".docx" else "xl/workbook.xml"
    return part in names


def check_upload(upload) -> FileType:
    """The upload's type, or DocumentError saying what is wrong with it."""
    if upload is None:
        raise DocumentError(FILE_REQUIRED, {"file": [FILE_REQUIRED]})
    if not upload.size:
        raise DocumentError(FILE_EMPTY, {"file": [FILE_EMPTY]})
    limit = max_bytes()
    if upload.size > limit:
        message = FILE_TOO_BIG.format(size=size_text(limit))
        raise DocumentError(message, {"file": [message]})
    file_type = TYPES.get(PurePath(upload.name or "").suffix.lower())
    if file_type is None:
        raise DocumentError(FILE_TYPE, {"file": [FILE_TYPE]})
    if not _content_matches(file_type, upload):
        message = FILE_NOT_WHAT_IT_CLAIMS.format(claimed=file_type.label)
        raise DocumentError(message, {"file": [message]})
    return file_type


def _original_name(name: str) -> str:
    """The file's own name without any folders, safe to offer back in a download."""
    base = PurePath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"\r\n')
    return cleaned[-255:] or "document"


def _audit(*, actor, episode, action, record_type, record_id, http_request, **kwargs):
    return audit_record(
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        family_id=episode.family_id,
        request=http_request,
        **kwargs,
    )


def _require(*, actor, episode, step, http_request, message=NOT_ALLOWED):
    if not record_access.user_has_perm(actor, RECORD_WORK, episode):
        _audit(
            actor=actor,
            episode=episode,
            action=AuditAction.CREATE if step == "upload_document" else AuditAction.VIEW,
            record_type=access.EPISODE,
            record_id=episode.pk,
            http_request=http_request,
            values={"refused": True, "step": step},
        )
        raise DocumentError(message)


def document_upload(*, actor, episode: Episode, upload, title: str, http_request=None) -> Document:
    """Check and store a document on the episode, in the chronology and the audit log."""
    _require(actor=actor, episode=episode, step="upload_document", http_request=http_request)
    if episode.status == Episode.Status.CLOSED:
        raise DocumentError(EPISODE_CLOSED)
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = [TITLE_REQUIRED]
    elif len(title) > Document._meta.get_field("title").max_length:
        errors["title"] = [TITLE_TOO_LONG]
    file_type = None
    try:
        file_type = check_upload(upload)
    except DocumentError as refused:
        errors.update(refused.errors)
    if errors:
        raise DocumentError(next(iter(errors.values()))[0], errors)
    now = timezone.now()
    document = Document(
        episode=episode,
        title=title,
        original_name=_original_name(upload.name),
        kind=file_type.kind,
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_at=now,
        uploaded_by=actor,
    )
    stored_name = None
    try:
        with transaction.atomic():
            upload.seek(0)
            # Saves the file through the storage under a random name (models._document_path).
            document.file.save(upload.name, upload, save=False)
            stored_name = document.file.name
            document.full_clean()
            document.save()
            chronology_record(
                family_id=episode.family_id,
                episode=episode,
                at=now,
                kind=ChronologyEntry.Kind.DOCUMENT,
                summary=f"Document added ({file_type.label})",
                source=document,
                significant=False,
            )
            _audit(
                actor=actor,
                episode=episode,
                action=AuditAction.CREATE,
                record_type=DOCUMENT_RECORD_TYPE,
                record_id=document.pk,
                http_request=http_request,
                fields_changed=["file", "title"],
                values={
                    "episode": episode.pk,
                    "kind": document.kind,
                    "content_type": document.content_type,
                    "size": document.size,
                },
            )
    except Exception:
        # Nothing kept when the record is not: remove the file the storage already wrote.
        if stored_name:
            document.file.storage.delete(stored_name)
        raise
    return document


def document_open(*, actor, document: Document, http_request=None):
    """The stored file, opened for reading, for someone allowed to; the download is audited."""
    episode = document.episode
    _require(actor=actor, episode=episode, step="download_document", http_request=http_request)
    handle = document.file.storage.open(document.file.name, "rb")
    _audit(
        actor=actor,
        episode=episode,
        action=AuditAction.VIEW,
        record_type=DOCUMENT_RECORD_TYPE,
        record_id=document.pk,
        http_request=http_request,
        values={"episode": episode.pk, "download": True},
    )
    return handle
