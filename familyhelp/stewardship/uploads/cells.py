"""Reading one cell's text as a value: ids, lists, days, times and dates in everyday forms."""

import datetime
import re
import uuid

from familyhelp.directory.presenters.schedules import DAY_CODES, DAY_NAMES

QUOTE_LENGTH = 40
DAY_WORDS = {name.lower(): code for code, name in DAY_NAMES.items()}
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def quoted(value: str) -> str:
    value = " ".join(value.split())
    if len(value) > QUOTE_LENGTH:
        value = value[: QUOTE_LENGTH - 1] + "…"
    return f"'{value}'"


def as_uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text.strip()))
    except (ValueError, AttributeError):
        return None


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _day(word: str) -> str | None:
    word = word.strip().lower().rstrip("s") if len(word.strip()) > 3 else word.strip().lower()
    if len(word) < 2:
        return None
    matches = {code for name, code in DAY_WORDS.items() if name.startswith(word)}
    return matches.pop() if len(matches) == 1 else None


def days_of(text: str) -> list[str] | None:
    """'Monday; Wednesday', 'Mon, Wed', 'Monday to Friday', 'Mon-Fri', 'Every day' → codes."""
    text = " ".join(text.split()).lower()
    if not text:
        return []
    if text in ("every day", "daily", "everyday"):
        return list(DAY_CODES)
    codes: set[str] = set()
    for part in re.split(r"[;,/&]| and ", text):
        part = part.strip()
        if not part:
            continue
        ends = re.split(r"\s+to\s+|\s*-\s*", part)
        if len(ends) == 2:
            first, last = _day(ends[0]), _day(ends[1])
            if not first or not last:
                return None
            i, j = DAY_CODES.index(first), DAY_CODES.index(last)
            if j < i:
                return None
            codes.update(DAY_CODES[i : j + 1])
            continue
        code = _day(part)
        if code is None:
            return None
        codes.add(code)
    return [code for code in DAY_CODES if code in codes]


def time_of(text: str) -> datetime.time | None:
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if match.group(2) is None and not half:
        return None  # "9" alone could be morning or evening
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def date_of(text: str) -> tuple[datetime.date | None, str]:
    text = text.strip()
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _YMD.match(text.split(" ")[0])
        if not match:
            return None, "is not a date"
        year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day), ""
    except ValueError:
        return None, "is not a real date"
