"""Case notes and contacts: the list of an episode's notes, and recording one."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts.access import protected_view
from familyhelp.casework import selectors_notes as selectors
from familyhelp.casework.forms_notes import CaseNoteForm
from familyhelp.casework.presenters_notes import NotePresenter, pagination
from familyhelp.casework.services import notes as services
from familyhelp.casework.services.notes import NoteError
from familyhelp.casework.views_notes.common import episode_url, page

SAVED = "Note saved: {kind} on {when}."
ALREADY_SAVED = (
    "This note was already saved: the same form was sent twice (from two tabs, or a double "
    "click). It has been saved once, and is shown below."
)


def notes_url(episode, note=None) -> str:
    url = reverse("casework:notes", kwargs={"pk": episode.pk})
    return f"{url}#note-{note.pk}" if note is not None else url


@require_GET
@protected_view
def note_list(request, pk):
    episode = selectors.episode_get(request.user, pk, http_request=request)
    found = selectors.notes_page(episode, request.GET.get("page") or 1)
    return page(
        request,
        "notes/list.html",
        {
            "episode": episode,
            "episode_url": episode_url(episode),
            "notes": [NotePresenter(note) for note in found.notes],
            "total": found.page.paginator.count,
            "pagination": pagination(
                request.GET, found.page.number, found.page.paginator.num_pages
            ),
            "add_url": reverse("casework:note-add", kwargs={"pk": episode.pk})
            if selectors.may_record_work(request.user, episode)
            else None,
        },
        record=episode,
    )


def _token(request) -> str:
    """The form's token: the one it was shown with, or a new one for a new form."""
    sent = request.POST.get("form_token", "")
    try:
        return str(uuid.UUID(sent))
    except ValueError:
        return str(uuid.uuid4())


@require_http_methods(["GET", "POST"])
@protected_view
def note_add(request, pk):
    episode = selectors.episode_get(
        request.user, pk, permission=selectors.RECORD_WORK, http_request=request
    )
    people = services.people_who_may_be_seen(episode)
    form = CaseNoteForm(request.POST or None, people=people)
    token = _token(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.case_note_record(
                actor=request.user,
                episode=episode,
                form_token=request.POST.get("form_token", ""),
                kind=data["kind"],
                happened_at=form.happened_at(),
                people_seen=[int(person_id) for person_id in data["people_seen"]],
                child_seen_alone=data["child_seen_alone"],
                text=data["text"],
                significant=data["significant"],
                http_request=request,
            )
        except NoteError as refused:
            form.add_service_errors(refused)
        else:
            note = saved.note
            if saved.created:
                shown = NotePresenter(note)
                messages.success(request, SAVED.format(kind=shown.kind, when=shown.when))
            else:
                messages.info(request, ALREADY_SAVED)
            return redirect(notes_url(episode, note))
    return page(
        request,
        "notes/form.html",
        {
            "form": form,
            "form_token": token,
            "episode": episode,
            "cancel_url": notes_url(episode),
        },
        record=episode,
        status=400 if form.errors else 200,
    )
