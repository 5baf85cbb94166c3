"""chronology_record: the one helper every case work service writes the chronology with."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from familyhelp.casework.chronology import chronology_record
from familyhelp.casework.models import ChronologyEntry
from familyhelp.casework.tests.factories import CaseNoteFactory

pytestmark = pytest.mark.django_db


def test_records_an_entry_named_after_its_source():
    note = CaseNoteFactory()
    at = timezone.now() - datetime.timedelta(days=2)

    entry = chronology_record(
        family_id=note.episode.family_id,
        episode=note.episode,
        at=at,
        kind=ChronologyEntry.Kind.NOTE,
        summary="Home visit",
        source=note,
    )

    entry.refresh_from_db()
    assert entry.source_type == "casework.casenote"
    assert entry.source_id == str(note.pk)
    assert entry.family_id == note.episode.family_id
    assert entry.episode == note.episode
    assert entry.at == at
    assert entry.summary == "Home visit"
    assert entry.significant is True


def test_recording_the_same_source_and_kind_again_updates_the_entry():
    note = CaseNoteFactory()
    family_id = note.episode.family_id
    first = chronology_record(
        family_id=family_id, at=timezone.now(), kind="note", summary="Phone call", source=note
    )

    again = chronology_record(
        family_id=family_id,
        episode=note.episode,
        at=timezone.now(),
        kind="note",
        summary="Home visit",
        source=note,
        significant=False,
    )

    assert again.pk == first.pk
    assert ChronologyEntry.objects.count() == 1
    stored = ChronologyEntry.objects.get()
    assert stored.summary == "Home visit"
    assert stored.significant is False
    assert stored.episode == note.episode


def test_another_kind_for_the_same_source_is_a_second_entry():
    note = CaseNoteFactory()
    family_id = note.episode.family_id
    chronology_record(family_id=family_id, at=timezone.now(), kind="note", summary="A", source=note)
    chronology_record(
        family_id=family_id, at=timezone.now(), kind="document", summary="B", source=note
    )

    assert ChronologyEntry.objects.count() == 2


def test_a_long_summary_is_shortened_to_fit():
    note = CaseNoteFactory()
    entry = chronology_record(
        family_id=note.episode.family_id,
        at=timezone.now(),
        kind="note",
        summary="word " * 200,
        source=note,
    )

    assert len(entry.summary) == 300
    assert entry.summary.endswith("…")


def test_an_unknown_kind_is_refused_and_nothing_is_written():
    from django.core.exceptions import ValidationError

    note = CaseNoteFactory()
    with pytest.raises(ValidationError):
        chronology_record(
            family_id=note.episode.family_id,
            at=timezone.now(),
            kind="gossip",
            summary="x",
            source=note,
        )
    assert not ChronologyEntry.objects.exists()


def test_an_unsaved_source_is_a_programming_error():
    note = CaseNoteFactory()
    note.pk = None
    with pytest.raises(ValueError):
        chronology_record(family_id=1, at=timezone.now(), kind="note", summary="x", source=note)


def test_rolls_back_with_the_callers_transaction():
    note = CaseNoteFactory()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        chronology_record(
            family_id=note.episode.family_id,
            at=timezone.now(),
            kind="note",
            summary="x",
            source=note,
        )
        raise Boom

    assert not ChronologyEntry.objects.exists()
