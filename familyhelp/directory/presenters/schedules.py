"""Opening hours in the GOV.UK style: "Mondays and Wednesdays, 9:30am to midday",
"Monday to Friday, 9am to 5pm", "First Tuesday of the month, 10am to 11:30am",
"Saturday 5 December 2026, 10am to midday".
"""

import datetime
import re

from familyhelp.core.formatting import long_date, time_12h

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def join_words(words: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _parse_byday(byday: str) -> list[tuple[int | None, str]]:
    parsed = []
    for part in (byday or "").upper().replace(" ", "").split(","):
        match = _BYDAY.match(part)
        if match:
            parsed.append((int(match.group(1)) if match.group(1) else None, match.group(2)))
    return parsed


def weekly_days(codes: list[str]) -> str:
    """Days of the week in plain English; three or more in a row read "Monday to Friday"."""
    indexes = sorted({DAY_CODES.index(code) for code in codes})
    if len(indexes) == 7:
        return "Every day"
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[DAY_CODES[run[0]]]} to {DAY_NAMES[DAY_CODES[run[-1]]]}")
        else:
            parts.extend(DAY_NAMES[DAY_CODES[i]] + "s" for i in run)
    return join_words(parts)


def monthly_days(byday: list[tuple[int | None, str]]) -> str:
    """[(1, 'TU'), (3, 'TU')] -> 'First and third Tuesday of the month'."""
    by_day: dict[str, list[int]] = {}
    for ordinal, code in byday:
        by_day.setdefault(code, []).append(ordinal or 1)
    parts = []
    for code in sorted(by_day, key=DAY_CODES.index):
        ordinals = sorted(by_day[code], key=lambda n: (n < 0, n))
        parts.append(
            f"{join_words([ORDINALS.get(n, f'{n}th') for n in ordinals])} {DAY_NAMES[code]}"
        )
    text = join_words(parts) + " of the month"
    return text[0].upper() + text[1:]


def opening_times(opens_at, closes_at) -> str:
    if opens_at and closes_at:
        return f"{time_12h(opens_at)} to {time_12h(closes_at)}"
    if opens_at:
        return f"from {time_12h(opens_at)}"
    if closes_at:
        return f"until {time_12h(closes_at)}"
    return ""


def day_with_date(value: datetime.date) -> str:
    return f"{value:%A} {long_date(value)}"


def _ordinal_day(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _when(schedule) -> str:
    freq = schedule.freq
    interval = schedule.interval or 1
    byday = _parse_byday(schedule.byday)
    if not freq:
        return day_with_date(schedule.dtstart) if schedule.dtstart else ""
    if freq == "DAILY":
        return "Every day" if interval == 1 else f"Every {interval} days"
    if freq == "MONTHLY":
        if byday:
            text = monthly_days(byday)
        elif schedule.bymonthday:
            days = [int(d) for d in re.findall(r"\d+", schedule.bymonthday)]
            text = f"The {join_words([_ordinal_day(d) for d in days])} of the month"
        elif schedule.dtstart:
            text = f"The {_ordinal_day(schedule.dtstart.day)} of the month"
        else:
            text = "Monthly"
        if interval == 2:
            text += ", every other month"
        elif interval > 2:
            text += f", every {interval} months"
        return text
    codes = [code for _, code in byday]
    if not codes and schedule.dtstart:
        codes = [DAY_CODES[schedule.dtstart.weekday()]]
    days = weekly_days(codes) if codes else "Weekly"
    if interval == 2:
        return (
            f"Every other week: {days}" if len(codes) != 1 else f"Every other {DAY_NAMES[codes[0]]}"
        )
    if interval > 2:
        return f"Every {interval} weeks: {days}"
    return days


def schedule_text(schedule, today: datetime.date | None = None) -> str:
    """One schedule in plain English, or its description when it has no rule we can read."""
    today = today or datetime.date.today()
    when = _when(schedule)
    if not when:
        return schedule.description or ""
    parts = [when]
    times = opening_times(schedule.opens_at, schedule.closes_at)
    if times:
        parts.append(times)
    text = ", ".join(parts)
    if schedule.freq:
        if schedule.dtstart and schedule.dtstart > today:
            text += f", from {long_date(schedule.dtstart)}"
        if schedule.until:
            text += f", until {long_date(schedule.until)}"
    return text
