"""The form layer renders Django fields through the GOV.UK macros, errors included."""

from django import forms
from django.template.loader import get_template

from familyhelp.core.forms import GovukForm, error_summary_items, field_component


class ExampleForm(GovukForm):
    name = forms.CharField(label="Your name", help_text="As on your passport")
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    radius = forms.ChoiceField(
        label="Distance",
        choices=[("1", "1 mile"), ("10", "10 miles")],
        required=False,
        initial="10",
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[("relevance", "Relevance"), ("distance", "Distance")],
        widget=forms.RadioSelect,
        required=False,
        initial="relevance",
    )
    days = forms.MultipleChoiceField(
        label="Open on",
        choices=[("MO", "Monday"), ("TU", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    govuk_options = {"postcode": {"classes": "govuk-input--width-10"}}


def _render(form):
    template = get_template("core/form_page.html")
    return template.render({"form": form, "submit_text": "Search"})


def test_each_widget_maps_to_its_component():
    form = ExampleForm()
    kinds = {name: field_component(form[name])[0] for name in form.fields}
    assert kinds == {
        "name": "input",
        "postcode": "input",
        "notes": "textarea",
        "radius": "select",
        "sort": "radios",
        "days": "checkboxes",
    }
    _, params = field_component(form["postcode"])
    assert params["autocomplete"] == "postal-code"
    assert params["classes"] == "govuk-input--width-10"


def test_errors_show_in_the_summary_and_beside_the_field():
    form = ExampleForm(data={"name": "", "days": ["XX"]})
    assert not form.is_valid()
    items = error_summary_items(form)
    assert items[0] == {"text": "This field is required.", "href": "#id_name"}
    assert items[1]["href"] == "#id_days"
    html = _render(form)
    assert "govuk-error-summary" in html
    assert 'href="#id_name"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert "<title>Error: " in html


def test_a_bound_form_with_no_choice_yet_shows_its_default():
    form = ExampleForm(data={"name": "Sam"})
    _, radius = field_component(form["radius"])
    assert [item["value"] for item in radius["items"] if item["selected"]] == ["10"]
    _, sort = field_component(form["sort"])
    assert [item["value"] for item in sort["items"] if item["checked"]] == ["relevance"]


def test_a_chosen_value_is_kept():
    form = ExampleForm(data={"name": "Sam", "radius": "1", "days": ["TU"]})
    _, radius = field_component(form["radius"])
    assert [item["value"] for item in radius["items"] if item["selected"]] == ["1"]
    _, days = field_component(form["days"])
    assert [item["value"] for item in days["items"] if item["checked"]] == ["TU"]


def test_user_input_is_escaped():
    form = ExampleForm(data={"name": "<script>alert(1)</script>"})
    html = _render(form)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class PasswordForm(GovukForm):
    password = forms.CharField(label="Password", widget=forms.PasswordInput, min_length=12)


def test_a_typed_password_is_never_put_back_into_the_page():
    form = PasswordForm({"password": "too-short"})
    assert not form.is_valid()
    component, params = field_component(form["password"])
    assert (component, params["type"], params["value"]) == ("input", "password", "")
