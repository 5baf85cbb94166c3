"""Test helpers for bulk upload: files made from rows, and a small directory to upload into."""

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook

from familyhelp.stewardship.uploads.columns import BY_KEY, COLUMNS


def row_of(**cells) -> dict:
    """A new service's row that passes every check, with `cells` (column keys) changed."""
    row = {
        "organisation": "Vale Play",
        "name": "Stay and Play",
        "description": "Play sessions for babies and toddlers.",
        "status": "Active",
        "url": "https://example.org/play",
        "email": "play@example.org",
        "phone": "01632 960 001",
        "minimum_age": "0",
        "maximum_age": "5",
        "delivered_in_person": "Yes",
        "delivered_online": "No",
        "delivered_by_telephone": "No",
        "categories": "Stay and play",
        "languages": "English",
        "cost_amount": "1.50",
        "cost_option": "Per session",
        "venue_name": "Ashcombe Family Hub",
        "venue_address_1": "1 High Street",
        "venue_town": "Ashcombe",
        "venue_postcode": "WX1 2AB",
        "opening_days": "Monday; Wednesday",
        "opens_at": "09:30",
        "closes_at": "12:00",
    }
    row.update(cells)
    return row


def _headings(rows, keys):
    keys = keys or [column.key for column in COLUMNS]
    return keys, [BY_KEY[key].heading for key in keys]


def csv_bytes(rows: list[dict], keys: list[str] | None = None, bom: bool = False) -> bytes:
    keys, headings = _headings(rows, keys)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([row.get(key, "") for key in keys])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[dict], keys: list[str] | None = None, formula_at=None) -> bytes:
    keys, headings = _headings(rows, keys)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append([row.get(key, "") or None for key in keys])
    if formula_at:
        sheet[formula_at] = "=1+1"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass
class SmallDirectory:
    organisation: object
    other_organisation: object
    stay_and_play: object
    parenting: object


def small_directory() -> SmallDirectory:
    """Two organisations, a category tree and the postcodes the rows above use."""
    from familyhelp.core.models import Postcode
    from familyhelp.directory.tests.factories import OrganizationFactory, TaxonomyTermFactory

    Postcode.objects.get_or_create(
        postcode="WX1 2AB", defaults={"outward_code": "WX1", "latitude": 51.05, "longitude": -2.05}
    )
    Postcode.objects.get_or_create(
        postcode="WX2 3CD", defaults={"outward_code": "WX2", "latitude": 51.1, "longitude": -2.1}
    )
    family = TaxonomyTermFactory(name="Family support")
    early = TaxonomyTermFactory(name="Early years", taxonomy=family.taxonomy)
    return SmallDirectory(
        organisation=OrganizationFactory(name="Vale Play"),
        other_organisation=OrganizationFactory(name="Wessex Swimmers"),
        stay_and_play=TaxonomyTermFactory(
            name="Stay and play", parent=early, taxonomy=family.taxonomy
        ),
        parenting=TaxonomyTermFactory(name="Parenting", parent=family, taxonomy=family.taxonomy),
    )
