import datetime
from decimal import Decimal

import pytest

from familyhelp.core import formatting


def test_long_date_is_gov_uk_style():
    assert formatting.long_date(datetime.date(2026, 3, 3)) == "3 March 2026"
    assert formatting.long_date(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.time(9, 30), "9:30am"),
        (datetime.time(12, 0), "midday"),
        (datetime.time(0, 0), "midnight"),
        (datetime.time(15, 0), "3pm"),
        (datetime.time(12, 15), "12:15pm"),
    ],
)
def test_time_12h(value, expected):
    assert formatting.time_12h(value) == expected


def test_miles_rounds_to_one_decimal_place():
    assert formatting.miles(1.234) == "1.2 miles"
    assert formatting.miles(1.0) == "1 mile"
    assert formatting.miles(0.05) == "less than 0.1 miles"


def test_money():
    assert formatting.money(Decimal("4.5")) == "£4.50"
    assert formatting.money(Decimal("10")) == "£10"
