"""The submitted Early Support Assessment as a PDF (fpdf2), built in memory, never written to
disk: the same sections and answers as the read-only page.

Names and answers may be in any script, so the text is set in the fonts shipped in
familyhelp/core/fonts (DejaVu Sans, with a fallback for Chinese, Japanese and Korean).
"""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from familyhelp.core.fonts import FAMILY, pdf_fonts_add
from familyhelp.frontdoor import presenters_assessment
from familyhelp.frontdoor.selectors_assessment import AssessmentRecord

TITLE = "Early Support Assessment"


def plain(text: str) -> str:
    return str(text)


class _Document(FPDF):
    reference = ""

    def footer(self):
        self.set_y(-15)
        self.set_font(FAMILY, size=8)
        self.cell(
            0,
            10,
            plain(f"{TITLE} {self.reference} - page {self.page_no()} of {{nb}}"),
            align="C",
        )


def _heading(document: FPDF, text: str, size: int) -> None:
    document.set_font(FAMILY, "B", size)
    document.multi_cell(0, size * 0.5, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    document.ln(2)


def _rows(document: FPDF, rows) -> None:
    for row in rows:
        document.set_font(FAMILY, "B", 10)
        document.multi_cell(0, 5, plain(row.label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        document.set_font(FAMILY, size=10)
        for line in row.lines or [presenters_assessment.NOT_GIVEN]:
            document.multi_cell(0, 5, plain(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        document.ln(2)


def assessment_pdf(record: AssessmentRecord, *, compress: bool = True) -> bytes:
    """Every section of the request, in the task list's order, as PDF bytes."""
    request = record.request
    document = _Document(format="A4")
    document.reference = request.reference
    document.set_compression(compress)
    pdf_fonts_add(document)
    document.set_title(plain(f"{TITLE} {request.reference}"))
    document.set_author(plain(request.agency.name if request.agency else ""))
    document.set_auto_page_break(auto=True, margin=20)
    document.add_page()
    _heading(document, f"{TITLE} {request.reference}", 18)
    document.set_font(FAMILY, "I", 9)
    document.multi_cell(
        0,
        4.5,
        "Official - sensitive. This document is about a child and their family: keep it "
        "secure and share it only with those who need it.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    document.ln(4)
    _heading(document, "About this request", 13)
    _rows(document, presenters_assessment.about_rows(record))
    for section in presenters_assessment.summary_sections(record):
        _heading(document, section.title, 13)
        _rows(document, section.rows)
    return bytes(document.output())
