"""Reading pages in the front door's view tests: what a person would see (imported by tests)."""

import re
from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" | ")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(squash("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table_rows(response) -> list[list[str]]:
    """The body rows of every table on the page, each a list of its cells' text ("a | b" for a
    line break inside a cell)."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.rows


def text(response) -> str:
    """The page's visible text, whitespace squashed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return squash(re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&amp;", "&")
