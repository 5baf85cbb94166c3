"""The forms behind the editors' pages (docs/editing-listings.md): `questions` (one question
page each, check your answers, the organisations search) and `entries` (one entry of a list).
This module holds what both share: the error messages (constants, so tests assert them
exactly), the choices, and the checks of phone numbers and text.

Each question form reads its answers from a listing document (`initial_from`) and turns what the
editor typed into updates of that document (`updates`); each entry form does the same for one
entry of a list (a venue, a session, a cost, a named contact). The change's `revision` travels
in a hidden input that the views write, not in these forms, so a form shown again after
someone else saved keeps the editor's answers and carries the new revision.
"""

import re

from django import forms

from familyhelp.directory.models import Service

NAME_REQUIRED = "Enter the name of the service"
NAME_TOO_LONG = "The name must be 255 characters or fewer"
DESCRIPTION_REQUIRED = "Enter a description of the service"
STATUS_REQUIRED = "Select whether the service is running"
CATEGORIES_REQUIRED = "Select at least one category"
AGE_INVALID = "{label} must be a whole number, like 5"
AGE_RANGE = "{label} must be between 0 and 120"
AGES_ORDER = "The oldest age must be the same as or more than the youngest age"
DELIVERY_REQUIRED = "Select how the service is delivered"
LANGUAGE_TOO_LONG = "Each language must be 100 characters or fewer"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
URL_INVALID = "Enter a website address in the correct format, like https://www.example.org"
PHONE_INVALID = "Enter a phone number, like 01632 960 001 or 07700 900 982"
VENUE_NAME_REQUIRED = "Enter the name of the venue"
ADDRESS_REQUIRED = "Enter the first line of the address"
TOWN_REQUIRED = "Enter the town or city"
POSTCODE_REQUIRED = "Enter a postcode"
POSTCODE_INVALID = "Enter a full postcode, like WX1 2AB"
VENUE_CHOICE_REQUIRED = "Select a venue to add"
DAYS_OR_DATE_REQUIRED = "Select the days it runs, or give the date it starts"
TIME_INVALID = "Enter {label} in the 24-hour clock, like 09:30 or 17:00"
TIMES_ORDER = "The closing time must be after the opening time"
DATE_REQUIRED_PART = "{label} must include a {part}"
DATE_INVALID = "{label} must be a real date"
DATE_END_WITHOUT_START = "Enter the start date as well as the end date"
DATES_ORDER = "The end date must be after the start date"
COST_FOR_REQUIRED = "Enter what the cost is for, like “Per session”"
AMOUNT_INVALID = "Enter an amount in pounds, like 2.50, or leave it empty if it is free"
CONTACT_NAME_REQUIRED = "Enter the contact’s name"
DECLARATION_REQUIRED = "Confirm that the listing is correct"

STATUS_CHOICES = [
    (Service.Status.ACTIVE.value, "Running"),
    (Service.Status.TEMPORARILY_CLOSED.value, "Temporarily closed"),
    (Service.Status.INACTIVE.value, "No longer running"),
]
DELIVERY_CHOICES = [
    ("delivered_in_person", "In person"),
    ("delivered_online", "Online"),
    ("delivered_by_telephone", "By phone"),
]
DAY_CHOICES = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
TIME_PATTERN = re.compile(r"^(\d{1,2})[:.](\d{2})$")
PHONE_PATTERN = re.compile(r"^\+?[\d ()-]{6,30}$")


def clean_text(value) -> str:
    return (value or "").strip()


def phone_field(label, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
        error_messages={"max_length": PHONE_INVALID},
    )


def check_phone(value):
    value = clean_text(value)
    if value and not PHONE_PATTERN.match(value):
        raise forms.ValidationError(PHONE_INVALID)
    return value
