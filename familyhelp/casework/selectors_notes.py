"""Reading an episode's case notes and documents, a page at a time, in a fixed number of queries."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from familyhelp.accounts.access import RecordNotFound, get_object_for_user_or_404, user_has_perm
from familyhelp.casework import access
from familyhelp.casework.models import CaseNote, Document, Episode

VIEW = "casework.view_episode"
RECORD_WORK = "casework.record_work"
NOTES_PER_PAGE = 20


def episode_get(user, pk, *, permission=VIEW, http_request=None) -> Episode:
    """The episode (with its family), or RecordNotFound; the read (or refusal) is audited."""
    return get_object_for_user_or_404(
        user,
        permission,
        Episode.objects.select_related("family", "team"),
        pk=pk,
        http_request=http_request,
    )


def may_record_work(user, episode) -> bool:
    return user_has_perm(user, RECORD_WORK, episode)


@dataclass
class NotesPage:
    page: Page
    notes: list[CaseNote]


def notes_page(episode: Episode, page_number=1, *, per_page=NOTES_PER_PAGE) -> NotesPage:
    """Newest first; who recorded each and who was seen come in two more queries."""
    notes = (
        CaseNote.objects.filter(episode=episode)
        .select_related("created_by")
        .prefetch_related("people_seen")
        .order_by("-happened_at", "-pk")
    )
    page = Paginator(notes, per_page).get_page(page_number)
    return NotesPage(page=page, notes=list(page.object_list))


def documents_list(episode: Episode) -> list[Document]:
    return list(
        Document.objects.filter(episode=episode)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def document_in_episode(episode: Episode, document_pk) -> Document:
    """The episode's document, or RecordNotFound (as for an episode the person may not open)."""
    document = (
        Document.objects.filter(episode=episode, pk=document_pk).select_related("episode").first()
    )
    if document is None:
        raise RecordNotFound(access.EPISODE, str(episode.pk), True)
    return document
