"""Recording case notes and contacts: checks, one note per form, contact, chronology, audit."""

# The fixtures come from notes_setup (pytest finds them by name; ruff sees them redefined).
# ruff: noqa: F811

import datetime
import uuid

import pytest
from django.utils import timezone

from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import CaseNote, ChronologyEntry, Episode
from familyhelp.casework.services import notes
from familyhelp.casework.services.notes import NoteError, case_note_record
from familyhelp.casework.tests.notes_setup import (  # noqa: F401
    child,
    episode,
    family,
    lead,
    parent,
    stranger,
    taf_member,
    team_manager,
)
from familyhelp.families.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def record(actor, episode, **overrides):
    values = {
        "form_token": uuid.uuid4(),
        "kind": CaseNote.Kind.HOME_VISIT,
        "happened_at": timezone.now() - datetime.timedelta(hours=2),
        "people_seen": [],
        "child_seen_alone": False,
        "text": "Visited at home. Talked about morning routines.",
        "significant": False,
    }
    values.update(overrides)
    return case_note_record(actor=actor, episode=episode, **values)


def test_a_home_visit_is_a_contact_in_the_chronology_and_the_audit_log(
    episode, lead, child, parent
):
    when = timezone.now() - datetime.timedelta(hours=3)

    saved = record(
        lead, episode, happened_at=when, people_seen=[child.pk, parent.pk], child_seen_alone=True
    )

    assert saved.created
    note = CaseNote.objects.get()
    assert set(note.people_seen.all()) == {child, parent}
    assert note.child_seen_alone and note.created_by == lead
    episode.refresh_from_db()
    assert episode.last_contact_at == when
    entry = ChronologyEntry.objects.get()
    assert entry.kind == "note" and entry.at == when and entry.episode == episode
    assert entry.summary == "Home visit, 2 people seen, child seen alone"
    assert entry.significant is False
    assert "Smith" not in entry.summary
    event = AuditEvent.objects.get(record_type="casework.casenote")
    assert event.action == "create" and event.record_id == str(note.pk)
    assert event.family_id == str(episode.family_id)
    assert "Talked" not in str(event.values)


def test_the_same_form_sent_twice_makes_one_note(episode, lead, child):
    token = uuid.uuid4()
    first = record(lead, episode, form_token=token, people_seen=[child.pk])

    second = record(lead, episode, form_token=token, people_seen=[child.pk], text="Changed")

    assert first.created and not second.created
    assert second.note.pk == first.note.pk
    assert CaseNote.objects.count() == 1
    assert CaseNote.objects.get().text.startswith("Visited")
    assert ChronologyEntry.objects.count() == 1
    assert AuditEvent.objects.filter(record_type="casework.casenote").count() == 1


def test_a_significant_note_with_nobody_seen_is_in_the_chronology_but_not_a_contact(episode, lead):
    record(lead, episode, kind=CaseNote.Kind.MEETING, significant=True, people_seen=[])

    episode.refresh_from_db()
    assert episode.last_contact_at is None
    entry = ChronologyEntry.objects.get()
    assert entry.summary == "Significant event: Meeting"
    assert entry.significant is True


def test_an_ordinary_note_with_nobody_seen_stays_out_of_the_chronology(episode, lead):
    record(lead, episode, kind=CaseNote.Kind.PHONE, people_seen=[])

    assert CaseNote.objects.count() == 1
    assert not ChronologyEntry.objects.exists()


def test_a_note_about_an_earlier_visit_does_not_move_the_last_contact_back(episode, lead, child):
    recent = timezone.now() - datetime.timedelta(hours=1)
    record(lead, episode, happened_at=recent, people_seen=[child.pk])
    record(lead, episode, happened_at=recent - datetime.timedelta(days=5), people_seen=[child.pk])

    episode.refresh_from_db()
    assert episode.last_contact_at == recent


def test_everyone_in_the_team_around_the_family_may_record(episode, taf_member, team_manager):
    record(taf_member, episode)
    record(team_manager, episode)

    assert CaseNote.objects.count() == 2


def test_someone_outside_the_case_is_refused_audited_and_nothing_saved(episode, stranger):
    with pytest.raises(NoteError) as refused:
        record(stranger, episode)

    assert refused.value.message == notes.NOT_ALLOWED
    assert not CaseNote.objects.exists()
    event = AuditEvent.objects.get(actor=stranger)
    assert event.values["refused"] is True and event.record_id == str(episode.pk)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"happened_at": timezone.now() + datetime.timedelta(days=1)},
            "happened_at",
            notes.IN_THE_FUTURE,
        ),
        ({"happened_at": None}, "happened_at", notes.HAPPENED_AT_REQUIRED),
        ({"kind": "pigeon"}, "kind", notes.KIND_REQUIRED),
        ({"text": "   "}, "text", notes.TEXT_REQUIRED),
        ({"child_seen_alone": True}, "child_seen_alone", notes.ALONE_NEEDS_CHILD),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    episode, lead, overrides, field, message
):
    with pytest.raises(NoteError) as refused:
        record(lead, episode, **overrides)

    assert refused.value.errors[field] == [message]
    assert not CaseNote.objects.exists()
    assert not ChronologyEntry.objects.exists()


def test_a_date_before_the_episode_opened_is_refused(episode, lead):
    before = episode.created_at - datetime.timedelta(days=2)

    with pytest.raises(NoteError) as refused:
        record(lead, episode, happened_at=before)

    opened = timezone.localdate(episode.created_at)
    assert refused.value.errors["happened_at"] == [
        notes.BEFORE_EPISODE.format(date=f"{opened:%-d %B %Y}")
    ]


def test_only_people_in_the_family_can_be_seen(episode, lead):
    outsider = PersonFactory()

    with pytest.raises(NoteError) as refused:
        record(lead, episode, people_seen=[outsider.pk])

    assert refused.value.errors["people_seen"] == [notes.NOT_IN_FAMILY]


def test_the_child_seen_alone_must_be_a_child(episode, lead, parent):
    with pytest.raises(NoteError) as refused:
        record(lead, episode, people_seen=[parent.pk], child_seen_alone=True)

    assert refused.value.errors["child_seen_alone"] == [notes.ALONE_NEEDS_CHILD]


def test_a_closed_episode_takes_no_notes(episode, team_manager):
    Episode.objects.filter(pk=episode.pk).update(
        status=Episode.Status.CLOSED, closed_at=timezone.now(), closure_reason="needs_met"
    )
    episode.refresh_from_db()

    with pytest.raises(NoteError) as refused:
        record(team_manager, episode)

    assert refused.value.message == notes.EPISODE_CLOSED


def test_a_token_that_is_not_a_token_is_refused(episode, lead):
    with pytest.raises(NoteError) as refused:
        record(lead, episode, form_token="not-a-uuid")

    assert refused.value.message == notes.FORM_EXPIRED
