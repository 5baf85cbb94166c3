"""Turning an uploaded file into rows of text, or refusing it with a clear reason.

The kind of file is decided by its content, never by its name: an XLSX is a zip holding a
workbook's parts; anything else must be UTF-8 text (a byte order mark is allowed) that reads
as CSV. A refused file is never stored.
"""

import csv
import datetime
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings

from familyhelp.stewardship.services.common import StewardshipError
from familyhelp.stewardship.uploads.columns import BY_KEY, COLUMNS, REQUIRED, heading_key

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 20_000
# An XLSX's parts unpacked may be far larger than the file; beyond this it is refused
# (a "zip bomb" would otherwise fill the memory of whoever reads it).
MAX_UNPACKED_RATIO = 40
FORMULA_EXAMPLES = 5

CSV = "csv"
XLSX = "xlsx"

EMPTY = "The selected file is empty. Choose a CSV or XLSX file of services"
TOO_LARGE = "The selected file must be smaller than {limit}. Split it into smaller files"
NOT_CSV_OR_XLSX = (
    "The selected file must be a CSV or XLSX file. It looks like {kind}: save your spreadsheet "
    "as CSV UTF-8 or Excel Workbook (.xlsx) and upload that"
)
OLD_EXCEL = (
    "The selected file is an old Excel file (.xls). Save it as Excel Workbook (.xlsx) or "
    "CSV UTF-8 and upload that"
)
MACROS = "The selected file contains macros. Save it as Excel Workbook (.xlsx) without macros"
BAD_XLSX = (
    "The selected file could not be opened as an XLSX spreadsheet. Save it again from your "
    "spreadsheet program as Excel Workbook (.xlsx), or as CSV UTF-8"
)
NOT_UTF8 = (
    "The selected file is not saved as UTF-8 text, so letters like é or £ would be lost. "
    "In your spreadsheet program, save it as CSV UTF-8 and upload that"
)
BAD_CSV = "Row {row} of the selected file could not be read as CSV: {reason}"
FORMULAS = (
    "The selected file contains formulas, which are not allowed: {where}. Replace each "
    "formula with the text or number it should show, then upload the file again"
)
NO_HEADINGS = (
    "The first row of the selected file must be the template's column headings. "
    "Download the template and copy your services into it"
)
UNKNOWN_HEADING = (
    "Column {letter} is headed '{heading}', which is not a column of the template. "
    "Use the template's headings, like '{example}'"
)
DUPLICATE_HEADING = "The column '{heading}' appears twice. Keep only one of them"
MISSING_HEADING = "The file needs a column headed '{heading}'. Download the template and use it"
NO_ROWS = "The selected file has no services in it. Add one row for each service"
TOO_MANY_ROWS = (
    "The selected file has {count:,} rows of services. Upload at most {limit:,} at a time: "
    "split the file into smaller files"
)

