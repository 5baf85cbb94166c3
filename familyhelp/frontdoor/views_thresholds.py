"""Threshold guidance (the levels of need) and the front door's settings
(docs/threshold-guidance.md). Thin views: parse, call the service or selector, render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.core.formatting import long_date, time_12h
from familyhelp.frontdoor import selectors_thresholds as selectors
from familyhelp.frontdoor.forms_thresholds import FrontDoorSettingsForm, ThresholdLevelForm
from familyhelp.frontdoor.models import Decision
from familyhelp.frontdoor.services import thresholds as service

LEVEL_SAVED = "Level {number} saved"
SETTINGS_SAVED = "Front door settings saved"


def _changed(record) -> str:
    if record.updated_by is None:
        return ""
    when = timezone.localtime(record.updated_at)
    who = record.updated_by.full_name or record.updated_by.email
    return f"Last changed by {who} on {long_date(when.date())} at {time_12h(when.time())}"


class LevelPresenter:
    """A level of need as the guidance shows it: its descriptors as a list."""

    def __init__(self, level):
        self.number = level.number
        self.title = f"Level {level.number}: {level.name}"
        self.name = level.name
        self.summary = level.summary
        self.descriptors = [line for line in level.descriptors.splitlines() if line.strip()]
        self.changed = _changed(level)


def _posted_revision(request) -> int:
    """The revision the page was showing; anything unreadable counts as out of date."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


@require_GET
@access.protected_view
def threshold_guidance(request):
    levels = selectors.threshold_level_list(actor=request.user, request=request)
    return render(
        request,
        "frontdoor/thresholds/list.html",
        {
            "levels": [LevelPresenter(level) for level in levels],
            "may_edit": selectors.may_edit_thresholds(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def threshold_level_edit(request, number):
    level = selectors.threshold_level_get(actor=request.user, number=number, request=request)
    if request.method == "GET":
        form = ThresholdLevelForm(
            initial={"name": level.name, "summary": level.summary, "descriptors": level.descriptors}
        )
        return _level_page(request, level, form)
    form = ThresholdLevelForm(request.POST)
    if not form.is_valid():
        return _level_page(request, level, form, revision=_posted_revision(request), status=400)
    try:
        saved = service.threshold_level_update(
            actor=request.user,
            number=level.number,
            revision=_posted_revision(request),
            **form.cleaned_data,
            request=request,
        )
    except service.StaleEdit as stale:
        form.add_error(None, str(stale))
        return _level_page(request, stale.current, form, theirs=stale.current, status=409)
    except service.ThresholdsError as refused:
        form.add_error(refused.field or None, str(refused))
        return _level_page(request, level, form, revision=_posted_revision(request), status=400)
    messages.success(request, LEVEL_SAVED.format(number=saved.number))
    return redirect("frontdoor:thresholds")


def _level_page(request, level, form, *, revision=None, theirs=None, status=200):
    return render(
        request,
        "frontdoor/thresholds/edit.html",
        {
            "level": LevelPresenter(level),
            "form": form,
            "revision": level.revision if revision is None else revision,
            "theirs": LevelPresenter(theirs) if theirs else None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def front_door_settings(request):
    found = selectors.front_door_settings_get(actor=request.user, request=request)
    teams = selectors.front_door_team_choices(actor=request.user)
    if request.method == "GET":
        form = FrontDoorSettingsForm(
            teams=teams,
            initial={
                "team": found.team_id,
                "decisions_needing_approval": found.decisions_needing_approval,
                "decision_due_working_days": found.decision_due_working_days,
            },
        )
        return _settings_page(request, found, form)
    form = FrontDoorSettingsForm(request.POST, teams=teams)
    if not form.is_valid():
        return _settings_page(request, found, form, revision=_posted_revision(request), status=400)
    try:
        service.front_door_settings_update(
            actor=request.user,
            revision=_posted_revision(request),
            **form.cleaned_data,
            request=request,
        )
    except service.StaleEdit as stale:
        form.add_error(None, str(stale))
        return _settings_page(request, stale.current, form, theirs=stale.current, status=409)
    except service.ThresholdsError as refused:
        form.add_error(refused.field or None, str(refused))
        return _settings_page(request, found, form, revision=_posted_revision(request), status=400)
    messages.success(request, SETTINGS_SAVED)
    return redirect("frontdoor:front-door-settings")


class SettingsPresenter:
    """What someone else saved, shown beside a refused (stale) save."""

    def __init__(self, found):
        labels = dict(Decision.Kind.choices)
        self.team = str(found.team) if found.team else "None chosen"
        self.decisions = [labels[kind] for kind in found.decisions_needing_approval] or ["None"]
        days = found.decision_due_working_days
        self.working_days = f"{days} working day" + ("" if days == 1 else "s")
        self.changed = _changed(found)


def _settings_page(request, found, form, *, revision=None, theirs=None, status=200):
    return render(
        request,
        "frontdoor/thresholds/settings.html",
        {
            "form": form,
            "revision": found.revision if revision is None else revision,
            "current": SettingsPresenter(found),
            "theirs": SettingsPresenter(theirs) if theirs else None,
        },
        status=status,
    )
