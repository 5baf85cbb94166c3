"""Plain-English formatting in the GOV.UK style: 3 March 2026, 9:30am, 1.2 miles, £4.50."""

import datetime
from decimal import Decimal


def long_date(value: datetime.date | None) -> str:
    if not value:
        return ""
    return f"{value.day} {value:%B %Y}"


def time_12h(value: datetime.time | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    if value.minute:
        return f"{hour}:{value.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def miles(value: float | None) -> str:
    if value is None:
        return ""
    if value < 0.1:
        return "less than 0.1 miles"
    rounded = round(value, 1)
    return f"{rounded:g} mile" + ("" if rounded == 1 else "s")


def money(value: Decimal | float | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"
