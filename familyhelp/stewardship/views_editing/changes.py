"""One change to a listing: its summary, its question pages, check your answers, and deleting
the draft."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.directory.selectors.services import category_list, language_list
from familyhelp.stewardship import selectors_editing
from familyhelp.stewardship.forms_editing import questions as forms
from familyhelp.stewardship.listing import (
    LABELS,
    describe,
    document_diff,
    document_problems,
    normalised,
)
from familyhelp.stewardship.models import ListingChange
from familyhelp.stewardship.presenters_editing import change_tag, difference_html, lines_html
from familyhelp.stewardship.services import editing
from familyhelp.stewardship.services.common import StewardshipError
from familyhelp.stewardship.services.publishing import published_document
from familyhelp.stewardship.views_editing.common import (
    SaveOutcome,
    page_context,
    posted_revision,
    save,
)

DELETED = "The draft of {name} was deleted. The published listing has not changed."


@dataclass(frozen=True)
class Question:
    title: str
    form: type
    template: str = "stewardship/editing/question.html"

    def form_kwargs(self, document: dict) -> dict:
        if self.form is forms.CategoriesForm:
            return {"groups": category_list()}
        if self.form is forms.LanguagesForm:
            return {"existing": document["languages"], "known": language_list()}
        return {}


QUESTIONS = {
    "name": Question("Name and description", forms.NameForm),
    "status": Question("Is the service running?", forms.StatusForm),
    "categories": Question(
        "Categories", forms.CategoriesForm, "stewardship/editing/categories.html"
    ),
    "who": Question("Who it is for", forms.WhoForm),
    "delivery": Question("How it is delivered", forms.DeliveryForm),
    "fees": Question("Costs", forms.FeesForm),
    "languages": Question("Languages", forms.LanguagesForm),
    "contact": Question("Contact details", forms.ContactForm),
}
# The page that answers each field of the document (a question, or a list of entries).
FIELD_PAGES = {
    "name": ("question", "name"),
    "description": ("question", "name"),
    "status": ("question", "status"),
    "url": ("question", "contact"),
    "email": ("question", "contact"),
    "phone": ("question", "contact"),
    "minimum_age": ("question", "who"),
    "maximum_age": ("question", "who"),
    "eligibility_description": ("question", "who"),
    "delivered_in_person": ("question", "delivery"),
    "delivered_online": ("question", "delivery"),
    "delivered_by_telephone": ("question", "delivery"),
    "application_process": ("question", "delivery"),
    "fees_description": ("question", "fees"),
    "categories": ("question", "categories"),
    "languages": ("question", "languages"),
    "locations": ("entries", "venues"),
    "schedules": ("entries", "sessions"),
    "costs": ("entries", "costs"),
    "contacts": ("entries", "contacts"),
}
# document_problems' keys → the field whose page fixes it
PROBLEM_FIELDS = {"delivery": "delivered_in_person", "contact": "phone"}


def field_url(change, name: str) -> str:
    kind, slug = FIELD_PAGES[name]
    if kind == "question":
        return reverse("stewardship:change-question", args=[change.pk, slug])
    return reverse("stewardship:change-entries", args=[change.pk, slug])


def _summary_rows(change, document: dict, editable: bool) -> list[dict]:
    answers = describe(document)
    rows = []
    for name, label in LABELS.items():
        lines = answers[name]
        row = {"key": {"text": label}, "value": {"html": lines_html(lines)}}
        if editable:
            row["actions"] = {
                "items": [
                    {
                        "href": field_url(change, name),
                        "text": "Change",
                        "visuallyHiddenText": label.lower(),
                    }
                ]
            }
        rows.append(row)
    return rows


def _problems(change, document) -> list[dict]:
    return [
        {"text": message, "href": field_url(change, PROBLEM_FIELDS.get(key, key))}
        for key, message in document_problems(document)
    ]


def _change_or_404(request, change_id):
    return selectors_editing.change_get(actor=request.user, change_id=change_id, request=request)


def _editable_or_summary(change):
    """Closed changes (approved, rejected, deleted) can no longer be edited: their summary
    page says so."""
    return None if change.is_open else redirect("stewardship:change", change_id=change.pk)


@require_GET
@access.protected_view
def change(request, change_id):
    found = _change_or_404(request, change_id)
    document = normalised(found.document)
    return render(
        request,
        "stewardship/editing/change.html",
        {
            "change": found,
            "name": document["name"] or "New service",
            "tag": change_tag(found),
            "rows": _summary_rows(found, document, found.is_open),
            "problems": _problems(found, document) if found.is_open else [],
            "trusted": editing.is_trusted(found.organization),
        },
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def question(request, change_id, question):
    spec = QUESTIONS.get(question)
    if spec is None:
        raise Http404("No such question")
    found = _change_or_404(request, change_id)
    if (closed := _editable_or_summary(found)) is not None:
        return closed
    document = normalised(found.document)
    kwargs = spec.form_kwargs(document)
    outcome = SaveOutcome()
    if request.method == "POST":
        form = spec.form(request.POST, **kwargs)
        if form.is_valid():
            outcome = save(request, found, form.updates())
            if outcome.saved:
                return redirect("stewardship:change", change_id=found.pk)
    else:
        form = spec.form(initial=spec.form.initial_from(document), **kwargs)
    context = page_context(found, outcome)
    context.update(
        form=form,
        title=spec.title,
        name=document["name"] or "New service",
        action=request.path,
    )
    return render(request, spec.template, context, status=409 if outcome.stale else 200)


@require_http_methods(["GET", "POST"])
@access.protected_view
def check(request, change_id):
    found = _change_or_404(request, change_id)
    if found.status not in ListingChange.EDITABLE_STATUSES:
        # Already waiting for approval, or closed: the change's page says which.
        return redirect("stewardship:change", change_id=found.pk)
    form = forms.DeclarationForm(request.POST if request.method == "POST" else None)
    problem, stale = "", None
    if request.method == "POST" and form.is_valid():
        try:
            sent = editing.change_submit(
                actor=request.user,
                change=found,
                revision=posted_revision(request),
                request=request,
            )
        except editing.StaleChange as refused:
            problem, stale = str(refused), refused
            found = refused.change
        except StewardshipError as refused:
            problem = str(refused)
        else:
            return redirect("stewardship:change-sent", change_id=sent.pk)
    document = normalised(found.document)
    before = published_document(found.service) if found.service else None
    differences = [
        {
            "key": {"text": row.label},
            "value": {"html": difference_html(row, new=before is None)},
            "actions": {
                "items": [
                    {
                        "href": field_url(found, row.field),
                        "text": "Change",
                        "visuallyHiddenText": row.label.lower(),
                    }
                ]
            },
        }
        for row in document_diff(before, document)
    ]
    return render(
        request,
        "stewardship/editing/check.html",
        {
            "change": found,
            "revision": found.revision,
            "name": document["name"] or "New service",
            "form": form,
            "problem": problem,
            "stale": stale,
            "differences": differences,
            "problems": _problems(found, document),
            "trusted": editing.is_trusted(found.organization)
            or access.user_has_perm(request.user, "directory.administer"),
        },
        status=409 if stale else 200,
    )


@require_GET
@access.protected_view
def sent(request, change_id):
    found = _change_or_404(request, change_id)
    if found.status not in (ListingChange.Status.SUBMITTED, ListingChange.Status.APPROVED):
        return redirect("stewardship:change", change_id=found.pk)
    return render(
        request,
        "stewardship/editing/sent.html",
        {
            "change": found,
            "name": found.document.get("name", ""),
            "published": found.status == ListingChange.Status.APPROVED,
        },
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def delete(request, change_id):
    found = _change_or_404(request, change_id)
    if (closed := _editable_or_summary(found)) is not None:
        return closed
    name = found.document.get("name") or "the new service"
    problem = ""
    if request.method == "POST":
        try:
            editing.change_withdraw(actor=request.user, change=found, request=request)
        except StewardshipError as refused:
            problem = str(refused)
        else:
            messages.success(request, DELETED.format(name=name))
            return redirect("stewardship:organisation", organisation_id=found.organization_id)
    return render(
        request,
        "stewardship/editing/delete.html",
        {"change": found, "name": name, "problem": problem},
    )
