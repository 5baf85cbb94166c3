"""The forms behind the queue, triage, decision and approval pages (docs/front-door.md).

They carry what the person chose; the services (services/triage.py, services/decisions.py)
decide whether it is allowed, and their error texts are shown against the fields.
"""

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.frontdoor import selectors_queue as queue
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.services import decisions, triage

SELF_REFERRALS = "self"


class QueueForm(GovukForm):
    """The queue's sorts and filters (a GET form: anything it does not know is ignored)."""

    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        initial=queue.SORT_DUE,
        choices=[
            (queue.SORT_DUE, "Due date (safeguarding and overdue first)"),
            (queue.SORT_WAITING, "Waiting longest"),
            (queue.SORT_YOUNGEST, "Youngest child first"),
            (queue.SORT_AREA, "Area"),
            (queue.SORT_AGENCY, "Who made it"),
        ],
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any open request")]
        + [(status.value, status.label) for status in Request.OPEN_STATUSES],
    )
    made_by = forms.ChoiceField(label="Made by", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    age = forms.ChoiceField(
        label="Age of youngest child",
        required=False,
        choices=[("", "Any age")]
        + [(key, label) for key, (label, _, _) in queue.AGE_BANDS.items()],
    )
    picked_up = forms.ChoiceField(
        label="Picked up",
        required=False,
        choices=[
            ("", "By anyone or nobody"),
            (queue.PICKED_UP_NOBODY, "Not picked up yet"),
            (queue.PICKED_UP_ME, "Picked up by me"),
        ],
    )

    def __init__(self, data=None, *, agencies=(), areas=()):
        super().__init__(data)
        self.fields["made_by"].choices = [
            ("", "Anyone"),
            (SELF_REFERRALS, "Self-referrals"),
            *[(str(pk), name) for pk, name in agencies],
        ]
        self.fields["area"].choices = [("", "Any area"), *[(area, area) for area in areas]]

    def filters(self) -> queue.QueueFilters:
        """What to show: a filter with a value it does not know falls back to "any"."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        made_by = data.get("made_by") or ""
        return queue.QueueFilters(
            sort=data.get("sort") or queue.SORT_DUE,
            status=data.get("status") or "",
            agency_id=int(made_by) if made_by.isdigit() else None,
            self_referrals=made_by == SELF_REFERRALS,
            area=data.get("area") or "",
            age=data.get("age") or "",
            picked_up=data.get("picked_up") or "",
        )


class PartnerCheckForm(GovukForm):
    partner = forms.CharField(
        label="Partner you checked with",
        help_text="Such as Police, the health visitor or the child’s school",
        max_length=triage.PARTNER_MAX_LENGTH,
        error_messages={
            "required": triage.PARTNER_REQUIRED,
            "max_length": triage.PARTNER_TOO_LONG,
        },
    )
    outcome = forms.CharField(
        label="What they told you",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": triage.OUTCOME_REQUIRED},
    )


class DecisionForm(GovukForm):
    kind = forms.ChoiceField(
        label="Decision",
        choices=Decision.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": decisions.KIND_REQUIRED,
            "invalid_choice": decisions.KIND_REQUIRED,
        },
    )
    level = forms.ChoiceField(
        label="Level of need",
        widget=forms.RadioSelect,
        error_messages={
            "required": decisions.LEVEL_REQUIRED,
            "invalid_choice": decisions.LEVEL_REQUIRED,
        },
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="Why this decision meets the child’s and family’s needs, against the threshold "
        "guidance",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": decisions.RATIONALE_REQUIRED},
    )
    services = forms.MultipleChoiceField(
        label="Services to send to the family and the requester (advice and signposting)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ChoiceField(label="Team to allocate to (Family Help)", required=False)
    no_further_action_reason = forms.ChoiceField(
        label="Why no further action is needed (no further action)",
        required=False,
        widget=forms.RadioSelect,
        choices=Decision.NoFurtherActionReason.choices,
        error_messages={"invalid_choice": decisions.REASON_REQUIRED},
    )
    # The directory search the services were chosen from, kept when the page is shown again.
    q = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, levels, teams, services, initial=None):
        super().__init__(data, initial=initial)
        self.levels = {str(level.pk): level for level in levels}
        self.teams = {str(team.pk): team for team in teams}
        self.service_records = {str(service.pk): service for service in services}
        self.fields["level"].choices = [
            (str(level.pk), f"Level {level.number}: {level.name}") for level in levels
        ]
        self.fields["team"].choices = [("", "Choose a team")] + [
            (str(team.pk), f"{team.name} ({team.agency.name})") for team in teams
        ]
        self.fields["services"].choices = [
            (str(service.pk), f"{service.name} ({service.organization.name})")
            for service in services
        ]

    def decision(self) -> dict:
        """The cleaned answers as request_decide takes them."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "level": self.levels.get(data["level"]),
            "rationale": data["rationale"],
            "team": self.teams.get(data.get("team") or ""),
            "services": [self.service_records[pk] for pk in data.get("services") or ()],
            "no_further_action_reason": data.get("no_further_action_reason") or "",
        }

    # Which field a service refusal belongs to.
    FIELD_OF = {
        decisions.KIND_REQUIRED: "kind",
        decisions.LEVEL_REQUIRED: "level",
        decisions.RATIONALE_REQUIRED: "rationale",
        decisions.TEAM_REQUIRED: "team",
        decisions.SERVICES_REQUIRED: "services",
        decisions.REASON_REQUIRED: "no_further_action_reason",
    }

    def question_fields(self):
        return [self["kind"], self["level"], self["rationale"]]


