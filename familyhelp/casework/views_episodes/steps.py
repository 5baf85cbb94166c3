"""The steps on an episode: allocate, reallocate, the team around the family, step-up,
step-down, close and re-open. Each page opens the episode with the permission its service needs,
so someone without it sees "Page not found" (and the attempt is audited)."""

from django.views.decorators.http import require_http_methods

from familyhelp.accounts import access
from familyhelp.casework import forms_episodes as forms
from familyhelp.casework import selectors_episodes as selectors
from familyhelp.casework.services import episodes as services
from familyhelp.casework.services.episodes import EpisodeError
from familyhelp.casework.views_episodes.common import run_step

ALLOCATED = "Episode {reference} allocated."
REALLOCATED = "Episode {reference} has a new lead professional."
MEMBER_ADDED = "Added to the team around the family for {reference}."
MEMBER_REMOVED = "Removed from the team around the family for {reference}."
STEPPED_UP = "Episode {reference} stepped up to children’s social care."
STEPPED_DOWN = "Episode {reference} stepped down to Family Help."
CLOSED = "Episode {reference} closed."
REOPENED = "Episode {reference} re-opened."


def _revision(form):
    return form.cleaned_data.get("revision")


@require_http_methods(["GET", "POST"])
@access.protected_view
def allocate(request, pk):
    def run(episode, form):
        services.episode_allocate(
            actor=request.user,
            episode=episode,
            lead_professional=selectors.user_by_pk(form.cleaned_data["lead_professional"]),
            revision=_revision(form),
            http_request=request,
        )

    return run_step(
        request,
        pk,
        permission=selectors.MANAGE,
        make_form=lambda episode, data: forms.AllocateForm(
            data, people=selectors.lead_choices(episode.team)
        ),
        run=run,
        done=ALLOCATED,
        heading="Allocate a lead professional",
        intro=lambda episode: [f"Keyworkers and managers in {episode.team.name}."],
        submit_text="Allocate",
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def reallocate(request, pk):
    def run(episode, form):
        services.episode_reallocate(
            actor=request.user,
            episode=episode,
            lead_professional=selectors.user_by_pk(form.cleaned_data["lead_professional"]),
            reason=form.cleaned_data["reason"],
            revision=_revision(form),
            http_request=request,
        )

    return run_step(
        request,
        pk,
        permission=selectors.MANAGE,
        make_form=lambda episode, data: forms.ReallocateForm(
            data,
            people=[
                person
                for person in selectors.lead_choices(episode.team)
                if person.pk != episode.lead_professional_id
            ],
        ),
        run=run,
        done=REALLOCATED,
        heading="Change the lead professional",
        submit_text="Change lead professional",
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def taf_add(request, pk):
    def run(episode, form):
        person = selectors.user_by_email(form.cleaned_data["email"])
        if person is None:
            raise EpisodeError(forms.TafAddForm.NO_ACCOUNT)
        services.taf_member_add(
            actor=request.user,
            episode=episode,
            user=person,
            role=form.cleaned_data["role"],
            http_request=request,
        )

    return run_step(
        request,
        pk,
        permission=selectors.LEAD,
        make_form=lambda episode, data: forms.TafAddForm(data),
        run=run,
        done=MEMBER_ADDED,
        heading="Add someone to the team around the family",
        submit_text="Add to the team",
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def taf_remove(request, pk, member_pk):
    def run(episode, form):
        member = selectors.taf_member_get(episode, member_pk)
        if member is None:
            raise EpisodeError(services.allocation.ALREADY_LEFT)
        services.taf_member_remove(actor=request.user, member=member, http_request=request)

    def intro(episode):
        member = selectors.taf_member_get(episode, member_pk)
        if member is None:
            return [services.allocation.ALREADY_LEFT]
        return [
            f"{member.user.full_name or member.user.email}, {member.role}, will leave the team."
        ]

    return run_step(
        request,
        pk,
        permission=selectors.LEAD,
        make_form=lambda episode, data: forms.EpisodeForm(data),
        run=run,
        done=MEMBER_REMOVED,
        heading="Remove someone from the team around the family",
        intro=intro,
        submit_text="Remove from the team",
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def step_up(request, pk):
    def run(episode, form):
        services.episode_step_up(
            actor=request.user,
            episode=episode,
            referral_on=form.cleaned_data["referral_on"],
            reason=form.cleaned_data["reason"],
            keep_keyworker=form.cleaned_data["keep_keyworker"] == forms.YES,
            revision=_revision(form),
            http_request=request,
        )

    return run_step(
        request,
        pk,
        permission=selectors.LEAD,
        make_form=lambda episode, data: forms.StepUpForm(data),
        run=run,
        done=STEPPED_UP,
        heading="Step up to children’s social care",
        intro=[
            "The episode and its history stay as they are. Social care leads while the family is "
            "stepped up; the keyworker can stay on as a co-worker."
        ],
        date_fields=["referral_on"],
        submit_text="Step up",
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def step_down(request, pk):
    def run(episode, form):
        services.episode_step_down(
            actor=request.user,
            episode=episode,
            lead_professional=selectors.user_by_pk(form.cleaned_data["lead_professional"]),
            reason=form.cleaned_data["reason"],
            revision=_revision(form),
            http_request=request,
        )

    def make_form(episode, data):
        initial = {"lead_professional": str(episode.co_worker_id)} if episode.co_worker_id else {}
        return forms.StepDownForm(
            data, people=selectors.lead_choices(episode.team), initial=initial
        )

    return run_step(
        request,
        pk,
        permission=selectors.LEAD,
        make_form=make_form,
        run=run,
        done=STEPPED_DOWN,
        heading="Step down to Family Help",
        intro=["The keyworker kept on as co-worker leads again unless you choose someone else."],
        submit_text="Step down",
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def close(request, pk):
    def run(episode, form):
        services.episode_close(
            actor=request.user,
            episode=episode,
            reason=form.cleaned_data["reason"],
            goal_outcomes=form.goal_outcomes(),
            family_feedback=form.cleaned_data["family_feedback"],
            notes=form.cleaned_data["notes"],
            open_actions_reason=form.cleaned_data["open_actions_reason"],
            revision=_revision(form),
            http_request=request,
        )

    def intro(episode):
        count = selectors.open_action_count(episode)
        if not count:
            return []
        return [f"{count} action(s) on the plan are still open. Say why if you close now."]

    return run_step(
        request,
        pk,
        permission=selectors.LEAD,
        make_form=lambda episode, data: forms.CloseForm(data, goals=selectors.plan_goals(episode)),
        run=run,
        done=CLOSED,
        heading="Close the episode",
        intro=intro,
        submit_text="Close the episode",
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def reopen(request, pk):
    def run(episode, form):
        services.episode_reopen(
            actor=request.user,
            episode=episode,
            reason=form.cleaned_data["reason"],
            revision=_revision(form),
            http_request=request,
        )

    return run_step(
        request,
        pk,
        permission=selectors.MANAGE,
        make_form=lambda episode, data: forms.ReopenForm(data),
        run=run,
        done=REOPENED,
        heading="Re-open the episode",
        intro=[
            "Re-opened within 12 months of closing, it counts as a repeat. The same lead "
            "professional takes it back if they are still in the team."
        ],
        submit_text="Re-open",
    )
