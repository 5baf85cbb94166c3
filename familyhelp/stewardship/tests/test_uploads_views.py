"""Bulk upload pages: the template, uploading, progress, errors, preview, confirm and cancel."""

import io
import re

import pytest
from django.core.files.uploadhandler import StopUpload
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from familyhelp.accounts.navigation import items_for
from familyhelp.accounts.testing import sign_in
from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.directory.models import Service
from familyhelp.stewardship.models import BulkUpload
from familyhelp.stewardship.tests.factories import directory_administrator, editor_of
from familyhelp.stewardship.uploads import columns, reading
from familyhelp.stewardship.uploads.testing import csv_bytes, row_of, small_directory
from familyhelp.stewardship.views_uploads import SizeLimitHandler

pytestmark = pytest.mark.django_db

START = reverse("stewardship:upload-start")


@pytest.fixture
def place():
    return small_directory()


@pytest.fixture
def editor(place):
    return editor_of(place.organisation)


@pytest.fixture
def signed_in(client, editor):
    return sign_in(client, editor)


def post_file(client, content: bytes, name="listings.csv", **extra):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(START, {"file": upload}, **extra)


def test_the_upload_page_offers_the_templates_and_the_limits(signed_in):
    response = signed_in.get(START)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Upload listings – " in page
    assert reverse("stewardship:upload-template", args=["xlsx"]) in page
    assert "smaller than 10 MB, with at most 20,000 services" in page
    assert 'enctype="multipart/form-data"' in page


def test_the_templates_download_as_csv_and_xlsx(signed_in):
    csv_response = signed_in.get(reverse("stewardship:upload-template", args=["csv"]))
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in csv_response["Content-Disposition"]
    assert csv_response.content == columns.template_csv()
    xlsx = signed_in.get(reverse("stewardship:upload-template", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert [cell.value for cell in workbook["Services"][1]] == [c.heading for c in columns.COLUMNS]
    assert workbook["Guidance"]["A2"].value == "Service ID"
    assert signed_in.get(reverse("stewardship:upload-template", args=["pdf"])).status_code == 404


def test_people_who_do_not_edit_listings_get_not_found(client, place):
    sign_in(client, UserFactory(roles=["practitioner"]))
    assert client.get(START).status_code == 404
    assert post_file(client, csv_bytes([row_of()])).status_code == 404
    assert not BulkUpload.objects.exists()


def test_signing_in_comes_first(client):
    response = client.get(START)
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]


def test_the_link_is_on_your_account_for_editors_only(editor):
    assert "stewardship:upload-start" in [item.url_name for item in items_for(editor)]
    assert "stewardship:upload-start" not in [
        item.url_name for item in items_for(editor, header=True)
    ]
    practitioner = UserFactory(roles=["practitioner"])
    assert "stewardship:upload-start" not in [item.url_name for item in items_for(practitioner)]


def test_uploading_a_valid_file_checks_it_and_shows_the_preview(
    signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(signed_in, csv_bytes([row_of(description="<b>Fun</b> for all")]))
    upload = BulkUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stewardship:upload", args=[upload.pk])
    page = signed_in.get(response["Location"]).content.decode()
    assert "<title>Check the changes before saving – " in page
    assert "1 new, 0 changed, 0 unchanged" in page
    assert "&lt;b&gt;Fun&lt;/b&gt; for all" in page  # HTML shown as text
    assert "<b>Fun</b>" not in page
    assert "1 listing will be sent to the directory administrators for approval" in page
    assert "Confirm and save" in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\nbinary", "listings.csv", "It looks like a PDF document"),
        (b"MZ\x90\x00", "listings.xlsx", "It looks like a program (EXE)"),
        (csv_bytes([row_of(name="=HYPERLINK(1)")]), "listings.csv", "contains formulas"),
    ],
)
def test_a_refused_file_is_shown_with_its_error_and_nothing_is_saved(
    signed_in, content, name, message
):
    response = post_file(signed_in, content, name=name)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Upload listings – " in page
    assert "There is a problem" in page
    assert message in page
    assert not BulkUpload.objects.exists()


def test_no_file_chosen(signed_in):
    response = signed_in.post(START, {})
    assert response.status_code == 400
    assert "Select a CSV or XLSX file of services" in response.content.decode()


def test_a_50_mb_upload_is_refused_with_a_clear_error(signed_in):
    response = post_file(signed_in, b"a" * (50 * 1024 * 1024))
    assert response.status_code == 413
    page = response.content.decode()
    assert reading.too_large_message() in page
    assert "<title>Error: Upload listings" in page
    assert not BulkUpload.objects.exists()


def test_a_request_declaring_a_huge_body_is_refused_before_reading_it(signed_in):
    # The test client's body is small; a view that tried to read 50 MB of it would fail.
    response = post_file(signed_in, csv_bytes([row_of()]), CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    assert reading.too_large_message() in response.content.decode()
    assert not BulkUpload.objects.exists()


def test_a_file_just_over_the_limit_is_refused(signed_in, settings):
    settings.BULK_UPLOAD_MAX_BYTES = 1024
    response = post_file(signed_in, csv_bytes([row_of(description="x" * 2000)]))
    assert response.status_code == 413
    assert "smaller than 1 KB" in response.content.decode()
    assert not BulkUpload.objects.exists()


def test_a_body_without_a_length_stops_being_read_at_the_limit():
    handler = SizeLimitHandler(limit=100)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.exceeded


def test_the_upload_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, editor)
    response = post_file(client, csv_bytes([row_of()]))
    assert response.status_code == 403
    assert not BulkUpload.objects.exists()


