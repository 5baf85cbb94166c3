"""Bulk upload's use cases: upload, check in the background, apply all or nothing, cancel."""

import pytest

from familyhelp.accounts.tests.factories import UserFactory
from familyhelp.audit.models import AuditEvent
from familyhelp.core.notifications.testing import outbox
from familyhelp.directory.models import Service
from familyhelp.stewardship import listing
from familyhelp.stewardship.models import BulkUpload, ListingChange, ListingVersion
from familyhelp.stewardship.services import publishing
from familyhelp.stewardship.services.common import StewardshipError
from familyhelp.stewardship.tests.factories import directory_administrator, editor_of
from familyhelp.stewardship.uploads import columns, reading, services
from familyhelp.stewardship.uploads.testing import csv_bytes, row_of, small_directory, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return small_directory()


@pytest.fixture
def admin():
    return directory_administrator()


@pytest.fixture
def upload_of(django_capture_on_commit_callbacks):
    """Upload `rows` as `actor`; the background check runs when the upload commits."""

    def upload(actor, rows, *, xlsx=False):
        content = xlsx_bytes(rows) if xlsx else csv_bytes(rows)
        with django_capture_on_commit_callbacks(execute=True):
            created = services.upload_create(actor=actor, file_name="listings.csv", content=content)
        created.refresh_from_db()
        return created

    return upload


def published_service(admin, upload_of, **cells):
    ready = upload_of(admin, [row_of(**cells)])
    services.upload_apply(actor=admin, upload=ready)
    return Service.objects.get(name=cells.get("name", "Stay and Play"))


@pytest.mark.parametrize("xlsx", [False, True])
def test_an_upload_is_checked_in_the_background_and_previewed(place, admin, upload_of, xlsx):
    existing = published_service(admin, upload_of, name="Rhyme Time")
    rows = [
        row_of(name="Baby Bounce"),
        row_of(name="Toddler Time"),
        row_of(service_id=str(existing.pk), name="Rhyme Time", phone="01632 960 999"),
    ]
    checked = upload_of(admin, rows, xlsx=xlsx)
    assert checked.status == BulkUpload.Status.READY
    assert checked.file_format == ("xlsx" if xlsx else "csv")
    assert (checked.rows_total, checked.rows_done) == (3, 3)
    summary = checked.summary
    assert (summary["new"], summary["changed"], summary["unchanged"]) == (2, 1, 0)
    changed = [item for item in summary["services"] if item["kind"] == "changed"]
    assert changed[0]["changes"] == [
        {"label": "Phone number", "before": ["01632 960 001"], "after": ["01632 960 999"]}
    ]
    assert Service.objects.count() == 1  # nothing saved before confirming


def test_a_file_with_errors_is_invalid_and_lists_every_error(place, admin, upload_of):
    checked = upload_of(admin, [row_of(venue_postcode="WX99"), row_of(starts_on="31/02/2027")])
    assert checked.status == BulkUpload.Status.INVALID
    assert [(e["row"], e["column"]) for e in checked.errors] == [
        (2, "Venue postcode"),
        (3, "Starts on"),
    ]
    with pytest.raises(StewardshipError, match="because it is the file has errors"):
        services.upload_apply(actor=admin, upload=checked)
    assert not Service.objects.exists()


def test_a_refused_file_saves_nothing(place, admin):
    with pytest.raises(reading.UploadRefused):
        services.upload_create(actor=admin, file_name="x.csv", content=b"%PDF-1.4")
    assert not BulkUpload.objects.exists()
    assert not AuditEvent.objects.filter(record_type=services.RECORD_TYPE).exists()


def test_applying_publishes_every_listing_in_one_go_with_versions_and_an_audit(
    place, admin, upload_of, monkeypatch
):
    indexed = []
    monkeypatch.setattr(services.search, "index_services", lambda ids: indexed.append(set(ids)))
    checked = upload_of(admin, [row_of(name="Baby Bounce"), row_of(name="Toddler Time")])
    applied = services.upload_apply(actor=admin, upload=checked)
    assert applied.status == BulkUpload.Status.APPLIED
    created = Service.objects.filter(name__in=["Baby Bounce", "Toddler Time"])
    assert created.count() == 2
    assert indexed == [set(created.values_list("pk", flat=True))]  # once, with every id
    versions = ListingVersion.objects.filter(service__in=created)
    assert {v.reason for v in versions} == {ListingVersion.Reason.UPLOADED}
    event = AuditEvent.objects.filter(
        record_type=services.RECORD_TYPE, values__step="applied"
    ).get()
    assert event.values["new"] == 2 and event.values["published"] == 2
    # The public listing is what the file said.
    document = listing.listing_document(listing.listing_queryset().get(name="Baby Bounce"))
    assert document["phone"] == "01632 960 001"
    assert document["locations"][0]["postcode"] == "WX1 2AB"


