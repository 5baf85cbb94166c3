"""The lists inside a listing: venues, opening times and sessions, costs and named contacts.

Each has a page listing its entries (change, remove, add); venues can also be chosen from those
the organisation's other services use. Every save rewrites the one list in the draft, read
afresh from the change, so a colleague's additions to the same list are kept.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from familyhelp.accounts import access
from familyhelp.stewardship import selectors_editing
from familyhelp.stewardship.forms_editing import entries as forms
from familyhelp.stewardship.listing import (
    cost_line,
    location_line,
    new_id,
    normalised,
    organisation_venues,
    schedule_line,
)
from familyhelp.stewardship.views_editing.common import SaveOutcome, page_context, save


def _venue_names(document):
    return {
        entry.get("id"): entry.get("name") or entry.get("address_1")
        for entry in document["locations"]
    }


def _contact_line(entry):
    parts = (entry.get("name"), entry.get("title"), entry.get("email"), entry.get("phone"))
    return ", ".join(part for part in parts if part)


@dataclass(frozen=True)
class Kind:
    field: str
    title: str
    singular: str
    add_text: str
    form: type
    intro: str

    def line(self, entry: dict, document: dict) -> str:
        if self.field == "locations":
            return location_line(entry)
        if self.field == "schedules":
            return schedule_line(entry, _venue_names(document))
        if self.field == "costs":
            return cost_line(entry)
        return _contact_line(entry)

    def form_kwargs(self, document: dict) -> dict:
        if self.form is forms.ScheduleForm:
            return {"venues": document["locations"]}
        return {}


KINDS = {
    "venues": Kind(
        "locations",
        "Venues",
        "venue",
        "Add a new venue",
        forms.VenueForm,
        "Where families go for the service. Leave this empty if it is only online or by phone.",
    ),
    "sessions": Kind(
        "schedules",
        "Opening times and sessions",
        "session or opening time",
        "Add opening times or a session",
        forms.ScheduleForm,
        "The days and hours it is open every week, or sessions and events that start on a date.",
    ),
    "costs": Kind(
        "costs",
        "Costs",
        "cost",
        "Add a cost",
        forms.CostForm,
        "Leave this empty if the service is free for everyone.",
    ),
    "contacts": Kind(
        "contacts",
        "Named contacts",
        "contact",
        "Add a named contact",
        forms.NamedContactForm,
        "People families can ask for by name (optional).",
    ),
}


def _kind_or_404(kind: str) -> Kind:
    found = KINDS.get(kind)
    if found is None:
        raise Http404("No such list")
    return found


def _open_change_or_redirect(request, change_id):
    change = selectors_editing.change_get(actor=request.user, change_id=change_id, request=request)
    if not change.is_open:
        return change, redirect("stewardship:change", change_id=change.pk)
    return change, None


def _other_venues(change, document) -> list[dict]:
    used = {entry.get("id") for entry in document["locations"]}
    return [entry for entry in organisation_venues(change.organization) if entry["id"] not in used]


@require_http_methods(["GET", "POST"])
@access.protected_view
def entries(request, change_id, kind):
    spec = _kind_or_404(kind)
    change, closed = _open_change_or_redirect(request, change_id)
    if closed is not None:
        return closed
    document = normalised(change.document)
    choose = None
    outcome = SaveOutcome()
    if spec.field == "locations":
        others = _other_venues(change, document)
        if request.method == "POST":
            choose = forms.ChooseVenueForm(request.POST, venues=others)
            if choose.is_valid():
                outcome = save(
                    request, change, {"locations": [*document["locations"], choose.chosen()]}
                )
                if outcome.saved:
                    return redirect(request.path)
        elif others:
            choose = forms.ChooseVenueForm(venues=others)
    elif request.method == "POST":
        raise Http404("Nothing to post here")
    context = page_context(change, outcome)
    context.update(
        kind=kind,
        spec=spec,
        name=document["name"] or "New service",
        rows=[
            {"id": entry.get("id"), "line": spec.line(entry, document)}
            for entry in document[spec.field]
        ],
        choose=choose,
    )
    return render(
        request,
        "stewardship/editing/entries.html",
        context,
        status=409 if outcome.stale else 200,
    )


def _find(document, field, entry_id):
    for entry in document[field]:
        if str(entry.get("id")) == str(entry_id):
            return entry
    return None


@require_http_methods(["GET", "POST"])
@access.protected_view
def entry(request, change_id, kind, entry_id=None):
    """Add an entry (no `entry_id`) or change one."""
    spec = _kind_or_404(kind)
    change, closed = _open_change_or_redirect(request, change_id)
    if closed is not None:
        return closed
    document = normalised(change.document)
    existing = None
    if entry_id is not None:
        existing = _find(document, spec.field, entry_id)
        if existing is None:
            raise Http404("No such entry")
    kwargs = spec.form_kwargs(document)
    outcome = SaveOutcome()
    if request.method == "POST":
        form = spec.form(request.POST, **kwargs)
        if form.is_valid():
            updated = form.entry(existing or {"id": new_id()})
            items = [dict(item) for item in document[spec.field]]
            index = next(
                (i for i, item in enumerate(items) if item.get("id") == updated["id"]), None
            )
            if index is None:
                items.append(updated)
            else:
                items[index] = updated
            outcome = save(request, change, {spec.field: items})
            if outcome.saved:
                return redirect("stewardship:change-entries", change_id=change.pk, kind=kind)
    else:
        initial = spec.form.initial_from(existing) if existing else {}
        form = spec.form(initial=initial, **kwargs)
    context = page_context(change, outcome)
    context.update(
        kind=kind,
        spec=spec,
        name=document["name"] or "New service",
        form=form,
        adding=existing is None,
        back=reverse("stewardship:change-entries", args=[change.pk, kind]),
    )
    template = (
        "stewardship/editing/schedule.html"
        if spec.form is forms.ScheduleForm
        else "stewardship/editing/entry.html"
    )
    return render(request, template, context, status=409 if outcome.stale else 200)


@require_http_methods(["GET", "POST"])
@access.protected_view
def entry_remove(request, change_id, kind, entry_id):
    spec = _kind_or_404(kind)
    change, closed = _open_change_or_redirect(request, change_id)
    if closed is not None:
        return closed
    document = normalised(change.document)
    existing = _find(document, spec.field, entry_id)
    if existing is None:
        raise Http404("No such entry")
    outcome = SaveOutcome()
    if request.method == "POST":
        updates = {
            spec.field: [item for item in document[spec.field] if item.get("id") != existing["id"]]
        }
        if spec.field == "locations":
            # Times that were at this venue stay on the listing, at no particular venue.
            updates["schedules"] = [
                {**item, "location_id": None} if item.get("location_id") == existing["id"] else item
                for item in document["schedules"]
            ]
        outcome = save(request, change, updates)
        if outcome.saved:
            return redirect("stewardship:change-entries", change_id=change.pk, kind=kind)
    context = page_context(change, outcome)
    context.update(
        kind=kind,
        spec=spec,
        name=document["name"] or "New service",
        line=spec.line(existing, document),
        back=reverse("stewardship:change-entries", args=[change.pk, kind]),
    )
    return render(
        request,
        "stewardship/editing/remove.html",
        context,
        status=409 if outcome.stale else 200,
    )
