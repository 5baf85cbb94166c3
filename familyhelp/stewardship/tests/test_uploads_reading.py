"""Reading an uploaded file: both formats, and every kind of file that is refused whole."""

import io
import zipfile

import pytest

from familyhelp.stewardship.uploads import columns, reading
from familyhelp.stewardship.uploads.reading import UploadRefused, read_upload
from familyhelp.stewardship.uploads.testing import csv_bytes, row_of, xlsx_bytes


def refused(content: bytes) -> str:
    with pytest.raises(UploadRefused) as caught:
        read_upload(content)
    return str(caught.value)


@pytest.mark.parametrize("bom", [False, True])
def test_a_csv_with_or_without_a_byte_order_mark_is_read_by_column(bom):
    table = read_upload(csv_bytes([row_of(name="Café Stay & Play")], bom=bom))
    assert table.file_format == reading.CSV
    ((number, cells),) = table.rows
    assert number == 2
    assert cells["name"] == "Café Stay & Play"
    assert cells["venue_postcode"] == "WX1 2AB"
    assert "service_id" in table.columns


def test_an_xlsx_is_read_by_column_with_numbers_and_dates_as_text():
    content = xlsx_bytes([row_of(minimum_age=3, maximum_age=11.0, cost_amount=2.5)])
    table = read_upload(content)
    assert table.file_format == reading.XLSX
    ((number, cells),) = table.rows
    assert number == 2
    assert (cells["minimum_age"], cells["maximum_age"], cells["cost_amount"]) == ("3", "11", "2.5")
    assert cells["organisation"] == "Vale Play"


def test_the_templates_have_every_heading_and_read_back_as_empty():
    headings = [column.heading for column in columns.COLUMNS]
    assert columns.template_csv().decode("utf-8-sig").strip() == ",".join(headings)
    for content in (columns.template_csv(), columns.template_xlsx()):
        assert refused(content) == reading.NO_ROWS


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    content = csv_bytes([row_of(name="One"), {}, row_of(name="Three")])
    assert [number for number, _ in read_upload(content).rows] == [2, 4]


def test_headings_may_differ_in_case_and_spacing_and_missing_columns_are_left_out():
    content = b"service id,  ORGANISATION ,Name\r\n,Vale Play,Stay and Play\r\n"
    table = read_upload(content)
    assert table.columns == ["service_id", "organisation", "name"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", reading.EMPTY),
        (b"\xef\xbb\xbf  \r\n", reading.EMPTY),
        (b"%PDF-1.7\n1 0 obj", reading.NOT_CSV_OR_XLSX.format(kind="a PDF document")),
        (b"MZ\x90\x00\x03", reading.NOT_CSV_OR_XLSX.format(kind="a program (EXE)")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", reading.OLD_EXCEL),
        ("Name,Organisation\r\nCafé,Vale\r\n".encode("latin-1"), reading.NOT_UTF8),
        (b"Name\x00,Organisation", reading.NOT_CSV_OR_XLSX.format(kind="a file that is not text")),
        (b"A,B\r\n1,2\r\n", reading.NO_HEADINGS),
    ],
)
def test_a_file_that_is_not_a_csv_or_xlsx_is_refused_by_its_content(content, message):
    assert refused(content) == message


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refused(out.getvalue()) == reading.NOT_CSV_OR_XLSX.format(
        kind="a zip file, not a spreadsheet"
    )


