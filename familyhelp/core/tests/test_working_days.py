"""Working days: weekends and England and Wales bank holidays, from the package's offline list."""

import datetime

import pytest

from familyhelp.core.working_days import (
    add_working_days,
    bank_holidays,
    holidays_known_until,
    is_working_day,
    working_days_between,
)

D = datetime.date


def test_christmas_2026_has_a_substitute_boxing_day_on_the_monday():
    assert {D(2026, 12, 25), D(2026, 12, 28)} <= bank_holidays()
    assert D(2026, 12, 26) not in bank_holidays()  # a Saturday


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 11, 26), 1, D(2026, 11, 27)),  # Thursday: Friday
        (D(2026, 11, 27), 1, D(2026, 11, 30)),  # Friday at 5 pm: Monday
        (D(2026, 11, 28), 1, D(2026, 11, 30)),  # Saturday: Monday
        (D(2026, 12, 24), 1, D(2026, 12, 29)),  # Christmas Eve: past Christmas and Boxing Day
        (D(2027, 3, 25), 1, D(2027, 3, 30)),  # before Easter: past Good Friday and Easter Monday
        (D(2026, 12, 24), 0, D(2026, 12, 24)),
        (D(2026, 12, 29), -1, D(2026, 12, 24)),
        (D(2026, 11, 2), 20, D(2026, 11, 30)),  # four working weeks
    ],
)
def test_adding_working_days_skips_weekends_and_bank_holidays(start, days, due):
    assert add_working_days(start, days) == due


def test_working_days_between_counts_the_days_waited():
    assert working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 27)) == 0
    assert working_days_between(D(2026, 11, 30), D(2026, 11, 23)) == -5
    for days in (1, 7, 23):
        start = D(2027, 3, 20)
        assert working_days_between(start, add_working_days(start, days)) == days


def test_weekends_and_bank_holidays_are_not_working_days():
    assert is_working_day(D(2026, 11, 27))
    assert not is_working_day(D(2026, 11, 28))
    assert not is_working_day(D(2027, 5, 31))  # Spring bank holiday


def test_the_list_reaches_at_least_the_end_of_next_year():
    assert holidays_known_until() >= D(2027, 12, 31)


def test_an_absurd_count_is_refused():
    with pytest.raises(ValueError, match="at most"):
        add_working_days(D(2026, 1, 1), 100_000)


def test_a_system_check_warns_half_a_year_before_the_list_runs_out():
    import time_machine

    from familyhelp.core.checks import bank_holidays_are_known_ahead

    assert bank_holidays_are_known_ahead() == []
    end = holidays_known_until()
    with time_machine.travel(datetime.datetime(end.year, 9, 1, 12, tzinfo=datetime.UTC)):
        [warning] = bank_holidays_are_known_ahead()
    assert warning.id == "core.W001"
    assert f"until 31 December {end.year}" in warning.msg
