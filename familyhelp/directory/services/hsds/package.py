"""The HSDS 3.0 tabular data package on disk: one CSV per table plus `datapackage.json`."""

import csv
import datetime
import json
from pathlib import Path

from familyhelp.directory.services.hsds.tables import (
    EXTENSION_NOTE,
    LINK_ENTITIES,
    Table,
    tables,
)
from familyhelp.directory.services.hsds.upsert import ImportProblems, Source, SourceUnreadable

DESCRIPTOR = "datapackage.json"
PACKAGE_NAME = "family-help-directory"
EXPORT_CHUNK = 2000

NO_DESCRIPTOR = "datapackage.json is missing: export a package with export_hsds, or add one"
BAD_DESCRIPTOR = "datapackage.json is not valid JSON: {problem}"
NO_RESOURCES = "datapackage.json has no list of resources"
UNKNOWN_RESOURCE = "resource {name!r} is not an HSDS table this directory knows ({known})"
BAD_RESOURCE_PATH = "resource {name!r} has no usable path (a CSV file name inside the package)"
FILE_MISSING = "the file is missing"
NOT_UTF8 = "is not UTF-8 text (unreadable byte at position {position})"
NOT_CSV = "is not a valid CSV file: {problem}"
EMPTY_FILE = "the file is empty (it needs at least a header row)"
UNKNOWN_COLUMN = "unknown column (expected one of: {known})"
DUPLICATE_COLUMN = "column appears twice"
TOO_MANY_VALUES = "the row has more values than the header has columns"
TOO_FEW_VALUES = "the row has fewer values than the header has columns"

FRICTIONLESS_TYPES = {
    "uuid": ("string", "uuid"),
    "link_entity": ("string", None),
    "PositiveSmallIntegerField": ("integer", None),
    "PositiveIntegerField": ("integer", None),
    "FloatField": ("number", None),
    "DecimalField": ("number", None),
    "BooleanField": ("boolean", None),
    "DateField": ("date", None),
    "TimeField": ("time", None),
    "DateTimeField": ("datetime", None),
    "EmailField": ("string", "email"),
    "URLField": ("string", "uri"),
}


# Reading -------------------------------------------------------------------------------------


def package_sources(path) -> list[Source]:
    """The tables of the package in directory `path`; raises ImportProblems if unusable."""
    root = Path(path)
    problems = ImportProblems()
    descriptor_path = root / DESCRIPTOR
    if not descriptor_path.is_file():
        problems.add(str(descriptor_path), "file", "-", NO_DESCRIPTOR)
        raise problems
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.add(DESCRIPTOR, "file", "-", BAD_DESCRIPTOR.format(problem=error))
        raise problems from None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        problems.add(DESCRIPTOR, "file", "resources", NO_RESOURCES)
        raise problems
    by_name = tables()
    by_path = {t.path: t for t in by_name.values()}
    sources = []
    for number, resource in enumerate(resources, start=1):
        where = f"resource {number}"
        resource = resource if isinstance(resource, dict) else {}
        name, file_name = resource.get("name"), resource.get("path")
        table = by_name.get(name) or by_path.get(file_name)
        if table is None:
            known = ", ".join(by_name)
            problems.add(DESCRIPTOR, where, "name", UNKNOWN_RESOURCE.format(name=name, known=known))
            continue
        if not isinstance(file_name, str) or Path(file_name).name != file_name:
            problems.add(DESCRIPTOR, where, "path", BAD_RESOURCE_PATH.format(name=name))
            continue
        csv_path = root / file_name
        if not csv_path.is_file():
            problems.add(file_name, "file", "-", FILE_MISSING)
            continue
        header = _header(csv_path, table, problems)
        if header is not None:
            sources.append(Source(table, file_name, header, _row_reader(csv_path, header)))
    if problems.total:
        raise problems
    return sources


def _open(csv_path: Path):
    return csv_path.open(encoding="utf-8-sig", newline="", errors="strict")


def _header(csv_path: Path, table: Table, problems: ImportProblems) -> list[str] | None:
    label = csv_path.name
    try:
        with _open(csv_path) as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as error:
        problems.add(label, "row 1", "-", NOT_UTF8.format(position=error.start))
        return None
    except csv.Error as error:
        problems.add(label, "row 1", "-", NOT_CSV.format(problem=error))
        return None
    if not header:
        problems.add(label, "row 1", "-", EMPTY_FILE)
        return None
    known = set(table.column_names) | table.ignored
    ok = True
    for position, column in enumerate(header):
        if column not in known:
            expected = ", ".join(table.column_names)
            problems.add(label, "row 1", column, UNKNOWN_COLUMN.format(known=expected))
            ok = False
        elif column in header[:position]:
            problems.add(label, "row 1", column, DUPLICATE_COLUMN)
            ok = False
    return header if ok else None


