"""Recording case notes and contacts (docs/case-notes-and-chronology.md).

A note is a contact with the family when someone in the family was seen or spoken to (every kind
of note can be one: a visit, a call, a meeting, a message). A contact moves the episode's
`last_contact_at` forward (drift reads it) and goes in the family's chronology; so does any note
marked as a significant event. The form carries a token made when it was shown, so the same form
sent twice (two tabs, a double click) makes one note: the second sending is told it was saved.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from familyhelp.accounts import access as record_access
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework import access
from familyhelp.casework.chronology import chronology_record
from familyhelp.casework.models import CaseNote, ChronologyEntry, Episode, EpisodePerson
from familyhelp.families.models import FamilyMember

RECORD_WORK = "casework.record_work"
NOTE_RECORD_TYPE = "casework.casenote"

NOT_ALLOWED = "You cannot record notes for this episode. Nothing has been saved."
EPISODE_CLOSED = (
    "This episode is closed. Re-open it before recording a note. Nothing has been saved."
)
KIND_REQUIRED = "Select the type of note"
HAPPENED_AT_REQUIRED = "Enter the date of the contact"
IN_THE_FUTURE = "The date and time must be now or in the past"
BEFORE_EPISODE = "The date must be on or after {date}, when this episode opened"
TEXT_REQUIRED = "Enter the note"
NOT_IN_FAMILY = "Choose only people in this family"
ALONE_NEEDS_CHILD = "Select the child who was seen alone in who was seen"
FORM_EXPIRED = "This form has expired. Open it again and re-enter the note."

# A note on a contact: every kind, when someone in the family was seen or spoken to.
CONTACT_KINDS = frozenset(CaseNote.Kind.values)
ADULT_AGE = 18


class NoteError(Exception):
    """A refused or invalid note; `errors` maps a form field to its messages."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


@dataclass(frozen=True)
class NoteSaved:
    note: CaseNote
    # False when this form had already been sent: the note saved the first time is returned.
    created: bool


def _is_child(person, today) -> bool:
    born = person.date_of_birth
    if born is None:
        return person.expected_date is not None
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return years < ADULT_AGE


def people_who_may_be_seen(episode: Episode) -> list:
    """Everyone in the episode's family (merged-away records left out), children first."""
    members = (
        FamilyMember.objects.filter(family_id=episode.family_id, person__merged_into__isnull=True)
        .select_related("person")
        .order_by(F("person__date_of_birth").asc(nulls_last=True), "person__pk")
    )
    return [member.person for member in members]


def children_ids(episode: Episode, people) -> set[int]:
    """The children among `people`: the episode's children, and anyone under 18."""
    today = timezone.localdate()
    named = set(
        EpisodePerson.objects.filter(episode=episode, role=EpisodePerson.Role.CHILD).values_list(
            "person_id", flat=True
        )
    )
    return {person.pk for person in people if person.pk in named or _is_child(person, today)}


def is_contact(note: CaseNote, seen_count: int) -> bool:
    return note.kind in CONTACT_KINDS and seen_count > 0


def chronology_summary(note: CaseNote, seen_count: int, alone: bool) -> str:
    """No names and nothing of the note itself: the chronology links to it."""
    parts = [note.get_kind_display()]
    if seen_count:
        parts.append(f"{seen_count} {'person' if seen_count == 1 else 'people'} seen")
    if alone:
        parts.append("child seen alone")
    summary = ", ".join(parts)
    if note.significant:
        summary = f"Significant event: {summary}"
    return summary


def _refuse(*, actor, episode, message, http_request, step="record_note"):
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        record_type=access.EPISODE,
        record_id=episode.pk,
        family_id=episode.family_id,
        values={"refused": True, "step": step},
        request=http_request,
    )
    raise NoteError(message)


