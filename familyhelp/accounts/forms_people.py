"""Forms for the people pages and the invitation link: each error says how to fix it."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from familyhelp.accounts.models import FTE_MAX, FTE_MIN, Agency, Role, Team
from familyhelp.accounts.selectors import STATUSES
from familyhelp.core.forms import GovukForm

MAX_SEARCH_LENGTH = 200

ERROR_FULL_NAME = "Enter the person’s full name"
ERROR_EMAIL = "Enter an email address in the correct format, like name@example.com"
ERROR_FTE = "Enter the FTE as a number from 0.01 to 1, like 0.6 for three days a week"
ERROR_AGENCY = "Select the agency the person works for"
ERROR_TEAM_AGENCY = "Select only teams of {agency}"
ERROR_REASON = "Enter why you are deactivating this person"
ERROR_PASSWORD = "Enter a password"  # noqa: S105 - a message, not a password
ERROR_PASSWORD_AGAIN = "Enter the password again"  # noqa: S105
ERROR_PASSWORDS_DIFFER = "The passwords do not match. Enter the same password twice"
ERROR_STATUS = "Select a status from the list"
ERROR_SEARCH = f"Search text must be {MAX_SEARCH_LENGTH} characters or fewer"
ERROR_PAGE = "The page number must be a whole number, like 2"
ERROR_PAGE_RANGE = "There is no page {page}. Go to page 1 or search again"

# Advice, not a password (ruff's S105 reads any name with "password" in it as a secret).
PASSWORD_ADVICE = "A long phrase of three or more random words is easy to remember."  # noqa: S105
FTE_HINT = "Full-time equivalent, from 0.01 to 1. For example, 0.6 for three days a week."


class FteField(forms.CharField):
    """FTE as typed (0.6, .6, 1), validated to two decimal places within the model's range."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            fte = Decimal(value)
        except InvalidOperation:
            raise ValidationError(ERROR_FTE) from None
        if not fte.is_finite() or fte < FTE_MIN or fte > FTE_MAX or fte != round(fte, 2):
            raise ValidationError(ERROR_FTE)
        return fte.quantize(Decimal("0.01"))


def _full_name_field():
    return forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": ERROR_FULL_NAME,
            "max_length": "Full name must be 200 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _job_title_field():
    return forms.CharField(
        label="Job title (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Job title must be 200 characters or fewer"},
    )


def _fte_field():
    return FteField(
        label="FTE",
        help_text=FTE_HINT,
        error_messages={"required": ERROR_FTE},
    )


class PeopleSearchForm(GovukForm):
    """The filters of the people list (a GET form, so a search can be bookmarked)."""

    q = forms.CharField(
        label="Search by name or email",
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        error_messages={"max_length": ERROR_SEARCH},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *STATUSES.items()],
        error_messages={"invalid_choice": ERROR_STATUS},
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="All agencies",
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": ERROR_PAGE, "min_value": ERROR_PAGE},
    )
    govuk_options = {"q": {"classes": "govuk-!-width-full"}}

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies

    def visible_fields(self):
        return [field for field in self if field.name != "page"]

    def clean(self):
        # The page number is not a field anyone sees, so its error links to the page itself.
        page_errors = self._errors.pop("page", None)
        if page_errors:
            self.add_error(None, list(page_errors))
        return super().clean()

    def page_out_of_range(self, page: int) -> None:
        self.add_error(None, ERROR_PAGE_RANGE.format(page=page))


class InviteForm(GovukForm):
    full_name = _full_name_field()
    email = forms.EmailField(
        label="Email address",
        help_text="We will send the invitation to this address. It is also how they sign in.",
        max_length=254,
        error_messages={"required": ERROR_EMAIL, "invalid": ERROR_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = _job_title_field()
    fte = _fte_field()
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Select an agency",
        error_messages={"required": ERROR_AGENCY, "invalid_choice": ERROR_AGENCY},
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        required=False,
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select teams from the list"},
    )
    roles = forms.ModelMultipleChoiceField(
        label="Roles",
        required=False,
        help_text="Select all that apply. You can only give roles you hold yourself.",
        queryset=Role.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select roles from the list"},
    )

    def __init__(self, *args, agencies, teams, grantable_roles, fixed_agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_agency = fixed_agency
        if fixed_agency is not None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies
        self.fields["teams"].queryset = teams
        if fixed_agency is None:
            self.fields["teams"].label_from_instance = lambda team: str(team)
        else:
            self.fields["teams"].label_from_instance = lambda team: team.name
        # Every role validates, so a role the page did not offer reaches the service, which
        # refuses it and audits the attempt; only grantable roles are shown.
        self.fields["roles"].choices = [(role.pk, role.name) for role in grantable_roles]
        self.fields["fte"].initial = "1"
        if not teams.exists():
            del self.fields["teams"]

    def clean(self):
        data = super().clean()
        agency = self.fixed_agency or data.get("agency")
        if agency is not None:
            wrong = [team for team in data.get("teams") or () if team.agency_id != agency.pk]
            if wrong:
                self.add_error("teams", ERROR_TEAM_AGENCY.format(agency=agency.name))
        data["agency"] = agency
        return data


class DetailsForm(GovukForm):
    full_name = _full_name_field()
    job_title = _job_title_field()
    fte = _fte_field()


class RolesForm(GovukForm):
    roles = forms.ModelMultipleChoiceField(
        label="Roles",
        required=False,
        help_text="Select all that apply. You can only give or take away roles you hold yourself.",
        queryset=Role.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select roles from the list"},
    )

    def __init__(self, *args, grantable_roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(role.pk, role.name) for role in grantable_roles]


class TeamsForm(GovukForm):
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        required=False,
        help_text="Select all that apply.",
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select teams from the list"},
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams
        self.fields["teams"].label_from_instance = lambda team: team.name


class DeactivateForm(GovukForm):
    reason = forms.CharField(
        label="Why are you deactivating this person?",
        help_text="For example, they have left the agency. This is kept in the audit log.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": ERROR_REASON,
            "max_length": "The reason must be 1000 characters or fewer",
        },
    )


class SetPasswordForm(GovukForm):
    password = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": ERROR_PASSWORD},
    )
    password_again = forms.CharField(
        label="Enter the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": ERROR_PASSWORD_AGAIN},
    )

    # Never send a typed password back to the browser, even when the form has errors.
    govuk_options = {"password": {"value": ""}, "password_again": {"value": ""}}

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        # The rules come from AUTH_PASSWORD_VALIDATORS, so the hint always matches them.
        self.fields["password"].help_text = " ".join(
            [*password_validators_help_texts(), PASSWORD_ADVICE]
        )

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, self.person)
        return password

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", ERROR_PASSWORDS_DIFFER)
        return data
