"""The NCSC password rules: length over complexity, a deny list, no composition rules."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from familyhelp.accounts import passwords
from familyhelp.accounts.tests.factories import UserFactory


def _messages(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    "password",
    [
        "window lantern orchard",  # words, no digits, no symbols, no capitals: fine
        "correcthorsebatterystaple",
        "tulip 7 granite kettle",
        "a" * 3 + "bcdefghijklm",
        "x" * 11 + "y",
        "É" * 2 + " naïve café crème",  # any character, including spaces and accents
    ],
)
def test_long_passwords_are_accepted_without_composition_rules(db, password):
    assert _messages(password) == []


def test_a_password_shorter_than_12_characters_is_refused(db):
    assert _messages("orchard ten") == ["Password must be 12 characters or more"]


def test_a_password_longer_than_256_characters_is_refused(db):
    assert _messages("lantern " * 33) == ["Password must be 256 characters or fewer"]
    assert _messages(("lantern " * 32)[:256]) == []


@pytest.mark.parametrize(
    "password",
    [
        "qwerty123456",  # on Django's list of 20,000 common passwords
        "1q2w3e4r5t6y",
        "Password2024!!",  # a common password with numbers and symbols added
        "!!!letmein123456",
        "aaaaaaaaaaaaaaaa",  # a short run repeated
        "abcabcabcabcabc",
        "Family Help 2026",  # the service's own name
        "wessexvalecouncil1",
    ],
)
def test_common_and_guessable_passwords_are_refused(db, password):
    assert _messages(password) == [passwords.PASSWORD_TOO_COMMON]


def test_a_password_based_on_the_persons_email_or_name_is_refused(db):
    person = UserFactory.build(
        email="samantha.jones@wessexvale.example", full_name="Samantha Jones"
    )
    assert _messages("samantha.jones@wessex", person) == [
        "Enter a password that is not based on your email address"
    ]
    assert _messages("Samantha Jones!!", person) == [
        "Enter a password that is not based on your name"
    ]
    assert _messages("window lantern orchard", person) == []


def test_settings_use_these_rules_and_no_others():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "MinimumLengthValidator",
        "MaximumLengthValidator",
        "DenyListValidator",
        "PersonalInformationValidator",
    ]
    assert all(
        v["NAME"].startswith("familyhelp.accounts.passwords.")
        for v in settings.AUTH_PASSWORD_VALIDATORS
    )
