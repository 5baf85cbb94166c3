"""The public search forms: every query parameter validated, with a message saying how to fix it.

Both forms are GET forms so results can be bookmarked; a bad parameter shows the GOV.UK error
summary instead of results, never a 500 and never a silently ignored value.
"""

import datetime
import unicodedata

from django import forms

from familyhelp.core import geo
from familyhelp.core.forms import GovukForm
from familyhelp.directory.selectors.services import (
    DEFAULT_RADIUS_MILES,
    SORT_DISTANCE,
    SORT_RELEVANCE,
    ServiceFilters,
)

MAX_TEXT_LENGTH = 200
MAX_AGE = 25
RADIUS_CHOICES = [(str(n), f"Within {n} mile" + ("" if n == 1 else "s")) for n in (1, 2, 5, 10, 20)]
DAY_CHOICES = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
DELIVERY_CHOICES = [("in_person", "In person"), ("online", "Online"), ("telephone", "By telephone")]
SORT_CHOICES = [(SORT_RELEVANCE, "Relevance"), (SORT_DISTANCE, "Distance")]
WHATS_ON_DEFAULT_DAYS = 14
WHATS_ON_MAX_DAYS = 92

ERROR_TEXT_TOO_LONG = f"Search text must be {MAX_TEXT_LENGTH} characters or fewer"
ERROR_TEXT_CONTROL = "Search text must only include letters, numbers, spaces and punctuation"
ERROR_CATEGORY = "Select a category from the list"
ERROR_SUBCATEGORY = "Select a sub-category from the list"
ERROR_RADIUS = "Select a distance from the list"
ERROR_AGE = "Enter an age in whole years, like 4"
ERROR_AGE_NEGATIVE = "Age must be 0 or more"
ERROR_AGE_TOO_HIGH = f"Age must be {MAX_AGE} or less"
ERROR_DELIVERY = "Select how the service is delivered from the list"
ERROR_DAY = "Select days of the week from the list"
ERROR_LANGUAGE = "Select a language from the list"
ERROR_SORT = "Select how to sort the results from the list"
ERROR_SORT_NEEDS_PLACE = "Enter a postcode or town to sort results by distance"
ERROR_PAGE = "The page number must be a whole number, like 2"
ERROR_PAGE_RANGE = "There is no page {page}. Go to page 1 or search again"
ERROR_DATE = "Enter a real date, like 5/12/2026"
ERROR_DATE_ORDER = "The end date must be the same as or after the start date"
ERROR_DATE_RANGE = "Choose dates no more than 3 months apart"
ERROR_DATE_PAST = "The start date must be today or in the future"

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]


def term_key(term) -> str:
    """The value a category takes in the URL: its slug, or its id when it has none."""
    return term.slug or str(term.id)


def _clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value or "").strip()
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") for c in value if c not in "\t"):
        raise forms.ValidationError(ERROR_TEXT_CONTROL)
    return " ".join(value.split())