_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"MZ", "a program (EXE)"),
    (b"\x7fELF", "a program"),
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "a Rich Text document"),
)
# A number or phone number: what a cell starting with + or - may be (not a formula).
_NUMBER_OR_PHONE = re.compile(r"^[+-]?[\d\s().,-]*\d[\d\s().-]*$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UploadRefused(StewardshipError):
    """The file cannot be checked at all; the text is what the uploader is shown."""


@dataclass
class Table:
    """A file's rows as text: `rows` are (spreadsheet row number, {column key: text})."""

    file_format: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def max_bytes() -> int:
    return getattr(settings, "BULK_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rows() -> int:
    return getattr(settings, "BULK_UPLOAD_MAX_ROWS", DEFAULT_MAX_ROWS)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def too_large_message() -> str:
    return TOO_LARGE.format(limit=size_text(max_bytes()))


def file_format_of(content: bytes) -> str:
    """CSV or XLSX by what the bytes are, or UploadRefused."""
    if not content.removeprefix(b"\xef\xbb\xbf").strip():
        raise UploadRefused(EMPTY)
    if content.startswith(b"PK\x03\x04"):
        return XLSX
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRefused(OLD_EXCEL)
    for signature, kind in _SIGNATURES:
        if content.startswith(signature):
            raise UploadRefused(NOT_CSV_OR_XLSX.format(kind=kind))
    return CSV


def read_upload(content: bytes) -> Table:
    """Every row of the file as text keyed by column, after the checks that refuse a file."""
    if len(content) > max_bytes():
        raise UploadRefused(too_large_message())
    file_format = file_format_of(content)
    raw_rows = _xlsx_rows(content) if file_format == XLSX else _csv_rows(content)
    headings = next(raw_rows, None)
    if headings is None:
        raise UploadRefused(EMPTY)
    columns = _columns(headings)
    table = Table(file_format=file_format, columns=[key for key in columns if key])
    limit = max_rows()
    count = 0
    for number, cells in raw_rows:
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > limit:
            continue  # counted, to say how many there are; not kept
        row = {
            key: cells[index].strip() if index < len(cells) else ""
            for index, key in enumerate(columns)
            if key
        }
        table.rows.append((number, row))
    if count > limit:
        raise UploadRefused(TOO_MANY_ROWS.format(count=count, limit=limit))
    if not table.rows:
        raise UploadRefused(NO_ROWS)
    return table


def _columns(headings: tuple[int, list[str]]) -> list[str | None]:
    _, cells = headings
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    keys: list[str | None] = []
    for index, heading in enumerate(cells):
        if not heading.strip():
            keys.append(None)
            continue
        key = heading_key(heading)
        if key is None:
            if not any(heading_key(cell) for cell in cells):
                raise UploadRefused(NO_HEADINGS)
            raise UploadRefused(
                UNKNOWN_HEADING.format(
                    letter=_letter(index), heading=heading.strip()[:60], example=_nearest(heading)
                )
            )
        if key in keys:
            raise UploadRefused(DUPLICATE_HEADING.format(heading=BY_KEY[key].heading))
        keys.append(key)
    for key in REQUIRED:
        if key not in keys:
            if not any(keys):
                raise UploadRefused(NO_HEADINGS)
            raise UploadRefused(MISSING_HEADING.format(heading=BY_KEY[key].heading))
    return keys


def _nearest(heading: str) -> str:
    by_lower = {column.heading.lower(): column.heading for column in COLUMNS}
    close = difflib.get_close_matches(heading.strip().lower(), list(by_lower), n=1, cutoff=0)
    return by_lower[close[0]] if close else COLUMNS[0].heading


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _where(cells: list[tuple[int, int]], total: int) -> str:
    shown = ", ".join(f"row {row}, column {_letter(col)}" for row, col in cells)
    more = total - len(cells)
    return shown + (f" and {more:,} more" if more > 0 else "")


# --- CSV ---------------------------------------------------------------------------------------


def is_formula(text: str) -> bool:
    """A CSV cell a spreadsheet would run as a formula when the file is opened again
    ("=SUM(…)", "@cmd", "+1+1"), but not a plain number or phone number ("+44 1632 960001")."""
    if not text or not text.startswith(_FORMULA_START):
        return False
    return not (text[0] in "+-" and _NUMBER_OR_PHONE.match(text))


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(NOT_UTF8) from None
    if "\x00" in text:
        raise UploadRefused(NOT_CSV_OR_XLSX.format(kind="a file that is not text"))
    rows = []
    formulas = []
    formula_count = 0
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for cells in reader:
            number = reader.line_num
            rows.append((number, cells))
            for index, cell in enumerate(cells):
                if is_formula(cell):
                    formula_count += 1
                    if len(formulas) < FORMULA_EXAMPLES:
                        formulas.append((number, index))
    except csv.Error as error:
        raise UploadRefused(BAD_CSV.format(row=reader.line_num, reason=error)) from None
    if formula_count:
        raise UploadRefused(FORMULAS.format(where=_where(formulas, formula_count)))
    # Row numbers as a spreadsheet counts them (a cell with line breaks spans lines in the file).
    return iter((index, cells) for index, (_, cells) in enumerate(rows, start=1))


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(BAD_XLSX) from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadRefused(NOT_CSV_OR_XLSX.format(kind="a zip file, not a spreadsheet"))
    if "xl/vbaProject.bin" in names:
        raise UploadRefused(MACROS)
    if unpacked > max(max_bytes(), DEFAULT_MAX_BYTES) * MAX_UNPACKED_RATIO:
        raise UploadRefused(too_large_message())
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        rows = []
        formulas = []
        formula_count = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            texts = []
            for index, value in enumerate(values):
                if _is_xlsx_formula(value):
                    formula_count += 1
                    if len(formulas) < FORMULA_EXAMPLES:
                        formulas.append((number, index))
                texts.append(_cell_text(value))
            rows.append((number, texts))
        workbook.close()
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise UploadRefused(BAD_XLSX) from None
    if formula_count:
        raise UploadRefused(FORMULAS.format(where=_where(formulas, formula_count)))
    return iter(rows)


def _is_xlsx_formula(value) -> bool:
    """A formula cell (read without its cached result, openpyxl gives its text, "=SUM(…)", or
    an ArrayFormula/DataTableFormula object); text typed to start with "=" counts too, as it
    would run as a formula once the sheet is saved as CSV and opened again."""
    if isinstance(value, str):
        return value.startswith("=")
    return value is not None and not isinstance(
        value, int | float | bool | datetime.date | datetime.time | datetime.timedelta
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        if value.date() == datetime.date(1899, 12, 30):  # a time alone, as Excel stores one
            return value.strftime("%H:%M")
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
