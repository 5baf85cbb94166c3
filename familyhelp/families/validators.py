"""Checks on what is entered about a person, each with the message the Design System asks for.

Each `clean_*` function returns the value as it is stored (digits only, an upper-case postcode
with its space) or raises ValidationError with one of the message constants below, so the
services, the forms and the front door's pages all say the same thing.
"""

import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from familyhelp.core.geo import normalise_postcode
from familyhelp.core.models import Postcode

NHS_NUMBER_INVALID = (
    "Enter a valid NHS number, like 943 476 5919 – it is 10 digits and the last one is a check "
    "digit"
)
UPN_INVALID = (
    "Enter a valid unique pupil number, like A123456789012 – it is a check letter and 12 more "
    "characters"
)
POSTCODE_INVALID = "Enter a real postcode, like WX1 2AB"
DATE_OF_BIRTH_IN_FUTURE = "Date of birth must be today or in the past"
DATE_OF_BIRTH_TOO_EARLY = "Date of birth must be after 1 January 1900"
EXPECTED_DATE_IN_PAST = "The expected date of birth must be today or in the future"
EXPECTED_DATE_TOO_LATE = "The expected date of birth must be within the next 10 months"
BORN_AND_EXPECTED = "Enter either a date of birth or an expected date of birth, not both"

EARLIEST_DATE_OF_BIRTH = datetime.date(1900, 1, 1)
# A pregnancy is at most about 42 weeks: an expected date further ahead than this is a mistake.
EXPECTED_WITHIN_MONTHS = 10

_SEPARATORS = re.compile(r"[\s-]")

# The DfE's check letters: remainder 0..22 of the weighted sum, without I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def clean_nhs_number(value: str) -> str:
    """'943 476 5919' -> '9434765919', or ValidationError (NHS modulus 11 check digit)."""
    digits = _SEPARATORS.sub("", value or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(NHS_NUMBER_INVALID, code="nhs_number")
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        raise ValidationError(NHS_NUMBER_INVALID, code="nhs_number")
    return digits


def upn_check_letter(rest: str) -> str:
    """The check letter for the 12 characters after it (DfE unique pupil number guidance).

    Characters 2 to 13 are weighted 2 to 13; a temporary UPN's last character is a letter, which
    counts as its position in UPN_LETTERS.
    """
    total = 0
    for weight, char in enumerate(rest, start=2):
        total += weight * (int(char) if char.isdigit() else UPN_LETTERS.index(char))
    return UPN_LETTERS[total % 23]


def clean_unique_pupil_number(value: str) -> str:
    """'a123456789012' -> 'A123456789012', or ValidationError."""
    upn = _SEPARATORS.sub("", value or "").upper()
    if not re.fullmatch(rf"[{UPN_LETTERS}]\d{{11}}[\d{UPN_LETTERS}]", upn):
        raise ValidationError(UPN_INVALID, code="unique_pupil_number")
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(UPN_INVALID, code="unique_pupil_number")
    return upn


def clean_postcode(value: str) -> str:
    """'wx12ab' -> 'WX1 2AB' when that postcode exists (core.Postcode), or ValidationError."""
    postcode = normalise_postcode(value)
    if not postcode or " " not in postcode:
        raise ValidationError(POSTCODE_INVALID, code="postcode")
    if not Postcode.objects.filter(postcode=postcode).exists():
        raise ValidationError(POSTCODE_INVALID, code="postcode")
    return postcode


def clean_date_of_birth(value: datetime.date, *, today: datetime.date | None = None):
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(DATE_OF_BIRTH_IN_FUTURE, code="date_of_birth")
    if value < EARLIEST_DATE_OF_BIRTH:
        raise ValidationError(DATE_OF_BIRTH_TOO_EARLY, code="date_of_birth")
    return value


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def clean_expected_date(value: datetime.date, *, today: datetime.date | None = None):
    """An unborn baby's expected date: not in the past, and within the next 10 months."""
    today = today or timezone.localdate()
    if value < today:
        raise ValidationError(EXPECTED_DATE_IN_PAST, code="expected_date")
    if value > _add_months(today, EXPECTED_WITHIN_MONTHS):
        raise ValidationError(EXPECTED_DATE_TOO_LATE, code="expected_date")
    return value


def clean_person_details(details: dict) -> dict:
    """Clean the identifying fields present in `details`; raise one ValidationError by field."""
    cleaned = dict(details)
    errors: dict[str, list] = {}
    checks = {
        "nhs_number": clean_nhs_number,
        "unique_pupil_number": clean_unique_pupil_number,
        "postcode": clean_postcode,
        "date_of_birth": clean_date_of_birth,
        "expected_date": clean_expected_date,
    }
    for name, check in checks.items():
        value = cleaned.get(name)
        if value in (None, ""):
            continue
        try:
            cleaned[name] = check(value)
        except ValidationError as error:
            errors[name] = error.messages
    if cleaned.get("date_of_birth") and cleaned.get("expected_date"):
        errors.setdefault("expected_date", []).append(BORN_AND_EXPECTED)
    if errors:
        raise ValidationError(errors)
    return cleaned
