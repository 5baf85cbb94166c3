import datetime

import pytest
from django.core.exceptions import ValidationError

from familyhelp.families import validators

TODAY = datetime.date(2026, 3, 10)


@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_a_valid_nhs_number_is_kept_as_digits(value):
    assert validators.clean_nhs_number(value) == value.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    "value",
    [
        "9434765918",  # wrong check digit
        "943476591",  # 9 digits
        "94347659190",  # 11 digits
        "943476591A",
        "",
        "1000000010",  # check digit would be 10: never issued
    ],
)
def test_an_nhs_number_with_a_wrong_check_digit_or_length_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validators.clean_nhs_number(value)
    assert error.value.messages == [validators.NHS_NUMBER_INVALID]


@pytest.mark.parametrize("value", ["A123456789012", "a123456789012", "A 1234 5678 9012"])
def test_a_unique_pupil_number_with_its_check_letter_is_accepted(value):
    assert validators.clean_unique_pupil_number(value) == "A123456789012"


def test_a_temporary_upn_ending_in_a_letter_is_accepted():
    rest = "12345678901A"
    upn = validators.upn_check_letter(rest) + rest
    assert validators.clean_unique_pupil_number(upn) == upn


@pytest.mark.parametrize(
    "value", ["B123456789012", "A12345678901", "1123456789012", "I123456789012"]
)
def test_a_wrong_unique_pupil_number_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validators.clean_unique_pupil_number(value)
    assert error.value.messages == [validators.UPN_INVALID]


def test_a_postcode_that_exists_is_normalised(postcodes):
    assert validators.clean_postcode("wx12ab") == "WX1 2AB"


@pytest.mark.parametrize("value", ["WX9 9ZZ", "WX1", "not a postcode", ""])
def test_a_postcode_that_does_not_exist_is_refused(postcodes, value):
    with pytest.raises(ValidationError) as error:
        validators.clean_postcode(value)
    assert error.value.messages == [validators.POSTCODE_INVALID]


def test_a_date_of_birth_in_the_future_is_refused():
    assert validators.clean_date_of_birth(TODAY, today=TODAY) == TODAY
    with pytest.raises(ValidationError) as error:
        validators.clean_date_of_birth(TODAY + datetime.timedelta(days=1), today=TODAY)
    assert error.value.messages == [validators.DATE_OF_BIRTH_IN_FUTURE]


def test_an_expected_date_is_within_the_next_ten_months():
    assert validators.clean_expected_date(datetime.date(2027, 1, 10), today=TODAY)
    with pytest.raises(ValidationError) as error:
        validators.clean_expected_date(datetime.date(2027, 1, 11), today=TODAY)
    assert error.value.messages == [validators.EXPECTED_DATE_TOO_LATE]
    with pytest.raises(ValidationError) as error:
        validators.clean_expected_date(TODAY - datetime.timedelta(days=1), today=TODAY)
    assert error.value.messages == [validators.EXPECTED_DATE_IN_PAST]


def test_person_details_report_every_bad_field(postcodes):
    with pytest.raises(ValidationError) as error:
        validators.clean_person_details(
            {"nhs_number": "9434765918", "postcode": "WX9 9ZZ", "given_names": "Sam"}
        )
    assert error.value.message_dict == {
        "nhs_number": [validators.NHS_NUMBER_INVALID],
        "postcode": [validators.POSTCODE_INVALID],
    }


def test_a_person_cannot_be_both_born_and_expected():
    with pytest.raises(ValidationError) as error:
        validators.clean_person_details(
            {"date_of_birth": datetime.date(2020, 1, 1), "expected_date": datetime.date.today()}
        )
    assert error.value.message_dict == {"expected_date": [validators.BORN_AND_EXPECTED]}
