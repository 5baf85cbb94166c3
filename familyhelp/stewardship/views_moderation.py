"""Moderation pages for directory administrators (docs/moderation.md): the approval queue, the
review of one change, a listing's version history (view and restore) and an organisation's
"publish without approval" setting.

Thin views: parse the form, call the service (familyhelp/stewardship/services/moderation.py) or
a selector (selectors_moderation.py), render. Everyone who lacks `directory.administer` gets a
404, as on the other administrators' pages. The services audit every decision.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.core import formatting
from familyhelp.stewardship import selectors_moderation as selectors
from familyhelp.stewardship.forms_moderation import (
    APPROVE,
    REJECT,
    REQUEST_CHANGES,
    DecisionForm,
    RestoreForm,
    TrustForm,
)
from familyhelp.stewardship.models import ListingChange
from familyhelp.stewardship.services import moderation
from familyhelp.stewardship.services.common import StewardshipError
from familyhelp.stewardship.services.editing import StaleChange

DECIDED = {
    APPROVE: "{name}: change approved and published.",
    REQUEST_CHANGES: "{name}: the editors have been asked for changes.",
    REJECT: "{name}: change rejected.",
}
DECIDERS = {
    APPROVE: moderation.change_approve,
    REQUEST_CHANGES: moderation.change_request_changes,
    REJECT: moderation.change_reject,
}
# Refusals that are about what was typed in the message, shown against that field.
MESSAGE_PROBLEMS = {*moderation.MESSAGE_NEEDED.values(), moderation.MESSAGE_TOO_LONG}

EDITOR_SAVED_SINCE = (
    "{who} changed this listing at {when}, after you opened this page. Nothing has been "
    "decided: check the changes below, then decide again."
)
TAKEN_BACK = (
    "The editors took this change back to edit it after you opened this page, so nothing has "
    "been decided. It comes back to the queue when they send it again."
)
ALREADY_DECIDED = "{who} already {what} at {when}. Nothing has been changed."
ALREADY_DONE = {
    ListingChange.Status.APPROVED: "approved this change",
    ListingChange.Status.REJECTED: "rejected this change",
    ListingChange.Status.CHANGES_REQUESTED: "asked for changes to this change",
}
WITHDRAWN = "The editors withdrew this change, so there is nothing to decide."
RESTORED = "Version {old} restored: it is published now as version {new}."
NEWER_SINCE = (
    "Version {latest} was published after you opened this page. Check what restoring would "
    "change now, then confirm again."
)
TRUST_SET = "{name}’s changes are now published without approval."
TRUST_REMOVED = "{name}’s changes now wait for approval."


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{formatting.time_12h(local.time())} on {formatting.long_date(local.date())}"


def _name(user) -> str:
    return (user.full_name or user.email) if user else "Someone"


def _render(request, template, context, status=200):
    """Render a moderation page, with the two ways it writes who and when."""
    context = {"when": _when, "name_of": _name, **context}
    return render(request, f"stewardship/moderation/{template}", context, status=status)


def _administrator_or_404(request):
    if not access.user_has_perm(request.user, selectors.ADMINISTER):
        raise Http404("No such page")


def why_not_decided(change: ListingChange) -> str:
    """Why a decision from this page changed nothing, in the words of what happened since."""
    if change.status == ListingChange.Status.SUBMITTED:
        return EDITOR_SAVED_SINCE.format(
            who=_name(change.updated_by), when=_when(change.updated_at)
        )
    if change.status in ALREADY_DONE:
        return ALREADY_DECIDED.format(
            who=_name(change.decided_by),
            what=ALREADY_DONE[change.status],
            when=_when(change.decided_at),
        )
    if change.status == ListingChange.Status.WITHDRAWN:
        return WITHDRAWN
    return TAKEN_BACK


@require_GET
@access.protected_view
def queue(request):
    _administrator_or_404(request)
    return _render(
        request,
        "queue.html",
        {"rows": selectors.change_queue(actor=request.user)},
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def review(request, change_id):
    _administrator_or_404(request)
    change = selectors.change_get(actor=request.user, change_id=change_id)
    if change is None:
        raise Http404("No such change")
    posted = request.method == "POST"
    form = DecisionForm(request.POST if posted else None, initial={"revision": change.revision})
    problem, status = "", 200
    if posted and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            DECIDERS[decision](
                actor=request.user,
                change=change,
                revision=form.cleaned_data["revision"],
                message=form.cleaned_data["message"],
                request=request,
            )
        except StewardshipError as refused:
            if str(refused) in MESSAGE_PROBLEMS:
                form.add_error("message", str(refused))
                status = 400
            else:
                # Someone decided, or the editors saved, since the page was opened: show the
                # change as it is now, keeping what this administrator chose and typed.
                change = selectors.change_get(actor=request.user, change_id=change.pk)
                stale = (
                    isinstance(refused, StaleChange)
                    or change.status != ListingChange.Status.SUBMITTED
                    or change.revision != form.cleaned_data["revision"]
                )
                problem = why_not_decided(change) if stale else str(refused)
                form = DecisionForm(initial={**form.cleaned_data, "revision": change.revision})
                status = 409
        else:
            name = (change.document or {}).get("name") or "New service"
            messages.success(request, DECIDED[decision].format(name=name))
            return redirect("stewardship:queue")
    elif posted:
        status = 400
        if change.status != ListingChange.Status.SUBMITTED:
            problem, status = why_not_decided(change), 409
    context = {
        "review": selectors.change_review(actor=request.user, change=change),
        "change": change,
        "form": form if change.status == ListingChange.Status.SUBMITTED else None,
        "problem": problem,
        "page_has_errors": bool(problem or form.errors),
    }
    if context["form"] is not None:
        # The revision goes with the form; a page shown again carries the change's revision now.
        context["revision"] = change.revision
    return _render(request, "review.html", context, status=status)


def _service_or_404(request, service_id):
    _administrator_or_404(request)
    service = selectors.service_get(actor=request.user, service_id=service_id)
    if service is None:
        raise Http404("No such service")
    return service


@require_GET
@access.protected_view
def history(request, service_id):
    service = _service_or_404(request, service_id)
    return _render(
        request,
        "history.html",
        {
            "service": service,
            "versions": selectors.version_list(actor=request.user, service=service),
            "open_change": selectors.open_change_of(actor=request.user, service=service),
        },
    )


@require_GET
@access.protected_view
def version(request, service_id, number):
    service = _service_or_404(request, service_id)
    shown = selectors.version_get(actor=request.user, service=service, number=number)
    if shown is None:
        raise Http404("No such version")
    return _render(
        request,
        "version.html",
        {"service": service, "shown": shown},
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def version_restore(request, service_id, number):
    service = _service_or_404(request, service_id)
    shown = selectors.version_get(actor=request.user, service=service, number=number)
    if shown is None:
        raise Http404("No such version")
    form = RestoreForm(
        request.POST if request.method == "POST" else None,
        initial={"latest": shown.latest_number},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.cleaned_data["latest"] != shown.latest_number:
            form.add_error(None, NEWER_SINCE.format(latest=shown.latest_number))
            status = 409
        elif form.is_valid():
            try:
                restored = moderation.version_restore(
                    actor=request.user, service=service, number=number, request=request
                )
            except StewardshipError as refused:
                form.add_error(None, str(refused))
                status = 409
            else:
                messages.success(request, RESTORED.format(old=number, new=restored.number))
                return redirect("stewardship:history", service_id=service.pk)
    return _render(
        request,
        "restore.html",
        {
            "service": service,
            "shown": shown,
            "form": form,
            "rows": shown.restore_rows(),
            "open_change": selectors.open_change_of(actor=request.user, service=service),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def organisation(request, organisation_id):
    _administrator_or_404(request)
    found = selectors.organisation_get(actor=request.user, organisation_id=organisation_id)
    if found is None:
        raise Http404("No such organisation")
    initial = {"trusted": "yes" if found.trusted else "no"}
    form = TrustForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        trusted = form.cleaned_data["trusted"] == "yes"
        try:
            moderation.organisation_set_trusted(
                actor=request.user,
                organization=found.organization,
                trusted=trusted,
                request=request,
            )
        except StewardshipError as refused:
            form.add_error(None, str(refused))
        else:
            done = TRUST_SET if trusted else TRUST_REMOVED
            messages.success(request, done.format(name=found.organization.name))
            return redirect("stewardship:organisation-admin", organisation_id=found.organization.pk)
    return _render(
        request,
        "organisation.html",
        {"found": found, "form": form},
        status=400 if form.errors else 200,
    )
