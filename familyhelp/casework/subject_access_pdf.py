"""The subject access export as a PDF (fpdf2, the shipped Unicode fonts), built in memory.

It is drawn from the same dict as the JSON export (subject_access.py), section by section. Every
item marked third party starts with a highlighted "[Check before release: third party]" line
naming whom it concerns, so whoever prepares the release can find and redact it.
"""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from familyhelp.casework.subject_access import SubjectAccessDocument
from familyhelp.core.fonts import FAMILY, pdf_fonts_add

TITLE = "Subject access export"
MARKER = "[Check before release: third party]"
SECTIONS = (
    ("person", "Their details"),
    ("families", "Families"),
    ("relationships", "Relationships"),
    ("consents", "Consent"),
    ("requests_for_support", "Requests for support and decisions"),
    ("episodes", "Family Help episodes"),
    ("chronology", "Chronology"),
)
HIDDEN = {"third_party", "concerns", "third_party_reason"}
NONE = "None recorded."
HIGHLIGHT = (255, 221, 0)  # GOV.UK yellow


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _scalar(value) -> str:
    if value is None or value == "":
        return "-"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


class _Document(FPDF):
    person_record = ""

    def footer(self):
        self.set_y(-15)
        self.set_font(FAMILY, size=8)
        self.cell(
            0,
            10,
            f"{TITLE}, person record {self.person_record} - page {self.page_no()}",
            align="C",
        )

    def line_of(self, text: str, *, style="", size=10, indent=0.0):
        self.set_font(FAMILY, style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def marker(self, item: dict, indent: float):
        names = ", ".join(
            f"{who['name']} (record {who['person_record']})" for who in item.get("concerns", [])
        )
        reason = item.get("third_party_reason", "")
        text = f"{MARKER} {reason}" + (f": {names}" if names else "")
        self.set_fill_color(*HIGHLIGHT)
        self.set_font(FAMILY, "B", 9)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, 5, text, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _render(document: _Document, value, indent: float) -> None:
    if isinstance(value, list):
        if not value:
            document.line_of(NONE, indent=indent)
        for element in value:
            _render(document, element, indent)
            document.ln(1.5)
        return
    if not isinstance(value, dict):
        document.line_of(_scalar(value), indent=indent)
        return
    if value.get("third_party"):
        document.marker(value, indent)
    if set(value) - HIDDEN == {"label", "text"}:
        document.line_of(value["label"], style="B", indent=indent)
        document.line_of(value["text"], indent=indent)
        return
    # The plain values of a record go in one paragraph (one text cell: a long history makes
    # thousands of records, and each cell costs time), then its lists and texts, indented.
    plain, nested = [], []
    for key, item in value.items():
        if key in HIDDEN:
            continue
        if isinstance(item, dict) and set(item) - HIDDEN == {"name", "job_title"}:
            plain.append(f"{_label(key)}: {item['name']}, {item['job_title']}")
        elif isinstance(item, list | dict):
            nested.append((key, item))
        else:
            plain.append(f"{_label(key)}: {_scalar(item)}")
    if plain:
        document.line_of(". ".join(plain), indent=indent)
    for key, item in nested:
        document.line_of(_label(key), style="B", indent=indent)
        _render(document, item, indent + 4)


def subject_access_pdf(document: SubjectAccessDocument, *, compress: bool = True) -> bytes:
    data = document.data
    pdf = _Document(format="A4")
    pdf_fonts_add(pdf)
    pdf.person_record = str(document.person.pk)
    pdf.set_compression(compress)
    pdf.set_title(f"{TITLE}, person record {document.person.pk}")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.line_of(f"{TITLE}: {document.person.full_name}", style="B", size=18)
    pdf.ln(2)
    pdf.line_of(
        "Official - sensitive. Prepared for a subject access request: not for release until "
        "checked.",
        size=9,
    )
    pdf.line_of(data["export"]["notice"], size=9)
    pdf.line_of(
        f"Generated {data['export']['generated_at'][:16].replace('T', ' ')} "
        f"by {(data['export']['generated_by'] or {}).get('name', '-')}. "
        f"{document.third_party_count} item(s) marked third party.",
        size=9,
    )
    for key, title in SECTIONS:
        pdf.ln(4)
        pdf.line_of(title, style="B", size=14)
        pdf.ln(1)
        _render(pdf, data[key], 0)
    return bytes(pdf.output())
