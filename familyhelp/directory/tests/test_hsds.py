"""The HSDS 3.0 tabular data package: export, import, round trip and every kind of bad input."""

import csv
import datetime
import decimal
import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from familyhelp.directory import models, search
from familyhelp.directory.services.hsds.tables import tables
from familyhelp.directory.tests import factories as f

pytestmark = pytest.mark.django_db

# Organisations stamp last_modified themselves on every save, so an import sets it afresh.
NOT_CARRIED = {"organization": {"last_modified"}}


@pytest.fixture
def directory():
    """A small directory that uses every table and every extension column."""
    taxonomy = f.TaxonomyFactory(uri="https://example.org/taxonomy", version="1.0")
    parent_term = f.TaxonomyTermFactory(taxonomy=taxonomy, name="Family support", code="FS")
    term = f.TaxonomyTermFactory(taxonomy=taxonomy, parent=parent_term, name="Parenting")
    parent_org = f.OrganizationFactory(name="Wessex Vale Council", year_incorporated=1974)
    service = f.fully_described_service(
        term=term,
        organization=f.OrganizationFactory(parent_organization=parent_org),
        delivered_online=True,
        delivered_by_telephone=True,
        fees_description="£2 a session",
    )
    refuge = f.LocationFactory(name="Safe house", is_confidential=True, latitude=51.1)
    f.ServiceAtLocationFactory(service=service, location=refuge, description="By referral")
    f.ScheduleFactory(
        service=service,
        dtstart=datetime.date(2026, 3, 2),
        until=datetime.date(2026, 6, 29),
        count=10,
        freq=models.Schedule.Freq.MONTHLY,
        byday="1MO",
        opens_at=datetime.time(18, 0),
        closes_at=datetime.time(19, 30, 15),
    )
    f.CostOptionFactory(
        service=service, amount=decimal.Decimal("2.50"), valid_from=datetime.date(2026, 1, 1)
    )
    contact = f.ContactFactory(service=None, organization=parent_org, email="info@example.org")
    phone = f.PhoneFactory(service=None, location=refuge, number="01632 960999", type="voice")
    f.LanguageFactory(service=None, phone=phone, name="Welsh", code="cy")
    f.PhoneFactory(service=None, contact=contact)
    f.FundingFactory(service=None, organization=parent_org)
    f.AttributeFactory(service=None, organization=parent_org, taxonomy_term=parent_term)
    f.AttributeFactory(service=None, location=refuge, taxonomy_term=term, value="yes")
    search.index_services()
    return service


def snapshot() -> dict:
    """Every stored value of every directory table, in a comparable form."""
    out = {}
    for name, table in tables().items():
        skip = NOT_CARRIED.get(name, set())
        fields = [f.attname for f in table.model._meta.concrete_fields if f.attname not in skip]
        out[name] = list(table.model.objects.order_by("id").values_list(*fields))
    return out


def delete_directory():
    for table in reversed(list(tables().values())):
        table.model.objects.all().delete()


def read_files(path: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(path.iterdir())}


