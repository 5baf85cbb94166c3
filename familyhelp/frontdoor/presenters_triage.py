"""Display strings for the queue, triage, decision and approval pages: templates stay logic-free."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from familyhelp.core import formatting
from familyhelp.core.working_days import working_days_between
from familyhelp.frontdoor.models import Decision, Request
from familyhelp.frontdoor.selectors_queue import postcode_district
from familyhelp.frontdoor.services.triage import name_of, when

SELF_REFERRAL = "Self-referral"
STATUS_COLOURS = {
    Request.Status.SUBMITTED: "blue",
    Request.Status.IN_TRIAGE: "yellow",
    Request.Status.AWAITING_APPROVAL: "purple",
    Request.Status.DECIDED: "green",
    Request.Status.DRAFT: "grey",
}


def age_in_years(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def initials(person) -> str:
    parts = f"{person.given_names} {person.family_name}".split()
    return "".join(part[0].upper() for part in parts if part)


def child_summary(person, today: datetime.date) -> str:
    """As little as identifies a child in a list: initials and age ("AT, 9")."""
    if person.date_of_birth is None and person.expected_date is not None:
        return f"Unborn baby, due {formatting.long_date(person.expected_date)}"
    if person.date_of_birth is None:
        return f"{initials(person)}, age not known"
    return f"{initials(person)}, {age_in_years(person.date_of_birth, today)}"


def made_by(request: Request) -> str:
    if request.kind == Request.Kind.SELF_REFERRAL:
        return SELF_REFERRAL
    return request.agency.name if request.agency_id else "Not known"


def area_of(request: Request, children=()) -> str:
    """The request's area; else the district of the family's postcode or a child's."""
    if request.area:
        return request.area
    if request.postcode:
        return postcode_district(request.postcode)
    for link in children:
        if link.person.postcode:
            return postcode_district(link.person.postcode)
    return ""


def waited(request: Request, today: datetime.date) -> int:
    if request.submitted_at is None:
        return 0
    return max(0, working_days_between(timezone.localdate(request.submitted_at), today))


@dataclass(frozen=True)
class QueueRow:
    request: Request
    made_by: str
    for_whom: list[str]
    level: str
    waited: str
    due: str
    overdue: bool
    due_today: bool
    area: str
    picked_up_by: str
    status: str
    status_colour: str


def queue_row(request: Request, today: datetime.date) -> QueueRow:
    children = getattr(request, "children", [])
    due_on = request.decision_due_on
    level = request.suggested_level
    return QueueRow(
        request=request,
        made_by=made_by(request),
        for_whom=[child_summary(link.person, today) for link in children] or ["Not known yet"],
        level=f"{level.number}: {level.name}" if level else "Not given",
        waited=formatting.plural(waited(request, today), "working day"),
        due=formatting.long_date(due_on) if due_on else "Not set",
        overdue=due_on is not None and due_on < today,
        due_today=due_on == today,
        area=area_of(request, children),
        picked_up_by=name_of(request.picked_up_by) if request.picked_up_by_id else "",
        status=request.get_status_display(),
        status_colour=STATUS_COLOURS[request.status],
    )


def queue_rows(page) -> list[QueueRow]:
    today = timezone.localdate()
    return [queue_row(request, today) for request in page.object_list]


# The request's own content -----------------------------------------------------------------

ASSESSMENT_SECTIONS = [
    ("reasons", "Reasons for the request"),
    ("development_strengths", "The child’s developmental needs: strengths"),
    ("development_needs", "The child’s developmental needs: needs"),
    ("parenting_strengths", "Parenting capacity: strengths"),
    ("parenting_needs", "Parenting capacity: needs"),
    ("environment_strengths", "Family and environmental factors: strengths"),
    ("environment_needs", "Family and environmental factors: needs"),
    ("child_views", "The child’s views"),
    ("family_views", "The family’s views"),
    ("support_in_place", "Support already in place"),
]
SELF_REFERRAL_ANSWERS = [
    ("who_needs_help", "Who needs help"),
    ("help_with", "What they need help with"),
    ("contact_name", "Name of the person asking"),
    ("contact_email", "Email address"),
    ("contact_phone", "Phone number"),
    ("safe_contact_notes", "How to contact them safely"),
    ("postcode", "Postcode"),
]


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def request_sections(request: Request) -> list[dict]:
    """Summary-list rows of what the requester wrote."""
    if request.kind == Request.Kind.SELF_REFERRAL:
        rows = [(label, getattr(request, name)) for name, label in SELF_REFERRAL_ANSWERS]
        rows += [
            ("Safe to leave a message", _yes_no(request.safe_to_leave_message)),
            ("Agreed to be contacted by text", _yes_no(request.contact_by_text)),
            ("Agreed to the front door assessing and sharing", _yes_no(request.consent_given)),
        ]
    else:
        rows = [(label, getattr(request, name)) for name, label in ASSESSMENT_SECTIONS]
        if request.consent_not_sought_reason:
            rows.append(("Why consent was not sought", request.consent_not_sought_reason))
    return [
        {
            "key": {"text": label},
            "value": {"text": value or "Not given", "classes": "app-break-word"},
        }
        for label, value in rows
    ]


