"""The form behind "Ask for help for your family" (docs/self-referral.md).

Plain English for a parent on a phone. The answers are checked with the service's own rules
(services/self_referral.py), so the form and the service cannot disagree; abuse protection
(honeypot, form token, rate limit) is the service's.
"""

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.frontdoor.services import self_referral as service

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]

NOT_A_CHOICE = "Choose yes or no"


class SelfReferralForm(GovukForm):
    who_needs_help = forms.CharField(
        label="Who needs help?",
        help_text=(
            "Give the names and ages of the children, or their dates of birth. "
            "For example: Ava, 7, and Leo, 3. Tell us if you are expecting a baby."
        ),
        max_length=service.WHO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": service.WHO_REQUIRED, "max_length": service.WHO_TOO_LONG},
    )
    help_with = forms.CharField(
        label="What would you like help with?",
        help_text=(
            "Tell us in your own words. For example: your child’s behaviour, school, money "
            "worries, or things at home."
        ),
        max_length=service.HELP_WITH_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": service.HELP_WITH_REQUIRED,
            "max_length": service.HELP_WITH_TOO_LONG,
        },
    )
    contact_name = forms.CharField(
        label="Your name",
        max_length=service.NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": service.NAME_REQUIRED, "max_length": service.NAME_TOO_LONG},
    )
    contact_phone = forms.CharField(
        label="Phone number (optional)",
        help_text="For example, 07700 900 982.",
        required=False,
        max_length=service.PHONE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
        error_messages={"max_length": service.PHONE_INVALID},
    )
    safe_to_leave_message = forms.ChoiceField(
        label="Is it safe to leave a message on this phone?",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )
    contact_by_text = forms.ChoiceField(
        label="Can we send you text messages?",
        help_text="We will only text a mobile phone number.",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )
    contact_email = forms.CharField(
        label="Email address (optional)",
        help_text="We will send your reference number to this address.",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"max_length": service.EMAIL_INVALID},
    )
    safe_contact_notes = forms.CharField(
        label="Anything else that keeps contact safe (optional)",
        help_text="For example, good times to call, or times not to call.",
        required=False,
        max_length=service.NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": service.NOTES_TOO_LONG},
    )
    postcode = forms.CharField(
        label="Your postcode",
        help_text="For example, WX1 2AB.",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
        error_messages={
            "required": service.POSTCODE_REQUIRED,
            "max_length": service.POSTCODE_FORMAT,
        },
    )
    consent = forms.BooleanField(
        label=(
            "I agree that you can look at my request and share it with the services that can help"
        ),
        error_messages={"required": service.CONSENT_REQUIRED},
    )
    # A honeypot: hidden from everyone, so only form-filling robots fill it in.
    nickname = forms.CharField(label="Leave this empty", required=False)
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    govuk_options = {
        "postcode": {"classes": "govuk-input--width-10"},
        "contact_phone": {"classes": "govuk-input--width-20", "type": "tel"},
        "nickname": {"attributes": {"tabindex": "-1"}, "autocomplete": "off"},
    }

    def _check(self, check, field_name):
        try:
            return check(self.cleaned_data.get(field_name, ""))
        except service.SelfReferralError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_postcode(self):
        return self._check(service.postcode_clean, "postcode")

    def clean_contact_phone(self):
        return self._check(service.phone_clean, "contact_phone")

    def clean_contact_email(self):
        return self._check(service.email_clean, "contact_email")

    def clean(self):
        data = super().clean()
        phone, email = data.get("contact_phone"), data.get("contact_email")
        if phone is None or email is None:
            return data  # already has its own error
        if phone and not data.get("safe_to_leave_message"):
            self.add_error("safe_to_leave_message", service.MESSAGE_CHOICE_REQUIRED)
        try:
            service.contact_check(
                phone=phone, email=email, contact_by_text=data.get("contact_by_text") == YES
            )
        except service.SelfReferralError as error:
            self.add_error(error.field, str(error))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "who_needs_help": data["who_needs_help"],
            "help_with": data["help_with"],
            "contact_name": data["contact_name"],
            "contact_email": data["contact_email"],
            "contact_phone": data["contact_phone"],
            "safe_to_leave_message": data["safe_to_leave_message"] == YES,
            "safe_contact_notes": data["safe_contact_notes"],
            "contact_by_text": data["contact_by_text"] == YES,
            "postcode": data["postcode"],
            "consent_given": data["consent"],
            "honeypot": data["nickname"],
            "form_token": data["form_token"],
        }

    def about_fields(self):
        return [self["who_needs_help"], self["help_with"]]

    def contact_fields(self):
        return [
            self[name]
            for name in (
                "contact_name",
                "contact_phone",
                "safe_to_leave_message",
                "contact_by_text",
                "contact_email",
                "safe_contact_notes",
                "postcode",
            )
        ]
