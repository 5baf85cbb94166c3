"""The Family Help plan as a PDF for the family (fpdf2), built in memory, never written to disk.

Names and the family's words may be in any script: the text is set in the fonts shipped in
familyhelp/core/fonts (DejaVu Sans, with a fallback for Chinese, Japanese and Korean).
"""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from familyhelp.casework.presenters_plan import NO_NEEDS, PlanView
from familyhelp.core.fonts import FAMILY, pdf_fonts_add

TITLE = "Family Help plan"


class _Document(FPDF):
    reference = ""

    def footer(self):
        self.set_y(-15)
        self.set_font(FAMILY, size=8)
        self.cell(0, 10, f"{TITLE} {self.reference} – page {self.page_no()} of {{nb}}", align="C")


def _line(document: FPDF, text: str, *, size: int = 10, style: str = "", height: float = 5):
    document.set_font(FAMILY, style, size)
    document.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(document: FPDF, text: str, size: int) -> None:
    document.ln(2)
    _line(document, text, size=size, style="B", height=size * 0.5)
    document.ln(1)


def plan_pdf(*, episode, children: list[str], view: PlanView, changed: str, compress=True) -> bytes:
    """The plan's needs, goals, actions and the family's words, as PDF bytes."""
    document = _Document(format="A4")
    document.reference = episode.reference
    document.set_compression(compress)
    pdf_fonts_add(document)
    document.set_title(f"{TITLE} {episode.reference}")
    document.set_auto_page_break(auto=True, margin=20)
    document.add_page()
    _line(document, TITLE, size=18, style="B", height=9)
    if children:
        _line(document, "For " + ", ".join(children), size=12, height=6)
    _line(document, f"Last changed by {changed}", size=9)
    document.ln(2)
    _heading(document, "In the family’s own words", 13)
    _line(document, view.family_words or "Not written yet")
    _heading(document, "What needs to change", 13)
    if not view.need_groups:
        _line(document, NO_NEEDS)
    for group in view.need_groups:
        _line(document, group.title, style="B")
        for need in group.needs:
            _line(document, f"• {need}")
        document.ln(1)
    _heading(document, "Our goals", 13)
    if not view.goals:
        _line(document, "No goals yet")
    for goal in view.goals:
        _line(document, f"Goal {goal.number}: {goal.text}", size=11, style="B", height=5.5)
        if goal.family_words:
            _line(document, f"What the family said: {goal.family_words}")
        _line(document, f"Status: {goal.status}")
        for action in goal.actions:
            _line(
                document,
                f"• {action.text} – {action.owner}, by {action.due} ({action.status.lower()})",
            )
        document.ln(2)
    return bytes(document.output())
