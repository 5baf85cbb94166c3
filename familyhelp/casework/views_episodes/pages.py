"""Your cases, the episode page, and a manager opening an episode stepped down from care."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from familyhelp.accounts import access
from familyhelp.casework import presenters_episodes as present
from familyhelp.casework import selectors_episodes as selectors
from familyhelp.casework.forms_episodes import StepDownCreateForm
from familyhelp.casework.models import Episode
from familyhelp.casework.services import episodes as services
from familyhelp.casework.services.episodes import EpisodeError
from familyhelp.casework.views_episodes.common import render_page

OPENED = "Episode {reference} opened for the family."


@require_GET
@access.protected_view
def episode_list(request):
    user = request.user
    mine = selectors.my_cases(user=user)
    waiting = selectors.waiting_for_allocation(user=user)
    return render_page(
        request,
        "list.html",
        {
            "mine": present.case_rows(mine),
            "waiting": present.case_rows(waiting, with_lead=True),
            "is_manager": bool(selectors.managed_teams(user=user)),
        },
    )


def _may(user, permission, episode) -> bool:
    return access.user_has_perm(user, permission, episode)


def _actions(user, episode: Episode) -> list[dict]:
    """The steps this person may take on the episode now, as links."""
    manage = _may(user, selectors.MANAGE, episode)
    lead = _may(user, selectors.LEAD, episode)
    status = episode.status
    found = []

    def add(url_name, text):
        found.append({"url_name": url_name, "text": text})

    if manage and status == Episode.Status.AWAITING_ALLOCATION:
        add("casework:episode-allocate", "Allocate a lead professional")
    if manage and status == Episode.Status.OPEN:
        add("casework:episode-reallocate", "Change the lead professional")
    if lead and status == Episode.Status.OPEN:
        add("casework:episode-step-up", "Step up to children’s social care")
    if lead and status == Episode.Status.STEPPED_UP:
        add("casework:episode-step-down", "Step down to Family Help")
    if lead and episode.is_open:
        add("casework:episode-close", "Close the episode")
    if manage and status == Episode.Status.CLOSED:
        add("casework:episode-reopen", "Re-open the episode")
    return found


@require_GET
@access.protected_view
def episode_detail(request, pk):
    episode = selectors.episode_get(user=request.user, pk=pk, http_request=request)
    page = selectors.episode_page(episode)
    may_lead = episode.is_open and _may(request.user, selectors.LEAD, episode)
    names = selectors.names_of_transitions(page.transitions)
    return render_page(
        request,
        "detail.html",
        {
            "episode": episode,
            "status_tag": present.status_tag(episode),
            "summary": present.summary_rows(episode),
            "key_dates": present.key_date_rows(episode),
            "step_down": present.step_down_rows(episode),
            "people": present.person_rows(page.people),
            "members": [
                {
                    "member": member,
                    "name": present.member_name(member),
                    "since": present.date(member.added_at),
                }
                for member in page.team_members
            ],
            "former_members": [
                {
                    "member": member,
                    "name": present.member_name(member),
                    "left": present.date(member.left_at),
                }
                for member in page.former_members
            ],
            "transitions": present.transition_rows(page.transitions, names),
            "work_links": present.work_links(episode),
            "actions": _actions(request.user, episode),
            "may_change_team": may_lead,
            "emergency_access": access.emergency_access_banner(request.user, episode),
        },
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def step_down_new(request):
    """A manager opens an episode for a family stepping down from children's social care."""
    teams = selectors.managed_teams(user=request.user)
    if not teams:
        return access.not_found_page(request)
    posted = request.method == "POST"
    form = StepDownCreateForm(
        request.POST if posted else None,
        teams=teams,
        levels=selectors.threshold_levels(),
        people=selectors.keyworkers_in(teams),
    )
    problem, status = "", 200
    if posted and form.is_valid():
        data = form.cleaned_data
        family = selectors.family_by_reference(data["family_reference"])
        if family is None:
            form.add_error("family_reference", StepDownCreateForm.NO_FAMILY)
            status = 400
        else:
            try:
                episode = services.episode_step_down_create(
                    actor=request.user,
                    team=next(team for team in teams if str(team.pk) == data["team"]),
                    family=family,
                    social_worker_name=data["social_worker_name"],
                    summary=data["summary"],
                    level=next(
                        level
                        for level in selectors.threshold_levels()
                        if str(level.pk) == data["level"]
                    ),
                    lead_professional=selectors.user_by_pk(data["lead_professional"]),
                    http_request=request,
                )
            except EpisodeError as refused:
                field = form.field_for(str(refused))
                if field:
                    form.add_error(field, str(refused))
                    status = 400
                else:
                    problem, status = str(refused), 409
            else:
                messages.success(request, OPENED.format(reference=episode.reference))
                return redirect("casework:episode", pk=episode.pk)
    elif posted:
        status = 400
    return render_page(
        request,
        "step.html",
        {
            "episode": None,
            "form": form,
            "problem": problem,
            "heading": "A family stepping down from children’s social care",
            "intro": [
                "Open a Family Help episode with the social worker’s summary. Name the lead "
                "professional now if the same worker will carry on."
            ],
            "date_fields": [],
            "submit_text": "Open the episode",
            "page_has_errors": bool(form.errors) or bool(problem),
        },
        status=status,
    )