def _page(data) -> int | None:
    raw = (data.get("page") or "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or not raw.isascii() or int(raw) < 1 or len(raw) > 6:
        return None
    return int(raw)


class _PlaceForm(GovukForm):
    """The fields both searches share: where, distance, age, category."""

    where = forms.CharField(
        label="Where?",
        help_text="Postcode or town, like WX1 2AB or Ashcombe",
        required=False,
        max_length=100,
        error_messages={
            "max_length": geo.ERROR_NOT_FOUND.format(value="that place"),
            "null_characters_not_allowed": geo.ERROR_FORMAT,
        },
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    radius = forms.ChoiceField(
        label="Distance",
        choices=RADIUS_CHOICES,
        required=False,
        help_text="Applies when you enter a postcode or town",
        error_messages={"invalid_choice": ERROR_RADIUS},
    )
    age = forms.IntegerField(
        label="Age of child or young person",
        help_text="In years, like 4. Leave empty for any age",
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "invalid": ERROR_AGE,
            "min_value": ERROR_AGE_NEGATIVE,
            "max_value": ERROR_AGE_TOO_HIGH,
        },
        widget=forms.NumberInput(),
    )
    category = forms.MultipleChoiceField(
        label="Category",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": ERROR_CATEGORY, "invalid_list": ERROR_CATEGORY},
    )

    govuk_options = {
        "where": {"classes": "govuk-!-width-full"},
        "age": {"classes": "govuk-input--width-3"},
        "radius": {"classes": "govuk-!-width-full"},
    }

    def __init__(self, data=None, *, categories=(), **kwargs):
        super().__init__(data, **kwargs)
        self.categories = list(categories)
        self.fields["category"].choices = [(term_key(t), t.name) for t in self.categories]
        if not self.data.get("radius"):
            self.fields["radius"].initial = str(DEFAULT_RADIUS_MILES)

    def clean_where(self):
        text = self.cleaned_data.get("where", "")
        try:
            text = _clean_text(text)
        except forms.ValidationError:
            raise forms.ValidationError(geo.ERROR_FORMAT) from None
        if not text:
            return None
        try:
            return geo.geocode(text)
        except geo.GeocodeError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_radius(self):
        return float(self.cleaned_data.get("radius") or DEFAULT_RADIUS_MILES)

    def _selected_categories(self):
        chosen = set(self.cleaned_data.get("category") or [])
        return [t for t in self.categories if term_key(t) in chosen]


class ServiceSearchForm(_PlaceForm):
    q = forms.CharField(
        label="What are you looking for?",
        help_text="For example, nursery, speech therapy or parenting",
        required=False,
        max_length=MAX_TEXT_LENGTH,
        error_messages={
            "max_length": ERROR_TEXT_TOO_LONG,
            "null_characters_not_allowed": ERROR_TEXT_CONTROL,
        },
        strip=False,
    )
    subcategory = forms.MultipleChoiceField(
        label="Sub-category",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": ERROR_SUBCATEGORY, "invalid_list": ERROR_SUBCATEGORY},
    )
    free = forms.BooleanField(label="Free only", required=False)
    delivery = forms.MultipleChoiceField(
        label="How it is delivered",
        choices=DELIVERY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": ERROR_DELIVERY, "invalid_list": ERROR_DELIVERY},
    )
    day = forms.MultipleChoiceField(
        label="Open on",
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": ERROR_DAY, "invalid_list": ERROR_DAY},
    )
    language = forms.ChoiceField(
        label="Language",
        required=False,
        error_messages={"invalid_choice": ERROR_LANGUAGE},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=SORT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": ERROR_SORT},
    )

    field_order = ["q", "where"]
    govuk_options = {
        **_PlaceForm.govuk_options,
        "q": {"classes": "govuk-!-width-full", "spellcheck": True},
        "language": {"classes": "govuk-!-width-full"},
        "sort": {"classes": "govuk-radios--small"},
        "category": {"classes": "govuk-checkboxes--small"},
        "subcategory": {"classes": "govuk-checkboxes--small"},
        "delivery": {"classes": "govuk-checkboxes--small"},
        "day": {"classes": "govuk-checkboxes--small"},
        "free": {"classes": "govuk-checkboxes--small"},
    }

    def __init__(self, data=None, *, categories=(), languages=(), **kwargs):
        super().__init__(data, categories=categories, **kwargs)
        self.fields["language"].choices = [("", "Any language"), *languages]
        if not self.data.get("sort"):
            self.fields["sort"].initial = SORT_RELEVANCE
        # Sub-categories of the chosen categories are offered; so is any sub-category in the
        # URL (so it can be unticked). An unknown one offers them all, to choose from.
        chosen = set(self.data.getlist("category") if hasattr(self.data, "getlist") else [])
        asked = set(self.data.getlist("subcategory") if hasattr(self.data, "getlist") else [])
        children = [(p, c) for p in self.categories for c in p.children.all()]
        known = {term_key(c) for _, c in children}
        self.fields["subcategory"].choices = [
            (term_key(child), child.name)
            for parent, child in children
            if term_key(parent) in chosen or term_key(child) in asked or not asked <= known
        ]

    @property
    def shows_subcategories(self) -> bool:
        return bool(self.fields["subcategory"].choices)

    def clean_q(self):
        text = self.cleaned_data.get("q", "")
        return _clean_text(text)

    def clean(self):
        cleaned = super().clean()
        self.page = _page(self.data)
        if self.page is None:
            self.add_error(None, ERROR_PAGE)
        if cleaned.get("sort") == SORT_DISTANCE and "where" in cleaned and not cleaned["where"]:
            self.add_error("where", ERROR_SORT_NEEDS_PLACE)
        return cleaned

    def term_ids(self) -> tuple:
        """The taxonomy terms searched: a chosen category means it and all its sub-categories,
        unless some of its sub-categories are chosen too, which narrows it to those."""
        chosen_subs = set(self.cleaned_data.get("subcategory") or [])
        ids = []
        for parent in self._selected_categories():
            children = list(parent.children.all())
            narrowed = [c.id for c in children if term_key(c) in chosen_subs]
            ids.extend(narrowed or [parent.id, *(c.id for c in children)])
        selected_parents = {t.id for t in self._selected_categories()}
        for parent in self.categories:
            if parent.id in selected_parents:
                continue
            ids.extend(c.id for c in parent.children.all() if term_key(c) in chosen_subs)
        return tuple(ids)

    def filters(self) -> ServiceFilters:
        data = self.cleaned_data
        return ServiceFilters(
            text=data["q"],
            point=data["where"],
            radius=data["radius"],
            term_ids=self.term_ids(),
            age=data["age"],
            free_only=data["free"],
            delivery=tuple(data["delivery"]),
            days=tuple(data["day"]),
            language=data["language"],
            sort=data["sort"] or SORT_RELEVANCE,
        )

    def page_out_of_range(self, page: int):
        self.add_error(None, ERROR_PAGE_RANGE.format(page=page))


class WhatsOnForm(_PlaceForm):
    date_from = forms.DateField(
        label="From",
        help_text="For example, 5/12/2026",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": ERROR_DATE},
    )
    date_to = forms.DateField(
        label="To",
        help_text="For example, 19/12/2026",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": ERROR_DATE},
    )

    field_order = ["date_from", "date_to", "category", "age", "where", "radius"]
    govuk_options = {
        **_PlaceForm.govuk_options,
        "date_from": {"classes": "govuk-input--width-10"},
        "date_to": {"classes": "govuk-input--width-10"},
        "category": {"classes": "govuk-checkboxes--small"},
    }

    def __init__(self, data=None, *, categories=(), today=None, **kwargs):
        super().__init__(data, categories=categories, **kwargs)
        self.today = today or datetime.date.today()

    def clean(self):
        cleaned = super().clean()
        self.page = _page(self.data)
        if self.page is None:
            self.add_error(None, ERROR_PAGE)
        if "date_from" in cleaned and "date_to" in cleaned:
            start = cleaned["date_from"] or self.today
            end = cleaned["date_to"] or start + datetime.timedelta(days=WHATS_ON_DEFAULT_DAYS - 1)
            if start < self.today:
                self.add_error("date_from", ERROR_DATE_PAST)
            elif end < start:
                self.add_error("date_to", ERROR_DATE_ORDER)
            elif (end - start).days >= WHATS_ON_MAX_DAYS:
                self.add_error("date_to", ERROR_DATE_RANGE)
            cleaned["date_from"], cleaned["date_to"] = start, end
        return cleaned

    def term_ids(self) -> tuple:
        ids = []
        for parent in self._selected_categories():
            ids.extend([parent.id, *(c.id for c in parent.children.all())])
        return tuple(ids)

    def page_out_of_range(self, page: int):
        self.add_error(None, ERROR_PAGE_RANGE.format(page=page))
