"""Caseloads, drift, reallocation and case work settings (docs/caseloads-and-drift.md).

Thin views: parse, call the selector or service, present. Team managers see their teams'
caseloads and drift; anyone else gets "Page not found" and the attempt is audited (selectors).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.casework import selectors_caseloads as selectors
from familyhelp.casework.forms_caseloads import CaseworkSettingsForm, ReallocateForm
from familyhelp.casework.models import DriftRule, Episode
from familyhelp.casework.presenters_caseloads import (
    CaseloadsPresenter,
    DriftPresenter,
    TeamPresenter,
    figure,
)
from familyhelp.casework.services import episodes as episode_services
from familyhelp.casework.services import settings as settings_service
from familyhelp.core.charts import csv_response
from familyhelp.core.formatting import long_date, time_12h
from familyhelp.frontdoor.selectors_thresholds import threshold_levels

MANAGE = "casework.manage_episode"
REALLOCATED = "Episode {reference} reallocated to {name}"
SETTINGS_SAVED = "Case work settings saved"


@require_GET
@access.protected_view
def caseloads(request):
    found = selectors.caseloads_get(actor=request.user, request=request)
    return render(request, "casework/caseloads/caseloads.html", {"page": CaseloadsPresenter(found)})


@require_GET
@access.protected_view
def caseloads_download(request, team_id):
    """One team's caseloads as CSV."""
    found = selectors.team_caseload_get(actor=request.user, team_id=team_id, request=request)
    table = TeamPresenter(found).table()
    return csv_response(table, filename=f"caseloads-team-{team_id}", on=timezone.localdate())


@require_GET
@access.protected_view
def drift(request):
    found = selectors.drift_list(
        actor=request.user, page_number=request.GET.get("page") or 1, request=request
    )
    return render(request, "casework/caseloads/drift.html", {"page": DriftPresenter(found)})


@require_GET
@access.protected_view
def worker(request, user_id):
    person, episodes = selectors.worker_episodes_list(
        actor=request.user, user_id=user_id, request=request
    )
    return render(
        request,
        "casework/caseloads/worker.html",
        {"name": person.full_name or person.email, "episodes": episodes},
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def reallocate(request, pk):
    episode = access.get_object_for_user_or_404(
        request.user,
        MANAGE,
        Episode.objects.select_related("team", "lead_professional", "level"),
        http_request=request,
        pk=pk,
    )
    team = TeamPresenter(
        selectors.team_caseload_get(actor=request.user, team_id=episode.team_id, request=request)
    )
    choices = [
        (str(row.id), f"{row.name}: {row.weighted_per_fte} weighted per FTE ({row.capacity})")
        for row in team.workers
        if row.capacity != "Not in the team" and row.id != episode.lead_professional_id
    ]
    if request.method == "GET":
        form = ReallocateForm(choices=choices)
        return _reallocate_page(request, episode, team, form)
    form = ReallocateForm(request.POST, choices=choices)
    if not form.is_valid():
        return _reallocate_page(request, episode, team, form, status=400)
    chosen = next(
        w.user
        for w in team.load.workers
        if str(w.user.pk) == form.cleaned_data["lead_professional"]
    )
    try:
        episode_services.episode_reallocate(
            actor=request.user,
            episode=episode,
            lead_professional=chosen,
            reason=form.cleaned_data["reason"],
            revision=request.POST.get("revision") or None,
            http_request=request,
        )
    except episode_services.EpisodeError as refused:
        form.add_error(None, str(refused))
        return _reallocate_page(request, episode, team, form, status=409)
    messages.success(
        request,
        REALLOCATED.format(reference=episode.reference, name=chosen.full_name or chosen.email),
    )
    return redirect("casework:caseloads")


def _reallocate_page(request, episode, team, form, *, status=200):
    lead = episode.lead_professional
    return render(
        request,
        "casework/caseloads/reallocate.html",
        {
            "episode": episode,
            "lead": (lead.full_name or lead.email) if lead else "Nobody",
            "team": team,
            "form": form,
        },
        status=status,
    )


def _posted_revision(request) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


@require_http_methods(["GET", "POST"])
@access.protected_view
def configure(request):
    settings_service.check_may_configure(request.user, action="view", request=request)
    found = settings_service.casework_settings()
    rules = list(DriftRule.objects.order_by("code"))
    level_numbers = [level.number for level in threshold_levels()]
    weights = settings_service.level_weights(found)
    if request.method == "GET":
        initial = {"review_interval_weeks": found.review_interval_weeks}
        for number in level_numbers:
            initial[f"weight_{number}"] = figure(weights.get(number, 1), 2)
        for rule in rules:
            initial[f"days_{rule.code}"] = rule.working_days
            initial[f"enabled_{rule.code}"] = rule.enabled
        form = CaseworkSettingsForm(initial=initial, level_numbers=level_numbers, rules=rules)
        return _settings_page(request, found, form)
    form = CaseworkSettingsForm(request.POST, level_numbers=level_numbers, rules=rules)
    if not form.is_valid():
        return _settings_page(request, found, form, revision=_posted_revision(request), status=400)
    try:
        settings_service.casework_settings_update(
            actor=request.user,
            revision=_posted_revision(request),
            **form.answers(),
            request=request,
        )
    except settings_service.StaleEdit as stale:
        form.add_error(None, str(stale))
        return _settings_page(request, stale.current, form, status=409)
    except settings_service.SettingsError as refused:
        field = refused.field if refused.field in form.fields else None
        form.add_error(field, str(refused))
        return _settings_page(request, found, form, revision=_posted_revision(request), status=400)
    messages.success(request, SETTINGS_SAVED)
    return redirect("casework:settings")


def _settings_page(request, found, form, *, revision=None, status=200):
    changed = ""
    if found.updated_by is not None:
        when = timezone.localtime(found.updated_at)
        who = found.updated_by.full_name or found.updated_by.email
        changed = f"Last changed by {who} on {long_date(when.date())} at {time_12h(when.time())}"
    return render(
        request,
        "casework/caseloads/settings.html",
        {
            "form": form,
            "revision": found.revision if revision is None else revision,
            "changed": changed,
        },
        status=status,
    )
