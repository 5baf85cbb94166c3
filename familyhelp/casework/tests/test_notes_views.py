"""The notes pages: the list (paged, constant queries), recording a note, one note per form."""

# The fixtures come from notes_setup (pytest finds them by name; ruff sees them redefined).
# ruff: noqa: F811

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.testing import sign_in
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import CaseNote, ChronologyEntry
from familyhelp.casework.services import notes as note_services
from familyhelp.casework.tests.factories import CaseNoteFactory
from familyhelp.casework.tests.notes_setup import (  # noqa: F401
    child,
    episode,
    family,
    lead,
    parent,
    stranger,
    taf_member,
)
from familyhelp.casework.views_notes.notes import ALREADY_SAVED

pytestmark = pytest.mark.django_db


def notes_url(episode):
    return reverse("casework:notes", kwargs={"pk": episode.pk})


def add_url(episode):
    return reverse("casework:note-add", kwargs={"pk": episode.pk})


def form_data(token, child, **overrides):
    when = timezone.localtime() - datetime.timedelta(hours=2)
    data = {
        "form_token": token,
        "kind": "home_visit",
        "happened_on-day": str(when.day),
        "happened_on-month": str(when.month),
        "happened_on-year": str(when.year),
        "happened_time": when.strftime("%H:%M"),
        "people_seen": [str(child.pk)],
        "child_seen_alone": "true",
        "text": "Sam showed me his new school bag.",
    }
    data.update(overrides)
    return data


def token_of(response) -> str:
    return re.search(r'name="form_token" value="([0-9a-f-]+)"', response.content.decode())[1]


def test_the_lead_records_a_note_and_sees_it_in_the_list(client, episode, lead, child, parent):
    sign_in(client, lead)
    shown = client.get(add_url(episode))
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "Sam Smith" in body and "Jo Smith" in body

    response = client.post(add_url(episode), form_data(token_of(shown), child), follow=True)

    note = CaseNote.objects.get()
    assert response.redirect_chain[-1][0] == f"{notes_url(episode)}#note-{note.pk}"
    page = response.content.decode()
    assert "Note saved: Home visit" in page
    assert "Sam showed me his new school bag." in page
    assert note.child_seen_alone and list(note.people_seen.all()) == [child]


def test_the_same_form_sent_twice_is_told_it_was_already_saved(client, episode, lead, child):
    sign_in(client, lead)
    token = token_of(client.get(add_url(episode)))
    client.post(add_url(episode), form_data(token, child))

    again = client.post(add_url(episode), form_data(token, child), follow=True)

    assert again.status_code == 200
    assert ALREADY_SAVED in again.content.decode()
    assert CaseNote.objects.count() == 1


def test_two_tabs_make_two_notes_when_each_form_was_shown_on_its_own(client, episode, lead, child):
    sign_in(client, lead)
    first, second = token_of(client.get(add_url(episode))), token_of(client.get(add_url(episode)))
    assert first != second

    client.post(add_url(episode), form_data(first, child))
    client.post(add_url(episode), form_data(second, child, text="A second visit."))

    assert CaseNote.objects.count() == 2


def test_a_date_in_the_future_is_shown_beside_the_date_and_nothing_is_saved(
    client, episode, lead, child
):
    sign_in(client, lead)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = form_data(
        str(uuid.uuid4()),
        child,
        **{
            "happened_on-day": str(tomorrow.day),
            "happened_on-month": str(tomorrow.month),
            "happened_on-year": str(tomorrow.year),
        },
    )

    response = client.post(add_url(episode), data)

    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body
    assert f'href="#id_happened_on">{note_services.IN_THE_FUTURE}' in body
    assert not CaseNote.objects.exists()
    # The form keeps its token, so sending it again once corrected still makes one note.
    assert token_of(response) == data["form_token"]


def test_missing_answers_are_each_explained(client, episode, lead):
    sign_in(client, lead)

    response = client.post(add_url(episode), {"form_token": str(uuid.uuid4())})

    assert response.status_code == 400
    body = response.content.decode()
    for message in (
        note_services.KIND_REQUIRED,
        note_services.HAPPENED_AT_REQUIRED,
        "Enter the time, like 14:30 or 2:30pm",
        note_services.TEXT_REQUIRED,
    ):
        assert message in body
    assert not CaseNote.objects.exists()


def test_a_time_that_is_not_a_time_is_explained(client, episode, lead, child):
    sign_in(client, lead)

    response = client.post(
        add_url(episode), form_data(str(uuid.uuid4()), child, happened_time="25:99")
    )

    assert response.status_code == 400
    assert "Enter a real time, like 14:30 or 2:30pm" in response.content.decode()


def test_someone_outside_the_case_gets_page_not_found_and_is_audited(
    client, episode, stranger, child
):
    sign_in(client, stranger)

    for response in (
        client.get(notes_url(episode)),
        client.get(add_url(episode)),
        client.post(add_url(episode), form_data(str(uuid.uuid4()), child)),
    ):
        assert response.status_code == 404
    assert not CaseNote.objects.exists()
    refused = AuditEvent.objects.filter(actor=stranger, record_id=str(episode.pk))
    assert refused.count() == 3
    assert all(event.values["refused"] for event in refused)


def test_the_team_around_the_family_reads_and_records(client, episode, taf_member, child):
    sign_in(client, taf_member)
    token = token_of(client.get(add_url(episode)))

    client.post(add_url(episode), form_data(token, child))

    assert client.get(notes_url(episode)).status_code == 200
    assert CaseNote.objects.get().created_by == taf_member


def test_the_list_reads_a_page_in_a_constant_number_of_queries(
    client, episode, lead, child, parent, django_assert_max_num_queries
):
    def add_notes(count):
        for _ in range(count):
            note = CaseNoteFactory(episode=episode, created_by=lead)
            note.people_seen.set([child, parent])

    sign_in(client, lead)
    add_notes(3)
    client.get(notes_url(episode))  # warm the session and the permission caches
    with django_assert_max_num_queries(30) as few:
        assert client.get(notes_url(episode)).status_code == 200
    baseline = len(few.captured_queries)
    add_notes(25)

    with django_assert_max_num_queries(baseline):
        response = client.get(notes_url(episode))

    body = response.content.decode()
    assert "28 notes" in body
    assert body.count('class="govuk-summary-card"') == note_services_page_size()
    assert 'href="?page=2"' in body


def note_services_page_size():
    from familyhelp.casework.selectors_notes import NOTES_PER_PAGE

    return NOTES_PER_PAGE


def test_a_significant_note_from_the_page_reaches_the_chronology(client, episode, lead, child):
    sign_in(client, lead)
    token = token_of(client.get(add_url(episode)))

    client.post(add_url(episode), form_data(token, child, significant="true"))

    assert ChronologyEntry.objects.get().summary.startswith("Significant event: Home visit")
