"""Reallocating an episode from the caseloads page, and case work's settings.

Messages and limits are the services' (services/settings.py, services/episodes), so form and
service agree.
"""

from django import forms

from familyhelp.casework.models import DriftRule
from familyhelp.casework.services import settings as service
from familyhelp.core.forms import GovukForm

CHOOSE_WORKER = "Choose who will be the lead professional"
REASON_TOO_LONG = "The reason must be 2,000 characters or fewer"


class ReallocateForm(GovukForm):
    lead_professional = forms.ChoiceField(
        label="Who should be the lead professional?",
        help_text="Workers with capacity carry less than the team’s average weighted caseload "
        "per FTE.",
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_WORKER, "invalid_choice": CHOOSE_WORKER},
    )
    reason = forms.CharField(
        label="Why are you reallocating it? (optional)",
        help_text="Kept in the episode’s history. Do not include details about the family.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": REASON_TOO_LONG},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].choices = choices


def _weight_field(number: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=f"Weight of a level {number} episode",
        min_value=service.MIN_WEIGHT,
        max_value=service.MAX_WEIGHT,
        decimal_places=2,
        max_digits=4,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages=dict.fromkeys(
            (
                "required",
                "invalid",
                "min_value",
                "max_value",
                "max_digits",
                "max_decimal_places",
                "max_whole_digits",
            ),
            service.WEIGHT_RANGE,
        ),
    )


def _days_field(rule: DriftRule) -> forms.IntegerField:
    return forms.IntegerField(
        label=f"{rule.get_code_display()}: working days",
        help_text=_DAYS_HINTS.get(rule.code, ""),
        min_value=service.MIN_DRIFT_DAYS,
        max_value=service.MAX_DRIFT_DAYS,
        widget=forms.NumberInput,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), service.DRIFT_DAYS_RANGE
        ),
    )


_DAYS_HINTS = {
    DriftRule.Code.NO_CONTACT: "Drifting when there has been no contact for more than this "
    "many working days (counted from allocation when there has been none).",
    DriftRule.Code.REVIEW_OVERDUE: "Drifting when the next review is overdue by more than this "
    "many working days. 0 means as soon as it is overdue.",
    DriftRule.Code.NO_GOALS: "Drifting when the plan has no goal more than this many working "
    "days after allocation.",
    DriftRule.Code.ACTIONS_OVERDUE: "Drifting when an action is overdue by more than this many "
    "working days. 0 means as soon as it is overdue.",
    DriftRule.Code.NOT_ALLOCATED: "Drifting when an episode has waited for allocation for more "
    "than this many working days.",
}


class CaseworkSettingsForm(GovukForm):
    review_interval_weeks = forms.IntegerField(
        label="Weeks between reviews",
        help_text="A review is due this many weeks after allocation and after each review.",
        min_value=service.MIN_INTERVAL_WEEKS,
        max_value=service.MAX_INTERVAL_WEEKS,
        widget=forms.NumberInput,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), service.INTERVAL_RANGE
        ),
    )

    def __init__(self, *args, level_numbers, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.level_numbers = list(level_numbers)
        self.rules = list(rules)
        options = {"review_interval_weeks": {"classes": "govuk-input--width-3"}}
        for number in self.level_numbers:
            self.fields[f"weight_{number}"] = _weight_field(number)
            options[f"weight_{number}"] = {"classes": "govuk-input--width-4"}
        for rule in self.rules:
            self.fields[f"days_{rule.code}"] = _days_field(rule)
            options[f"days_{rule.code}"] = {"classes": "govuk-input--width-3"}
            self.fields[f"enabled_{rule.code}"] = forms.BooleanField(
                label=f"Use the rule “{rule.get_code_display()}”", required=False
            )
        self.govuk_options = options

    def weight_fields(self):
        return [self[f"weight_{number}"] for number in self.level_numbers]

    def rule_fields(self):
        return [(self[f"days_{rule.code}"], self[f"enabled_{rule.code}"]) for rule in self.rules]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "review_interval_weeks": data["review_interval_weeks"],
            "level_weights": {n: data[f"weight_{n}"] for n in self.level_numbers},
            "drift_rules": {
                rule.code: (data[f"days_{rule.code}"], data[f"enabled_{rule.code}"])
                for rule in self.rules
            },
        }
