"""The question pages' forms: each reads its answers from a listing document and turns what
the editor typed into updates of that document."""

from django import forms

from familyhelp.core.forms import GovukForm
from familyhelp.stewardship.forms_editing import (
    AGE_INVALID,
    AGE_RANGE,
    AGES_ORDER,
    CATEGORIES_REQUIRED,
    DECLARATION_REQUIRED,
    DELIVERY_CHOICES,
    DELIVERY_REQUIRED,
    DESCRIPTION_REQUIRED,
    EMAIL_INVALID,
    LANGUAGE_TOO_LONG,
    NAME_REQUIRED,
    NAME_TOO_LONG,
    STATUS_CHOICES,
    STATUS_REQUIRED,
    URL_INVALID,
    check_phone,
    clean_text,
    phone_field,
)
from familyhelp.stewardship.listing import new_id


class QuestionForm(GovukForm):
    """A question page's form: answers read from the document, saved back as updates."""

    # The document fields this question answers (what a colleague's save is compared on).
    fields_answered: tuple[str, ...] = ()

    @classmethod
    def initial_from(cls, document: dict) -> dict:
        return {name: document.get(name) for name in cls.fields_answered}

    def updates(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields_answered}


class NameForm(QuestionForm):
    fields_answered = ("name", "description")
    name = forms.CharField(
        label="Name of the service",
        max_length=255,
        error_messages={"required": NAME_REQUIRED, "max_length": NAME_TOO_LONG},
    )
    description = forms.CharField(
        label="Description",
        help_text="What the service does and what families can expect. Write it as plain text.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": DESCRIPTION_REQUIRED},
    )

    def updates(self) -> dict:
        return {name: clean_text(self.cleaned_data[name]) for name in self.fields_answered}


class StatusForm(QuestionForm):
    fields_answered = ("status",)
    label_as_page_heading = ("status",)
    status = forms.ChoiceField(
        label="Is the service running?",
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": STATUS_REQUIRED, "invalid_choice": STATUS_REQUIRED},
    )