def test_a_failure_part_way_through_applying_leaves_nothing(place, admin, upload_of, monkeypatch):
    checked = upload_of(admin, [row_of(name="Baby Bounce"), row_of(name="Toddler Time")])
    real = publishing.listing_publish
    calls = []

    def fails_second_time(**kwargs):
        calls.append(kwargs["document"]["name"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(publishing, "listing_publish", fails_second_time)
    with pytest.raises(StewardshipError, match="nothing was saved"):
        services.upload_apply(actor=admin, upload=checked)
    assert calls == ["Baby Bounce", "Toddler Time"]
    assert not Service.objects.exists()
    assert not ListingVersion.objects.exists()
    checked.refresh_from_db()
    assert checked.status == BulkUpload.Status.FAILED
    assert checked.summary[services.NOTICE] == services.APPLY_FAILED


def test_applying_refuses_when_the_listings_changed_since_the_preview(place, admin, upload_of):
    service = published_service(admin, upload_of, name="Rhyme Time")
    checked = upload_of(
        admin, [row_of(service_id=str(service.pk), name="Rhyme Time", phone="01632 960 999")]
    )
    # Someone else adds a contact (not a column of the file) after the preview.
    document = listing.listing_document(listing.listing_queryset().get(pk=service.pk))
    publishing.listing_publish(
        actor=admin,
        organization=place.organisation,
        service=service,
        document={**document, "contacts": [{"name": "Sam", "email": "sam@example.org"}]},
        reason="published",
    )
    with pytest.raises(StewardshipError) as refused:
        services.upload_apply(actor=admin, upload=checked)
    assert str(refused.value) == services.OUT_OF_DATE
    checked.refresh_from_db()
    assert checked.status == BulkUpload.Status.READY
    changes = checked.summary["services"][0]["changes"]
    assert [c["label"] for c in changes] == ["Phone number"]
    assert Service.objects.get(pk=service.pk).listing_versions.count() == 2
    services.upload_apply(actor=admin, upload=checked)  # confirming the new preview works
    document = listing.listing_document(listing.listing_queryset().get(pk=service.pk))
    assert document["phone"] == "01632 960 999"
    assert document["contacts"][0]["name"] == "Sam"  # kept


def test_an_untrusted_editor_sends_changes_for_approval_instead_of_publishing(
    place, admin, upload_of, django_capture_on_commit_callbacks
):
    service = published_service(admin, upload_of, name="Rhyme Time")
    editor = editor_of(place.organisation)
    checked = upload_of(
        editor,
        [
            row_of(name="Baby Bounce"),
            row_of(service_id=str(service.pk), name="Rhyme Time", phone="01632 960 999"),
        ],
    )
    assert checked.summary["for_approval"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        applied = services.upload_apply(actor=editor, upload=checked)
    assert applied.summary["sent_for_approval"] == 2
    (message,) = outbox(to=admin.email, template="listing_submitted")
    assert message.personalisation["service_name"] == "2 listings from a bulk upload"
    assert message.personalisation["link"].endswith(f"/listings/upload/{checked.pk}/")
    assert not Service.objects.filter(name="Baby Bounce").exists()
    assert Service.objects.get(pk=service.pk).listing_versions.count() == 1  # not republished
    changes = ListingChange.objects.filter(status=ListingChange.Status.SUBMITTED)
    assert changes.count() == 2
    change = changes.get(service=service)
    assert change.document["phone"] == "01632 960 999"
    assert change.base_version == 1
    assert change.submitted_by == editor


def test_only_the_uploader_may_confirm_or_cancel(place, admin, upload_of):
    checked = upload_of(admin, [row_of()])
    other = directory_administrator()
    with pytest.raises(StewardshipError, match=services.NOT_YOURS):
        services.upload_apply(actor=other, upload=checked)
    with pytest.raises(StewardshipError, match=services.NOT_YOURS):
        services.upload_cancel(actor=other, upload=checked)
    assert not Service.objects.exists()


def test_people_who_do_not_edit_listings_cannot_upload(place):
    practitioner = UserFactory(roles=["practitioner"])
    with pytest.raises(StewardshipError, match=services.NOT_ALLOWED):
        services.upload_create(actor=practitioner, file_name="x.csv", content=csv_bytes([row_of()]))


def test_a_cancelled_upload_cannot_be_applied(place, admin, upload_of):
    checked = upload_of(admin, [row_of()])
    services.upload_cancel(actor=admin, upload=checked)
    with pytest.raises(StewardshipError, match="because it is cancelled"):
        services.upload_apply(actor=admin, upload=checked)
    assert not Service.objects.exists()


def test_an_upload_whose_uploader_left_fails_its_check(
    place, admin, django_capture_on_commit_callbacks
):
    created = services.upload_create(actor=admin, file_name="x.csv", content=csv_bytes([row_of()]))
    admin.is_active = False
    admin.save()
    services.upload_check(upload_id=created.pk)
    created.refresh_from_db()
    assert created.status == BulkUpload.Status.FAILED


def test_an_export_uploaded_unchanged_changes_nothing(place, admin, upload_of):
    from familyhelp.stewardship.uploads import export

    service = published_service(admin, upload_of, name="Rhyme Time", starts_on="01/03/2027")
    document = listing.listing_document(listing.listing_queryset().get(pk=service.pk))
    # A monthly session and a contact the template does not cover.
    document["schedules"].append(
        {
            "id": listing.new_id(),
            "location_id": None,
            "dtstart": "2027-01-05",
            "freq": "MONTHLY",
            "byday": "1TU",
            "opens_at": "10:00",
            "closes_at": "11:00",
            "until": None,
            "count": None,
            "description": "First Tuesday",
        }
    )
    document["contacts"] = [
        {"id": listing.new_id(), "name": "Sam", "title": "", "email": "", "phone": "01632 960 222"}
    ]
    publishing.listing_publish(
        actor=admin,
        organization=place.organisation,
        service=service,
        document=document,
        reason="published",
    )
    published_service(
        admin,
        upload_of,
        name="Baby Bounce",
        opening_days="",
        opens_at="",
        closes_at="",
        cost_amount="",
        cost_option="",
    )
    rows = export.organisation_rows([place.organisation.pk])
    assert [row["name"] for row in rows] == ["Baby Bounce", "Rhyme Time"]
    assert rows[1]["starts_on"] == "01/03/2027"
    assert rows[1]["opening_days"] == "Monday; Wednesday"
    for content in (columns.template_csv(rows), columns.template_xlsx(rows)):
        with_upload = services.upload_create(actor=admin, file_name="x", content=content)
        services.upload_check(upload_id=with_upload.pk)
        with_upload.refresh_from_db()
        assert with_upload.errors == []
        summary = with_upload.summary
        assert (summary["new"], summary["changed"], summary["unchanged"]) == (0, 0, 2)
    # Changing the opening times changes the weekly schedule only; the monthly one is kept.
    rows[1]["opens_at"] = "10:00"
    checked = services.upload_create(actor=admin, file_name="x", content=columns.template_csv(rows))
    services.upload_check(upload_id=checked.pk)
    checked.refresh_from_db()
    (item,) = checked.summary["services"]
    ((change),) = item["changes"]
    assert change["label"] == "Opening times and sessions"
    assert any("First Tuesday" in line for line in change["after"])


def test_what_may_be_exported(place, admin):
    editor = editor_of(place.organisation)
    assert services.organisations_to_export(actor=editor) == [place.organisation.pk]
    with pytest.raises(StewardshipError, match="no organisation called 'Wessex Swimmers'"):
        services.organisations_to_export(actor=editor, organisation="Wessex Swimmers")
    with pytest.raises(StewardshipError, match=services.NAME_AN_ORGANISATION):
        services.organisations_to_export(actor=admin)
    assert services.organisations_to_export(actor=admin, organisation="Wessex Swimmers") == [
        place.other_organisation.pk
    ]
    assert services.organisations_to_export(
        actor=admin, organisation=str(place.organisation.pk)
    ) == [place.organisation.pk]


def test_a_confirmed_upload_is_saved_by_the_background_task(
    place, admin, upload_of, django_capture_on_commit_callbacks
):
    checked = upload_of(admin, [row_of()])
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.upload_confirm(actor=admin, upload=checked)
        assert confirmed.status == BulkUpload.Status.APPLYING
        assert not Service.objects.exists()
    checked.refresh_from_db()
    assert checked.status == BulkUpload.Status.APPLIED
    assert Service.objects.filter(name="Stay and Play").exists()
    steps = list(
        AuditEvent.objects.filter(record_type=services.RECORD_TYPE, record_id=str(checked.pk))
        .order_by("sequence")
        .values_list("values__step", flat=True)
    )
    assert steps == [None, "confirmed", "applied"]


def test_a_confirmed_upload_that_went_stale_is_shown_again_with_why(
    place, admin, upload_of, django_capture_on_commit_callbacks
):
    service = published_service(admin, upload_of, name="Rhyme Time")
    checked = upload_of(
        admin, [row_of(service_id=str(service.pk), name="Rhyme Time", phone="01632 960 999")]
    )
    document = listing.listing_document(listing.listing_queryset().get(pk=service.pk))
    publishing.listing_publish(
        actor=admin,
        organization=place.organisation,
        service=service,
        document={**document, "contacts": [{"name": "Sam", "email": "sam@example.org"}]},
        reason="published",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.upload_confirm(actor=admin, upload=checked)
    checked.refresh_from_db()
    assert checked.status == BulkUpload.Status.READY
    assert checked.summary[services.NOTICE] == services.OUT_OF_DATE


def test_a_confirmed_upload_whose_uploader_lost_the_role_fails_and_saves_nothing(
    place, upload_of, django_capture_on_commit_callbacks
):
    editor = editor_of(place.organisation)
    checked = upload_of(editor, [row_of()])
    services.upload_confirm(actor=editor, upload=checked)
    editor.role_assignments.all().delete()
    services.upload_apply_confirmed(upload_id=checked.pk)
    checked.refresh_from_db()
    assert checked.status == BulkUpload.Status.FAILED
    assert checked.summary[services.NOTICE] == services.NOT_YOURS
    assert not ListingChange.objects.exists()
