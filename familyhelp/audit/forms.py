"""The audit log's search form: GET, every filter optional, each checked with a clear message.

Dates use the GOV.UK date input (core.forms.GovukDateField).
"""

import uuid

from django import forms
from django.contrib.auth import get_user_model

from familyhelp.audit.models import AuditEvent
from familyhelp.audit.selectors import AuditFilters, Cursor
from familyhelp.core.forms import DATE_PARTS, GovukDateField, GovukForm

ERROR_PERSON = "Enter the email address or ID of a person who uses Family Help"
ERROR_PERSON_UNKNOWN = "There is no one with that email address or ID"
ERROR_RECORD_ID_WITHOUT_TYPE = "Enter the record type as well as the record ID"
ERROR_ACTION = "Select an action from the list"
ERROR_DATE_ORDER = "The date to must be the same as or after the date from"
ERROR_PAGE_LINK = "That page link is not valid. Search again"
ERROR_TOO_LONG = "{label} must be {limit} characters or fewer"

TEXT_LIMIT = 100


def _action_choices():
    return [("", "Any action"), *AuditEvent.Action.choices]


class AuditSearchForm(GovukForm):
    person = forms.CharField(
        label="Person",
        help_text="Their email address or ID",
        required=False,
        max_length=254,
        error_messages={"max_length": ERROR_PERSON},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    record_type = forms.CharField(
        label="Record type",
        help_text="For example, families.family or directory.service",
        required=False,
        max_length=TEXT_LIMIT,
        error_messages={"max_length": ERROR_TOO_LONG.format(label="Record type", limit=TEXT_LIMIT)},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    record_id = forms.CharField(
        label="Record ID",
        required=False,
        max_length=64,
        error_messages={"max_length": ERROR_TOO_LONG.format(label="Record ID", limit=64)},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    family_id = forms.CharField(
        label="Family ID",
        required=False,
        max_length=64,
        error_messages={"max_length": ERROR_TOO_LONG.format(label="Family ID", limit=64)},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=_action_choices,
        error_messages={"invalid_choice": ERROR_ACTION},
    )
    date_from = GovukDateField(
        label="Date from", help_text="For example, 27 3 2026", required=False
    )
    date_to = GovukDateField(label="Date to", help_text="For example, 27 4 2026", required=False)

    def clean_person(self):
        text = self.cleaned_data["person"].strip()
        if not text:
            return None
        people = get_user_model().objects
        try:
            person_id = uuid.UUID(text)
        except ValueError:
            if "@" not in text:
                raise forms.ValidationError(ERROR_PERSON) from None
            person = people.filter(email__iexact=text).first()
        else:
            person = people.filter(pk=person_id).first()
        if person is None:
            raise forms.ValidationError(ERROR_PERSON_UNKNOWN, code="unknown_person")
        return person

    def clean(self):
        data = super().clean()
        if (
            data.get("record_id")
            and not data.get("record_type")
            and "record_type" not in self.errors
        ):
            self.add_error("record_type", ERROR_RECORD_ID_WITHOUT_TYPE)
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", ERROR_DATE_ORDER)
        for name in ("older", "newer"):
            text = self.data.get(name)
            if text and Cursor.parse(text) is None:
                raise forms.ValidationError(ERROR_PAGE_LINK)
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            person=data["person"],
            record_type=data["record_type"].strip(),
            record_id=data["record_id"].strip(),
            family_id=data["family_id"].strip(),
            action=data["action"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )

    def cursors(self) -> tuple[Cursor | None, Cursor | None]:
        """(older_than, newer_than) from the page links' `older` and `newer` parameters."""
        return Cursor.parse(self.data.get("older", "")), Cursor.parse(self.data.get("newer", ""))

    def is_filtered(self) -> bool:
        return any(
            self.data.get(name)
            for name in ("person", "record_type", "record_id", "family_id", "action")
        ) or any(self.data.get(f"{d}-{p}") for d in ("date_from", "date_to") for p in DATE_PARTS)
