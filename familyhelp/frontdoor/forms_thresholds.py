"""Editing a level of need and the front door's settings (docs/threshold-guidance.md).

Messages and limits are the service's (services/thresholds.py), so form and service agree.
"""

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.frontdoor.models import Decision
from familyhelp.frontdoor.services import thresholds as service


class ThresholdLevelForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=service.NAME_MAX_LENGTH,
        error_messages={"required": service.NAME_REQUIRED, "max_length": service.NAME_TOO_LONG},
    )
    summary = forms.CharField(
        label="Summary",
        help_text="One or two sentences: what needs at this level are, and who meets them.",
        max_length=service.SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": service.SUMMARY_REQUIRED,
            "max_length": service.SUMMARY_TOO_LONG,
        },
    )
    descriptors = forms.CharField(
        label="Descriptors",
        help_text="What needs at this level look like. Put each descriptor on its own line.",
        max_length=service.DESCRIPTORS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": service.DESCRIPTORS_REQUIRED,
            "max_length": service.DESCRIPTORS_TOO_LONG,
        },
    )

    def clean_descriptors(self):
        descriptors = service.descriptors_clean(self.cleaned_data["descriptors"])
        if not descriptors:
            raise forms.ValidationError(service.DESCRIPTORS_REQUIRED)
        return descriptors


class FrontDoorSettingsForm(GovukForm):
    team = forms.ModelChoiceField(
        label="Front door team",
        help_text="Its front door officers and managers triage and decide requests for support.",
        queryset=None,
        empty_label="Choose a team",
        error_messages={
            "required": service.TEAM_REQUIRED,
            "invalid_choice": service.TEAM_REQUIRED,
        },
    )
    decisions_needing_approval = forms.MultipleChoiceField(
        label="Which decisions need a manager’s approval?",
        help_text="A decision you tick waits for a manager in the front door team before it "
        "takes effect. Select all that apply.",
        choices=Decision.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": service.UNKNOWN_KIND},
    )
    decision_due_working_days = forms.IntegerField(
        label="Working days to decide",
        help_text="Working Together 2023 expects a decision within 1 working day.",
        min_value=service.MIN_WORKING_DAYS,
        max_value=service.MAX_WORKING_DAYS,
        widget=forms.NumberInput,
        error_messages={
            "required": service.WORKING_DAYS_RANGE,
            "invalid": service.WORKING_DAYS_RANGE,
            "min_value": service.WORKING_DAYS_RANGE,
            "max_value": service.WORKING_DAYS_RANGE,
        },
    )

    govuk_options = {"decision_due_working_days": {"classes": "govuk-input--width-2"}}

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
