"""One small form layer: Django form fields rendered through the GOV.UK Frontend macros.

Templates call `govuk_field(form["name"])` (from core/forms.html); this module turns a bound
field into the component name and the parameters that component's macro expects, so no template
hand-writes a field and every field gets its label, hint, error message and aria-describedby.
"""

import datetime

from django import forms


class GovukForm(forms.Form):
    """A form whose errors read as the Design System asks: specific, and saying how to fix it."""

    # Extra GOV.UK options per field: {"postcode": {"classes": "govuk-input--width-10"}}
    govuk_options: dict[str, dict] = {}
    # Render these as page-level headings (a question page has one field and its label is the h1).
    label_as_page_heading: tuple[str, ...] = ()


def _choices(field: forms.BoundField, selected: set[str]):
    items = []
    for value, label in field.field.choices:
        if isinstance(label, list | tuple):  # optgroups are not used in GOV.UK forms
            continue
        items.append({"value": value, "text": str(label), "checked": str(value) in selected})
    return items


def _selected(field: forms.BoundField) -> set[str]:
    value = field.value()
    if value in (None, "", []) and field.form.is_bound:
        # A GET search the user has not narrowed yet shows the choice it is using by default.
        value = field.initial
    if value is None:
        return set()
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {str(value)}


def field_component(field: forms.BoundField) -> tuple[str, dict]:
    """Return the GOV.UK component to render and its parameters for a bound Django field."""
    form = field.form
    widget = field.field.widget
    options = dict(getattr(form, "govuk_options", {}).get(field.name, {}))
    is_heading = field.name in getattr(form, "label_as_page_heading", ())
    label = {"text": str(field.label)}
    if is_heading:
        label.update({"isPageHeading": True, "classes": "govuk-label--l"})
    hint = {"text": str(field.help_text)} if field.help_text else None
    error = {"text": " ".join(str(e) for e in field.errors)} if field.errors else None
    params: dict = {"id": field.id_for_label or field.auto_id, "name": field.html_name}
    if hint:
        params["hint"] = hint
    if error:
        params["errorMessage"] = error

    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        legend = {"text": str(field.label)}
        if is_heading:
            legend.update({"isPageHeading": True, "classes": "govuk-fieldset__legend--l"})
        else:
            legend["classes"] = "govuk-fieldset__legend--s"
        params.pop("id")
        params["idPrefix"] = field.auto_id
        params["fieldset"] = {"legend": legend}
        params["items"] = _choices(field, _selected(field))
        component = "checkboxes" if isinstance(widget, forms.CheckboxSelectMultiple) else "radios"
    elif isinstance(widget, forms.Select):
        selected = _selected(field)
        params["label"] = label
        params["items"] = [
            {"value": value, "text": str(text), "selected": str(value) in selected}
            for value, text in field.field.choices
        ]
        component = "select"
    elif isinstance(widget, forms.Textarea):
        params["label"] = label
        params["value"] = field.value() or ""
        component = "textarea"
    elif isinstance(widget, forms.CheckboxInput):
        params.pop("id")
        params["idPrefix"] = field.auto_id
        params["items"] = [
            {"value": "true", "text": str(field.label), "checked": bool(field.value())}
        ]
        component = "checkboxes"
    else:
        params["label"] = label
        value = field.value()
        params["value"] = "" if value is None else value
        input_type = getattr(widget, "input_type", "text")
        if input_type == "password" and not getattr(widget, "render_value", False):
            # A form shown again with errors never puts a typed password back into the page.
            params["value"] = ""
        if input_type not in ("text", "hidden"):
            params["type"] = input_type
        if input_type == "number":
            params["type"] = "text"
            params["inputmode"] = "numeric"
        attrs = widget.attrs
        if "autocomplete" in attrs:
            params["autocomplete"] = attrs["autocomplete"]
        if "spellcheck" in attrs:
            params["spellcheck"] = attrs["spellcheck"] == "true"
        component = "input"
    params.update(options)
    return component, params


def error_summary_items(form: forms.Form) -> list[dict]:
    """The error summary links each message to its field, in the order the fields appear."""
    items = []
    for message in form.non_field_errors():
        items.append({"text": str(message), "href": "#main-content"})
    for field in form:
        if not field.errors:
            continue
        # Inputs use the field id; radios and checkboxes use it as the id of their first item.
        for message in field.errors:
            items.append({"text": str(message), "href": f"#{field.auto_id}"})
    return items


# Dates: the GOV.UK date input (day, month and year boxes) ----------------------------------

ERROR_DATE_MISSING = "{label} must include a {parts}"
ERROR_DATE_REAL = "{label} must be a real date, like 27 3 2026"
DATE_PARTS = ("day", "month", "year")
YEARS = (1900, 2999)  # also keeps "the day after" a date within what Python can represent


class GovukDateWidget(forms.MultiWidget):
    """Three boxes named <name>-day, <name>-month and <name>-year, as GOV.UK names them."""

    def __init__(self):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()])

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        return [(data.get(f"{name}-{part}") or "").strip() for part in DATE_PARTS]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}-{part}" not in data for part in DATE_PARTS)


class GovukDateField(forms.Field):
    """A date from day, month and year boxes; says which part is missing or that it is not real."""

    widget = GovukDateWidget

    def to_python(self, value):
        parts = list(value or ["", "", ""])
        if not any(parts):
            return None
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        label = str(self.label)
        if missing:
            raise forms.ValidationError(
                ERROR_DATE_MISSING.format(label=label, parts=" and ".join(missing))
            )
        if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
            raise forms.ValidationError(ERROR_DATE_REAL.format(label=label))
        day, month, year = (int(part) for part in parts)
        if not YEARS[0] <= year <= YEARS[1]:
            raise forms.ValidationError(ERROR_DATE_REAL.format(label=label))
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(ERROR_DATE_REAL.format(label=label)) from None


def date_input_params(field: forms.BoundField) -> dict:
    """Parameters for govukDateInput. The day box takes the field's id, so the error summary's
    link to the field lands in the first box."""
    values = field.value() if field.form.is_bound else field.field.widget.decompress(field.value())
    values = list(values or ["", "", ""])
    error = bool(field.errors)
    items = []
    for part, value in zip(DATE_PARTS, values, strict=True):
        width = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
        items.append(
            {
                "id": field.auto_id if part == "day" else f"{field.auto_id}-{part}",
                "name": part,
                "label": part.capitalize(),
                "value": value,
                "classes": width + (" govuk-input--error" if error else ""),
                "inputmode": "numeric",
            }
        )
    params = {
        "id": f"{field.auto_id}-date",
        "namePrefix": field.html_name,
        "fieldset": {"legend": {"text": str(field.label), "classes": "govuk-fieldset__legend--s"}},
        "items": items,
    }
    if field.help_text:
        params["hint"] = {"text": str(field.help_text)}
    if error:
        params["errorMessage"] = {"text": " ".join(str(e) for e in field.errors)}
    return params
