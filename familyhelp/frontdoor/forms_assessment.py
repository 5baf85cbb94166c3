"""The Early Support Assessment's forms. Each says what to fix in the Design System's words; the
services check the same rules again (and the families services check people and consent)."""

from django import forms
from django.core.exceptions import ValidationError
from markupsafe import Markup, escape

from familyhelp.core.forms import GovukDateField, GovukForm, date_input_params, field_component
from familyhelp.families import validators
from familyhelp.families.models import Consent, PersonRelationship
from familyhelp.frontdoor import assessment
from familyhelp.frontdoor.models import RequestPerson

TEXT_LIMIT = 10_000
COMPLETED_REQUIRED = "Select whether you have completed this section"
ANSWER_REQUIRED = "Enter {what}, or select ‘No, I’ll come back to it later’"
ANSWER_TOO_LONG = "{label} must be {limit:,} characters or fewer"
LEVEL_REQUIRED = "Select the level of need you think applies"
ROLE_REQUIRED = "Select who this person is"
GIVEN_NAMES_REQUIRED = "Enter their first name"
FAMILY_NAME_REQUIRED = "Enter their last name"
DATE_OF_BIRTH_REQUIRED = "Enter the child’s date of birth"
EXPECTED_DATE_REQUIRED = "Enter the baby’s expected date of birth"
LIVES_HERE_REQUIRED = "Select whether they live with the child"
MATCH_REQUIRED = "Select the record that is this person, or that none of them is"
PERSON_REQUIRED = "Select the first person"
RELATIVE_REQUIRED = "Select the second person"
KIND_REQUIRED = "Select how they are related"
RESPONSIBILITY_REQUIRED = "Select whether they have parental responsibility"
GIVEN_BY_REQUIRED = "Enter the name of the person who gave consent"
GIVEN_ON_REQUIRED = "Enter the date consent was given"
METHOD_REQUIRED = "Select how consent was given"
ASSESSMENT_CONSENT_REQUIRED = (
    "Select that the family agreed to the assessment, or record why you did not ask them"
)
REASON_REQUIRED = "Enter why seeking consent would put a child at risk"
EMAIL_REQUIRED = "Enter your colleague’s email address"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
DECLARATION_REQUIRED = "Enter your full name to confirm the declaration"

YES_NO = [("yes", "Yes"), ("no", "No")]
NEW_PERSON = "new"

# What each answer's "Enter ..." message asks for.
ANSWER_WHAT = {
    "reasons": "why you are asking for support",
    "development_strengths": "the child’s strengths",
    "development_needs": "the child’s needs",
    "parenting_strengths": "the parents’ or carers’ strengths",
    "parenting_needs": "what the parents or carers need help with",
    "environment_strengths": "the family’s strengths",
    "environment_needs": "what in the family’s circumstances needs support",
    "child_views": "the child or young person’s views",
    "family_views": "the family’s views",
    "support_in_place": "the support the family already gets",
}


def _required(message):
    return {"required": message, "invalid_choice": message}


def completed_field():
    return forms.ChoiceField(
        label="Have you completed this section?",
        choices=[
            ("yes", "Yes, I’ve completed this section"),
            ("no", "No, I’ll come back to it later"),
        ],
        widget=forms.RadioSelect,
        error_messages=_required(COMPLETED_REQUIRED),
    )


class CompletedForm(GovukForm):
    """The question at the end of every section of the task list."""

    completed = completed_field()

    @property
    def is_completed(self) -> bool:
        return self.cleaned_data["completed"] == "yes"


class TextSectionForm(CompletedForm):
    """A section of written answers: each may be left empty until the section is completed."""

    def __init__(self, *args, section: assessment.Section, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        completed = self.fields.pop("completed")
        for answer in section.answers:
            self.fields[answer.name] = forms.CharField(
                label=answer.label,
                help_text=answer.hint,
                required=False,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 6}),
                error_messages={
                    "max_length": ANSWER_TOO_LONG.format(label=answer.label, limit=TEXT_LIMIT)
                },
            )
        self.fields["completed"] = completed

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("completed") == "yes":
            for answer in self.section.answers:
                if answer.name not in self.errors and not cleaned.get(answer.name, "").strip():
                    self.add_error(
                        answer.name, ANSWER_REQUIRED.format(what=ANSWER_WHAT[answer.name])
                    )
        return cleaned

    def answers(self) -> dict:
        return {answer.name: self.cleaned_data[answer.name] for answer in self.section.answers}


