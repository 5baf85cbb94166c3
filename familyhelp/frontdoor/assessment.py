"""The Early Support Assessment's task list: its sections, the fields each answers, and when each
is complete.

A section is "Completed" when the practitioner said so ("Have you completed this section?", kept
in `Request.sections_completed`) and everything it needs is there; "In progress" when something
is answered; otherwise "Not started". The request can be sent once every section is completed.
"""

from dataclasses import dataclass
from enum import StrEnum

from familyhelp.frontdoor.models import Request, RequestPerson


class Status(StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


@dataclass(frozen=True)
class Answer:
    """One question of a text section: the Request field, its label and hint."""

    name: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    # Request fields the section's page answers (each required before it can be completed).
    answers: tuple[Answer, ...] = ()
    # The page that answers it: "text" (the answers above), or a page of its own.
    page: str = "text"
    intro: str = ""

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(answer.name for answer in self.answers)


@dataclass(frozen=True)
class Facts:
    """What completeness needs beyond the request's own fields (read once by the selector)."""

    children: int = 0
    people: int = 0
    relationships: int = 0
    active_assessment_consent: bool = False


PEOPLE = Section(
    "people",
    "Child or young person and family members",
    page="people",
    intro="Add the child or young person (or unborn baby) the request is about, then the people "
    "in their family.",
)
RELATIONSHIPS = Section(
    "relationships",
    "How they are related",
    page="relationships",
    intro="Say how the people you added are related, and who has parental responsibility.",
)
REASONS = Section(
    "reasons",
    "Reasons for the request",
    (
        Answer(
            "reasons",
            "Why are you asking for support?",
            "What has happened, what worries you or the family, and for how long.",
        ),
    ),
)
DEVELOPMENT = Section(
    "development",
    "The child’s developmental needs",
    (
        Answer(
            "development_strengths",
            "Strengths",
            "Health, learning, emotional and behavioural development, identity, relationships, "
            "self-care: what is going well.",
        ),
        Answer("development_needs", "Needs", "What the child needs help with, and why."),
    ),
)
PARENTING = Section(
    "parenting",
    "Parenting capacity",
    (
        Answer(
            "parenting_strengths",
            "Strengths",
            "Basic care, safety, warmth, stimulation, guidance and boundaries, stability.",
        ),
        Answer("parenting_needs", "Needs", "What the parents or carers need help with."),
    ),
)
ENVIRONMENT = Section(
    "environment",
    "Family and environmental factors",
    (
        Answer(
            "environment_strengths",
            "Strengths",
            "Family history and functioning, wider family, housing, work and income, "
            "community resources.",
        ),
        Answer("environment_needs", "Needs", "What in the family’s circumstances needs support."),
    ),
)
VIEWS = Section(
    "views",
    "The child’s and family’s views",
    (
        Answer(
            "child_views",
            "The child or young person’s views",
            "In their own words where you can. If they are too young, say how you know what "
            "they feel.",
        ),
        Answer("family_views", "The family’s views", "What the parents or carers think and want."),
    ),
)
SUPPORT = Section(
    "support",
    "Support already in place",
    (
        Answer(
            "support_in_place",
            "What support is the family already getting?",
            "Services, groups and people, from any agency or the community, and whether it helps.",
        ),
    ),
)
LEVEL = Section("level", "Level of need", page="level")
CONSENT = Section(
    "consent",
    "Consent",
    page="consent",
    intro="The family’s consent to the assessment and to sharing it, or why you did not ask.",
)

SECTIONS: tuple[Section, ...] = (
    PEOPLE,
    RELATIONSHIPS,
    REASONS,
    DEVELOPMENT,
    PARENTING,
    ENVIRONMENT,
    VIEWS,
    SUPPORT,
    LEVEL,
    CONSENT,
)
BY_KEY = {section.key: section for section in SECTIONS}
TEXT_SECTIONS = {section.key: section for section in SECTIONS if section.page == "text"}

# The task list's groups, in order: (heading, section keys).
GROUPS = (
    ("About the family", ("people", "relationships")),
    ("The assessment", ("reasons", "development", "parenting", "environment", "views", "support")),
    ("Level of need and consent", ("level", "consent")),
)

CHILD_ROLES = (RequestPerson.Role.CHILD, RequestPerson.Role.UNBORN)


def _has_anything(section: Section, request: Request, facts: Facts) -> bool:
    if section is PEOPLE:
        return facts.people > 0
    if section is RELATIONSHIPS:
        return facts.relationships > 0
    if section is LEVEL:
        return request.suggested_level_id is not None
    if section is CONSENT:
        return facts.active_assessment_consent or bool(request.consent_not_sought_reason)
    return any(getattr(request, name) for name in section.field_names)


def _has_everything(section: Section, request: Request, facts: Facts) -> bool:
    if section is PEOPLE:
        return facts.children > 0
    if section is RELATIONSHIPS:
        # One child on their own has no relationships to record.
        return facts.relationships > 0 or facts.people <= 1
    if section is LEVEL:
        return request.suggested_level_id is not None
    if section is CONSENT:
        return facts.active_assessment_consent or bool(request.consent_not_sought_reason.strip())
    return all(str(getattr(request, name)).strip() for name in section.field_names)


def section_status(section: Section, request: Request, facts: Facts) -> Status:
    marked = section.key in (request.sections_completed or [])
    if marked and _has_everything(section, request, facts):
        return Status.COMPLETED
    if marked or _has_anything(section, request, facts):
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def incomplete_sections(request: Request, facts: Facts) -> list[Section]:
    return [
        section
        for section in SECTIONS
        if section_status(section, request, facts) is not Status.COMPLETED
    ]


def completed_list(request: Request, key: str, completed: bool) -> list[str]:
    """`sections_completed` with `key` marked (or unmarked), in the task list's order."""
    marked = set(request.sections_completed or [])
    if completed:
        marked.add(key)
    else:
        marked.discard(key)
    return [section.key for section in SECTIONS if section.key in marked]
