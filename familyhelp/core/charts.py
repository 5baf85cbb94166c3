"""Accessible bar charts and data tables drawn on the server (core/jinja2/core/charts.html).

A chart is an inline SVG with role="img", a <title> and a <desc>; its numbers are always shown
as a table too (people using a screen reader, or who want the exact figures, read the table)
and can be downloaded as CSV (`csv_response`). No JavaScript, no inline styles (the
Content-Security-Policy forbids them): the bars' lengths are percentages of the chart's width
and every label is wrapped on the server to fit a 320 px wide phone, so nothing scrolls
sideways. Colours are the GOV.UK palette: text #0b0c0c, bars #1d70b8 (5.2:1 on white) on a
#f3f2f1 track.
"""

import csv
import datetime
import textwrap
from dataclasses import dataclass, field

from django.http import HttpResponse

# About 32 characters of 16 px text fit in the 290 px a 320 px phone leaves for content.
WRAP_CHARACTERS = 32
FONT_SIZE = 16
LINE_HEIGHT = 20
BAR_HEIGHT = 20
BAR_GAP = 16
# Values of this many bars or fewer are also read out in the chart's description.
DESCRIBED_BARS = 8
# A cell starting with these is a formula to a spreadsheet: CSV cells get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # what the bar's length shows
    text: str  # the value as people read it, like "30% (12 of 40)"


@dataclass(frozen=True)
class BarRow:
    """One bar laid out: its label's lines, its value's line and the bar, in pixels."""

    label_lines: list[tuple[int, str]]  # (baseline y, text)
    text_y: int
    text: str
    bar_y: int
    bar_percent: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    # The value of a full-width bar: 100 for percentages; None for the largest bar's value.
    scale: float | None = None

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def description_id(self) -> str:
        return f"{self.id}-description"

    @property
    def full_description(self) -> str:
        if not self.bars:
            return f"{self.description} There is nothing to show."
        if len(self.bars) <= DESCRIBED_BARS:
            values = "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars)
            return f"{self.description} {values}."
        return f"{self.description} The numbers are in the table that follows the chart."

    def layout(self) -> tuple[list[BarRow], int]:
        """The bars laid out top to bottom, and the chart's height in pixels."""
        scale = (
            self.scale if self.scale is not None else max((b.value for b in self.bars), default=0)
        )
        rows = []
        y = 0
        for bar in self.bars:
            lines = textwrap.wrap(bar.label, WRAP_CHARACTERS) or [""]
            label_lines = []
            for line in lines:
                y += LINE_HEIGHT
                label_lines.append((y - 5, line))
            y += LINE_HEIGHT
            text_y = y - 5
            bar_y = y + 2
            y = bar_y + BAR_HEIGHT + BAR_GAP
            percent = 0.0 if scale <= 0 else min(100.0, max(0.0, bar.value * 100 / scale))
            rows.append(BarRow(label_lines, text_y, bar.text, bar_y, round(percent, 2)))
        return rows, max(y, LINE_HEIGHT)


@dataclass(frozen=True)
class DataTable:
    """Numbers as a GOV.UK table and as CSV: a caption, column headings and rows of cells.

    The first cell of each row is its heading; `numeric` lists the columns aligned as numbers."""

    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    numeric: tuple[int, ...] = ()

    def govuk_table(self) -> dict:
        """The parameters of the govukTable macro."""
        head = [
            {"text": column, "format": "numeric" if i in self.numeric else ""}
            for i, column in enumerate(self.columns)
        ]
        rows = []
        for row in self.rows:
            cells = []
            for i, cell in enumerate(row):
                text = "" if cell is None else str(cell)
                cells.append({"text": text, "format": "numeric" if i in self.numeric else ""})
            rows.append(cells)
        return {
            "caption": self.caption,
            "captionClasses": "govuk-table__caption--s",
            "firstCellIsHeader": True,
            "head": head,
            "rows": rows,
        }


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(table: DataTable, *, filename: str, on: datetime.date) -> HttpResponse:
    """The table as a UTF-8 CSV download (with a byte order mark, so Excel reads it right)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{on.isoformat()}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([csv_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(c) for c in row])
    return response
