"""The forms behind the moderation pages (docs/moderation.md): what the administrator chose.

Whether a message is needed, and how long it may be, is decided by the services
(familyhelp/stewardship/services/moderation.py); these forms carry the fields, and the revision
or version number the page was showing, so a decision from an out-of-date page changes nothing.
"""

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.stewardship.services.moderation import MESSAGE_MAX_LENGTH, MESSAGE_TOO_LONG

APPROVE = "approve"
REQUEST_CHANGES = "request_changes"
REJECT = "reject"
DECISION_REQUIRED = "Select whether to approve the change, ask for changes or reject it"
TRUST_REQUIRED = "Select yes if this organisation’s changes should be published without approval"
PAGE_OUT_OF_DATE = "This page was out of date. Check the change again, then decide"


class _CarriesPageState(GovukForm):
    """A hidden number from the page that is missing or garbled is a page problem, shown at the
    top of the error summary rather than against a field nobody can see."""

    hidden_state = ""

    def clean(self):
        if self.hidden_state in self.errors:
            del self.errors[self.hidden_state]
            self.add_error(None, PAGE_OUT_OF_DATE)
        return super().clean()


class DecisionForm(_CarriesPageState):
    hidden_state = "revision"
    decision = forms.ChoiceField(
        label="What do you want to do with this change?",
        choices=[
            (APPROVE, "Approve and publish it"),
            (REQUEST_CHANGES, "Ask the editor for changes"),
            (REJECT, "Reject it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": DECISION_REQUIRED, "invalid_choice": DECISION_REQUIRED},
    )
    message = forms.CharField(
        label="Message to the organisation’s editors",
        help_text=(
            "Optional if you approve. If you ask for changes or reject it, say what to change or "
            "why, so the editors know what to do."
        ),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": MESSAGE_TOO_LONG},
    )
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": PAGE_OUT_OF_DATE, "invalid": PAGE_OUT_OF_DATE},
    )

    def question_fields(self):
        return [self["decision"], self["message"]]


class RestoreForm(_CarriesPageState):
    """Restoring carries the latest version number the confirmation page showed."""

    hidden_state = "latest"

    latest = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": PAGE_OUT_OF_DATE, "invalid": PAGE_OUT_OF_DATE},
    )


class TrustForm(GovukForm):
    trusted = forms.ChoiceField(
        label="Publish this organisation’s changes without approval?",
        help_text=(
            "If you select yes, changes its editors send are published at once, without "
            "waiting in the approval queue. Every version is still kept and can be restored."
        ),
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": TRUST_REQUIRED, "invalid_choice": TRUST_REQUIRED},
    )

    govuk_options = {"trusted": {"classes": "govuk-radios--inline"}}
