"""Opening hours, costs and ages in the plain English a parent reads on the page."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from familyhelp.directory import presenters

TODAY = datetime.date(2026, 11, 27)


def schedule(**fields):
    values = {
        "freq": "WEEKLY",
        "interval": None,
        "byday": "",
        "bymonthday": "",
        "dtstart": None,
        "until": None,
        "opens_at": datetime.time(9, 30),
        "closes_at": datetime.time(12),
        "description": "",
    }
    values.update(fields)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"byday": "MO,WE"}, "Mondays and Wednesdays, 9:30am to midday"),
        ({"byday": "WE,MO"}, "Mondays and Wednesdays, 9:30am to midday"),
        (
            {
                "byday": "MO,TU,WE,TH,FR",
                "opens_at": datetime.time(9),
                "closes_at": datetime.time(17),
            },
            "Monday to Friday, 9am to 5pm",
        ),
        ({"byday": "MO,TU,WE,FR"}, "Monday to Wednesday and Fridays, 9:30am to midday"),
        ({"byday": "SA,SU"}, "Saturdays and Sundays, 9:30am to midday"),
        ({"byday": "MO,TU,WE,TH,FR,SA,SU"}, "Every day, 9:30am to midday"),
        ({"byday": "TH", "closes_at": None}, "Thursdays, from 9:30am"),
        ({"byday": "TH", "opens_at": None, "closes_at": None}, "Thursdays"),
        ({"byday": "MO", "interval": 2}, "Every other Monday, 9:30am to midday"),
        (
            {"byday": "MO,TH", "interval": 3},
            "Every 3 weeks: Mondays and Thursdays, 9:30am to midday",
        ),
        ({"freq": "MONTHLY", "byday": "1TU"}, "First Tuesday of the month, 9:30am to midday"),
        ({"freq": "MONTHLY", "byday": "-1FR"}, "Last Friday of the month, 9:30am to midday"),
        (
            {"freq": "MONTHLY", "byday": "1TU,3TU"},
            "First and third Tuesday of the month, 9:30am to midday",
        ),
        ({"freq": "MONTHLY", "bymonthday": "15"}, "The 15th of the month, 9:30am to midday"),
        ({"freq": "DAILY"}, "Every day, 9:30am to midday"),
        (
            {
                "freq": "",
                "dtstart": datetime.date(2026, 12, 5),
                "opens_at": datetime.time(10),
                "closes_at": datetime.time(12),
            },
            "Saturday 5 December 2026, 10am to midday",
        ),
        (
            {
                "byday": "TU",
                "dtstart": datetime.date(2027, 1, 5),
                "until": datetime.date(2027, 3, 23),
            },
            "Tuesdays, 9:30am to midday, from 5 January 2027, until 23 March 2027",
        ),
        (
            {"freq": "", "byday": "", "description": "Term time only, ring first"},
            "Term time only, ring first",
        ),
        ({"byday": "XX,1ZZ", "description": ""}, "Weekly, 9:30am to midday"),
    ],
)
def test_schedule_in_plain_english(fields, expected):
    assert presenters.schedule_text(schedule(**fields), today=TODAY) == expected


def cost(amount):
    return SimpleNamespace(amount=None if amount is None else Decimal(amount))


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ([], "Free"),
        (["0"], "Free"),
        ([None], "Free"),
        (["4.50"], "£4.50"),
        (["3", "5"], "From £3"),
        (["0", "3"], "Free, or from £3"),
    ],
)
def test_cost(amounts, expected):
    assert presenters.cost_text([cost(a) for a in amounts]) == expected


@pytest.mark.parametrize(
    ("minimum", "maximum", "expected"),
    [
        (None, None, "All ages"),
        (0, 4, "From birth to 4 years"),
        (None, 1, "From birth to 1 year"),
        (11, 18, "11 to 18 years"),
        (16, None, "16 years and over"),
    ],
)
def test_ages(minimum, maximum, expected):
    assert presenters.age_text(minimum, maximum) == expected


def test_results_title_summarises_the_search():
    assert (
        presenters.results_title(12, "nursery", "WX1 2AB", ["Childcare", "Health"])
        == "12 results for ‘nursery’ in Childcare and Health near WX1 2AB"
    )
    assert presenters.results_title(1, "", "", []) == "1 result"


@pytest.mark.django_db
def test_cost_words_that_only_repeat_the_summary_are_not_shown_twice():
    from familyhelp.directory.presenters.services import ServiceDetail
    from familyhelp.directory.tests.factories import ServiceFactory

    free = ServiceFactory(fees_description="Free.")
    assert ServiceDetail(free).cost == "Free"
    assert ServiceDetail(free).fees_description == ""
    explained = ServiceFactory(fees_description="Free for families on Universal Credit.")
    assert ServiceDetail(explained).fees_description == "Free for families on Universal Credit."
