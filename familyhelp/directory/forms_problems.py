"""The forms behind "Report a problem" (docs/problem-reports.md): what the person typed, checked.

Abuse protection (the honeypot, the form token, rate limits) is decided by the service
(familyhelp/directory/services/problems.py); these forms only carry the fields.
"""

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.directory.models import ProblemReport

KIND_REQUIRED = "Select what is wrong with this page"
DETAILS_TOO_LONG = "Tell us more in {limit:,} characters or fewer"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
EMAIL_TOO_LONG = "Enter an email address of 254 characters or fewer"
NOTE_REQUIRED = "Enter what was done about the problem"
NOTE_TOO_LONG = "What was done must be {limit:,} characters or fewer"
STATUS_INVALID = "Select open, resolved or all problems"

PAGE_INVALID = "Enter a page number, like 2"
PAGE_OUT_OF_RANGE = "There is no page {page}. Go back to the first page"

STATUS_ALL = "all"


class ReportProblemForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is wrong with this page?",
        choices=ProblemReport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": KIND_REQUIRED, "invalid_choice": KIND_REQUIRED},
    )
    details = forms.CharField(
        label="Tell us more (optional)",
        help_text=(
            "For example, the new opening times or what has changed. "
            "Do not include personal information, like your name or your child’s details."
        ),
        required=False,
        max_length=ProblemReport.DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": DETAILS_TOO_LONG.format(limit=ProblemReport.DETAILS_MAX_LENGTH)
        },
    )
    email = forms.EmailField(
        label="Email address (optional)",
        help_text="We will only use this to tell you when the problem has been fixed.",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": EMAIL_INVALID, "max_length": EMAIL_TOO_LONG},
    )
    # When and for which service the form was shown, signed (see form_token_check).
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: in a hidden block people never see; robots that fill every field fill it.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    govuk_options = {"email": {"classes": "govuk-!-width-two-thirds"}}

    def question_fields(self):
        return [self["kind"], self["details"], self["email"]]


class ResolveProblemForm(GovukForm):
    note = forms.CharField(
        label="What was done about it?",
        help_text=(
            "For example, “Updated the opening times”. This is kept with the report; "
            "the person who reported it is not sent it."
        ),
        max_length=ProblemReport.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": NOTE_REQUIRED,
            "max_length": NOTE_TOO_LONG.format(limit=ProblemReport.NOTE_MAX_LENGTH),
        },
    )


class ProblemFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Show",
        choices=[
            (ProblemReport.Status.OPEN, "Open problems"),
            (ProblemReport.Status.RESOLVED, "Resolved problems"),
            (STATUS_ALL, "All problems"),
        ],
        required=False,
        initial=ProblemReport.Status.OPEN,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": STATUS_INVALID},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": PAGE_INVALID, "min_value": PAGE_INVALID},
    )

    govuk_options = {"status": {"classes": "govuk-radios--small"}}

    def page_out_of_range(self, page: int):
        self.add_error(None, PAGE_OUT_OF_RANGE.format(page=page))

    def status_filter(self) -> str | None:
        status = self.cleaned_data.get("status") or ProblemReport.Status.OPEN
        return None if status == STATUS_ALL else status