def test_the_progress_page_refreshes_itself_while_checking(signed_in, editor):
    upload = BulkUpload.objects.create(
        uploaded_by=editor,
        file_name="big.csv",
        file_format="csv",
        file_size=10,
        file_sha256="0" * 64,
        content=b"x",
        rows_total=10_000,
        rows_done=2_500,
    )
    response = signed_in.get(reverse("stewardship:upload", args=[upload.pk]))
    page = response.content.decode()
    assert "<title>Checking your file – " in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Checked 2,500 of 10,000 rows (25%)." in page
    assert response["Cache-Control"] == "no-store"


def test_the_errors_page_lists_every_problem(signed_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_file(signed_in, csv_bytes([row_of(venue_postcode="WX99"), row_of(maximum_age="x")]))
    upload = BulkUpload.objects.get()
    page = signed_in.get(reverse("stewardship:upload", args=[upload.pk])).content.decode()
    assert "<title>Error: There are problems with your file – " in page
    assert "Nothing has been saved. We found 2 problems in 2 rows." in page
    assert "&#39;WX99&#39; is not a full postcode" in page
    assert "Enter a full postcode, like WX1 2AB" in page
    assert "Confirm and save" not in page


def test_confirming_saves_in_the_background_and_cancelling_saves_nothing(
    client, place, django_capture_on_commit_callbacks
):
    admin = directory_administrator()
    sign_in(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, csv_bytes([row_of()]))
    upload = BulkUpload.objects.get()
    confirm = reverse("stewardship:upload-confirm", args=[upload.pk])
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        response = client.post(confirm)
    assert response.status_code == 302
    # While the task has not run yet, the page says it is saving and refreshes itself.
    page = client.get(response["Location"]).content.decode()
    assert "<title>Saving the listings – " in page
    assert 'http-equiv="refresh"' in page
    assert not Service.objects.exists()
    for callback in waiting:
        callback()
    page = client.get(response["Location"]).content.decode()
    assert "Listings saved" in page
    assert "1 listing published, 0 sent for approval" in page
    assert Service.objects.filter(name="Stay and Play").exists()
    # Confirming twice changes nothing more.
    again = client.post(confirm)
    assert again.status_code == 400
    assert "because it is saved" in again.content.decode()
    assert Service.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, csv_bytes([row_of(name="Baby Bounce")]))
    second = BulkUpload.objects.get(status=BulkUpload.Status.READY)
    response = client.post(reverse("stewardship:upload-cancel", args=[second.pk]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == BulkUpload.Status.CANCELLED
    assert not Service.objects.filter(name="Baby Bounce").exists()


def test_another_persons_upload_is_not_found(
    client, place, editor, django_capture_on_commit_callbacks
):
    sign_in(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        post_file(client, csv_bytes([row_of()]))
    upload = BulkUpload.objects.get()
    other = Client()
    sign_in(other, editor_of(place.organisation))
    assert other.get(reverse("stewardship:upload", args=[upload.pk])).status_code == 404
    assert other.post(reverse("stewardship:upload-confirm", args=[upload.pk])).status_code == 404
    # A directory administrator may look, but only the uploader confirms.
    admin = Client()
    sign_in(admin, directory_administrator())
    page = admin.get(reverse("stewardship:upload", args=[upload.pk])).content.decode()
    assert "1 new, 0 changed, 0 unchanged" in page
    assert "Confirm and save" not in page


def test_the_preview_page_makes_a_fixed_number_of_queries(
    signed_in, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        post_file(signed_in, csv_bytes([row_of(name=f"Service {n}") for n in range(60)]))
    upload = BulkUpload.objects.get()
    with django_assert_max_num_queries(12):
        page = signed_in.get(reverse("stewardship:upload", args=[upload.pk])).content.decode()
    assert "60 new, 0 changed, 0 unchanged" in page
    assert "Page 1 of 2" in page


def test_an_editor_downloads_their_organisations_listings(signed_in, place, editor):
    from familyhelp.directory.tests.factories import ServiceFactory

    mine = ServiceFactory(organization=place.organisation, name="Mine")
    ServiceFactory(organization=place.other_organisation, name="Not mine")
    response = signed_in.get(reverse("stewardship:upload-current") + "?format=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert str(mine.pk) in text and "Mine" in text
    assert "Not mine" not in text
    page = signed_in.get(START).content.decode()
    assert "Download your organisations’ listings as XLSX" in page


def test_an_administrator_names_the_organisation_to_download(client, place):
    sign_in(client, directory_administrator())
    response = client.get(reverse("stewardship:upload-current"), follow=True)
    assert "Enter the name or ID of the organisation" in response.content.decode()
    response = client.get(reverse("stewardship:upload-current") + "?organisation=Vale+Play")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="listings.xlsx"'


def test_recent_uploads_are_listed_in_a_fixed_number_of_queries(
    signed_in, editor, django_assert_max_num_queries
):
    for n in range(12):
        BulkUpload.objects.create(
            uploaded_by=editor,
            file_name=f"spreadsheet{n:02d}.csv",
            file_format="csv",
            file_size=10,
            file_sha256="0" * 64,
            content=b"x",
        )
    with django_assert_max_num_queries(10):
        page = signed_in.get(START).content.decode()
    assert re.findall(r"spreadsheet(\d\d)\.csv", page) == [f"{n:02d}" for n in range(11, 1, -1)]
