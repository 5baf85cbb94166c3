"""What the notes, chronology and documents pages share."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from familyhelp.accounts.access import emergency_access_banner
from familyhelp.core.forms import date_input_params


def episode_url(episode) -> str | None:
    """The episode's own page (case work's episodes area), when it is there."""
    try:
        return reverse("casework:episode", kwargs={"pk": episode.pk})
    except NoReverseMatch:
        return None


def page(request, template, context, *, record=None, status=200):
    if record is not None:
        context.setdefault("emergency_access", emergency_access_banner(request.user, record))
    context.setdefault("date_input_params", date_input_params)
    return render(request, f"casework/{template}", context, status=status)