def request_summary(request: Request, today: datetime.date | None = None) -> list[dict]:
    """The facts at the top of the triage page."""
    today = today or timezone.localdate()
    level = request.suggested_level
    made = made_by(request)
    if request.kind == Request.Kind.ASSESSMENT and request.created_by_id:
        made = f"{name_of(request.created_by)}, {made}"
    rows = [
        ("Kind", request.get_kind_display()),
        ("Made by", made),
        ("Received", when(request.submitted_at) if request.submitted_at else "Not yet"),
        ("Waiting", formatting.plural(waited(request, today), "working day")),
        (
            "Decision due",
            formatting.long_date(request.decision_due_on) if request.decision_due_on else "Not set",
        ),
        (
            "Level of need suggested",
            f"Level {level.number}: {level.name}" if level else "Not given",
        ),
        ("Family", request.family.name if request.family_id else "Not linked to a family yet"),
    ]
    return [{"key": {"text": key}, "value": {"text": value}} for key, value in rows]


def people_rows(request: Request, today: datetime.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    rows = []
    for link in request.request_people.all():
        person = link.person
        if person.is_unborn:
            born = f"Expected {formatting.long_date(person.expected_date)}"
        elif person.date_of_birth:
            born = (
                f"{formatting.long_date(person.date_of_birth)} "
                f"(age {age_in_years(person.date_of_birth, today)})"
            )
        else:
            born = "Date of birth not known"
        rows.append(
            {
                "key": {"text": person.full_name, "classes": "app-break-word"},
                "value": {"text": f"{link.get_role_display()}. {born}"},
            }
        )
    return rows


def decision_rows(decision: Decision) -> list[dict]:
    rows = [
        ("Decision", decision.get_kind_display()),
        ("Level of need", f"Level {decision.level.number}: {decision.level.name}")
        if decision.level
        else ("Level of need", "Not given"),
        ("Rationale", decision.rationale),
        ("Decided by", f"{name_of(decision.decided_by)}, {when(decision.decided_at)}"),
    ]
    if decision.kind == Decision.Kind.FAMILY_HELP and decision.team:
        rows.append(("Team", str(decision.team)))
    if decision.kind == Decision.Kind.ADVICE:
        names = [f"{service.name}" for service in decision.services.all()]
        rows.append(("Services sent", ", ".join(names) or "None"))
    if decision.kind == Decision.Kind.NO_FURTHER_ACTION:
        rows.append(("Reason", decision.get_no_further_action_reason_display()))
    if decision.referred_to_social_care_at:
        rows.append(
            ("Referred to children’s social care", when(decision.referred_to_social_care_at))
        )
    if decision.approval != Decision.Approval.NOT_NEEDED:
        approval = decision.get_approval_display()
        if decision.approved_by_id:
            approval += f" by {name_of(decision.approved_by)}, {when(decision.approved_at)}"
        rows.append(("Manager’s approval", approval))
    if decision.approval_note:
        rows.append(("Manager’s note", decision.approval_note))
    return [
        {"key": {"text": key}, "value": {"text": value, "classes": "app-break-word"}}
        for key, value in rows
    ]


def outcome_line(request: Request, decision: Decision | None) -> str:
    """What happens next, in one line, once a decision is in force."""
    if decision is None or not decision.in_effect:
        return ""
    if decision.kind == Decision.Kind.FAMILY_HELP and decision.team:
        return f"Waiting for allocation in {decision.team.name}"
    if decision.kind == Decision.Kind.SOCIAL_CARE:
        return "Referred to children’s social care, with the assessment attached"
    if decision.kind == Decision.Kind.ADVICE:
        return "Advice and signposting sent"
    return "No further action"


def _local_date(moment) -> str:
    return formatting.long_date(timezone.localdate(moment))


def previous_rows(requests) -> list[dict]:
    rows = []
    for earlier in requests:
        decisions = getattr(earlier, "decisions_in_force", [])
        outcome = (
            "; ".join(f"{d.get_kind_display()} on {_local_date(d.decided_at)}" for d in decisions)
            or earlier.get_status_display()
        )
        received = (
            formatting.long_date(timezone.localdate(earlier.submitted_at))
            if earlier.submitted_at
            else ""
        )
        rows.append(
            [
                {"text": earlier.reference},
                {"text": received},
                {"text": made_by(earlier)},
                {"text": outcome},
            ]
        )
    return rows


def candidate_label(candidate) -> str:
    """A possible duplicate: enough to recognise the record and why it matched."""
    person = candidate.person
    if candidate.visible:
        who = person.full_name
    else:
        who = f"{initials(person)} (a record you cannot open)"
    born = (
        formatting.long_date(person.date_of_birth)
        if person.date_of_birth
        else "date of birth not known"
    )
    reasons = ", ".join(candidate.reasons)
    return f"{who}, born {born}, {candidate.outward_code or 'no postcode'}: {reasons}"


def level_guidance(levels) -> list[dict]:
    return [
        {
            "heading": f"Level {level.number}: {level.name}",
            "summary": level.summary,
            "descriptors": [line for line in level.descriptors.splitlines() if line.strip()],
        }
        for level in levels
    ]
