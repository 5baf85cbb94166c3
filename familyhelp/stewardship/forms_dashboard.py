"""The dashboard's filters and its download choice (docs/dashboard.md): a GET form, checked."""

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.stewardship.selectors_dashboard import NO_TOWN, NO_VENUE, DashboardFilters

CATEGORY_INVALID = "Select a category from the list"
AREA_INVALID = "Select an area from the list"
ORGANISATION_TOO_LONG = "Enter 100 characters or fewer of the organisation’s name"
ORGANISATION_UNKNOWN = "No organisation’s name contains “{text}”. Check the spelling"
TABLE_INVALID = "Choose which numbers to download: {choices}"

ORGANISATION_MAX_LENGTH = 100

TABLES = {
    "summary": "The whole dashboard",
    "categories": "By category",
    "areas": "By area",
    "reminders": "Reminders",
}


class DashboardFilterForm(GovukForm):
    category = forms.ChoiceField(
        label="Category",
        required=False,
        error_messages={"invalid_choice": CATEGORY_INVALID},
    )
    area = forms.ChoiceField(
        label="Area",
        help_text="The town of the service’s venue",
        required=False,
        error_messages={"invalid_choice": AREA_INVALID},
    )
    organisation = forms.CharField(
        label="Organisation",
        help_text="All or part of the organisation’s name",
        required=False,
        max_length=ORGANISATION_MAX_LENGTH,
        error_messages={"max_length": ORGANISATION_TOO_LONG},
    )

    govuk_options = {"organisation": {"spellcheck": False}}

    def __init__(self, data=None, *, categories, areas):
        super().__init__(data)
        self.terms = {str(term.pk): term for term in categories}
        category_items = [("", "All categories")]
        for term in categories:
            if term.parent_id is None:
                category_items.append((str(term.pk), f"{term.name} (all)"))
            else:
                category_items.append((str(term.pk), f"{term.parent.name}: {term.name}"))
        self.fields["category"].choices = category_items
        self.fields["area"].choices = [
            ("", "All areas"),
            *((town, town) for town in areas),
            (NO_VENUE, "No venue (online or phone)"),
            (NO_TOWN, "Venue with no town"),
        ]

    def organisation_unknown(self):
        text = self.cleaned_data["organisation"]
        self.add_error("organisation", ORGANISATION_UNKNOWN.format(text=text))

    def filters(self) -> DashboardFilters:
        data = self.cleaned_data
        return DashboardFilters(
            category=self.terms.get(data.get("category") or ""),
            area=data.get("area") or "",
            organisation=data.get("organisation") or "",
        )

    def chosen(self) -> list[tuple[str, str]]:
        """(filter, what was chosen) for each filter in use, to say what the figures are of."""
        found = []
        labels = dict(self.fields["category"].choices)
        if self.cleaned_data.get("category"):
            found.append(("Category", labels[self.cleaned_data["category"]]))
        if self.cleaned_data.get("area"):
            found.append(("Area", dict(self.fields["area"].choices)[self.cleaned_data["area"]]))
        if self.cleaned_data.get("organisation"):
            found.append(("Organisation", f"name contains “{self.cleaned_data['organisation']}”"))
        return found


class DownloadForm(forms.Form):
    table = forms.ChoiceField(
        choices=list(TABLES.items()),
        error_messages={
            "required": TABLE_INVALID.format(choices=", ".join(TABLES)),
            "invalid_choice": TABLE_INVALID.format(choices=", ".join(TABLES)),
        },
    )
