"""Browser journeys: a keyworker records a note (and the same form is sent from two tabs), reads
and filters the family's chronology, and adds and downloads a document."""

# The fixtures come from notes_setup (pytest finds them by name; ruff sees them redefined).
# ruff: noqa: F811

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from familyhelp.accounts.testing import sign_in_browser
from familyhelp.casework.models import CaseNote, Document
from familyhelp.casework.tests import documents_samples as samples
from familyhelp.casework.tests.notes_setup import (  # noqa: F401
    child,
    episode,
    family,
    lead,
    parent,
)
from familyhelp.core.testing import PHONE, check_page

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def fill_note(page, when):
    page.get_by_label("Home visit").check()
    page.locator("#id_happened_on").fill(str(when.day))
    page.locator("#id_happened_on-month").fill(str(when.month))
    page.locator("#id_happened_on-year").fill(str(when.year))
    page.get_by_label("Time").fill("2:30pm")
    page.get_by_label("Sam Smith").check()
    page.get_by_label("A child was seen alone").check()
    page.get_by_label("Note", exact=True).fill("Sam showed me his new school bag.")
    page.get_by_label(re.compile("This is a significant event")).check()


def test_a_keyworker_records_a_note_once_from_two_tabs_and_finds_it_in_the_chronology(
    live_server, browser, episode, lead
):
    context = browser.new_context(viewport=PHONE)
    sign_in_browser(context, live_server, lead)
    page = context.new_page()
    # Given the keyworker on the episode's notes
    page.goto(live_server.url + reverse("casework:notes", kwargs={"pk": episode.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Case notes and contacts")
    check_page(page)
    # When they start a note and first send it with a date in the future
    page.get_by_role("button", name="Record a note").click()
    check_page(page)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    fill_note(page, tomorrow)
    page.get_by_role("button", name="Save note").click()
    # Then they are told how to fix it
    expect(page).to_have_title(re.compile("^Error: "))
    expect(
        page.get_by_role("link", name="The date and time must be now or in the past")
    ).to_be_visible()
    check_page(page)
    # When the same form is open in a second tab (a duplicated tab carries the same form)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.locator("#id_happened_on").fill(str(yesterday.day))
    page.locator("#id_happened_on-month").fill(str(yesterday.month))
    page.locator("#id_happened_on-year").fill(str(yesterday.year))
    second = context.new_page()
    second.goto(page.url)
    fill_note(second, yesterday)
    token = page.locator("input[name=form_token]").input_value()
    second.locator("input[name=form_token]").evaluate(
        "(input, token) => input.value = token", token
    )
    # And both tabs save it
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved: Home visit")).to_be_visible()
    check_page(page)
    second.get_by_role("button", name="Save note").click()
    # Then the second tab is told plainly it was already saved, and there is one note
    expect(second.get_by_text("This note was already saved")).to_be_visible()
    check_page(second)
    assert CaseNote.objects.count() == 1
    expect(page.get_by_text("Sam showed me his new school bag.")).to_be_visible()
    # When they open the family's chronology and filter it to case notes
    page.get_by_role("link", name="See the family’s chronology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chronology")
    expect(
        page.get_by_role("link", name=re.compile("Significant event: Home visit"))
    ).to_be_visible()
    check_page(page)
    page.get_by_text("Filter the chronology").click()
    page.get_by_label("Case note").check()
    page.get_by_role("button", name="Apply filters").click()
    # Then the note is there, and the filter is kept for the CSV download
    expect(page.get_by_text("1 event matches the filters")).to_be_visible()
    expect(page.get_by_role("link", name="Download these events as CSV")).to_have_attribute(
        "href", re.compile("kind=note")
    )
    check_page(page)
    # When a date range the wrong way round is asked for
    page.locator("#id_date_from").fill("10")
    page.locator("#id_date_from-month").fill("3")
    page.locator("#id_date_from-year").fill("2026")
    page.locator("#id_date_to").fill("1")
    page.locator("#id_date_to-month").fill("3")
    page.locator("#id_date_to-year").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    # Then they are told how to fix it
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)
    context.close()


def test_a_keyworker_adds_a_document_and_downloads_it(live_server, browser, episode, lead, media):
    fake = media / "report.pdf"
    fake.write_bytes(b"<html>I am not a PDF</html>")
    real = media / "Letter from school.pdf"
    real.write_bytes(samples.PDF)
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    sign_in_browser(context, live_server, lead)
    page = context.new_page()
    # Given the episode's documents
    page.goto(live_server.url + reverse("casework:documents", kwargs={"pk": episode.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    check_page(page)
    # When they add a file that claims to be a PDF but is not
    page.get_by_label("Title").fill("Report")
    page.get_by_label("File").set_input_files(str(fake))
    page.get_by_role("button", name="Add document").click()
    # Then it is refused with a clear message and nothing is stored
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_role("link", name=re.compile("is not a real PDF file"))).to_be_visible()
    check_page(page)
    assert not Document.objects.exists()
    # When they add a real PDF
    page.get_by_label("Title").fill("School letter")
    page.get_by_label("File").set_input_files(str(real))
    page.get_by_role("button", name="Add document").click()
    expect(page.get_by_text("Document added: School letter.")).to_be_visible()
    check_page(page)
    # Then they can download it, under its own name
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("^Download")).click()
    download = downloading.value
    assert download.suggested_filename == "Letter from school.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == samples.PDF
    context.close()
