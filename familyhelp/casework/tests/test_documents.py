"""Documents: type checks by content, the size limit, storage under a random name, the
permission-checked and audited download, and refusals that store nothing."""

# The fixtures come from notes_setup (pytest finds them by name; ruff sees them redefined).
# ruff: noqa: F811

import pytest
from django.urls import reverse

from familyhelp.accounts.testing import sign_in
from familyhelp.audit.models import AuditEvent
from familyhelp.casework.models import ChronologyEntry, Document
from familyhelp.casework.services import documents as services
from familyhelp.casework.services.documents import DocumentError, document_upload
from familyhelp.casework.tests import documents_samples as samples
from familyhelp.casework.tests.factories import EpisodeFactory
from familyhelp.casework.tests.notes_setup import (  # noqa: F401
    child,
    episode,
    family,
    lead,
    parent,
    stranger,
    taf_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("Referral letter.pdf", samples.PDF, "pdf", "application/pdf"),
        ("photo.PNG", samples.PNG, "image", "image/png"),
        ("photo.jpg", samples.JPEG, "image", "image/jpeg"),
        ("plan.docx", samples.DOCX, "office", services.TYPES[".docx"].content_type),
        ("attendance.xlsx", samples.XLSX, "office", services.TYPES[".xlsx"].content_type),
        ("letter.odt", samples.ODT, "office", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_each_accepted_type_is_stored_under_a_random_name(
    media, episode, lead, name, content, kind, content_type
):
    document = document_upload(
        actor=lead, episode=episode, upload=samples.upload(name, content), title="A document"
    )

    document.refresh_from_db()
    assert document.kind == kind and document.content_type == content_type
    assert document.original_name == name and document.size == len(content)
    (path,) = stored_files(media)
    assert path.read_bytes() == content
    assert path.parent.name == str(episode.pk)
    assert len(path.name) == 32 and name.split(".")[0] not in str(path)
    entry = ChronologyEntry.objects.get()
    assert entry.kind == "document" and entry.significant is False
    assert "A document" not in entry.summary
    event = AuditEvent.objects.get(record_type="casework.document")
    assert event.action == "create" and event.record_id == str(document.pk)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            b"<html>not a pdf</html>",
            services.FILE_NOT_WHAT_IT_CLAIMS.format(claimed="PDF"),
        ),
        ("photo.png", samples.JPEG, services.FILE_NOT_WHAT_IT_CLAIMS.format(claimed="PNG")),
        ("plan.docx", samples.PLAIN_ZIP, services.FILE_NOT_WHAT_IT_CLAIMS.format(claimed="DOCX")),
        ("plan.docx", samples.XLSX, services.FILE_NOT_WHAT_IT_CLAIMS.format(claimed="DOCX")),
        ("letter.odt", samples.DOCX, services.FILE_NOT_WHAT_IT_CLAIMS.format(claimed="ODT")),
        (
            "sheet.xlsx",
            b"PK\x03\x04broken",
            services.FILE_NOT_WHAT_IT_CLAIMS.format(claimed="XLSX"),
        ),
        ("run-me.exe", samples.PDF, services.FILE_TYPE),
        ("no-extension", samples.PDF, services.FILE_TYPE),
        ("empty.pdf", b"", services.FILE_EMPTY),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_stored(
    media, episode, lead, name, content, message
):
    with pytest.raises(DocumentError) as refused:
        document_upload(
            actor=lead, episode=episode, upload=samples.upload(name, content), title="A document"
        )

    assert refused.value.errors["file"] == [message]
    assert not Document.objects.exists()
    assert not ChronologyEntry.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_limit_is_refused(media, settings, episode, lead):
    settings.CASEWORK_DOCUMENT_MAX_BYTES = 50

    with pytest.raises(DocumentError) as refused:
        document_upload(
            actor=lead, episode=episode, upload=samples.upload("a.pdf", samples.PDF), title="A"
        )

    assert refused.value.errors["file"] == ["The selected file must be smaller than 50 bytes"]
    assert stored_files(media) == []


def test_the_default_limit_is_ten_megabytes(settings):
    assert settings.CASEWORK_DOCUMENT_MAX_BYTES == 10 * 1024 * 1024
    assert services.FILE_TOO_BIG.format(size=services.size_text(services.max_bytes())) == (
        "The selected file must be smaller than 10MB"
    )


def test_someone_outside_the_case_cannot_upload_and_is_audited(media, episode, stranger):
    with pytest.raises(DocumentError) as refused:
        document_upload(
            actor=stranger, episode=episode, upload=samples.upload("a.pdf", samples.PDF), title="A"
        )

    assert refused.value.message == services.NOT_ALLOWED
    assert stored_files(media) == []
    event = AuditEvent.objects.get(actor=stranger)
    assert event.values["refused"] is True


def test_a_file_is_removed_again_when_saving_its_record_fails(media, episode, lead, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "chronology_record", fail)

    with pytest.raises(RuntimeError):
        document_upload(
            actor=lead, episode=episode, upload=samples.upload("a.pdf", samples.PDF), title="A"
        )

    assert not Document.objects.exists()
    assert stored_files(media) == []


# Pages ---------------------------------------------------------------------------------------


def documents_url(episode):
    return reverse("casework:documents", kwargs={"pk": episode.pk})


def download_url(document):
    return reverse(
        "casework:document-download",
        kwargs={"pk": document.episode_id, "document_pk": document.pk},
    )


def test_upload_then_download_through_the_pages(client, media, episode, lead, taf_member):
    sign_in(client, lead)
    response = client.post(
        documents_url(episode),
        {"title": "School letter", "file": samples.upload("Letter from school.pdf", samples.PDF)},
        follow=True,
    )
    assert "Document added: School letter." in response.content.decode()
    document = Document.objects.get()

    sign_in(client, taf_member)
    download = client.get(download_url(document))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Letter from school.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(record_type="casework.document", action="view")
    assert event.actor == taf_member and event.values["download"] is True


def test_an_impostor_pdf_gets_a_clear_message_on_the_page(client, media, episode, lead):
    sign_in(client, lead)

    response = client.post(
        documents_url(episode),
        {"title": "Report", "file": samples.upload("report.pdf", b"MZ\x90\x00 not a pdf")},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body
    assert 'href="#id_file">The selected file is not a real PDF file.' in body
    assert not Document.objects.exists() and stored_files(media) == []


def test_missing_title_and_file_are_both_explained(client, media, episode, lead):
    sign_in(client, lead)

    response = client.post(documents_url(episode), {"title": ""})

    body = response.content.decode()
    assert response.status_code == 400
    assert services.TITLE_REQUIRED in body and services.FILE_REQUIRED in body


def test_outsiders_get_page_not_found_for_the_list_and_the_download(
    client, media, episode, lead, stranger
):
    document = document_upload(
        actor=lead, episode=episode, upload=samples.upload("a.pdf", samples.PDF), title="A"
    )
    sign_in(client, stranger)

    assert client.get(documents_url(episode)).status_code == 404
    assert client.get(download_url(document)).status_code == 404
    assert (
        client.post(
            documents_url(episode), {"title": "B", "file": samples.upload("b.pdf", samples.PDF)}
        ).status_code
        == 404
    )
    assert Document.objects.count() == 1
    refused = AuditEvent.objects.filter(actor=stranger, action="view")
    assert refused.count() == 3 and all(event.values["refused"] for event in refused)


def test_a_document_is_only_found_through_its_own_episode(client, media, episode, lead):
    other = EpisodeFactory(lead_professional=lead, team=episode.team)
    document = document_upload(
        actor=lead, episode=other, upload=samples.upload("a.pdf", samples.PDF), title="A"
    )
    sign_in(client, lead)

    wrong = reverse(
        "casework:document-download", kwargs={"pk": episode.pk, "document_pk": document.pk}
    )
    assert client.get(wrong).status_code == 404
    assert client.get(download_url(document)).status_code == 200


def test_the_list_shows_each_document_without_a_query_each(
    client, media, episode, lead, django_assert_max_num_queries
):
    sign_in(client, lead)
    document_upload(
        actor=lead, episode=episode, upload=samples.upload("a.pdf", samples.PDF), title="First"
    )
    client.get(documents_url(episode))
    with django_assert_max_num_queries(30) as few:
        client.get(documents_url(episode))
    for n in range(5):
        document_upload(
            actor=lead,
            episode=episode,
            upload=samples.upload(f"{n}.png", samples.PNG),
            title=f"Photo {n}",
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(documents_url(episode))

    assert response.content.decode().count("Download<span") == 6