def export(path: Path) -> Path:
    call_command("export_hsds", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return path


def import_package(path: Path) -> str:
    out = io.StringIO()
    call_command("import_hsds", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def edit_cell(path: Path, file_name: str, row: int, column: str, value: str):
    """Set one cell, `row` counted as a spreadsheet does (the header is row 1)."""
    with (path / file_name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[row - 2][column] = value
    with (path / file_name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_export_writes_one_csv_per_table_named_by_the_oruk_schemas(directory, tmp_path):
    export(tmp_path)

    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    paths = {resource["name"]: resource["path"] for resource in descriptor["resources"]}
    assert paths["service"] == "services.csv"
    assert paths["service_at_location"] == "service_at_location.csv"
    assert paths["attribute"] == "attribute.csv"
    assert all((tmp_path / p).is_file() for p in paths.values())
    services = list(csv.DictReader((tmp_path / "services.csv").open(encoding="utf-8")))
    assert services[0]["id"] == str(directory.id)
    assert services[0]["fees"] == "£2 a session"
    assert services[0]["x_delivered_online"] == "true"
    service_fields = next(r for r in descriptor["resources"] if r["name"] == "service")["schema"]
    extension = next(f for f in service_fields["fields"] if f["name"] == "x_delivered_online")
    assert "extension" in extension["description"]
    attributes = list(csv.DictReader((tmp_path / "attribute.csv").open(encoding="utf-8")))
    assert {a["link_entity"] for a in attributes} == {"service", "organization", "location"}


def test_an_export_imported_into_an_empty_directory_reproduces_it(directory, tmp_path):
    # Given the directory exported as a package
    before = snapshot()
    first = read_files(export(tmp_path / "first"))
    # When the directory is emptied and the package imported
    delete_directory()
    assert models.Service.objects.count() == 0
    output = import_package(tmp_path / "first")
    # Then every value is back, the export is byte for byte the same, and search finds it
    assert "service: 1 created, 0 updated, 0 unchanged" in output
    assert snapshot() == before
    assert read_files(export(tmp_path / "second")) == first
    found = search.search(models.Service.objects.all(), directory.name)
    assert list(found) == [directory]


def test_importing_the_same_package_twice_changes_nothing(directory, tmp_path):
    export(tmp_path)
    before = snapshot()

    first = import_package(tmp_path)
    second = import_package(tmp_path)

    assert "service: 0 created, 0 updated, 1 unchanged" in first
    assert "attribute: 0 created, 0 updated, 3 unchanged" in second
    assert snapshot() == before


def test_import_updates_existing_records_by_id_and_adds_new_ones(directory, tmp_path):
    export(tmp_path)
    edit_cell(tmp_path, "services.csv", 2, "name", "Stay and play")
    new_location = str(uuid.uuid4())
    with (tmp_path / "locations.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{new_location},physical,New hall,,,,,,,,,false\n")

    output = import_package(tmp_path)

    assert "service: 0 created, 1 updated, 0 unchanged" in output
    assert "location: 1 created, 0 updated, 2 unchanged" in output
    directory.refresh_from_db()
    assert directory.name == "Stay and play"
    assert models.Location.objects.get(id=new_location).name == "New hall"
    assert list(search.search(models.Service.objects.all(), "play")) == [directory]


def test_a_partial_package_may_refer_to_records_already_in_the_directory(directory, tmp_path):
    export(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] == "service"]
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    edit_cell(tmp_path, "services.csv", 2, "alert", "Moved to the library")

    import_package(tmp_path)

    directory.refresh_from_db()
    assert directory.alert == "Moved to the library"


BAD_CELLS = [
    ("services.csv", "id", "not-a-uuid", "services.csv, row 2, id: is not a UUID"),
    ("services.csv", "name", "", "services.csv, row 2, name: is required"),
    ("services.csv", "assured_date", "2026-02-31", "assured_date: is not a real date"),
    ("services.csv", "minimum_age", "five", "services.csv, row 2, minimum_age: is not a whole"),
    ("services.csv", "status", "open", "status: is not one of: active, inactive"),
    ("services.csv", "minimum_age", "9", "minimum_age: minimum_age is greater than maximum_age"),
    ("services.csv", "last_modified", "yesterday", "last_modified: is not a date and time"),
    ("services.csv", "email", "not an email", "email: is not an email address"),
    ("services.csv", "x_delivered_online", "maybe", "x_delivered_online: is not true or false"),
    ("locations.csv", "latitude", "north", "latitude: is not a number"),
    ("locations.csv", "latitude", "95", "latitude: must be between -90 and 90"),
    ("cost_options.csv", "amount", "-1", "amount: must be 0 or more"),
    ("schedule.csv", "opens_at", "23:59", "opens_at: opens_at is not before closes_at"),
    ("schedule.csv", "closes_at", "25:00", "closes_at: is not a time"),
    (
        "service_at_location.csv",
        "location_id",
        "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
        "service_at_location.csv, row 2, location_id: 3a19ff88-4620-4d17-9830-ac1d859eb5d5 "
        "does not match any location",
    ),
    ("attribute.csv", "link_entity", "program", "link_entity: is not one of: service"),
]


@pytest.mark.parametrize(("file_name", "column", "value", "message"), BAD_CELLS)
def test_one_invalid_cell_rejects_the_whole_package(
    directory, tmp_path, file_name, column, value, message
):
    # Given a package with a valid change to one service and one invalid cell elsewhere
    export(tmp_path)
    before = snapshot()
    if file_name != "services.csv":
        edit_cell(tmp_path, "services.csv", 2, "name", "A valid new name")
    edit_cell(tmp_path, file_name, 2, column, value)
    # When it is imported, then the error names the file, row, field and problem
    with pytest.raises(CommandError, match="changed nothing") as error:
        import_package(tmp_path)
    assert message in str(error.value)
    # And nothing changed, not even the valid row
    assert snapshot() == before


def test_a_duplicated_id_is_reported_with_both_rows(directory, tmp_path):
    export(tmp_path)
    lines = (tmp_path / "locations.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "locations.csv").write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"locations.csv, row 4, id: id .* \(first at row 2\)"):
        import_package(tmp_path)


def test_many_problems_are_counted_and_the_first_twenty_listed(directory, tmp_path):
    export(tmp_path)
    header = (tmp_path / "locations.csv").read_text(encoding="utf-8").splitlines()[0]
    bad_rows = [f"{uuid.uuid4()},spaceship,Hall {n},,,,,,,,,false" for n in range(25)]
    (tmp_path / "locations.csv").write_text("\n".join([header, *bad_rows]) + "\n")

    with pytest.raises(CommandError) as error:
        import_package(tmp_path)

    message = str(error.value)
    assert "25 problem(s) found" in message
    assert "locations.csv, row 21, location_type: is not one of" in message
    assert "row 22," not in message
    assert "… and 5 more (locations.csv: 25)." in message


def test_a_file_that_is_not_utf8_is_rejected(directory, tmp_path):
    export(tmp_path)
    before = snapshot()
    content = (tmp_path / "services.csv").read_text(encoding="utf-8")
    (tmp_path / "services.csv").write_bytes(content.replace("£", "\xa3").encode("latin-1"))

    with pytest.raises(CommandError, match=r"services.csv, .*is not UTF-8 text"):
        import_package(tmp_path)
    assert snapshot() == before


def test_a_file_that_is_not_csv_is_rejected(directory, tmp_path):
    export(tmp_path)
    (tmp_path / "services.csv").write_text("<html><body>Not found</body></html>\n")

    with pytest.raises(CommandError, match=r"services.csv, row 1, <html><body>Not found</body>"):
        import_package(tmp_path)


def test_a_row_with_the_wrong_number_of_values_is_rejected(directory, tmp_path):
    export(tmp_path)
    with (tmp_path / "funding.csv").open("a", encoding="utf-8") as handle:
        handle.write("only,three,values\n")

    with pytest.raises(CommandError, match="funding.csv, row 4, -: the row has fewer values"):
        import_package(tmp_path)


def test_a_missing_required_column_is_reported_once(directory, tmp_path):
    export(tmp_path)
    rows = list(csv.DictReader((tmp_path / "address.csv").open(encoding="utf-8")))
    with (tmp_path / "address.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[c for c in rows[0] if c != "postal_code"])
        writer.writeheader()
        writer.writerows({k: v for k, v in row.items() if k != "postal_code"} for row in rows)

    with pytest.raises(CommandError, match="address.csv, header, postal_code: column is missing"):
        import_package(tmp_path)


def test_a_folder_without_datapackage_json_is_rejected(tmp_path):
    (tmp_path / "services.csv").write_text("id,name\n")

    with pytest.raises(CommandError, match="datapackage.json is missing"):
        import_package(tmp_path)


def test_a_package_naming_a_missing_file_is_rejected(directory, tmp_path):
    export(tmp_path)
    (tmp_path / "phones.csv").unlink()

    with pytest.raises(CommandError, match="phones.csv, file, -: the file is missing"):
        import_package(tmp_path)


def test_export_and_import_show_progress(directory, tmp_path):
    errors = io.StringIO()
    call_command("export_hsds", str(tmp_path), stdout=io.StringIO(), stderr=errors)
    assert "Exporting services.csv: 1 rows" in errors.getvalue()

    errors = io.StringIO()
    call_command("import_hsds", str(tmp_path), stdout=io.StringIO(), stderr=errors)
    assert "Checking services.csv: 1 rows" in errors.getvalue()
    assert "Writing services.csv: 1 rows" in errors.getvalue()


def test_a_row_the_database_refuses_is_reported_and_nothing_changes(directory, tmp_path):
    # Given a package that links a service to a location it is already linked to, under a new id
    export(tmp_path)
    before = snapshot()
    edit_cell(tmp_path, "services.csv", 2, "name", "A valid new name")
    edit_cell(tmp_path, "service_at_location.csv", 2, "id", str(uuid.uuid4()))
    # When it is imported, then the refusal is reported, not raised as a crash
    with pytest.raises(CommandError, match="the database refused the service_at_location rows"):
        import_package(tmp_path)
    assert snapshot() == before
