"""Working days in England and Wales: weekdays that are not bank holidays.

Due dates that the partnership's procedures count in working days (a front door decision within
one working day, as Working Together 2023 expects; drift after 20 working days without contact)
come from here. Bank holidays are GOV.UK's list for England and Wales as shipped in the
`govuk-bank-holidays` package, read offline: nothing is fetched at run time. The package's list
runs a year or two ahead (`holidays_known_until()`); a system check warns when its end is near,
and upgrading the package brings the new years.
"""

import datetime
from functools import lru_cache

from govuk_bank_holidays.bank_holidays import BankHolidays

MAX_DAYS = 3660  # about ten years: a guard against a runaway loop on a mistaken count
TOO_MANY_DAYS = f"Count at most {MAX_DAYS} working days"


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[datetime.date]:
    """England and Wales bank holidays (substitute days included), from the package's own copy."""
    calendar = BankHolidays(use_cached_holidays=True)
    return frozenset(
        holiday["date"]
        for holiday in calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    )


def holidays_known_until() -> datetime.date:
    """The last day of the last year the bank holiday list covers."""
    return datetime.date(max(bank_holidays()).year, 12, 31)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The working day `days` working days after `start` (before it, if negative).

    `start` itself need not be a working day: a request received on a Saturday with one working
    day to decide is due on the Monday (or the Tuesday after a bank holiday Monday)."""
    if abs(days) > MAX_DAYS:
        raise ValueError(TOO_MANY_DAYS)
    step = 1 if days >= 0 else -1
    day, remaining = start, abs(days)
    while remaining:
        day += datetime.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier):
    how many working days a request received on `start` has waited by `end`."""
    if end < start:
        return -working_days_between(end, start)
    if (end - start).days > MAX_DAYS * 2:
        raise ValueError(TOO_MANY_DAYS)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + datetime.timedelta(days=offset))
    )
