"""The forms behind the family and person pages (docs/families.md).

Identifiers and dates are checked with families/validators.py, the same checks the services
make, so the form and the service cannot disagree.
"""

from django import forms

from familyhelp.core.forms import GovukDateField, GovukForm
from familyhelp.families import validators
from familyhelp.families.models import Consent, Person, PersonRelationship
from familyhelp.families.services import consent as consent_services
from familyhelp.families.services import merging as merge_services
from familyhelp.families.services import people as people_services

YES_NO = [("yes", "Yes"), ("no", "No")]
LIVES_HERE_REQUIRED = "Select yes if they live in this household"
CHOICE_REQUIRED = "Select a record, or add a new person"
RECORD_NUMBER_REQUIRED = "Enter the record number of the other record, like 1234"
PERSON_REQUIRED = "Choose who the relationship is about"
RELATIVE_REQUIRED = "Choose who they are related to"
SCOPE_REQUIRED = consent_services.SCOPE_REQUIRED
METHOD_REQUIRED = consent_services.METHOD_REQUIRED


def _text(label, *, required=False, help_text="", max_length=200, message=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=max_length,
        error_messages={"required": message or f"Enter {label.lower()}"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ServiceErrorsMixin:
    """Show a FamiliesError beside the fields it names (or at the top when it names none)."""

    def add_service_errors(self, error) -> None:
        for name, messages in error.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        if not error.errors:
            self.add_error(None, error.message)


class PersonForm(ServiceErrorsMixin, GovukForm):
    """Everything recorded about a person (Person fields, with the same names)."""

    given_names = _text("First names", required=True, message=people_services.GIVEN_NAMES_REQUIRED)
    family_name = _text(
        "Last name", required=True, message=people_services.FAMILY_NAME_OF_PERSON_REQUIRED
    )
    preferred_name = _text("Preferred name (optional)", help_text="What they like to be called.")
    previous_names = forms.CharField(
        label="Previous names (optional)",
        help_text="Any earlier last names, such as before marriage or adoption. One a line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 2016. Leave it empty for an unborn baby.",
        required=False,
    )
    expected_date = GovukDateField(
        label="Expected date of birth (unborn baby only)",
        help_text="For example, 14 2 2027",
        required=False,
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Person.Sex.choices, initial=Person.Sex.NOT_KNOWN, required=False
    )
    gender = _text(
        "Gender (optional)", help_text="How they describe their gender, if they have said."
    )
    ethnicity = forms.ChoiceField(
        label="Ethnic group",
        choices=Person.Ethnicity.choices,
        initial=Person.Ethnicity.NOT_STATED,
        required=False,
    )
    first_language = _text("First language (optional)", max_length=100)
    interpreter_needed = forms.BooleanField(label="They need an interpreter", required=False)
    disability = forms.CharField(
        label="Disability (optional)",
        help_text="In their own words.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    special_educational_needs = forms.ChoiceField(
        label="Special educational needs",
        choices=Person.SpecialEducationalNeeds.choices,
        initial=Person.SpecialEducationalNeeds.NOT_KNOWN,
        required=False,
    )
    address_line_1 = _text("Address line 1 (optional)")
    address_line_2 = _text("Address line 2 (optional)")
    town = _text("Town or city (optional)", max_length=100)
    postcode = _text("Postcode (optional)", max_length=10)
    nhs_number = _text(
        "NHS number (optional)", help_text="10 digits, like 943 476 5919", max_length=14
    )
    unique_pupil_number = _text(
        "Unique pupil number (optional)", help_text="13 characters, like A123456789012"
    )
    school_or_setting = _text("School or setting (optional)")

    govuk_options = {
        "postcode": {"classes": "govuk-input--width-10"},
        "nhs_number": {"classes": "govuk-input--width-10"},
        "unique_pupil_number": {"classes": "govuk-input--width-20"},
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("sex",):
            self.fields[name].widget = forms.RadioSelect(choices=self.fields[name].choices)

    def clean_nhs_number(self):
        value = self.cleaned_data["nhs_number"]
        return validators.clean_nhs_number(value) if value else value

    def clean_unique_pupil_number(self):
        value = self.cleaned_data["unique_pupil_number"]
        return validators.clean_unique_pupil_number(value) if value else value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        return validators.clean_postcode(value) if value else value

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        return validators.clean_date_of_birth(value) if value else value

    def clean_expected_date(self):
        value = self.cleaned_data["expected_date"]
        return validators.clean_expected_date(value) if value else value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_of_birth") and cleaned.get("expected_date"):
            self.add_error("expected_date", validators.BORN_AND_EXPECTED)
        return cleaned

    def details(self) -> dict:
        """What the services take: Person field names only, empty choices left at the default."""
        details = {name: self.cleaned_data[name] for name in people_services.PERSON_FIELDS}
        for name in ("sex", "ethnicity", "special_educational_needs"):
            if not details[name]:
                details[name] = self.fields[name].initial
        return details

    @classmethod
    def initial_for(cls, person: Person) -> dict:
        initial = {name: getattr(person, name) for name in people_services.PERSON_FIELDS}
        initial["previous_names"] = "\n".join(person.previous_names or [])
        return initial


class NewPersonForm(PersonForm):
    lives_here = forms.ChoiceField(
        label="Do they live in this household?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": LIVES_HERE_REQUIRED},
    )


class EditPersonForm(PersonForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ChooseRecordForm(GovukForm):
    """After the duplicate check: one of the records found, or a new person."""

    NEW = "new"

    choice = forms.ChoiceField(
        label="Which record is this person?",
        widget=forms.RadioSelect,
        error_messages={"required": CHOICE_REQUIRED, "invalid_choice": CHOICE_REQUIRED},
    )
    details = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, choices=(), new_label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [*choices, (self.NEW, new_label)]


class RelationshipForm(ServiceErrorsMixin, GovukForm):
    person = forms.ChoiceField(
        label="Who", error_messages={"required": PERSON_REQUIRED}, widget=forms.Select
    )
    kind = forms.ChoiceField(
        label="is the",
        choices=[("", "Choose a relationship"), *PersonRelationship.Kind.choices],
        error_messages={"required": people_services.RELATIONSHIP_KIND_REQUIRED},
    )
    relative = forms.ChoiceField(
        label="of", error_messages={"required": RELATIVE_REQUIRED}, widget=forms.Select
    )
    parental_responsibility = forms.BooleanField(
        label="They hold parental responsibility", required=False
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose someone")] + [(str(p.pk), p.full_name) for p in people]
        self.fields["person"].choices = choices
        self.fields["relative"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("person") and cleaned.get("person") == cleaned.get("relative"):
            self.add_error("relative", people_services.RELATIONSHIP_SAME_PERSON)
        return cleaned


class ConsentForm(ServiceErrorsMixin, GovukForm):
    scope = forms.ChoiceField(
        label="What did they consent to?",
        choices=Consent.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": SCOPE_REQUIRED},
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies they agreed to share information with",
        help_text="Only for consent to share information.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    person = forms.ChoiceField(
        label="Who is it about?",
        required=False,
        help_text="Leave it as the whole family unless it is about one person.",
    )
    given_by_name = _text(
        "Who gave consent?",
        required=True,
        help_text="Their full name",
        message=consent_services.GIVEN_BY_REQUIRED,
    )
    given_on = GovukDateField(
        label="When did they give it?",
        help_text="For example, 27 3 2026",
        error_messages={"required": consent_services.GIVEN_ON_REQUIRED},
    )
    method = forms.ChoiceField(
        label="How was it given?",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": METHOD_REQUIRED},
    )
    expires_on = GovukDateField(
        label="When does it end? (optional)",
        help_text="For example, 27 3 2027. Leave it empty if it has no end date.",
        required=False,
    )

    def __init__(self, *args, people=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "The whole family")] + [
            (str(p.pk), p.full_name) for p in people
        ]
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in agencies]


class ReasonForm(ServiceErrorsMixin, GovukForm):
    reason = forms.CharField(
        label="Why?", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args, label="Why?", required_message="Enter a reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class OtherRecordForm(GovukForm):
    record = forms.IntegerField(
        label="Record number of the other record",
        help_text="Shown on the duplicate check and on each person’s page, like 1234",
        min_value=1,
        error_messages={
            "required": RECORD_NUMBER_REQUIRED,
            "invalid": RECORD_NUMBER_REQUIRED,
            "min_value": RECORD_NUMBER_REQUIRED,
        },
        widget=forms.NumberInput,
    )
    govuk_options = {"record": {"classes": "govuk-input--width-10"}}


def withdraw_form(*args, **kwargs):
    return ReasonForm(
        *args,
        label="Why was consent withdrawn?",
        required_message=consent_services.WITHDRAWAL_REASON_REQUIRED,
        **kwargs,
    )


def merge_form(*args, **kwargs):
    return ReasonForm(
        *args,
        label="Why are these records the same person?",
        required_message=merge_services.MERGE_REASON_REQUIRED,
        **kwargs,
    )


def unmerge_form(*args, **kwargs):
    return ReasonForm(
        *args,
        label="Why is the merge being undone?",
        required_message=merge_services.UNMERGE_REASON_REQUIRED,
        **kwargs,
    )
