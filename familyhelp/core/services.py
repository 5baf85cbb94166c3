"""Write use cases of core: loading the ONS Postcode Directory into the postcode table."""

import csv
import math
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from tqdm import tqdm

from familyhelp.core.geo import normalise_postcode
from familyhelp.core.models import Postcode

POSTCODE_COLUMN = "pcds"
LATITUDE_COLUMN = "lat"
LONGITUDE_COLUMN = "long"
# ONSPD called the local authority column "oslaua" until 2023, then "lad<YY>cd" by boundary year.
LEGACY_AUTHORITY_COLUMN = "oslaua"
_AUTHORITY_COLUMN = re.compile(r"^lad(\d{2})cd$")
# ONSPD marks a postcode with no grid reference with this latitude (and longitude 0).
NO_LOCATION_LATITUDE = 99.999999

ERROR_FILE = "{file}: {problem}"
ERROR_ROW = '{file}, row {row}, column "{column}": {problem}'
PROBLEM_CANNOT_READ = "cannot be read ({reason})"
PROBLEM_NOT_UTF8 = "is not a UTF-8 CSV file"
PROBLEM_EMPTY = "is empty; expected a header row with pcds, lat and long"
PROBLEM_MISSING_COLUMNS = (
    "has no {columns} column (an ONS Postcode Directory CSV has pcds, lat, long)"
)
PROBLEM_POSTCODE = '"{value}" is not a full postcode, like WX1 2AB'
PROBLEM_NUMBER = '"{value}" is not a number'
PROBLEM_RANGE = "{value} is outside the range {low} to {high}"
PROBLEM_AUTHORITY = '"{value}" is longer than 9 characters, so is not a local authority code'
PROBLEM_SHORT_ROW = "is missing: the row has only {count} values"


class PostcodeImportError(ValueError):
    pass


@dataclass(frozen=True)
class PostcodeImportResult:
    imported: int
    skipped_no_location: int
    seconds: float


def postcodes_import(
    *, path: str | Path, batch_size: int = 5000, show_progress: bool = False
) -> PostcodeImportResult:
    """Upsert every located postcode in an ONSPD-layout CSV, all or nothing."""
    path = Path(path)
    started = time.monotonic()
    imported = skipped = 0
    try:
        with (
            path.open(newline="", encoding="utf-8-sig") as handle,
            transaction.atomic(),
            tqdm(
                desc=f"Importing {path.name}",
                unit=" rows",
                unit_scale=True,
                file=sys.stderr,
                disable=not show_progress,
                mininterval=0.5,
            ) as progress,
        ):
            reader = csv.reader(handle)
            columns = _columns(path, next(reader, None))
            batch: dict[str, Postcode] = {}
            for row in reader:
                progress.update()
                postcode = _parse_row(path, reader.line_num, row, columns)
                if postcode is None:
                    skipped += 1
                    continue
                # A postcode repeated within one batch would make PostgreSQL's upsert fail.
                batch[postcode.postcode] = postcode
                if len(batch) >= batch_size:
                    imported += _upsert(batch.values(), batch_size)
                    batch = {}
            imported += _upsert(batch.values(), batch_size)
    except OSError as error:
        raise PostcodeImportError(
            ERROR_FILE.format(file=path, problem=PROBLEM_CANNOT_READ.format(reason=error.strerror))
        ) from error
    except UnicodeDecodeError as error:
        raise PostcodeImportError(ERROR_FILE.format(file=path, problem=PROBLEM_NOT_UTF8)) from error
    except csv.Error as error:
        raise PostcodeImportError(ERROR_FILE.format(file=path, problem=str(error))) from error
    return PostcodeImportResult(imported, skipped, time.monotonic() - started)


@dataclass(frozen=True)
class _Columns:
    postcode: int
    latitude: int
    longitude: int
    authority: int | None
    authority_name: str | None


def _columns(path: Path, header: list[str] | None) -> _Columns:
    if not header:
        raise PostcodeImportError(ERROR_FILE.format(file=path, problem=PROBLEM_EMPTY))
    names = [name.strip().lower() for name in header]
    missing = [c for c in (POSTCODE_COLUMN, LATITUDE_COLUMN, LONGITUDE_COLUMN) if c not in names]
    if missing:
        problem = PROBLEM_MISSING_COLUMNS.format(columns=", ".join(missing))
        raise PostcodeImportError(ERROR_FILE.format(file=path, problem=problem))
    authority_name = _authority_column(names)
    return _Columns(
        postcode=names.index(POSTCODE_COLUMN),
        latitude=names.index(LATITUDE_COLUMN),
        longitude=names.index(LONGITUDE_COLUMN),
        authority=names.index(authority_name) if authority_name else None,
        authority_name=authority_name,
    )


def _authority_column(names: list[str]) -> str | None:
    """The newest boundary year's local authority column, else the legacy one."""
    by_year = sorted(
        (int(match.group(1)), name) for name in names if (match := _AUTHORITY_COLUMN.match(name))
    )
    if by_year:
        return by_year[-1][1]
    return LEGACY_AUTHORITY_COLUMN if LEGACY_AUTHORITY_COLUMN in names else None


def _parse_row(path: Path, row_number: int, row: list[str], columns: _Columns) -> Postcode | None:
    def fail(column: str, problem: str):
        raise PostcodeImportError(
            ERROR_ROW.format(file=path, row=row_number, column=column, problem=problem)
        )

    def value(index: int, column: str) -> str:
        if index >= len(row):
            fail(column, PROBLEM_SHORT_ROW.format(count=len(row)))
        return row[index].strip()

    def coordinate(index: int, column: str) -> float:
        text = value(index, column)
        try:
            number = float(text)
        except ValueError:
            fail(column, PROBLEM_NUMBER.format(value=text))
        if not math.isfinite(number):
            fail(column, PROBLEM_NUMBER.format(value=text))
        return number

    raw_postcode = value(columns.postcode, POSTCODE_COLUMN)
    postcode = normalise_postcode(raw_postcode)
    if not postcode or " " not in postcode:
        fail(POSTCODE_COLUMN, PROBLEM_POSTCODE.format(value=raw_postcode))
    latitude = coordinate(columns.latitude, LATITUDE_COLUMN)
    longitude = coordinate(columns.longitude, LONGITUDE_COLUMN)
    if math.isclose(latitude, NO_LOCATION_LATITUDE, abs_tol=1e-9):
        return None
    if not -90 <= latitude <= 90:
        fail(LATITUDE_COLUMN, PROBLEM_RANGE.format(value=latitude, low=-90, high=90))
    if not -180 <= longitude <= 180:
        fail(LONGITUDE_COLUMN, PROBLEM_RANGE.format(value=longitude, low=-180, high=180))
    authority = ""
    if columns.authority is not None:
        authority = value(columns.authority, columns.authority_name)
        if len(authority) > 9:
            fail(columns.authority_name, PROBLEM_AUTHORITY.format(value=authority))
    return Postcode(
        postcode=postcode,
        outward_code=postcode.split(" ")[0],
        latitude=latitude,
        longitude=longitude,
        local_authority_code=authority,
    )


def _upsert(postcodes, batch_size: int) -> int:
    rows = list(postcodes)
    if rows:
        Postcode.objects.bulk_create(
            rows,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["outward_code", "latitude", "longitude", "local_authority_code"],
        )
    return len(rows)
