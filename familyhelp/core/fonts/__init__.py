"""The fonts every PDF uses, shipped with the code so a clean machine makes the same PDFs.

fpdf2's built-in fonts cover Latin-1 only, and names in a family's records may be in any
script (Zoë Wiśniewska, محمد, 李). DejaVu Sans (Bitstream Vera licence, LICENSE-DejaVu.txt)
covers Latin, Greek, Cyrillic, Arabic and Hebrew; Droid Sans Fallback (Apache 2.0,
LICENSE-DroidSansFallback.txt) is the fallback for Chinese, Japanese and Korean. fpdf2 embeds
only the glyphs a document uses, so a PDF stays small. Arabic is not shaped (that needs
HarfBuzz): its letters are present and searchable, in their isolated forms.
"""

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent
FAMILY = "DejaVu"
FALLBACK = "DroidSansFallback"


def pdf_fonts_add(document: FPDF) -> None:
    """Register the shipped fonts on a new document: use `FAMILY` with "", "B" or "I"."""
    document.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    document.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    # No oblique is shipped: emphasis ("I") is set upright.
    document.add_font(FAMILY, "I", FONTS / "DejaVuSans.ttf")
    document.add_font(FALLBACK, "", FONTS / "DroidSansFallback.ttf")
    document.set_fallback_fonts([FALLBACK], exact_match=False)
