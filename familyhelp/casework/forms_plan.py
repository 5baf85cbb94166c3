"""The plan's and reviews' forms (docs/family-help-plan.md). Messages and limits are the
services' (services/plan.py, services/reviews.py), so form and service agree."""

from django import forms

from familyhelp.casework.models import Action, Goal, GoalProgress, PlanNeed, Review
from familyhelp.casework.services import plan as plan_service
from familyhelp.casework.services import reviews as review_service
from familyhelp.core.forms import GovukDateField, GovukForm, date_input_params


def _text(label, *, required, hint="", rows=4, limit=plan_service.TEXT_MAX, too_long=None):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required or "",
            "max_length": too_long or plan_service.TOO_LONG,
        },
    )


class FamilyWordsForm(GovukForm):
    family_words = _text(
        "The family’s own words",
        required="",
        hint="What the family say they want from the plan, in their words.",
        rows=6,
        too_long=plan_service.FAMILY_WORDS_TOO_LONG,
    )
    label_as_page_heading = ("family_words",)


class NeedForm(GovukForm):
    domain = forms.ChoiceField(
        label="Area of need",
        choices=PlanNeed.Domain.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": plan_service.DOMAIN_REQUIRED,
            "invalid_choice": plan_service.DOMAIN_REQUIRED,
        },
    )
    text = _text("The need", required=plan_service.NEED_REQUIRED)


class GoalForm(GovukForm):
    text = _text(
        "The goal",
        required=plan_service.GOAL_REQUIRED,
        hint="Written with the family, such as “Sam gets to school on time every day”.",
    )
    family_words = _text(
        "What the family said about it (optional)",
        required="",
        too_long=plan_service.FAMILY_WORDS_TOO_LONG,
    )


class GoalChangeForm(GoalForm):
    status = forms.ChoiceField(
        label="Is the goal met?",
        choices=Goal.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": plan_service.STATUS_REQUIRED,
            "invalid_choice": plan_service.STATUS_REQUIRED,
        },
    )


class ActionForm(GovukForm):
    text = _text("What will be done", required=plan_service.ACTION_REQUIRED, rows=3)
    owner = forms.ChoiceField(
        label="Who will do it",
        help_text="The lead professional or someone in the team around the family.",
        error_messages={
            "required": plan_service.OWNER_REQUIRED,
            "invalid_choice": plan_service.OWNER_REQUIRED,
        },
    )
    due_on = GovukDateField(label="When is it due?", help_text="For example, 27 3 2027")
    date_fields = ("due_on",)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Choose someone")] + [
            (str(user.pk), label) for user, label in owners
        ]
        self.fields["due_on"].error_messages["required"] = plan_service.DUE_REQUIRED

    def date_params(self, name: str) -> dict:
        return date_input_params(self[name])


class ActionStatusForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": plan_service.STATUS_REQUIRED,
            "invalid_choice": plan_service.STATUS_REQUIRED,
        },
    )
    label_as_page_heading = ("status",)


class ReviewForm(GovukForm):
    """The review meeting; one progress question (and comment) for each goal on the plan."""

    held_on = GovukDateField(label="When was the review held?", help_text="For example, 27 3 2027")
    attendees = _text(
        "Who came",
        required=review_service.ATTENDEES_REQUIRED,
        hint="One person on each line, with their role, like “Jo Smith, mum”.",
        limit=review_service.TEXT_MAX,
    )
    family_views = _text(
        "The family’s views",
        required="",
        limit=review_service.TEXT_MAX,
    )
    decision = forms.ChoiceField(
        label="What was decided?",
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": review_service.DECISION_REQUIRED,
            "invalid_choice": review_service.DECISION_REQUIRED,
        },
    )
    notes = _text("Notes (optional)", required="", limit=review_service.TEXT_MAX)
    date_fields = ("held_on",)

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = review_service.HELD_ON_REQUIRED
        self.goal_fields = []
        for number, goal in enumerate(goals, start=1):
            progress, comment = f"progress_{goal.pk}", f"comment_{goal.pk}"
            self.fields[progress] = forms.ChoiceField(
                label=f"Goal {number}: {goal.text}",
                choices=GoalProgress.Progress.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": review_service.PROGRESS_REQUIRED,
                    "invalid_choice": review_service.PROGRESS_REQUIRED,
                },
            )
            self.fields[comment] = _text(
                f"Comment on goal {number} (optional)",
                required="",
                rows=2,
                limit=review_service.TEXT_MAX,
            )
            self.goal_fields.append((progress, comment))

    def date_params(self, name: str) -> dict:
        return date_input_params(self[name])

    def progress(self) -> dict[int, tuple[str, str]]:
        return {
            int(progress.removeprefix("progress_")): (
                self.cleaned_data[progress],
                self.cleaned_data[comment],
            )
            for progress, comment in self.goal_fields
        }