def _check(*, episode, kind, happened_at, people_seen, child_seen_alone, text, now):
    errors: dict[str, list[str]] = {}
    if kind not in CaseNote.Kind.values:
        errors["kind"] = [KIND_REQUIRED]
    if happened_at is None:
        errors["happened_at"] = [HAPPENED_AT_REQUIRED]
    elif happened_at > now:
        errors["happened_at"] = [IN_THE_FUTURE]
    elif timezone.localdate(happened_at) < timezone.localdate(episode.created_at):
        opened = timezone.localdate(episode.created_at)
        errors["happened_at"] = [BEFORE_EPISODE.format(date=f"{opened:%-d %B %Y}")]
    if not (text or "").strip():
        errors["text"] = [TEXT_REQUIRED]
    family = {person.pk: person for person in people_who_may_be_seen(episode)}
    seen_ids = {getattr(person, "pk", person) for person in people_seen}
    if not seen_ids <= set(family):
        errors["people_seen"] = [NOT_IN_FAMILY]
    elif child_seen_alone and not seen_ids & children_ids(episode, family.values()):
        errors["child_seen_alone"] = [ALONE_NEEDS_CHILD]
    if errors:
        first = next(iter(errors.values()))[0]
        raise NoteError(first, errors)
    return sorted(seen_ids)


def case_note_record(
    *,
    actor,
    episode: Episode,
    form_token,
    kind: str,
    happened_at: datetime.datetime | None,
    people_seen=(),
    child_seen_alone: bool = False,
    text: str,
    significant: bool = False,
    http_request=None,
) -> NoteSaved:
    """Record a case note or contact, once per form: a second sending returns the first note."""
    if not record_access.user_has_perm(actor, RECORD_WORK, episode):
        _refuse(actor=actor, episode=episode, message=NOT_ALLOWED, http_request=http_request)
    try:
        form_token = uuid.UUID(str(form_token))
    except ValueError:
        raise NoteError(FORM_EXPIRED) from None
    already = _already_saved(episode, form_token)
    if already is not None:
        return NoteSaved(already, created=False)
    if episode.status == Episode.Status.CLOSED:
        raise NoteError(EPISODE_CLOSED)
    now = timezone.now()
    seen_ids = _check(
        episode=episode,
        kind=kind,
        happened_at=happened_at,
        people_seen=people_seen,
        child_seen_alone=child_seen_alone,
        text=text,
        now=now,
    )
    note = CaseNote(
        episode=episode,
        kind=kind,
        happened_at=happened_at,
        child_seen_alone=bool(child_seen_alone),
        text=text.strip(),
        significant=bool(significant),
        created_at=now,
        created_by=actor,
        form_token=form_token,
    )
    note.full_clean(exclude=["form_token"])
    try:
        with transaction.atomic():
            note.save()
            note.people_seen.set(seen_ids)
            _record_effects(actor=actor, note=note, seen_ids=seen_ids, http_request=http_request)
    except IntegrityError:
        # Two sendings of one form raced past the check above: the other one saved it.
        already = _already_saved(episode, form_token)
        if already is None:
            raise
        return NoteSaved(already, created=False)
    return NoteSaved(note, created=True)


def _already_saved(episode, form_token) -> CaseNote | None:
    note = CaseNote.objects.filter(form_token=form_token).first()
    if note is not None and note.episode_id != episode.pk:
        raise NoteError(FORM_EXPIRED)
    return note


def _record_effects(*, actor, note, seen_ids, http_request):
    episode = note.episode
    contact = is_contact(note, len(seen_ids))
    if contact:
        # A note written later about an earlier visit never moves the last contact backwards.
        Episode.objects.filter(pk=episode.pk).filter(
            Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=note.happened_at)
        ).update(last_contact_at=note.happened_at)
    if contact or note.significant:
        chronology_record(
            family_id=episode.family_id,
            episode=episode,
            at=note.happened_at,
            kind=ChronologyEntry.Kind.NOTE,
            summary=chronology_summary(note, len(seen_ids), note.child_seen_alone),
            source=note,
            significant=note.significant,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        record_type=NOTE_RECORD_TYPE,
        record_id=note.pk,
        family_id=episode.family_id,
        fields_changed=["kind", "happened_at", "people_seen", "child_seen_alone", "text"]
        + (["significant"] if note.significant else []),
        values={
            "episode": episode.pk,
            "kind": note.kind,
            "contact": contact,
            "significant": note.significant,
        },
        request=http_request,
    )
