"""Case audit forms: tools, a monthly sample, completing, responding and moderating.

Fields only check what was typed; the rules (who may, what state, every question graded) are
in services/audits.py.
"""

from django import forms

from familyhelp.casework.models import Grade
from familyhelp.casework.services.audits import (
    AUDITORS_REQUIRED,
    GRADE_REQUIRED,
    MODERATION_NOTE_REQUIRED,
    MOST_PER_TEAM,
    NAME_REQUIRED,
    PER_TEAM_RANGE,
    RESPONSE_REQUIRED,
    SUMMARY_REQUIRED,
    TEXT_REQUIRED,
    TITLE_REQUIRED,
)
from familyhelp.core.forms import GovukForm

ORDER_INVALID = "Enter the order as a whole number from 0 to 999, like 3"
MONTH_REQUIRED = "Select the month to sample"
TOOL_REQUIRED = "Select the audit tool"
QUESTION_GRADE_REQUIRED = "Select a grade for question {number}"


def _order_field():
    return forms.IntegerField(
        label="Order",
        help_text="Lower numbers come first",
        min_value=0,
        max_value=999,
        initial=0,
        error_messages={
            "required": ORDER_INVALID,
            "invalid": ORDER_INVALID,
            "min_value": ORDER_INVALID,
            "max_value": ORDER_INVALID,
        },
        widget=forms.NumberInput,
    )


class AuditToolForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": NAME_REQUIRED})
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the tool is for and which cases it suits",
    )
    active = forms.BooleanField(label="In use for new samples", required=False)


class AuditSectionForm(GovukForm):
    title = forms.CharField(
        label="Section title", max_length=200, error_messages={"required": TITLE_REQUIRED}
    )
    order = _order_field()
    govuk_options = {"order": {"classes": "govuk-input--width-3"}}


class AuditQuestionForm(GovukForm):
    text = forms.CharField(
        label="Question",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": TEXT_REQUIRED},
    )
    order = _order_field()
    govuk_options = {"order": {"classes": "govuk-input--width-3"}}


class SampleForm(GovukForm):
    month = forms.ChoiceField(label="Month", error_messages={"required": MONTH_REQUIRED})
    tool = forms.ChoiceField(label="Audit tool", error_messages={"required": TOOL_REQUIRED})
    per_team = forms.IntegerField(
        label="Cases for each team",
        help_text=f"From 1 to {MOST_PER_TEAM}",
        min_value=1,
        max_value=MOST_PER_TEAM,
        error_messages={
            key: PER_TEAM_RANGE.format(most=MOST_PER_TEAM)
            for key in ("required", "invalid", "min_value", "max_value")
        },
        widget=forms.NumberInput,
    )
    auditors = forms.MultipleChoiceField(
        label="Auditors",
        help_text="Nobody audits a case they lead: each case goes to another of these people",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": AUDITORS_REQUIRED},
    )
    govuk_options = {"per_team": {"classes": "govuk-input--width-3"}}

    def __init__(self, *args, months, tools, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]
        self.fields["tool"].choices = [(str(tool.pk), tool.name) for tool in tools]
        self.fields["auditors"].choices = [
            (str(person.pk), person.full_name or person.email) for person in people
        ]
        self._months = {f"{m:%Y-%m}": m for m in months}
        self._tools = {str(tool.pk): tool for tool in tools}
        self._people = {str(person.pk): person for person in people}

    def sample(self) -> dict:
        data = self.cleaned_data
        return {
            "month": self._months[data["month"]],
            "tool": self._tools[data["tool"]],
            "per_team": data["per_team"],
            "auditors": [self._people[pk] for pk in data["auditors"]],
        }


GRADE_CHOICES = list(Grade.choices)


class CompleteAuditForm(GovukForm):
    """A grade and comment for each question (named q<id>_grade, q<id>_comment), then the
    overall grade and summary."""

    grade = forms.ChoiceField(
        label="Overall grade",
        choices=GRADE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": GRADE_REQUIRED},
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What is working well, what needs to change, and by when",
        error_messages={"required": SUMMARY_REQUIRED},
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        # The question fields come first, in the tool's order, so errors are summarised in order.
        fields = {}
        for row in rows:
            fields[row.grade_field] = forms.ChoiceField(
                label=f"{row.number}. {row.text}",
                choices=GRADE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": QUESTION_GRADE_REQUIRED.format(number=row.number)},
            )
            fields[row.comment_field] = forms.CharField(
                label=f"Comments on question {row.number} (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        fields.update(self.fields)
        self.fields = fields

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            int(name[1:].split("_")[0]): (data[name], data[name.replace("_grade", "_comment")])
            for name in data
            if name.startswith("q") and name.endswith("_grade")
        }


class RespondForm(GovukForm):
    response = forms.CharField(
        label="Your response",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you will do about the audit’s findings, or where you see it differently",
        error_messages={"required": RESPONSE_REQUIRED},
    )


class ModerateForm(GovukForm):
    grade = forms.ChoiceField(
        label="Final grade",
        choices=GRADE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": GRADE_REQUIRED},
    )
    note = forms.CharField(
        label="Moderation note",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why you confirm or change the auditor’s grade",
        error_messages={"required": MODERATION_NOTE_REQUIRED},
    )
