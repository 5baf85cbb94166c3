"""The forms for one entry of a list in a listing: a venue, a session or opening time, a cost,
a named contact; and choosing a venue the organisation already uses."""

import datetime
import re
from decimal import Decimal

from django import forms

from familyhelp.core import geo
from familyhelp.core.forms import GovukForm
from familyhelp.stewardship.forms_editing import (
    ADDRESS_REQUIRED,
    AMOUNT_INVALID,
    CONTACT_NAME_REQUIRED,
    COST_FOR_REQUIRED,
    DATE_END_WITHOUT_START,
    DATE_INVALID,
    DATE_REQUIRED_PART,
    DATES_ORDER,
    DAY_CHOICES,
    DAYS_OR_DATE_REQUIRED,
    EMAIL_INVALID,
    POSTCODE_INVALID,
    POSTCODE_REQUIRED,
    TIME_INVALID,
    TIME_PATTERN,
    TIMES_ORDER,
    TOWN_REQUIRED,
    VENUE_CHOICE_REQUIRED,
    VENUE_NAME_REQUIRED,
    check_phone,
    clean_text,
    phone_field,
)
from familyhelp.stewardship.listing import location_line, new_id


class EntryForm(GovukForm):
    @classmethod
    def initial_from(cls, entry: dict) -> dict:
        return {name: entry.get(name) for name in cls.base_fields}

    def entry(self, existing: dict | None) -> dict:
        """The entry as the document keeps it (a new id for a new entry)."""
        entry = dict(existing or {"id": new_id()})
        entry.update(self.entry_fields())
        return entry

    def entry_fields(self) -> dict:
        return {name: clean_text(value) for name, value in self.cleaned_data.items()}


class VenueForm(EntryForm):
    name = forms.CharField(
        label="Name of the venue",
        help_text="For example, “Brookfield Children’s Centre”.",
        max_length=255,
        error_messages={"required": VENUE_NAME_REQUIRED},
    )
    address_1 = forms.CharField(
        label="Address line 1",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={"required": ADDRESS_REQUIRED},
    )
    address_2 = forms.CharField(
        label="Address line 2 (optional)",
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="Town or city",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"required": TOWN_REQUIRED},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        error_messages={"required": POSTCODE_REQUIRED, "max_length": POSTCODE_INVALID},
    )
    is_confidential = forms.BooleanField(
        label="The address is confidential: do not show it on the public page",
        required=False,
    )
    govuk_options = {
        "city": {"classes": "govuk-!-width-two-thirds"},
        "postcode": {"classes": "govuk-input--width-10"},
    }

    def clean_postcode(self):
        postcode = geo.normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None or " " not in postcode:
            raise forms.ValidationError(POSTCODE_INVALID)
        return postcode

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": clean_text(data["name"]),
            "address_1": clean_text(data["address_1"]),
            "address_2": clean_text(data["address_2"]),
            "city": clean_text(data["city"]),
            "postcode": data["postcode"],
            "is_confidential": bool(data["is_confidential"]),
        }


class ChooseVenueForm(GovukForm):
    venue = forms.ChoiceField(
        label="Add a venue your organisation already uses",
        widget=forms.RadioSelect,
        error_messages={"required": VENUE_CHOICE_REQUIRED, "invalid_choice": VENUE_CHOICE_REQUIRED},
    )

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.venues = {entry["id"]: entry for entry in venues}
        self.fields["venue"].choices = [
            (entry["id"], location_line(entry)) for entry in self.venues.values()
        ]

    def chosen(self) -> dict:
        return self.venues[self.cleaned_data["venue"]]


