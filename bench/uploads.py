"""Bulk upload figure of issue 5: check a 10,000-row file against the 100,000-service directory.

The file is half changes to services already listed (by their ids) and half new services, with
real organisations, sub-categories and postcodes from the bench directory, so every look-up
finds something. Each figure is the time from the file's bytes to the preview: the checks the
upload request makes (format, formulas, row count) plus the background task's check of every
row; once for the file as CSV (the target: under 20 s) and once as XLSX. Nothing is saved: the
uploads are deleted afterwards.
"""

import time

from bench import directory

ROWS = 10_000
UPLOADER_EMAIL = "bench.uploader@bench.example"


def _uploader():
    from familyhelp.accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(
        email=UPLOADER_EMAIL, defaults={"full_name": "Bench uploader", "is_active": True}
    )
    role = Role.objects.get(code="directory-administrator")
    RoleAssignment.objects.get_or_create(user=user, role=role)
    return user


def _rows() -> list[dict]:
    from familyhelp.core.models import Postcode
    from familyhelp.directory.models import Service, TaxonomyTerm

    names = list(TaxonomyTerm.objects.filter(parent__isnull=False).values_list("name", flat=True))
    categories = sorted(name for name in set(names) if names.count(name) == 1)
    postcodes = list(Postcode.objects.order_by("postcode").values_list("postcode", flat=True))
    existing = list(
        Service.objects.order_by("id").values_list("id", "organization__name", "name")[: ROWS // 2]
    )
    organisations = sorted({name for _, name, _ in existing})
    rows = []
    for n in range(ROWS):
        if n < len(existing):
            service_id, organisation, name = existing[n]
            service_id = str(service_id)
        else:
            service_id, organisation, name = "", organisations[n % len(organisations)], f"New {n}"
        row = {
            "service_id": service_id,
            "organisation": organisation,
            "name": name,
            "description": f"A service for families, number {n}, with <b>plain</b> text.",
            "status": "Active",
            "url": f"https://example.org/{n}",
            "email": f"service{n}@example.org",
            "phone": f"01632 {960000 + n % 1000:06d}",
            "minimum_age": str(n % 5),
            "maximum_age": str(10 + n % 8),
            "eligibility_description": "Families in the county",
            "delivered_in_person": "Yes",
            "delivered_online": "No" if n % 3 else "Yes",
            "delivered_by_telephone": "No",
            "categories": "; ".join(
                {categories[n % len(categories)], categories[(n * 7) % len(categories)]}
            ),
            "languages": "English; Polish" if n % 4 == 0 else "English",
            "cost_amount": f"{n % 5}.50",
            "cost_option": "Per session",
            "fees_description": "",
            "application_process": "Just turn up",
            "venue_name": f"Venue {n % 300}",
            "venue_address_1": f"{n % 200 + 1} High Street",
            "venue_address_2": "",
            "venue_town": "Ashcombe",
            "venue_postcode": postcodes[n % len(postcodes)],
            "opening_days": "Monday to Friday" if n % 2 else "Tuesday; Thursday",
            "opens_at": "09:30",
            "closes_at": "15:00",
            "starts_on": "01/09/2027" if n % 10 == 0 else "",
            "ends_on": "",
        }
        rows.append(row)
    return rows


def _measure(uploader, content: bytes) -> float:
    """Seconds from the file's bytes to its preview; the upload is deleted afterwards."""
    from familyhelp.stewardship.models import BulkUpload
    from familyhelp.stewardship.uploads import reading, services

    started = time.perf_counter()
    table = reading.read_upload(content)  # what the upload request checks
    upload = BulkUpload.objects.create(
        uploaded_by=uploader,
        file_name="bench",
        file_format=table.file_format,
        file_size=len(content),
        file_sha256="0" * 64,
        content=content,
        rows_total=len(table.rows),
    )
    services.upload_check(upload_id=upload.pk)  # what the background task does
    elapsed = time.perf_counter() - started
    upload.refresh_from_db()
    try:
        if upload.status != BulkUpload.Status.READY:
            raise RuntimeError(f"The bench file did not pass its check: {upload.errors[:3]}")
        summary = upload.summary
        print(
            f"# {table.file_format}, {len(table.rows):,} rows: {summary['new']:,} new, "
            f"{summary['changed']:,} changed, {summary['unchanged']:,} unchanged",
            flush=True,
        )
    finally:
        upload.delete()
    return round(elapsed, 2)


def run():
    from django.core.management import call_command

    from familyhelp.stewardship.uploads import columns

    directory._ensure_large_directory()
    call_command("migrate", verbosity=0)
    uploader = _uploader()
    rows = _rows()
    return [
        ("bulk_upload_validate_10k_s", _measure(uploader, columns.template_csv(rows)), "s"),
        ("bulk_upload_validate_10k_xlsx_s", _measure(uploader, columns.template_xlsx(rows)), "s"),
    ]