def _row_reader(csv_path: Path, header: list[str]):
    width = len(header)

    def rows():
        row_number = 1
        try:
            with _open(csv_path) as handle:
                reader = csv.reader(handle)
                next(reader)
                for values in reader:
                    row_number += 1
                    if len(values) != width:
                        if not values:
                            continue  # a blank line, as spreadsheets leave at the end
                        problem = TOO_MANY_VALUES if len(values) > width else TOO_FEW_VALUES
                        raise SourceUnreadable(f"row {row_number}", "-", problem)
                    yield f"row {row_number}", dict(zip(header, values, strict=True))
        except UnicodeDecodeError as error:
            problem = NOT_UTF8.format(position=error.start)
            raise SourceUnreadable(f"after row {row_number}", "-", problem) from None
        except csv.Error as error:
            raise SourceUnreadable(
                f"row {row_number + 1}", "-", NOT_CSV.format(problem=error)
            ) from None

    return rows


# Writing -------------------------------------------------------------------------------------


def _format(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _export_rows(table: Table):
    if table.name == "attribute":
        links = list(LINK_ENTITIES.items())
        names = [c.attname for c in table.columns if c.field is not None]
        query = table.model.objects.order_by("id").values_list(
            *names, *(attname for _, attname in links)
        )
        for row in query.iterator(chunk_size=EXPORT_CHUNK):
            values = dict(zip(names, row, strict=False))
            for offset, (entity, _) in enumerate(links):
                link = row[len(names) + offset]
                if link is not None:
                    values["link_id"], values["link_entity"] = link, entity
            yield [_format(values.get(c.attname or c.name)) for c in table.columns]
        return
    attnames = [c.attname for c in table.columns]
    query = table.model.objects.order_by("id").values_list(*attnames)
    for row in query.iterator(chunk_size=EXPORT_CHUNK):
        yield [_format(value) for value in row]


def _field_descriptor(column) -> dict:
    kind, fmt = FRICTIONLESS_TYPES.get(column.kind, ("string", None))
    out = {"name": column.name, "type": kind}
    if fmt:
        out["format"] = fmt
    if column.field is not None and column.field.choices:
        out.setdefault("constraints", {})["enum"] = [str(c) for c, _ in column.field.choices]
    if column.name == "link_entity":
        out["constraints"] = {"enum": list(LINK_ENTITIES)}
        out["description"] = "Which table link_id points to (HSDS 3.0 tabular form)."
    if column.required:
        out.setdefault("constraints", {})["required"] = True
    if column.extension:
        out["description"] = EXTENSION_NOTE
    elif not column.in_schema and column.name != "link_entity":
        out["description"] = "HSDS 3.0 field outside the Open Referral UK 3.0 profile."
    return out


def _resource_descriptor(table: Table) -> dict:
    foreign_keys = [
        {
            "fields": c.name,
            "reference": {"resource": c.target, "fields": "id"},
        }
        for c in table.columns
        if c.target
    ]
    schema = {"fields": [_field_descriptor(c) for c in table.columns], "primaryKey": "id"}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": table.name,
        "path": table.path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": table.title,
        "schema": schema,
    }


def package_export(*, path, progress=None) -> dict[str, int]:
    """Write the whole directory to `path` as an HSDS 3.0 tabular data package."""
    progress = progress or (lambda iterable, _description: iterable)
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in tables().values():
        with (root / table.path).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.column_names)
            count = 0
            for row in progress(_export_rows(table), f"Exporting {table.path}"):
                writer.writerow(row)
                count += 1
        counts[table.name] = count
    descriptor = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "Family Help directory (HSDS 3.0 / Open Referral UK 3.0)",
        "description": (
            "Columns named in the Open Referral UK 3.0 schemas come first; HSDS 3.0 fields "
            "outside that profile follow; columns starting x_ are Family Help extensions. "
            "Confidential venues (x_is_confidential) are included: keep this file private."
        ),
        "resources": [_resource_descriptor(t) for t in tables().values()],
    }
    (root / DESCRIPTOR).write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return counts
