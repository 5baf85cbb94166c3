"""The Family Help plan, its history, print and PDF, and the reviews (docs/family-help-plan.md).
Thin views: get the episode (404 and audited when refused), call the service, render."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyhelp.accounts import access
from familyhelp.casework import presenters_plan as presenters
from familyhelp.casework import selectors_plan as selectors
from familyhelp.casework.forms_plan import (
    ActionForm,
    ActionStatusForm,
    FamilyWordsForm,
    GoalChangeForm,
    GoalForm,
    NeedForm,
    ReviewForm,
)
from familyhelp.casework.models import Action, Review
from familyhelp.casework.plan_pdf import plan_pdf
from familyhelp.casework.services import plan as service
from familyhelp.casework.services import reviews as review_service

PLAN_STARTED = "Plan started"
PLAN_SAVED = "Plan saved"
REVIEW_SAVED = "Review recorded"
NEXT_STEP = "Review recorded. Now {step}"


def _revision(request) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def _context(request, episode, **extra):
    return {"episode": episode, "children": selectors.episode_children(episode), **extra}


def _lead_episode(request, pk):
    return selectors.episode_get(
        actor=request.user, pk=pk, permission=selectors.LEAD, http_request=request
    )


def _plan_or_404(episode):
    plan = selectors.plan_get(episode)
    if plan is None:
        raise access.RecordNotFound(service.PLAN_RECORD_TYPE, None, personal=True)
    return plan


# The plan ---------------------------------------------------------------------------------------


@require_GET
@access.protected_view
def plan_page(request, pk):
    episode = selectors.episode_get(actor=request.user, pk=pk, http_request=request)
    plan = selectors.plan_get(episode)
    may_change = service.may_change_plan(request.user, episode)
    view = presenters.plan_view(service.plan_document(plan)) if plan else None
    return render(
        request,
        "casework/plan/plan.html",
        _context(
            request,
            episode,
            plan=plan,
            view=view,
            may_change=may_change,
            # Owners update their own actions' status; the lead professional any.
            may_update_own=episode.is_open,
            changed=presenters.who_and_when(plan.updated_by, plan.updated_at) if plan else "",
        ),
    )


@require_POST
@access.protected_view
def plan_start(request, pk):
    episode = _lead_episode(request, pk)
    try:
        service.plan_start(actor=request.user, episode=episode, http_request=request)
    except service.PlanError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, PLAN_STARTED)
    return redirect("casework:plan", pk=episode.pk)


def _plan_form_view(
    request, episode, plan, *, form_class, template, call, initial=None, form_kwargs=None, **extra
):
    """A plan change page: GET shows the form, POST calls the service with the revision shown."""
    form_kwargs = form_kwargs or {}
    revision = plan.revision
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        revision = _revision(request)
        if form.is_valid():
            try:
                call(episode=episode, revision=revision, data=form.cleaned_data)
            except service.StalePlan as stale:
                form.add_error(None, str(stale))
                revision = stale.plan.revision
            except service.PlanError as refused:
                form.add_error(refused.field or None, str(refused))
            else:
                messages.success(request, PLAN_SAVED)
                return redirect("casework:plan", pk=episode.pk)
        status = 400
    else:
        form = form_class(initial=initial, **form_kwargs)
        status = 200
    return render(
        request,
        template,
        _context(request, episode, form=form, revision=revision, **extra),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def plan_words(request, pk):
    def call(*, episode, revision, data):
        service.plan_family_words_update(
            actor=request.user,
            episode=episode,
            revision=revision,
            family_words=data["family_words"],
            http_request=request,
        )

    episode = _lead_episode(request, pk)
    plan = _plan_or_404(episode)
    return _plan_form_view(
        request,
        episode,
        plan,
        form_class=FamilyWordsForm,
        template="casework/plan/words.html",
        call=call,
        initial={"family_words": plan.family_words},
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def need_add(request, pk):
    def call(*, episode, revision, data):
        service.plan_need_add(
            actor=request.user, episode=episode, revision=revision, http_request=request, **data
        )

    episode = _lead_episode(request, pk)
    return _plan_form_view(
        request,
        episode,
        _plan_or_404(episode),
        form_class=NeedForm,
        template="casework/plan/need.html",
        call=call,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def goal_add(request, pk):
    def call(*, episode, revision, data):
        service.goal_add(
            actor=request.user, episode=episode, revision=revision, http_request=request, **data
        )

    episode = _lead_episode(request, pk)
    return _plan_form_view(
        request,
        episode,
        _plan_or_404(episode),
        form_class=GoalForm,
        template="casework/plan/goal.html",
        call=call,
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def goal_change(request, pk, goal_pk):
    episode = _lead_episode(request, pk)
    plan = _plan_or_404(episode)
    goal = plan.goals.filter(pk=goal_pk).first()
    if goal is None:
        raise access.RecordNotFound(service.PLAN_RECORD_TYPE, None, personal=True)

    def call(*, episode, revision, data):
        service.goal_update(
            actor=request.user,
            episode=episode,
            goal_id=goal.pk,
            revision=revision,
            http_request=request,
            **data,
        )

    return _plan_form_view(
        request,
        episode,
        plan,
        goal=goal,
        form_class=GoalChangeForm,
        template="casework/plan/goal.html",
        call=call,
        initial={"text": goal.text, "family_words": goal.family_words, "status": goal.status},
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def action_add(request, pk, goal_pk):
    episode = _lead_episode(request, pk)
    plan = _plan_or_404(episode)
    goal = plan.goals.filter(pk=goal_pk).first()
    if goal is None:
        raise access.RecordNotFound(service.PLAN_RECORD_TYPE, None, personal=True)
    owners = selectors.action_owner_choices(episode)
    by_pk = {str(user.pk): user for user, _ in owners}

    def call(*, episode, revision, data):
        # Only the people offered are valid choices (ActionForm), so this finds one.
        owner = by_pk[data["owner"]]
        service.action_add(
            actor=request.user,
            episode=episode,
            goal_id=goal.pk,
            revision=revision,
            text=data["text"],
            owner=owner,
            due_on=data["due_on"],
            http_request=request,
        )

    return _plan_form_view(
        request,
        episode,
        plan,
        goal=goal,
        form_class=ActionForm,
        template="casework/plan/action.html",
        call=call,
        form_kwargs={"owners": owners},
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def action_status(request, pk, action_pk):
    episode = selectors.episode_get(
        actor=request.user, pk=pk, permission=service.RECORD_WORK, http_request=request
    )
    plan = _plan_or_404(episode)
    action = Action.objects.filter(pk=action_pk, goal__plan=plan).first()
    if action is None:
        raise access.RecordNotFound(service.PLAN_RECORD_TYPE, None, personal=True)
    if not service.may_update_action(request.user, episode, action):
        service.action_update_refused(actor=request.user, episode=episode, http_request=request)

    def call(*, episode, revision, data):
        service.action_status_update(
            actor=request.user,
            episode=episode,
            action_id=action.pk,
            revision=revision,
            status=data["status"],
            http_request=request,
        )

    return _action_status_page(request, episode, plan, action=action, call=call)


def _action_status_page(request, episode, plan, *, action, call):
    """The status page: the owner may use it without leading the episode."""
    revision = plan.revision
    if request.method == "POST":
        form = ActionStatusForm(request.POST)
        revision = _revision(request)
        if form.is_valid():
            try:
                call(episode=episode, revision=revision, data=form.cleaned_data)
            except service.StalePlan as stale:
                form.add_error(None, str(stale))
                revision = stale.plan.revision
            except service.PlanError as refused:
                form.add_error(refused.field or None, str(refused))
            else:
                messages.success(request, PLAN_SAVED)
                return redirect("casework:plan", pk=episode.pk)
        status = 400
    else:
        form = ActionStatusForm(initial={"status": action.status})
        status = 200
    return render(
        request,
        "casework/plan/action_status.html",
        _context(request, episode, form=form, revision=revision, action=action),
        status=status,
    )


# History, print and PDF ------------------------------------------------------------------------


@require_GET
@access.protected_view
def plan_history(request, pk):
    episode = selectors.episode_get(actor=request.user, pk=pk, http_request=request)
    plan = _plan_or_404(episode)
    rows = presenters.version_rows(selectors.plan_version_list(plan))
    return render(request, "casework/plan/history.html", _context(request, episode, rows=rows))


@require_GET
@access.protected_view
def plan_version(request, pk, number):
    episode = selectors.episode_get(actor=request.user, pk=pk, http_request=request)
    plan = _plan_or_404(episode)
    version = selectors.plan_version_get(plan, number)
    if version is None:
        raise access.RecordNotFound(service.PLAN_RECORD_TYPE, None, personal=True)
    return render(
        request,
        "casework/plan/version.html",
        _context(
            request,
            episode,
            version=version,
            view=presenters.plan_view(version.document),
            changed=presenters.who_and_when(version.created_by, version.created_at),
        ),
    )


@require_GET
@access.protected_view
def plan_print(request, pk):
    episode = selectors.episode_get(actor=request.user, pk=pk, http_request=request)
    plan = _plan_or_404(episode)
    return render(
        request,
        "casework/plan/print.html",
        _context(
            request,
            episode,
            plan=plan,
            view=presenters.plan_view(service.plan_document(plan)),
            changed=presenters.who_and_when(plan.updated_by, plan.updated_at),
        ),
    )


@require_GET
@access.protected_view
def plan_pdf_download(request, pk):
    episode = selectors.episode_get(actor=request.user, pk=pk, http_request=request)
    plan = _plan_or_404(episode)
    content = plan_pdf(
        episode=episode,
        children=selectors.episode_children(episode),
        view=presenters.plan_view(service.plan_document(plan)),
        changed=presenters.who_and_when(plan.updated_by, plan.updated_at),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-{episode.reference}.pdf"'
    return response


# Reviews ----------------------------------------------------------------------------------------


@require_GET
@access.protected_view
def reviews_page(request, pk):
    episode = selectors.episode_get(actor=request.user, pk=pk, http_request=request)
    return render(
        request,
        "casework/reviews/list.html",
        _context(
            request,
            episode,
            reviews=presenters.review_blocks(selectors.review_list(episode)),
            may_record=review_service.may_record_review(request.user, episode),
            next_review_due=presenters.long_date(episode.next_review_due),
        ),
    )


@require_http_methods(["GET", "POST"])
@access.protected_view
def review_new(request, pk):
    episode = _lead_episode(request, pk)
    goals = list(review_service.review_goals(episode))
    form = ReviewForm(request.POST or None, goals=goals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = review_service.review_record(
                actor=request.user,
                episode=episode,
                held_on=data["held_on"],
                attendees=data["attendees"],
                family_views=data["family_views"],
                decision=data["decision"],
                notes=data["notes"],
                progress=form.progress(),
                http_request=request,
            )
        except review_service.ReviewError as refused:
            form.add_error(refused.field or None, str(refused))
        else:
            return _after_review(request, episode, review)
    return render(
        request,
        "casework/reviews/new.html",
        _context(request, episode, form=form, goals=goals),
        status=400 if request.method == "POST" else 200,
    )


def _after_review(request, episode, review):
    """Continue: back to the reviews. Any other decision: on to the episode's page for it."""
    step = presenters.NEXT_STEP.get(Review.Decision(review.decision))
    if step is None:
        messages.success(request, REVIEW_SAVED)
        return redirect("casework:reviews", pk=episode.pk)
    name, text = step
    messages.success(request, NEXT_STEP.format(step=text[:1].lower() + text[1:]))
    return redirect(name, pk=episode.pk)