class LevelForm(CompletedForm):
    suggested_level = forms.ChoiceField(
        label="What level of need do you think applies?",
        required=False,
        widget=forms.RadioSelect,
        error_messages=_required(LEVEL_REQUIRED),
    )
    field_order = ["suggested_level", "completed"]

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in levels}
        self.fields["suggested_level"].choices = [
            (pk, str(level)) for pk, level in self.levels.items()
        ]

    def level(self):
        return self.levels.get(self.cleaned_data.get("suggested_level") or "")

    def clean(self):
        cleaned = super().clean()
        missing = cleaned.get("completed") == "yes" and not cleaned.get("suggested_level")
        if missing and "suggested_level" not in self.errors:
            self.add_error("suggested_level", LEVEL_REQUIRED)
        return cleaned

    def level_params(self) -> dict:
        """The radios with each level's summary and descriptors as its hint."""
        _, params = field_component(self["suggested_level"])
        params["fieldset"]["legend"]["classes"] = "govuk-fieldset__legend--m"
        for item in params["items"]:
            level = self.levels.get(str(item["value"]))
            if level is None:
                continue
            descriptors = Markup("").join(
                Markup("<li>{}</li>").format(line)
                for line in level.descriptors.splitlines()
                if line.strip()
            )
            item["hint"] = {
                "html": Markup(
                    '{}<ul class="govuk-list govuk-list--bullet govuk-!-margin-top-2">{}</ul>'
                ).format(escape(level.summary), descriptors)
            }
        return params


