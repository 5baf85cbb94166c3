"""Documents on an episode: the list with the upload form, and the permission-checked download."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts.access import RecordNotFound, protected_view
from familyhelp.casework import access
from familyhelp.casework import selectors_notes as selectors
from familyhelp.casework.forms_notes import DocumentForm, file_upload_params
from familyhelp.casework.presenters_notes import DocumentPresenter
from familyhelp.casework.services import documents as services
from familyhelp.casework.services.documents import DocumentError
from familyhelp.casework.views_notes.common import episode_url, page

UPLOADED = "Document added: {title}."
FILE_HINT = "A PDF, PNG, JPEG, DOCX, XLSX or ODT file, smaller than {size}."


@require_http_methods(["GET", "POST"])
@protected_view
def document_list(request, pk):
    episode = selectors.episode_get(request.user, pk, http_request=request)
    may_upload = selectors.may_record_work(request.user, episode)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                document = services.document_upload(
                    actor=request.user,
                    episode=episode,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    http_request=request,
                )
            except DocumentError as refused:
                form.add_service_errors(refused)
            else:
                messages.success(request, UPLOADED.format(title=document.title))
                return redirect(reverse("casework:documents", kwargs={"pk": episode.pk}))
        elif not form.cleaned_data.get("file") and "file" not in form.errors:
            form.add_error("file", services.FILE_REQUIRED)
    documents = selectors.documents_list(episode)
    return page(
        request,
        "documents/list.html",
        {
            "episode": episode,
            "episode_url": episode_url(episode),
            "documents": [DocumentPresenter(document) for document in documents],
            "may_upload": may_upload,
            "form": form,
            "file_params": file_upload_params(
                form["file"], hint=FILE_HINT.format(size=services.size_text(services.max_bytes()))
            ),
        },
        record=episode,
        status=400 if form.errors else 200,
    )


@require_GET
@protected_view
def document_download(request, pk, document_pk):
    episode = selectors.episode_get(
        request.user, pk, permission=selectors.RECORD_WORK, http_request=request
    )
    document = selectors.document_in_episode(episode, document_pk)
    try:
        handle = services.document_open(actor=request.user, document=document, http_request=request)
    except (DocumentError, FileNotFoundError):
        raise RecordNotFound(access.EPISODE, str(episode.pk), True) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
