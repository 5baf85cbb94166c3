"""What the episode pages share: one way to show a step's form and call its service."""

from django.contrib import messages
from django.shortcuts import redirect, render

from familyhelp.casework import selectors_episodes as selectors
from familyhelp.casework.services.episodes import EpisodeError

TEMPLATES = "casework/episodes/"


def render_page(request, template, context, status=200):
    return render(request, TEMPLATES + template, context, status=status)


def run_step(
    request,
    pk,
    *,
    permission,
    make_form,
    run,
    done,
    heading,
    submit_text="Continue",
    intro=(),
    date_fields=(),
    warning="",
):
    """Show a step's form for the episode; on a valid POST call its service (`run`).

    A service refusal that belongs to a field is shown against it (400); any other (a stale form,
    an episode that moved on) at the top of the page (409). Nothing is changed in either case.
    """
    episode = selectors.episode_get(
        user=request.user, pk=pk, permission=permission, http_request=request
    )
    posted = request.method == "POST"
    form = make_form(episode, request.POST if posted else None)
    if not posted:
        form.initial.setdefault("revision", episode.revision)
    problem, status = "", 200
    if posted and form.is_valid():
        try:
            run(episode, form)
        except EpisodeError as refused:
            message = str(refused)
            field = form.field_for(message)
            if field and field in form.fields:
                form.add_error(field, message)
                status = 400
            else:
                problem, status = message, 409
        else:
            messages.success(request, done.format(reference=episode.reference))
            # A lead professional closing an episode no longer has it: back to their cases.
            if not selectors.still_visible(user=request.user, episode=episode):
                return redirect("casework:episodes")
            return redirect("casework:episode", pk=episode.pk)
    elif posted:
        status = 400
    return render_page(
        request,
        "step.html",
        {
            "episode": episode,
            "form": form,
            "problem": problem,
            "heading": heading,
            "intro": list(intro(episode) if callable(intro) else intro),
            "warning": warning,
            "date_fields": list(date_fields),
            "submit_text": submit_text,
            "page_has_errors": bool(form.errors) or bool(problem),
        },
        status=status,
    )