APPROVE = "approve"
RETURN = "return"
APPROVAL_REQUIRED = "Select whether to approve the decision or return it to the officer"


class ApprovalForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Do you approve this decision?",
        choices=[
            (APPROVE, "Approve it: it takes effect now"),
            (RETURN, "Return it to the officer"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": APPROVAL_REQUIRED, "invalid_choice": APPROVAL_REQUIRED},
    )
    note = forms.CharField(
        label="Note to the officer",
        help_text="Optional if you approve. If you return it, say what to change or check.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


GIVEN_NAMES_REQUIRED = "Enter the child’s first names"
FAMILY_NAME_REQUIRED = "Enter the child’s last name"
CHOICE_REQUIRED = "Select the child’s existing record, or add them as a new family"
NEW_FAMILY = "new"


class LinkFamilyForm(GovukForm):
    """A self-referral's child: who they are, then an existing record or a new family."""

    given_names = forms.CharField(
        label="Child’s first names",
        max_length=200,
        error_messages={"required": GIVEN_NAMES_REQUIRED},
    )
    family_name = forms.CharField(
        label="Child’s last name",
        max_length=200,
        error_messages={"required": FAMILY_NAME_REQUIRED},
    )
    date_of_birth = forms.DateField(
        label="Child’s date of birth",
        help_text="For example, 27 3 2017. Leave it empty if you do not know it yet.",
        required=False,
        input_formats=["%d %m %Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"],
        error_messages={
            "invalid": "Enter the date of birth as day, month and year, like 27 3 2017"
        },
    )
    postcode = forms.CharField(label="Postcode", max_length=8, required=False)
    choice = forms.ChoiceField(
        label="Is the child already known?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": CHOICE_REQUIRED},
    )

    govuk_options = {
        "date_of_birth": {"classes": "govuk-input--width-10"},
        "postcode": {"classes": "govuk-input--width-10", "autocomplete": "postal-code"},
    }

    def __init__(self, data=None, *, candidates=(), initial=None):
        """`candidates`: (person id, what identifies them) for each record the check found."""
        super().__init__(data, initial=initial)
        self.fields["choice"].choices = [
            *candidates,
            (NEW_FAMILY, "None of these: add the child as a new family"),
        ]
