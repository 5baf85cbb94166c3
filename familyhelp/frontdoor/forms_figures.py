"""The figures page's period (from and to dates, the last 12 weeks by default) and its download
choice: GET forms, checked (docs/front-door-figures.md)."""

import datetime

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.frontdoor.selectors_figures import Period

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
DEFAULT_WEEKS = 12
MAX_DAYS = 731  # two years

DATE_INVALID = "Enter a real date, like 3/11/2026"
START_IN_FUTURE = "The start date must be today or in the past"
END_BEFORE_START = "The end date must be the same as or after the start date"
TOO_LONG = "Choose a period of 2 years or less"
TABLE_INVALID = "Choose which numbers to download: {choices}"

TABLES = {
    "summary": "The headline figures",
    "weeks": "Requests by week",
    "sources": "Requests by source",
    "decisions": "Decisions by type",
    "ages": "Open requests by age",
}


def default_period(today: datetime.date) -> Period:
    """The last 12 weeks, today included."""
    return Period(
        today - datetime.timedelta(weeks=DEFAULT_WEEKS) + datetime.timedelta(days=1), today
    )


class PeriodForm(GovukForm):
    start = forms.DateField(
        label="From",
        help_text="For example, 3/11/2026",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": DATE_INVALID},
    )
    end = forms.DateField(
        label="To",
        help_text="For example, 26/1/2027",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": DATE_INVALID},
    )

    govuk_options = {
        "start": {"classes": "govuk-input--width-10"},
        "end": {"classes": "govuk-input--width-10"},
    }

    def __init__(self, data=None, *, today: datetime.date):
        super().__init__(data)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        if "start" not in cleaned or "end" not in cleaned:
            return cleaned
        default = default_period(self.today)
        end = cleaned["end"] or self.today
        start = cleaned["start"] or (
            default.start if cleaned["end"] is None else end - (default.end - default.start)
        )
        if start > self.today:
            self.add_error("start", START_IN_FUTURE)
        elif end < start:
            self.add_error("end", END_BEFORE_START)
        elif (end - start).days >= MAX_DAYS:
            self.add_error("start", TOO_LONG)
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])


class DownloadForm(forms.Form):
    table = forms.ChoiceField(
        choices=list(TABLES.items()),
        error_messages={
            "required": TABLE_INVALID.format(choices=", ".join(TABLES)),
            "invalid_choice": TABLE_INVALID.format(choices=", ".join(TABLES)),
        },
    )