class PersonForm(GovukForm):
    role = forms.ChoiceField(
        label="Who is this person?",
        choices=RequestPerson.Role.choices,
        widget=forms.RadioSelect,
        error_messages=_required(ROLE_REQUIRED),
    )
    given_names = forms.CharField(
        label="First name",
        max_length=200,
        error_messages={"required": GIVEN_NAMES_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=200,
        error_messages={"required": FAMILY_NAME_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
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
    postcode = forms.CharField(
        label="Postcode (optional)",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        help_text="10 digits, like 943 476 5919",
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    lives_here = forms.ChoiceField(
        label="Do they live with the child?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=_required(LIVES_HERE_REQUIRED),
    )
    date_fields = ("date_of_birth", "expected_date")
    govuk_options = {
        "postcode": {"classes": "govuk-input--width-10"},
        "nhs_number": {"classes": "govuk-input--width-10"},
    }

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        needed = {
            RequestPerson.Role.UNBORN: ("expected_date", EXPECTED_DATE_REQUIRED),
            RequestPerson.Role.CHILD: ("date_of_birth", DATE_OF_BIRTH_REQUIRED),
        }.get(role)
        if needed and not cleaned.get(needed[0]) and needed[0] not in self.errors:
            self.add_error(*needed)
        # The same checks the families services make, so the duplicate check only ever sees
        # details that could be saved.
        checked = {
            name: cleaned.get(name)
            for name in ("date_of_birth", "expected_date", "postcode", "nhs_number")
            if cleaned.get(name) and name not in self.errors
        }
        try:
            cleaned.update(validators.clean_person_details(checked))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return cleaned

    def details(self) -> dict:
        data = self.cleaned_data
        details = {
            "given_names": data["given_names"],
            "family_name": data["family_name"],
            "postcode": data["postcode"],
            "nhs_number": data["nhs_number"],
        }
        if data["role"] == RequestPerson.Role.UNBORN:
            details["expected_date"] = data["expected_date"]
        elif data.get("date_of_birth"):
            details["date_of_birth"] = data["date_of_birth"]
        return details

    @property
    def lives_with_child(self) -> bool:
        return self.cleaned_data["lives_here"] == "yes"

    def date_params(self, name: str) -> dict:
        return date_input_params(self[name])


class MatchForm(GovukForm):
    """Likely matches from the duplicate check: one of them, or a new person."""

    match = forms.ChoiceField(
        label="Is this one of these people?",
        widget=forms.RadioSelect,
        error_messages=_required(MATCH_REQUIRED),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(candidate.person.pk): candidate for candidate in candidates}
        self.fields["match"].choices = [
            *((pk, candidate.person.full_name) for pk, candidate in self.candidates.items()),
            (NEW_PERSON, "None of these: add them as a new person"),
        ]

    def match_params(self, rows, person_name: str) -> dict:
        """The radios: each likely match with why it may be them as its hint, then "none"."""
        _, params = field_component(self["match"])
        by_value = {row.value: row for row in rows}
        items = []
        for item in params["items"]:
            row = by_value.get(str(item["value"]))
            if row is None:
                items.append({"divider": "or"})
                items.append(item)
                continue
            item["hint"] = {
                "html": Markup("{}, {}<br><strong>Why it may be them:</strong> {}").format(
                    row.born, row.postcode, row.reasons
                )
            }
            items.append(item)
        params["items"] = items
        params["classes"] = "app-break-word"
        params["fieldset"]["legend"] = {
            "text": f"Is {person_name} one of these people?",
            "isPageHeading": True,
            "classes": "govuk-fieldset__legend--l",
        }
        params["hint"] = {
            "text": "These records look like the person you entered. Choose the record that is "
            "them, so their family’s history stays together."
        }
        return params

    def chosen(self):
        """The chosen candidate, or None for a new person."""
        return self.candidates.get(self.cleaned_data["match"])


class RelationshipForm(GovukForm):
    person = forms.ChoiceField(label="Person", error_messages=_required(PERSON_REQUIRED))
    kind = forms.ChoiceField(
        label="is the",
        choices=[("", "Choose a relationship"), *PersonRelationship.Kind.choices],
        error_messages=_required(KIND_REQUIRED),
    )
    relative = forms.ChoiceField(label="of", error_messages=_required(RELATIVE_REQUIRED))
    parental_responsibility = forms.ChoiceField(
        label="Do they have parental responsibility for them?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=_required(RESPONSIBILITY_REQUIRED),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(entry.person_id): entry.person for entry in people}
        choices = [(pk, person.full_name) for pk, person in self.people.items()]
        self.fields["person"].choices = [("", "Choose a person"), *choices]
        self.fields["relative"].choices = [("", "Choose a person"), *choices]

    def relationship(self) -> dict:
        data = self.cleaned_data
        return {
            "person": self.people[data["person"]],
            "relative": self.people[data["relative"]],
            "kind": data["kind"],
            "parental_responsibility": data["parental_responsibility"] == "yes",
        }


class ConsentForm(GovukForm):
    given_by_name = forms.CharField(
        label="Who gave consent?",
        help_text="Their full name, such as the child’s parent or carer, or the young person",
        max_length=200,
        error_messages={"required": GIVEN_BY_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    method = forms.ChoiceField(
        label="How did they give it?",
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages=_required(METHOD_REQUIRED),
    )
    given_on = GovukDateField(label="When did they give it?", help_text="For example, 27 3 2026")
    assessment = forms.BooleanField(
        label="The family agreed to this assessment and request for support",
        error_messages={"required": ASSESSMENT_CONSENT_REQUIRED},
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Which agencies did they agree the assessment can be shared with? (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_by_text = forms.BooleanField(
        label="The family agreed to be contacted by text message", required=False
    )
    date_fields = ("given_on",)
    govuk_options = {"given_by_name": {"classes": "govuk-!-width-two-thirds"}}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].error_messages["required"] = GIVEN_ON_REQUIRED
        self.fields["agencies"].queryset = agencies

    def date_params(self, name: str) -> dict:
        return date_input_params(self[name])


class ConsentNotSoughtForm(GovukForm):
    reason = forms.CharField(
        label="Why would seeking consent put a child at risk?",
        help_text="The front door will treat this request as safeguarding and look at it first.",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": REASON_REQUIRED},
    )
    label_as_page_heading = ("reason",)


class ShareForm(GovukForm):
    email = forms.EmailField(
        label="Your colleague’s email address",
        help_text="They must work for your agency and be able to ask for support.",
        error_messages={"required": EMAIL_REQUIRED, "invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DeclarationForm(GovukForm):
    declaration_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": DECLARATION_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
