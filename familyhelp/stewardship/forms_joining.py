"""The forms behind "List your organisation" and "Claim this listing" (docs/joining.md).

The numbers are checked with the service's own rules (services/joining.py), so the form and the
service cannot disagree; abuse protection (honeypot, rate limit) is the service's.
"""

import re

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.stewardship.services import joining

NAME_REQUIRED = "Enter the name of your organisation"
NAME_TOO_LONG = joining.NAME_TOO_LONG
WEBSITE_INVALID = "Enter a website address in the correct format, like www.example.org"
WEBSITE_TOO_LONG = "The website address must be 500 characters or fewer"
CONTACT_NAME_REQUIRED = "Enter your full name"
CONTACT_NAME_TOO_LONG = "Your name must be 200 characters or fewer"
EMAIL_REQUIRED = "Enter your email address"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
EMAIL_TOO_LONG = "Enter an email address of 254 characters or fewer"
PHONE_INVALID = "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"
PHONE_TOO_LONG = "The telephone number must be 30 characters or fewer"
ROLE_TOO_LONG = "Your role must be 200 characters or fewer"
MESSAGE_TOO_LONG = f"Tell us in {joining.MESSAGE_MAX_LENGTH:,} characters or fewer"
REASON_REQUIRED = joining.REASON_REQUIRED
REASON_TOO_LONG = joining.REASON_TOO_LONG

CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone", "message")
PHONE = re.compile(r"\+?[\d\s()-]{7,}")


class ContactFields(GovukForm):
    """The questions both a request to join and a claim ask: who we should talk to."""

    contact_name = forms.CharField(
        label="Your full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": CONTACT_NAME_REQUIRED, "max_length": CONTACT_NAME_TOO_LONG},
    )
    contact_role = forms.CharField(
        label="Your role in the organisation (optional)",
        help_text="For example, manager, chair or volunteer coordinator.",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        error_messages={"max_length": ROLE_TOO_LONG},
    )
    contact_email = forms.EmailField(
        label="Email address",
        help_text="We will send your reference and our decision to this address.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": EMAIL_REQUIRED,
            "invalid": EMAIL_INVALID,
            "max_length": EMAIL_TOO_LONG,
        },
    )
    contact_phone = forms.CharField(
        label="Telephone number (optional)",
        help_text="In case we need to check something with you.",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
        error_messages={"max_length": PHONE_TOO_LONG},
    )
    message = forms.CharField(
        label="Anything else we should know (optional)",
        help_text="The directory team reads this. It is not published.",
        required=False,
        max_length=joining.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": MESSAGE_TOO_LONG},
    )
    # The honeypot: in a hidden block people never see; robots that fill every field fill it.
    nickname = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    govuk_options = {
        "contact_phone": {"classes": "govuk-input--width-20", "type": "tel"},
        "contact_email": {"classes": "govuk-!-width-two-thirds"},
    }

    def clean_contact_phone(self):
        phone = " ".join(self.cleaned_data["contact_phone"].split())
        if phone and not PHONE.fullmatch(phone):
            raise forms.ValidationError(PHONE_INVALID)
        return phone

    def contact_fields(self):
        return [self[name] for name in CONTACT_FIELDS]


class JoinForm(ContactFields):
    field_order = [
        "organisation_name",
        "charity_number",
        "company_number",
        "website",
        *CONTACT_FIELDS,
    ]

    organisation_name = forms.CharField(
        label="Name of your organisation",
        max_length=joining.NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": NAME_REQUIRED, "max_length": NAME_TOO_LONG},
    )
    charity_number = forms.CharField(
        label="Charity number (optional)",
        help_text="If it is a charity registered in England and Wales, like 1123456.",
        required=False,
        max_length=20,
        error_messages={"max_length": joining.CHARITY_NUMBER_INVALID},
    )
    company_number = forms.CharField(
        label="Company number (optional)",
        help_text="If it is registered with Companies House, like 01234567.",
        required=False,
        max_length=20,
        error_messages={"max_length": joining.COMPANY_NUMBER_INVALID},
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
        error_messages={"invalid": WEBSITE_INVALID, "max_length": WEBSITE_TOO_LONG},
    )

    govuk_options = {
        **ContactFields.govuk_options,
        "charity_number": {"classes": "govuk-input--width-10", "spellcheck": False},
        "company_number": {"classes": "govuk-input--width-10", "spellcheck": False},
    }

    def clean_charity_number(self):
        try:
            return joining.charity_number_clean(self.cleaned_data["charity_number"])
        except joining.StewardshipError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_company_number(self):
        try:
            return joining.company_number_clean(self.cleaned_data["company_number"])
        except joining.StewardshipError as error:
            raise forms.ValidationError(str(error)) from None

    def organisation_fields(self):
        return [
            self[name]
            for name in ("organisation_name", "charity_number", "company_number", "website")
        ]


class ClaimForm(ContactFields):
    """A claim asks only who is claiming: the organisation is the one the link was for."""


class RefuseForm(GovukForm):
    reason = forms.CharField(
        label="Why is the request refused?",
        help_text="The contact is sent this. Do not include anyone else’s personal details.",
        max_length=joining.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": REASON_REQUIRED, "max_length": REASON_TOO_LONG},
    )
