"""Display for the Early Support Assessment: the task list, every section as summary rows (check
your answers, the read-only document and the PDF share them), and "Your requests"."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup, escape

from familyhelp.core.formatting import long_date
from familyhelp.families.models import Consent
from familyhelp.frontdoor import assessment
from familyhelp.frontdoor.models import Request, RequestPerson
from familyhelp.frontdoor.selectors_assessment import AssessmentRecord

NOT_GIVEN = "Not given"
STATUS_TAGS = {
    Request.Status.DRAFT: "govuk-tag--blue",
    Request.Status.SUBMITTED: "govuk-tag--yellow",
    Request.Status.IN_TRIAGE: "govuk-tag--purple",
    Request.Status.AWAITING_APPROVAL: "govuk-tag--orange",
    Request.Status.DECIDED: "govuk-tag--green",
}
TASK_STATUS_CLASSES = {
    assessment.Status.NOT_STARTED: "govuk-tag--blue",
    assessment.Status.IN_PROGRESS: "govuk-tag--light-blue",
}


def section_url(request: Request, section: assessment.Section) -> str:
    if section.page == "text":
        return reverse("frontdoor:request-section", args=[request.pk, section.key])
    return reverse(f"frontdoor:request-{section.page}", args=[request.pk])


def status_tag(request: Request) -> dict:
    return {"text": request.get_status_display(), "classes": STATUS_TAGS[request.status]}


def _task_status(status: assessment.Status) -> dict:
    if status is assessment.Status.COMPLETED:
        return {"text": status.value}
    return {"tag": {"text": status.value, "classes": TASK_STATUS_CLASSES[status]}}


def task_list(record: AssessmentRecord) -> list[dict]:
    """The groups of the task list, each with the govukTaskList items of its sections."""
    request = record.request
    groups = []
    for index, (heading, keys) in enumerate(assessment.GROUPS, start=1):
        items = []
        for key in keys:
            section = assessment.BY_KEY[key]
            status = assessment.section_status(section, request, record.facts)
            items.append(
                {
                    "title": {"text": section.title},
                    "href": section_url(request, section),
                    "status": _task_status(status),
                }
            )
        groups.append({"heading": f"{index}. {heading}", "id": f"group-{index}", "items": items})
    ready = not assessment.incomplete_sections(request, record.facts)
    check = {"title": {"text": "Check your answers and send the request"}}
    if ready:
        check["href"] = reverse("frontdoor:request-check", args=[request.pk])
        check["status"] = {"tag": {"text": "Not started", "classes": "govuk-tag--blue"}}
    else:
        check["status"] = {
            "text": "Cannot start yet",
            "classes": "govuk-task-list__status--cannot-start-yet",
        }
    groups.append(
        {"heading": f"{len(groups) + 1}. Send", "id": f"group-{len(groups) + 1}", "items": [check]}
    )
    return groups


def completed_count(record: AssessmentRecord) -> tuple[int, int]:
    incomplete = assessment.incomplete_sections(record.request, record.facts)
    return len(assessment.SECTIONS) - len(incomplete), len(assessment.SECTIONS)


# Every section as rows ----------------------------------------------------------------------


@dataclass
class SummaryRow:
    label: str
    lines: list[str]


@dataclass
class SummarySection:
    key: str
    title: str
    rows: list[SummaryRow] = field(default_factory=list)
    change_url: str = ""

    def govuk_rows(self, editable: bool) -> list[dict]:
        rows = []
        for row in self.rows:
            value = lines_html(row.lines) or NOT_GIVEN
            item = {"key": {"text": row.label}, "value": {"html": value}}
            if editable and self.change_url:
                item["actions"] = {
                    "items": [
                        {
                            "href": self.change_url,
                            "text": "Change",
                            "visuallyHiddenText": f"{row.label.lower()} ({self.title.lower()})",
                        }
                    ]
                }
            rows.append(item)
        return rows


def lines_html(lines: list[str]) -> Markup:
    return Markup("<br>").join(escape(line) for line in lines)


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()] or [NOT_GIVEN]


def _born(entry: RequestPerson) -> str:
    person = entry.person
    if person.expected_date:
        return f"Expected {long_date(person.expected_date)}"
    if person.date_of_birth:
        return f"Born {long_date(person.date_of_birth)}"
    return "Date of birth not known"


def _people_rows(record: AssessmentRecord) -> list[SummaryRow]:
    rows = []
    for entry in record.people:
        lines = [entry.get_role_display(), _born(entry)]
        if entry.person.postcode:
            lines.append(entry.person.postcode)
        rows.append(SummaryRow(entry.person.full_name, lines))
    return rows or [SummaryRow("People", ["Nobody added yet"])]


def relationship_line(relationship) -> str:
    return f"{relationship.get_kind_display()} of {relationship.relative.full_name}"


def _relationship_rows(record: AssessmentRecord) -> list[SummaryRow]:
    rows = []
    for relationship in record.relationships:
        lines = [relationship_line(relationship)]
        if relationship.parental_responsibility:
            lines.append("Has parental responsibility")
        rows.append(SummaryRow(relationship.person.full_name, lines))
    return rows or [SummaryRow("Relationships", ["None recorded"])]


def consent_lines(consent: Consent) -> list[str]:
    lines = [
        f"Given by {consent.given_by_name} on {long_date(consent.given_on)}",
        consent.get_method_display(),
    ]
    if consent.scope == Consent.Scope.SHARING:
        names = ", ".join(agency.name for agency in consent.agencies.all())
        lines.append(f"With {names}")
    if consent.expires_on:
        lines.append(f"Until {long_date(consent.expires_on)}")
    if consent.withdrawn_at:
        lines.append(f"Withdrawn on {long_date(timezone.localdate(consent.withdrawn_at))}")
    return lines


def _consent_rows(record: AssessmentRecord) -> list[SummaryRow]:
    request = record.request
    if request.consent_not_sought_reason:
        return [
            SummaryRow("Consent", ["Not sought: asking would put a child at risk"]),
            SummaryRow("Why", _lines(request.consent_not_sought_reason)),
            SummaryRow("Goes to", ["The front door’s safeguarding queue"]),
        ]
    rows = [
        SummaryRow(consent.get_scope_display(), consent_lines(consent))
        for consent in record.consents
    ]
    return rows or [SummaryRow("Consent", ["Not recorded yet"])]


def summary_sections(record: AssessmentRecord) -> list[SummarySection]:
    request = record.request
    sections = []
    for section in assessment.SECTIONS:
        if section is assessment.PEOPLE:
            rows = _people_rows(record)
        elif section is assessment.RELATIONSHIPS:
            rows = _relationship_rows(record)
        elif section is assessment.LEVEL:
            level = request.suggested_level
            rows = [SummaryRow("Level of need", [str(level)] if level else [NOT_GIVEN])]
        elif section is assessment.CONSENT:
            rows = _consent_rows(record)
        else:
            rows = [
                SummaryRow(answer.label, _lines(getattr(request, answer.name)))
                for answer in section.answers
            ]
        sections.append(
            SummarySection(section.key, section.title, rows, section_url(request, section))
        )
    return sections


def about_rows(record: AssessmentRecord) -> list[SummaryRow]:
    """Who made the request, when, and where it is now (the document's first section)."""
    request = record.request
    made_by = request.created_by
    rows = [
        SummaryRow("Reference", [request.reference]),
        SummaryRow("Status", [request.get_status_display()]),
        SummaryRow(
            "Made by",
            [line for line in (made_by.full_name, made_by.job_title) if line] if made_by else [],
        ),
        SummaryRow("Agency", [request.agency.name] if request.agency else [NOT_GIVEN]),
    ]
    if request.submitted_at:
        rows.append(SummaryRow("Sent", [long_date(timezone.localdate(request.submitted_at))]))
    if request.declaration_name:
        rows.append(SummaryRow("Declaration made by", [request.declaration_name]))
    if request.safeguarding:
        rows.append(SummaryRow("Safeguarding", ["Yes: consent was not sought"]))
    return rows


def decision_section(decision) -> SummarySection | None:
    """What the front door decided, as the requester reads it: the outcome and what happens next
    (not the officer's rationale, which may draw on partners' checks)."""
    if decision is None:
        return None
    rows = [
        SummaryRow("Decision", [decision.get_kind_display()]),
        SummaryRow("Decided", [long_date(timezone.localdate(decision.decided_at))]),
    ]
    if decision.level:
        rows.append(SummaryRow("Level of need", [str(decision.level)]))
    if decision.kind == decision.Kind.FAMILY_HELP and decision.team:
        rows.append(SummaryRow("What happens next", [f"Family Help from {decision.team.name}"]))
    elif decision.kind == decision.Kind.ADVICE:
        rows.append(SummaryRow("Services suggested", [s.name for s in decision.services.all()]))
    elif decision.kind == decision.Kind.SOCIAL_CARE:
        rows.append(SummaryRow("What happens next", ["Referred to children’s social care"]))
    elif decision.kind == decision.Kind.NO_FURTHER_ACTION:
        rows.append(SummaryRow("Why", [decision.get_no_further_action_reason_display()]))
    return SummarySection("decision", "What the front door decided", rows)


# "Your requests" --------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestRow:
    request: Request
    href: str
    children: str
    tag: dict
    updated: str


def request_rows(requests: list[Request]) -> list[RequestRow]:
    rows = []
    for request in requests:
        children = ", ".join(
            entry.person.full_name
            for entry in request.request_people.all()
            if entry.role in assessment.CHILD_ROLES
        )
        rows.append(
            RequestRow(
                request=request,
                href=reverse("frontdoor:request", args=[request.pk]),
                children=children or "No child added yet",
                tag=status_tag(request),
                updated=long_date(timezone.localdate(request.updated_at)),
            )
        )
    return rows


def incomplete_links(record: AssessmentRecord) -> list[dict]:
    """The sections still to complete, each linking to its page."""
    return [
        {"text": section.title, "href": section_url(record.request, section)}
        for section in assessment.incomplete_sections(record.request, record.facts)
    ]


@dataclass(frozen=True)
class MatchRow:
    """A likely match from the duplicate check, as the practitioner sees it."""

    value: str
    name: str
    born: str
    postcode: str
    reasons: str
    visible: bool


def match_rows(candidates) -> list[MatchRow]:
    rows = []
    for candidate in candidates:
        person = candidate.person
        if person.expected_date:
            born = f"Expected {long_date(person.expected_date)}"
        elif person.date_of_birth:
            born = f"Born {long_date(person.date_of_birth)}"
        else:
            born = "Date of birth not known"
        # A record the practitioner may not open shows only what identifies the match.
        postcode = person.postcode if candidate.visible else candidate.outward_code
        reasons = ", ".join(candidate.reasons)
        rows.append(
            MatchRow(
                value=str(person.pk),
                name=person.full_name,
                born=born,
                postcode=postcode or "Postcode not known",
                reasons=reasons[:1].upper() + reasons[1:],
                visible=candidate.visible,
            )
        )
    return rows
