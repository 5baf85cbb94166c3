"""Episodes as the pages show them: GOV.UK summary-list rows and table rows, display strings."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from familyhelp.casework.models import Episode, EpisodePerson
from familyhelp.core import formatting

STATUS_TAGS = {
    Episode.Status.AWAITING_ALLOCATION: "govuk-tag--yellow",
    Episode.Status.OPEN: "govuk-tag--green",
    Episode.Status.STEPPED_UP: "govuk-tag--purple",
    Episode.Status.CLOSED: "govuk-tag--grey",
}
# The pages other areas of case work build, linked from the episode when they exist.
WORK_PAGES = [
    ("casework:plan", "Family Help plan"),
    ("casework:reviews", "Reviews"),
    ("casework:notes", "Case notes and contacts"),
    ("casework:episode-chronology", "Chronology"),
    ("casework:documents", "Documents"),
]


def name(user) -> str:
    if user is None:
        return "Not allocated"
    return user.full_name or user.email


def date(moment) -> str:
    if moment is None:
        return ""
    if hasattr(moment, "hour"):
        moment = timezone.localtime(moment).date()
    return formatting.long_date(moment)


def status_tag(episode: Episode) -> dict:
    return {"text": episode.get_status_display(), "classes": STATUS_TAGS[episode.status]}


def level(episode: Episode) -> str:
    return str(episode.level) if episode.level is not None else "Not recorded"


def _row(key, value):
    return {"key": {"text": key}, "value": {"text": value or "Not recorded"}}


def summary_rows(episode: Episode) -> list[dict]:
    rows = [
        {"key": {"text": "Status"}, "value": {"text": episode.get_status_display()}},
        _row("Level of need", level(episode)),
        _row("Team", episode.team.name),
        _row("Lead professional", name(episode.lead_professional)),
    ]
    if episode.co_worker is not None:
        rows.append(_row("Keyworker kept on as co-worker", name(episode.co_worker)))
    rows.append(_row("How it began", episode.get_origin_display()))
    if episode.is_repeat:
        rows.append(_row("Repeat", "Yes: an earlier episode closed within 12 months"))
    return rows


def key_date_rows(episode: Episode) -> list[dict]:
    rows = [_row("Opened", date(episode.created_at))]
    if episode.allocated_at:
        rows.append(_row("Allocated", date(episode.allocated_at)))
    if episode.next_review_due and episode.is_open:
        rows.append(_row("Next review due", date(episode.next_review_due)))
    if episode.statutory_referral_on:
        rows.append(_row("Statutory referral", date(episode.statutory_referral_on)))
    if episode.status == Episode.Status.STEPPED_UP and episode.step_up_reason:
        rows.append(_row("Why it was stepped up", episode.step_up_reason))
    if episode.closed_at:
        rows.append(_row("Closed", date(episode.closed_at)))
        rows.append(_row("Why it closed", episode.get_closure_reason_display()))
        if episode.closure_notes:
            rows.append(_row("Closure notes", episode.closure_notes))
        if episode.open_actions_reason:
            rows.append(_row("Why actions were left open", episode.open_actions_reason))
        if episode.family_feedback:
            rows.append(_row("The family’s feedback", episode.family_feedback))
    return rows


def step_down_rows(episode: Episode) -> list[dict]:
    if episode.origin != Episode.Origin.STEP_DOWN:
        return []
    return [
        _row("Social worker", episode.social_worker_name),
        _row("Social worker’s summary", episode.step_down_summary),
    ]


def person_rows(people: list[EpisodePerson]) -> list[list[dict]]:
    rows = []
    for entry in people:
        person = entry.person
        full = f"{person.given_names} {person.family_name}".strip()
        born = formatting.long_date(person.date_of_birth) if person.date_of_birth else "Not known"
        rows.append([{"text": full}, {"text": entry.get_role_display()}, {"text": born}])
    return rows


def member_name(member) -> str:
    agency = member.user.agency.name if member.user.agency_id else ""
    return f"{name(member.user)} ({agency})" if agency else name(member.user)


def transition_rows(transitions, people_names: dict) -> list[list[dict]]:
    rows = []
    for step in transitions:
        said = step.reason
        after = step.details.get("after") if isinstance(step.details, dict) else None
        if after and after in people_names:
            said = f"Lead professional: {people_names[after]}" + (f". {said}" if said else "")
        rows.append(
            [
                {"text": date(step.at)},
                {"text": step.get_kind_display()},
                {"text": name(step.by) if step.by else "The front door"},
                {"text": said or ""},
            ]
        )
    return rows


def work_links(episode: Episode) -> list[dict]:
    links = []
    for url_name, text in WORK_PAGES:
        try:
            links.append({"href": reverse(url_name, kwargs={"pk": episode.pk}), "text": text})
        except NoReverseMatch:
            continue
    return links


def case_rows(episodes, *, with_lead: bool = False) -> list[list[dict]]:
    rows = []
    for episode in episodes:
        link = reverse("casework:episode", kwargs={"pk": episode.pk})
        row = [
            {"html": f'<a class="govuk-link" href="{link}">{episode.reference}</a>'},
            {"text": episode.family.name},
            {"text": episode.get_status_display()},
            {"text": f"Level {episode.level.number}" if episode.level else "Not recorded"},
            {"text": date(episode.created_at)},
        ]
        if with_lead:
            row.insert(3, {"text": episode.team.name})
        rows.append(row)
    return rows
