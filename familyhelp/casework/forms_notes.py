"""The forms behind case notes, the chronology's filters and document uploads.

The services make the checks that matter (casework/services/notes.py, documents.py); these forms
read what was typed, say how to fix what cannot be read, and show a service's refusal beside the
field it names.
"""

import datetime
import re

from django import forms
from django.utils import timezone

from familyhelp.casework.models import CaseNote, ChronologyEntry
from familyhelp.casework.services import documents as document_services
from familyhelp.casework.services import notes as note_services
from familyhelp.core.forms import GovukDateField, GovukForm

TIME_REQUIRED = "Enter the time, like 14:30 or 2:30pm"
TIME_REAL = "Enter a real time, like 14:30 or 2:30pm"
DATE_ORDER = "The date to must be the same as or after the date from"
TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


class ServiceErrorsMixin:
    """Show a service's refusal beside the fields it names (or at the top when it names none)."""

    # A service's name for a field, where the form names it differently.
    service_fields: dict[str, str] = {}

    def add_service_errors(self, error) -> None:
        for name, messages in error.errors.items():
            name = self.service_fields.get(name, name)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        if not error.errors:
            self.add_error(None, error.message)


def parse_time(text: str) -> datetime.time:
    match = TIME_PATTERN.match(" ".join((text or "").split()))
    if not match:
        raise forms.ValidationError(TIME_REAL)
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise forms.ValidationError(TIME_REAL)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise forms.ValidationError(TIME_REAL)
    return datetime.time(hour, minute)


class TimeField(forms.CharField):
    def clean(self, value):
        text = super().clean(value)
        return None if not text else parse_time(text)


class CaseNoteForm(ServiceErrorsMixin, GovukForm):
    """A case note or contact. The form's token (made when it is shown) travels separately."""

    service_fields = {"happened_at": "happened_on"}
    govuk_options = {
        "happened_time": {"classes": "govuk-input--width-5"},
        "text": {"rows": 8},
    }

    kind = forms.ChoiceField(
        label="Type of note",
        choices=CaseNote.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": note_services.KIND_REQUIRED},
    )
    happened_on = GovukDateField(
        label="Date",
        help_text="For example, 27 3 2026",
        error_messages={"required": note_services.HAPPENED_AT_REQUIRED},
    )
    happened_time = TimeField(
        label="Time",
        help_text="For example, 14:30 or 2:30pm",
        max_length=10,
        error_messages={"required": TIME_REQUIRED},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    people_seen = forms.MultipleChoiceField(
        label="Who was seen or spoken to",
        help_text="Select everyone in the family who was there. Leave empty if nobody was.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    child_seen_alone = forms.BooleanField(label="A child was seen alone", required=False)
    text = forms.CharField(
        label="Note",
        help_text="What happened, what was said, and what happens next.",
        widget=forms.Textarea,
        error_messages={"required": note_services.TEXT_REQUIRED},
    )
    significant = forms.BooleanField(
        label="This is a significant event (it will show in the family’s chronology)",
        required=False,
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people_seen"].choices = [
            (str(person.pk), person.full_name) for person in people
        ]
        self.fields["people_seen"].error_messages["invalid_choice"] = note_services.NOT_IN_FAMILY

    def happened_at(self) -> datetime.datetime | None:
        day, time = self.cleaned_data.get("happened_on"), self.cleaned_data.get("happened_time")
        if day is None or time is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, time))


class ChronologyFilterForm(GovukForm):
    """The chronology's filters (GET): every one optional."""

    kind = forms.MultipleChoiceField(
        label="Type of event",
        choices=ChronologyEntry.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select types of event from the list"},
    )
    date_from = GovukDateField(label="Date from", help_text="For example, 1 4 2024", required=False)
    date_to = GovukDateField(label="Date to", help_text="For example, 31 3 2025", required=False)
    significant_only = forms.BooleanField(label="Significant events only", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATE_ORDER)
        return data


class DocumentForm(ServiceErrorsMixin, GovukForm):
    title = forms.CharField(
        label="Title",
        help_text="What the document is, like “School attendance letter”.",
        max_length=200,
        error_messages={
            "required": document_services.TITLE_REQUIRED,
            "max_length": document_services.TITLE_TOO_LONG,
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    file = forms.FileField(
        label="File",
        required=False,  # the service says what is missing, in the same words as every check
        allow_empty_file=True,
    )


def file_upload_params(field: forms.BoundField, *, hint: str) -> dict:
    """Parameters for govukFileUpload (core's form layer has no file input)."""
    params = {
        "id": field.auto_id,
        "name": field.html_name,
        "label": {"text": str(field.label), "classes": "govuk-label--s"},
        "hint": {"text": hint},
        "attributes": {"accept": document_services.ACCEPT},
    }
    if field.errors:
        params["errorMessage"] = {"text": " ".join(str(e) for e in field.errors)}
    return params