class DateParts(forms.MultiWidget):
    """Day, month and year inputs (GOV.UK date input), named `<name>_day` and so on."""

    def __init__(self):
        super().__init__(
            {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A GOV.UK date input: every missing part and impossible date gets its own message."""

    widget = DateParts

    def __init__(self, *, label, **kwargs):
        self.name_in_messages = label.replace(" (optional)", "")
        parts = [forms.CharField(required=False) for _ in range(3)]
        super().__init__(fields=parts, label=label, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        day, month, year = (clean_text(part) for part in (data_list or ["", "", ""]))
        if not (day or month or year):
            return None
        for part, value in (("day", day), ("month", month), ("year", year)):
            if not value:
                raise forms.ValidationError(
                    DATE_REQUIRED_PART.format(label=self.name_in_messages, part=part)
                )
        try:
            year_number = int(year)
            if len(year) != 4:
                raise ValueError
            return datetime.date(year_number, int(month), int(day))
        except ValueError:
            raise forms.ValidationError(DATE_INVALID.format(label=self.name_in_messages)) from None

    def clean(self, value):
        # Every part is optional on its own: compress decides what is missing.
        return self.compress(value)


def _time_field(label):
    return forms.CharField(label=label, required=False, max_length=5)


class ScheduleForm(EntryForm):
    """Opening times (the days and hours it runs every week) or a session (from a start date:
    weekly on the days chosen, or once)."""

    days = forms.MultipleChoiceField(
        label="Which days does it run? (optional for a one-off session)",
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = _time_field("Opens at (optional)")
    closes_at = _time_field("Closes at (optional)")
    dtstart = DateField(label="Start date (optional)", required=False)
    until = DateField(label="End date (optional)", required=False)
    location_id = forms.ChoiceField(label="Venue (optional)", required=False)
    description = forms.CharField(
        label="Anything else about these times? (optional)",
        help_text="For example, “Term time only”.",
        required=False,
        max_length=255,
    )
    govuk_options = {
        "opens_at": {
            "classes": "govuk-input--width-5",
            "hint": {"text": "Use the 24-hour clock, like 09:30"},
        },
        "closes_at": {
            "classes": "govuk-input--width-5",
            "hint": {"text": "Use the 24-hour clock, like 17:00"},
        },
        "days": {"classes": "govuk-checkboxes--small"},
    }
    date_hints = {
        "dtstart": "Only for sessions or events that start on a date. For example, 27 3 2027.",
        "until": "Leave empty if it carries on. For example, 17 7 2027.",
    }

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location_id"].choices = [("", "No particular venue")] + [
            (entry["id"], entry.get("name") or entry.get("address_1") or "Venue")
            for entry in venues
        ]

    @classmethod
    def initial_from(cls, entry: dict) -> dict:
        def date(value):
            return datetime.date.fromisoformat(value) if value else None

        return {
            "days": [code for code in (entry.get("byday") or "").split(",") if code],
            "opens_at": entry.get("opens_at") or "",
            "closes_at": entry.get("closes_at") or "",
            "dtstart": date(entry.get("dtstart")),
            "until": date(entry.get("until")),
            "location_id": entry.get("location_id") or "",
            "description": entry.get("description", ""),
        }

    def _clean_time(self, name, label):
        value = clean_text(self.cleaned_data.get(name))
        if not value:
            return None
        match = TIME_PATTERN.match(value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise forms.ValidationError(TIME_INVALID.format(label=label))
        return datetime.time(int(match.group(1)), int(match.group(2)))

    def clean_opens_at(self):
        return self._clean_time("opens_at", "the opening time")

    def clean_closes_at(self):
        return self._clean_time("closes_at", "the closing time")

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", TIMES_ORDER)
        start, end = data.get("dtstart"), data.get("until")
        if end and not start and "dtstart" not in self.errors and "until" not in self.errors:
            self.add_error("dtstart", DATE_END_WITHOUT_START)
        if start and end and end <= start:
            self.add_error("until", DATES_ORDER)
        if (
            not data.get("days")
            and not start
            and "dtstart" not in self.errors
            and "days" not in self.errors
        ):
            self.add_error("days", DAYS_OR_DATE_REQUIRED)
        return data

    def date_params(self, name: str) -> dict:
        """The govukDateInput parameters for one of the date fields."""
        field = self[name]
        values = field.value() or [None, None, None]
        if isinstance(values, datetime.date):
            values = field.field.widget.decompress(values)
        error = " ".join(str(e) for e in field.errors)
        classes = " govuk-input--error" if error else ""
        labels = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
        items = []
        for index, (part, text, width) in enumerate(labels):
            items.append(
                {
                    "id": field.auto_id if index == 0 else f"{field.auto_id}_{part}",
                    "name": f"{field.html_name}_{part}",
                    "label": text,
                    "value": values[index] or "",
                    "classes": f"govuk-input--width-{width}{classes}",
                    "inputmode": "numeric",
                }
            )
        params = {
            "id": f"{field.auto_id}-group",
            "fieldset": {
                "legend": {"text": str(field.label), "classes": "govuk-fieldset__legend--s"}
            },
            "hint": {"text": self.date_hints[name]},
            "items": items,
        }
        if error:
            params["errorMessage"] = {"text": error}
        return params

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        start = data.get("dtstart")
        days = [code for code, _ in DAY_CHOICES if code in set(data.get("days") or [])]
        return {
            "location_id": data.get("location_id") or None,
            "dtstart": start.isoformat() if start else None,
            "freq": "WEEKLY" if days else "",
            "byday": ",".join(days),
            "opens_at": data["opens_at"].strftime("%H:%M") if data.get("opens_at") else None,
            "closes_at": data["closes_at"].strftime("%H:%M") if data.get("closes_at") else None,
            "until": data["until"].isoformat() if data.get("until") else None,
            "count": None,
            "description": clean_text(data.get("description")),
        }


class CostForm(EntryForm):
    amount = forms.CharField(
        label="Amount (optional)",
        help_text="Leave empty if it is free.",
        required=False,
        max_length=12,
    )
    option = forms.CharField(
        label="What is it for?",
        help_text="For example, “Per session”, “Per term” or “Everyone”.",
        max_length=255,
        error_messages={"required": COST_FOR_REQUIRED},
    )
    amount_description = forms.CharField(
        label="Anything else about this cost? (optional)",
        help_text="For example, “Siblings half price”.",
        required=False,
        max_length=255,
    )
    govuk_options = {"amount": {"classes": "govuk-input--width-5", "prefix": {"text": "£"}}}

    def clean_amount(self):
        value = clean_text(self.cleaned_data["amount"]).lstrip("£").replace(",", "")
        if not value:
            return None
        if not re.fullmatch(r"\d{1,7}(\.\d{1,2})?", value):
            raise forms.ValidationError(AMOUNT_INVALID)
        return f"{Decimal(value):.2f}"

    @classmethod
    def initial_from(cls, entry: dict) -> dict:
        return {
            "amount": entry.get("amount") or "",
            "option": entry.get("option", ""),
            "amount_description": entry.get("amount_description", ""),
        }

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "amount": data["amount"],
            "option": clean_text(data["option"]),
            "amount_description": clean_text(data["amount_description"]),
        }


class NamedContactForm(EntryForm):
    name = forms.CharField(
        label="Name", max_length=255, error_messages={"required": CONTACT_NAME_REQUIRED}
    )
    title = forms.CharField(
        label="Job title (optional)",
        required=False,
        max_length=255,
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={"invalid": EMAIL_INVALID},
    )
    phone = phone_field("Phone number (optional)")
    govuk_options = {"phone": {"classes": "govuk-input--width-20", "type": "tel"}}

    def clean_phone(self):
        return check_phone(self.cleaned_data["phone"])
