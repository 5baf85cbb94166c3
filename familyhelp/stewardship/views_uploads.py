"""Bulk upload pages: the template, the upload form, the file's progress, errors and preview,
and confirming or cancelling it. Thin views: the use cases are in stewardship/uploads/services.

A request bigger than the largest file allowed is refused before its body is read: the view is
exempt from the CSRF middleware (which would read the whole body to find the token) and checks
the CSRF token itself, after the size. See docs/bulk-upload.md.
"""

import math

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyhelp.accounts import access
from familyhelp.stewardship.forms_uploads import UploadForm
from familyhelp.stewardship.models import BulkUpload
from familyhelp.stewardship.services.common import StewardshipError
from familyhelp.stewardship.uploads import columns, export, reading, services

# Room for the form's other fields and the multipart boundaries around the file.
REQUEST_OVERHEAD_BYTES = 64 * 1024
# Seconds between refreshes of the page while the file is checked.
REFRESH_SECONDS = 2
PREVIEW_PER_PAGE = 50
ERRORS_PER_PAGE = 500
TEMPLATE_TYPES = {
    "csv": ("text/csv; charset=utf-8", columns.template_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        columns.template_xlsx,
    ),
}
CANCELLED = "The upload was cancelled. Nothing in it was saved."


class SizeLimitHandler(FileUploadHandler):
    """Stops reading a request body as soon as it passes the limit (a request without a
    Content-Length, or one that understates it, is still cut off)."""

    def __init__(self, request=None, limit=0):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _may_upload(request):
    if not access.user_has_perm(request.user, services.PERMISSION):
        raise Http404("No such page")


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_GET
@access.protected_view
def template(request, file_format):
    _may_upload(request)
    if file_format not in TEMPLATE_TYPES:
        raise Http404("No such template")
    content_type, build = TEMPLATE_TYPES[file_format]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="listings-template.{file_format}"'
    return response


@require_GET
@access.protected_view
def current_listings(request):
    """The listings the person may upload, as a filled-in template: an editor's organisations
    (or one of them), or for an administrator the organisation they name."""
    _may_upload(request)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in TEMPLATE_TYPES:
        file_format = "xlsx"
    try:
        organisation_ids = services.organisations_to_export(
            actor=request.user, organisation=request.GET.get("organisation", "")
        )
    except StewardshipError as refused:
        messages.error(request, str(refused))
        return redirect("stewardship:upload-start")
    rows = export.organisation_rows(organisation_ids)
    content_type, build = TEMPLATE_TYPES[file_format]
    response = HttpResponse(build(rows), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="listings.{file_format}"'
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
@access.protected_view
def upload(request):
    _may_upload(request)
    limit = reading.max_bytes()
    if request.method == "POST" and _declared_length(request) > limit + REQUEST_OVERHEAD_BYTES:
        # Refused before a byte of the body is read.
        return _upload_page(request, UploadForm.refused(reading.too_large_message()), status=413)
    handler = SizeLimitHandler(request, limit + REQUEST_OVERHEAD_BYTES)
    request.upload_handlers.insert(0, handler)
    return _upload_protected(request, handler)


@csrf_protect
def _upload_protected(request, handler):
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if handler.exceeded:
        return _upload_page(request, UploadForm.refused(reading.too_large_message()), status=413)
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        if uploaded.size > reading.max_bytes():
            form.add_error("file", reading.too_large_message())
            return _upload_page(request, form, status=413)
        try:
            created = services.upload_create(
                actor=request.user,
                file_name=uploaded.name,
                content=uploaded.read(),
                request=request,
            )
        except StewardshipError as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("stewardship:upload", upload_id=created.pk)
    return _upload_page(request, form, status=400)


def _upload_page(request, form, status=200):
    return render(
        request,
        "stewardship/uploads/start.html",
        {
            "form": form,
            "max_size": reading.size_text(reading.max_bytes()),
            "max_rows": reading.max_rows(),
            "columns": columns.COLUMNS,
            "recent": services.upload_list(actor=request.user),
            "administrator": access.user_has_perm(request.user, "directory.administer"),
        },
        status=status,
    )


def _upload_or_404(request, upload_id) -> BulkUpload:
    _may_upload(request)
    found = services.upload_get(actor=request.user, upload_id=upload_id)
    if found is None:
        raise Http404("No such upload")
    return found


def _page_number(request, total_pages: int) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return min(max(page, 1), max(total_pages, 1))


@require_GET
@access.protected_view
def upload_detail(request, upload_id):
    found = _upload_or_404(request, upload_id)
    return _detail_page(request, found)


def _detail_page(request, found: BulkUpload, error: str = "", status: int = 200):
    summary = found.summary or {}
    listed = summary.get("services", [])
    total_pages = math.ceil(len(listed) / PREVIEW_PER_PAGE) or 1
    page = _page_number(request, total_pages)
    start = (page - 1) * PREVIEW_PER_PAGE
    context = {
        "upload": found,
        "is_uploader": found.uploaded_by_id == request.user.pk,
        "summary": summary,
        "listed": listed[start : start + PREVIEW_PER_PAGE],
        "page": page,
        "total_pages": total_pages,
        "errors": found.errors[:ERRORS_PER_PAGE],
        "more_errors": max(0, len(found.errors) - ERRORS_PER_PAGE),
        "error": error or summary.get(services.NOTICE, ""),
        "percent": (
            math.floor(100 * found.rows_done / found.rows_total) if found.rows_total else 0
        ),
        "refresh_seconds": REFRESH_SECONDS,
        "Status": BulkUpload.Status,
    }
    response = render(request, "stewardship/uploads/detail.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@access.protected_view
def upload_confirm(request, upload_id):
    found = _upload_or_404(request, upload_id)
    try:
        services.upload_confirm(actor=request.user, upload=found, request=request)
    except StewardshipError as refused:
        found.refresh_from_db()
        return _detail_page(request, found, error=str(refused), status=400)
    return redirect("stewardship:upload", upload_id=found.pk)


@require_POST
@access.protected_view
def upload_cancel(request, upload_id):
    found = _upload_or_404(request, upload_id)
    try:
        services.upload_cancel(actor=request.user, upload=found, request=request)
    except StewardshipError as refused:
        return _detail_page(request, found, error=str(refused), status=400)
    messages.success(request, CANCELLED)
    return redirect("stewardship:upload-start")
