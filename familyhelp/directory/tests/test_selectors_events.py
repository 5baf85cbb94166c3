"""Expanding dated schedules into the days they happen on."""

import datetime
from types import SimpleNamespace

import pytest

from familyhelp.directory.selectors.events import occurrence_dates

D = datetime.date


def schedule(**fields):
    values = {
        "dtstart": D(2026, 11, 2),  # a Monday
        "freq": "WEEKLY",
        "interval": None,
        "byday": "MO",
        "bymonthday": "",
        "until": None,
        "count": None,
        "valid_from": None,
        "valid_to": None,
    }
    values.update(fields)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, [D(2026, 11, 30), D(2026, 12, 7)]),
        ({"interval": 2}, [D(2026, 11, 30)]),
        ({"until": D(2026, 12, 1)}, [D(2026, 11, 30)]),
        ({"count": 4}, []),  # the fourth Monday is 23 November
        ({"count": 5}, [D(2026, 11, 30)]),
        ({"valid_to": D(2026, 12, 6)}, [D(2026, 11, 30)]),
        ({"freq": "", "dtstart": D(2026, 12, 5)}, [D(2026, 12, 5)]),
        ({"freq": "", "dtstart": D(2026, 11, 5)}, []),
        ({"freq": "MONTHLY", "byday": "1TU"}, [D(2026, 12, 1)]),
        ({"freq": "MONTHLY", "byday": "-1MO"}, [D(2026, 11, 30)]),
        ({"freq": "MONTHLY", "byday": "", "bymonthday": "3"}, [D(2026, 12, 3)]),
        (
            {"freq": "DAILY", "byday": "", "count": 31},  # the 31st day is 2 December
            [D(2026, 11, 28), D(2026, 11, 29), D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2)],
        ),
        ({"byday": "ZZ,9XX"}, [D(2026, 11, 30), D(2026, 12, 7)]),
        ({"dtstart": None}, []),
    ],
)
def test_occurrences_between_two_dates(fields, expected):
    assert occurrence_dates(schedule(**fields), D(2026, 11, 28), D(2026, 12, 10)) == expected