def test_a_broken_xlsx_is_refused():
    content = xlsx_bytes([row_of()])
    assert refused(content[: len(content) // 2]) == reading.BAD_XLSX


def test_a_workbook_with_macros_is_refused():
    out = io.BytesIO()
    source_bytes = io.BytesIO(xlsx_bytes([row_of()]))
    with zipfile.ZipFile(source_bytes) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\x00" * 16)
    assert refused(out.getvalue()) == reading.MACROS


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.BULK_UPLOAD_MAX_BYTES = 1024
    assert refused(b"x" * 1025) == (
        "The selected file must be smaller than 1 KB. Split it into smaller files"
    )


def test_the_default_limit_is_10_mb():
    assert reading.max_bytes() == 10 * 1024 * 1024
    assert reading.too_large_message() == (
        "The selected file must be smaller than 10 MB. Split it into smaller files"
    )


def test_too_many_rows_are_refused(settings):
    settings.BULK_UPLOAD_MAX_ROWS = 3
    content = csv_bytes([row_of(name=f"Service {n}") for n in range(4)])
    assert refused(content) == reading.TOO_MANY_ROWS.format(count=4, limit=3)
    assert len(read_upload(csv_bytes([row_of()] * 3)).rows) == 3


@pytest.mark.parametrize(
    "cell", ["=SUM(A1:A2)", '=HYPERLINK("http://evil.example","x")', "@SUM(1)", "+1+cmd", "-2+3*x"]
)
def test_a_csv_with_a_formula_is_refused(cell):
    content = csv_bytes([row_of(), row_of(description=cell)])
    assert refused(content) == reading.FORMULAS.format(where="row 3, column D")


@pytest.mark.parametrize("cell", ["+44 1632 960 001", "-5", "+1.50", "(01632) 960-001"])
def test_numbers_and_phone_numbers_starting_with_plus_or_minus_are_not_formulas(cell):
    read_upload(csv_bytes([row_of(phone=cell)]))


def test_an_xlsx_with_a_formula_is_refused_whatever_its_value():
    content = xlsx_bytes([row_of(), row_of()], formula_at="C3")
    assert refused(content) == reading.FORMULAS.format(where="row 3, column C")


def test_many_formulas_are_summarised():
    content = csv_bytes([row_of(name="=1", description="=2", phone="=3")] * 3)
    assert "and 4 more" in refused(content)


def test_an_unknown_or_repeated_heading_is_named():
    assert refused(b"Service ID,Organisation,Nmae\r\n,Vale,x\r\n") == (
        reading.UNKNOWN_HEADING.format(letter="C", heading="Nmae", example="Name")
    )
    assert refused(b"Service ID,Organisation,Name,name\r\n,Vale,x,y\r\n") == (
        reading.DUPLICATE_HEADING.format(heading="Name")
    )
    assert refused(b"Organisation,Name\r\nVale,x\r\n") == reading.MISSING_HEADING.format(
        heading="Service ID"
    )


def test_a_csv_that_cannot_be_parsed_says_where():
    message = refused(b'Service ID,Organisation,Name\r\n,"Vale" Play,x\r\n')
    assert message.startswith("Row 2 of the selected file could not be read as CSV")


def test_an_xlsx_with_an_array_formula_is_refused():
    from openpyxl import load_workbook
    from openpyxl.worksheet.formula import ArrayFormula

    workbook = load_workbook(io.BytesIO(xlsx_bytes([row_of()])))
    workbook.active["E2"] = ArrayFormula("E2:E2", "=SUM(J2:J3)")
    out = io.BytesIO()
    workbook.save(out)
    assert refused(out.getvalue()) == reading.FORMULAS.format(where="row 2, column E")


def test_a_workbook_declaring_xml_entities_is_refused():
    # The first step of an "XML bomb": openpyxl reads with defusedxml, which refuses any DTD
    # entity, so a file that expands a small entity into gigabytes never gets that far.
    out = io.BytesIO()
    source_bytes = io.BytesIO(xlsx_bytes([row_of()]))
    with zipfile.ZipFile(source_bytes) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY e "expanded">]><worksheet', 1
                )
            target.writestr(item, data)
    assert refused(out.getvalue()) == reading.BAD_XLSX


def test_text_that_starts_like_a_formula_is_written_to_a_workbook_as_text():
    from openpyxl import load_workbook

    description = '=HYPERLINK("https://example.org/evil", "Click")'
    content = columns.template_xlsx([{"description": description, "name": "Stay and play"}])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    heading = [cell.value for cell in sheet[1]].index(
        next(c.heading for c in columns.COLUMNS if c.key == "description")
    )
    cell = sheet.cell(row=2, column=heading + 1)
    assert (cell.value, cell.data_type) == (description, "s")
