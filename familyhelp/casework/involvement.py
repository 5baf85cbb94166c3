"""Case work's rows on the family page (families/involvement.py): the family's episodes, and the
front door hook that opens one when a Family Help decision takes effect.

Everyone related to the family through case work (lead professional, team around the family, the
team's manager) or with break-glass access sees every episode; one query, however many.
"""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from familyhelp.accounts.relationships import Relationship, active_break_glass, relationships_of
from familyhelp.casework.models import Episode
from familyhelp.families.involvement import InvolvementRow, contribute
from familyhelp.frontdoor import effects

EPISODE_KIND = "Family Help episode"
SEES_EPISODES = {
    Relationship.LEAD_PROFESSIONAL,
    Relationship.TEAM_AROUND_FAMILY,
    Relationship.TEAM_MANAGER,
}


def _url(pk):
    try:
        return reverse("casework:episode", kwargs={"pk": pk})
    except NoReverseMatch:
        return None


def episode_rows(user, family) -> list[InvolvementRow]:
    related = relationships_of(user, family)
    if not (related & SEES_EPISODES or active_break_glass(user, family) is not None):
        return []
    rows = []
    for episode in Episode.objects.filter(family=family).select_related("team", "level"):
        summary = f"{episode.reference} with {episode.team.name}: {episode.get_status_display()}"
        if episode.level is not None:
            summary += f", level {episode.level.number}"
        rows.append(
            InvolvementRow(
                date=timezone.localtime(episode.created_at).date(),
                kind=EPISODE_KIND,
                summary=summary,
                url=_url(episode.pk),
                current=episode.is_open,
            )
        )
    return rows


def register_episodes() -> None:
    from familyhelp.casework.services.episodes import episode_open_from_decision

    contribute(episode_rows)
    if episode_open_from_decision not in effects.HANDLERS:
        effects.on_decision_in_effect(episode_open_from_decision)