class CategoriesForm(QuestionForm):
    """Categories, as checkboxes grouped under the DfE's top-level categories (the template
    draws one fieldset per group; `groups` is what it draws)."""

    fields_answered = ("categories",)
    categories = forms.MultipleChoiceField(
        label="Categories",
        error_messages={"required": CATEGORIES_REQUIRED, "invalid_choice": CATEGORIES_REQUIRED},
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        self.fields["categories"].choices = [
            (str(term.pk), term.name) for group in self.groups for term in group.children.all()
        ]

    def group_params(self) -> list[dict]:
        """The govukCheckboxes parameters of each group, the first carrying the field's id."""
        field = self["categories"]
        selected = {str(value) for value in (field.value() or [])}
        params = []
        for index, group in enumerate(self.groups):
            items = [
                {"value": str(term.pk), "text": term.name, "checked": str(term.pk) in selected}
                for term in group.children.all()
            ]
            params.append(
                {
                    "idPrefix": field.auto_id if index == 0 else f"{field.auto_id}-{index}",
                    "name": field.html_name,
                    "fieldset": {
                        "legend": {"text": group.name, "classes": "govuk-fieldset__legend--s"}
                    },
                    "items": items,
                    "classes": "govuk-checkboxes--small",
                }
            )
        return params

    def updates(self) -> dict:
        return {"categories": sorted(self.cleaned_data["categories"])}


def _age(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.NumberInput,
        error_messages={
            "invalid": AGE_INVALID.format(label=label),
            "min_value": AGE_RANGE.format(label=label),
            "max_value": AGE_RANGE.format(label=label),
        },
    )


class WhoForm(QuestionForm):
    fields_answered = ("minimum_age", "maximum_age", "eligibility_description")
    minimum_age = _age("Youngest age (optional)")
    maximum_age = _age("Oldest age (optional)")
    eligibility_description = forms.CharField(
        label="Who it is for (optional)",
        help_text="For example, “Parents and carers of children under 5 living in Wessex Vale”.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    govuk_options = {
        "minimum_age": {"classes": "govuk-input--width-3", "suffix": {"text": "years"}},
        "maximum_age": {"classes": "govuk-input--width-3", "suffix": {"text": "years"}},
    }

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_age", AGES_ORDER)
        return data

    def updates(self) -> dict:
        data = self.cleaned_data
        return {
            "minimum_age": data["minimum_age"],
            "maximum_age": data["maximum_age"],
            "eligibility_description": clean_text(data["eligibility_description"]),
        }


class DeliveryForm(QuestionForm):
    fields_answered = (
        "delivered_in_person",
        "delivered_online",
        "delivered_by_telephone",
        "application_process",
    )
    delivery = forms.MultipleChoiceField(
        label="How is the service delivered?",
        help_text="Select all that apply.",
        choices=DELIVERY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": DELIVERY_REQUIRED, "invalid_choice": DELIVERY_REQUIRED},
    )
    application_process = forms.CharField(
        label="How do people use the service? (optional)",
        help_text="For example, “Just turn up” or “Ask your health visitor to refer you”.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @classmethod
    def initial_from(cls, document: dict) -> dict:
        return {
            "delivery": [way for way, _ in DELIVERY_CHOICES if document.get(way)],
            "application_process": document.get("application_process", ""),
        }

    def updates(self) -> dict:
        chosen = set(self.cleaned_data["delivery"])
        updates = {way: way in chosen for way, _ in DELIVERY_CHOICES}
        updates["application_process"] = clean_text(self.cleaned_data["application_process"])
        return updates


class FeesForm(QuestionForm):
    fields_answered = ("fees_description",)
    label_as_page_heading = ("fees_description",)
    fees_description = forms.CharField(
        label="Anything else people should know about costs? (optional)",
        help_text="For example, “Free for families on Universal Credit”.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def updates(self) -> dict:
        return {"fees_description": clean_text(self.cleaned_data["fees_description"])}


class LanguagesForm(QuestionForm):
    fields_answered = ("languages",)
    label_as_page_heading = ("languages",)
    languages = forms.CharField(
        label="Which languages is the service offered in?",
        help_text="Separate languages with commas, like “English, Polish, British Sign Language”.",
        required=False,
    )

    def __init__(self, *args, existing=(), known=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Keep the ids of languages already listed; give the ISO code of languages we know.
        self.existing = {entry.get("name", "").casefold(): entry for entry in existing}
        self.known = {name.casefold(): code for code, name in known}

    @classmethod
    def initial_from(cls, document: dict) -> dict:
        return {"languages": ", ".join(entry.get("name", "") for entry in document["languages"])}

    def clean_languages(self):
        names = []
        for part in (self.cleaned_data["languages"] or "").split(","):
            name = part.strip()
            if name and name.casefold() not in {n.casefold() for n in names}:
                if len(name) > 100:
                    raise forms.ValidationError(LANGUAGE_TOO_LONG)
                names.append(name)
        return names

    def updates(self) -> dict:
        languages = []
        for name in self.cleaned_data["languages"]:
            entry = self.existing.get(name.casefold())
            if entry is not None:
                languages.append({**entry, "name": name})
            else:
                code = self.known.get(name.casefold(), "")
                languages.append({"id": new_id(), "name": name, "code": code})
        return {"languages": languages}


class ContactForm(QuestionForm):
    fields_answered = ("phone", "email", "url")
    phone = phone_field("Phone number (optional)")
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={"invalid": EMAIL_INVALID},
    )
    url = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": URL_INVALID, "max_length": URL_INVALID},
    )
    govuk_options = {
        "phone": {"classes": "govuk-input--width-20", "type": "tel"},
        "email": {"spellcheck": False},
        "url": {"spellcheck": False},
    }

    def clean_phone(self):
        return check_phone(self.cleaned_data["phone"])

    def updates(self) -> dict:
        return {name: clean_text(self.cleaned_data[name]) for name in self.fields_answered}


class DeclarationForm(GovukForm):
    confirm = forms.BooleanField(
        label="I confirm that this listing is correct and that families may be shown it",
        error_messages={"required": DECLARATION_REQUIRED},
    )


class OrganisationSearchForm(GovukForm):
    q = forms.CharField(label="Search organisations by name", required=False, max_length=100)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
