"""The forms behind the episode pages (docs/case-work.md). They carry what the person chose; the
services (casework/services/episodes/) decide whether it is allowed, and their error texts are
shown against the fields named in FIELD_OF."""

import uuid

from django import forms

from familyhelp.casework.models import Episode, Goal
from familyhelp.casework.services.episodes import allocation, common, moves, opening
from familyhelp.core.forms import GovukDateField, GovukForm, date_input_params

YES, NO = "yes", "no"
GOAL_PREFIX = "goal_"
GOAL_OUTCOME_CHOICES = [
    (Goal.Status.MET.value, Goal.Status.MET.label),
    (Goal.Status.PARTLY_MET.value, Goal.Status.PARTLY_MET.label),
    (Goal.Status.NOT_MET.value, Goal.Status.NOT_MET.label),
]


def _person_choices(people):
    return [(str(person.pk), person.full_name or person.email) for person in people]


class PersonChoiceField(forms.ChoiceField):
    """The people offered, but any person's id is passed on: the service decides who may lead,
    so choosing someone outside the team (a changed form) is refused AND audited there."""

    def valid_value(self, value):
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return True


class EpisodeForm(GovukForm):
    """A form about one episode: carries the revision it was shown at (a stale one is refused)."""

    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # Service messages that belong to one field (the rest are shown at the top of the page).
    FIELD_OF: dict[str, str] = {}

    def field_for(self, message: str) -> str | None:
        for prefix, field in self.FIELD_OF.items():
            if message.startswith(prefix):
                return field
        return None

    def date_params(self, name):
        return date_input_params(self[name])


class AllocateForm(EpisodeForm):
    lead_professional = PersonChoiceField(
        label="Who will be the lead professional?",
        widget=forms.RadioSelect,
        error_messages={"required": allocation.LEAD_REQUIRED},
    )
    FIELD_OF = {
        allocation.LEAD_REQUIRED: "lead_professional",
        common.CHOOSE_IN_TEAM.split("{")[0]: "lead_professional",
    }

    def __init__(self, data=None, *, people=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["lead_professional"].choices = _person_choices(people)

    def field_for(self, message: str) -> str | None:
        if message.endswith("Choose someone else"):
            return "lead_professional"
        return super().field_for(message)


class ReallocateForm(AllocateForm):
    reason = forms.CharField(
        label="Why is the lead professional changing? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class TafAddForm(EpisodeForm):
    email = forms.CharField(
        label="Their email address",
        help_text="The practitioner needs an account. They can be in any agency.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the email address of the practitioner to add"},
    )
    role = forms.CharField(
        label="Their role in the team around the family",
        help_text="For example, School designated safeguarding lead",
        max_length=200,
        error_messages={
            "required": allocation.MEMBER_ROLE_REQUIRED,
            "max_length": allocation.MEMBER_ROLE_TOO_LONG,
        },
    )
    NO_ACCOUNT = "Enter the email address of someone with an account, like name@school.org.uk"
    FIELD_OF = {
        NO_ACCOUNT: "email",
        allocation.MEMBER_REQUIRED: "email",
        allocation.MEMBER_INACTIVE: "email",
        allocation.MEMBER_ROLE_REQUIRED: "role",
        allocation.MEMBER_ROLE_TOO_LONG: "role",
    }

    def field_for(self, message: str) -> str | None:
        if (
            "already in the team around the family" in message
            or "is the lead professional" in message
        ):
            return "email"
        return super().field_for(message)


class StepUpForm(EpisodeForm):
    referral_on = GovukDateField(
        label="When was the statutory referral made?", help_text="For example, 27 3 2026"
    )
    reason = forms.CharField(
        label="Why is the family being stepped up?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": moves.STEP_UP_REASON_REQUIRED},
    )
    keep_keyworker = forms.ChoiceField(
        label="Will the keyworker stay on as a co-worker?",
        widget=forms.RadioSelect,
        choices=[(YES, "Yes"), (NO, "No")],
        error_messages={"required": "Select whether the keyworker will stay on as a co-worker"},
    )
    FIELD_OF = {
        moves.REFERRAL_DATE_REQUIRED: "referral_on",
        moves.REFERRAL_DATE_FUTURE: "referral_on",
        moves.REFERRAL_DATE_BEFORE_OPENED.split("{")[0]: "referral_on",
        moves.STEP_UP_REASON_REQUIRED: "reason",
    }

    def clean_referral_on(self):
        value = self.cleaned_data.get("referral_on")
        if value is None:
            raise forms.ValidationError(moves.REFERRAL_DATE_REQUIRED)
        return value


