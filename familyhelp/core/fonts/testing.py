"""Read back the text of an uncompressed PDF made with the shipped fonts (tests only).

Text drawn with an embedded TrueType font is stored as glyph numbers, not characters; each font's
ToUnicode map turns them back. Enough of PDF is parsed here for fpdf2's output
(`set_compression(False)`): no PDF library is needed.
"""

import re

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_FONT_REF = re.compile(rb"/F(\d+) (\d+) 0 R")
_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """The bytes of the PDF string literal opening at data[start] ("("), and where it ends."""
    out, depth, i = bytearray(), 1, start + 1
    while True:
        char = data[i : i + 1]
        if char == b"\\":
            following = data[i + 1 : i + 2]
            if following.isdigit():
                digits = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4]).group()
                out.append(int(digits, 8))
                i += 1 + len(digits)
                continue
            out += _ESCAPES.get(following, following)
            i += 2
            continue
        if char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out += char
        i += 1


def pdf_text(content: bytes) -> str:
    """Every string the PDF draws, one line per text object, as Unicode."""
    objects = {int(number): body for number, body in _OBJECT.findall(content)}
    maps = {}
    for body in objects.values():
        for name, number in _FONT_REF.findall(body):
            font = objects.get(int(number), b"")
            found = _TO_UNICODE.search(font)
            if found is None:
                continue
            cmap = _STREAM.search(objects[int(found.group(1))]).group(1)
            maps[int(name)] = {
                int(glyph, 16): bytes.fromhex(code.decode()).decode("utf-16-be")
                for glyph, code in _PAIR.findall(cmap)
            }
    lines = []
    for body in objects.values():
        stream = _STREAM.search(body)
        if stream is None or b" Tj" not in stream.group(1):
            continue
        data, font, line, i = stream.group(1), None, [], 0
        while i < len(data):
            if data.startswith(b"ET", i) and data[i - 1 : i] in (b" ", b"\n"):
                lines.append("".join(line))
                line = []
            selected = re.match(rb"/F(\d+) [\d.]+ Tf", data[i:])
            if selected:
                font = int(selected.group(1))
                i += selected.end()
                continue
            if data[i : i + 1] == b"(":
                raw, i = _literal(data, i)
                glyphs = maps.get(font)
                if glyphs is None:
                    line.append(raw.decode("latin-1"))
                else:
                    line.extend(
                        glyphs.get(int.from_bytes(raw[j : j + 2], "big"), "\ufffd")
                        for j in range(0, len(raw), 2)
                    )
                continue
            i += 1
    return "\n".join(text for text in lines if text)