class StepDownForm(AllocateForm):
    reason = forms.CharField(
        label="Anything to record about the step-down? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["lead_professional"].label = "Who will lead the family’s Family Help?"
        self.fields["lead_professional"].error_messages["required"] = moves.STEP_DOWN_LEAD_REQUIRED


class CloseForm(EpisodeForm):
    reason = forms.ChoiceField(
        label="Why is the episode closing?",
        widget=forms.RadioSelect,
        choices=Episode.ClosureReason.choices,
        error_messages={"required": moves.CLOSURE_REASON_REQUIRED},
    )
    notes = forms.CharField(
        label="Closure notes",
        help_text="Needed when the reason is “Another reason”",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    family_feedback = forms.CharField(
        label="What did the family say about the help they had? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    open_actions_reason = forms.CharField(
        label="Why close with actions still open?",
        help_text="Only needed if actions on the plan are still open",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    FIELD_OF = {
        moves.CLOSURE_REASON_REQUIRED: "reason",
        moves.CLOSURE_NOTES_REQUIRED: "notes",
    }

    def __init__(self, data=None, *, goals=(), **kwargs):
        super().__init__(data, **kwargs)
        self.goal_fields = []
        for goal in goals:
            name = f"{GOAL_PREFIX}{goal.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"Was this goal met? {goal.text}",
                widget=forms.RadioSelect,
                choices=GOAL_OUTCOME_CHOICES,
                error_messages={"required": moves.GOAL_OUTCOME_REQUIRED},
            )
            self.goal_fields.append(name)

    def field_for(self, message: str) -> str | None:
        if "are still open" in message:
            return "open_actions_reason"
        return super().field_for(message)

    def goal_outcomes(self) -> dict:
        return {
            name.removeprefix(GOAL_PREFIX): self.cleaned_data[name] for name in self.goal_fields
        }


class ReopenForm(EpisodeForm):
    reason = forms.CharField(
        label="Why is the episode being re-opened?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": moves.REOPEN_REASON_REQUIRED},
    )
    FIELD_OF = {moves.REOPEN_REASON_REQUIRED: "reason"}


class StepDownCreateForm(EpisodeForm):
    team = forms.ChoiceField(
        label="Which team will work with the family?",
        error_messages={"required": opening.TEAM_REQUIRED},
    )
    family_reference = forms.CharField(
        label="The family’s reference",
        help_text="For example, F-K7QP-3XMD. It is on the family’s page.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the family’s reference, like F-K7QP-3XMD"},
    )
    social_worker_name = forms.CharField(
        label="The social worker’s name",
        max_length=200,
        error_messages={"required": opening.SOCIAL_WORKER_REQUIRED},
    )
    summary = forms.CharField(
        label="The social worker’s summary",
        help_text="What social care did, and what the family still needs help with",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": opening.SUMMARY_REQUIRED},
    )
    level = forms.ChoiceField(
        label="Level of need",
        widget=forms.RadioSelect,
        error_messages={"required": opening.LEVEL_REQUIRED},
    )
    lead_professional = PersonChoiceField(
        label="Lead professional (optional)",
        help_text="Choose them now if the same worker will carry on; otherwise the family waits "
        "for allocation",
        required=False,
    )
    NO_FAMILY = "No family has that reference. Check it on the family’s page"
    FIELD_OF = {
        opening.TEAM_REQUIRED: "team",
        opening.NOT_TEAM_MANAGER.split("{")[0]: "team",
        opening.FAMILY_REQUIRED: "family_reference",
        "This family already has an open episode": "family_reference",
        opening.SOCIAL_WORKER_REQUIRED: "social_worker_name",
        opening.SUMMARY_REQUIRED: "summary",
        opening.LEVEL_REQUIRED: "level",
        "Choose someone in": "lead_professional",
    }

    def __init__(self, data=None, *, teams=(), levels=(), people=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["team"].choices = [("", "Choose a team")] + [
            (str(team.pk), team.name) for team in teams
        ]
        self.fields["level"].choices = [(str(level.pk), str(level)) for level in levels]
        self.fields["lead_professional"].choices = [
            ("", "Nobody yet: the family waits for allocation")
        ] + _person_choices(people)
