"""Finding the records that may be the same person (the duplicate check).

`name_key` is the phonetic key the services store beside each name (Person.family_name_key,
given_name_key), so candidates are found through an index before they are scored.

`duplicate_candidates` reads the candidates in ONE query: people sharing an identifier, the date
of birth, the postcode or a name key, each condition an indexed column (so the database unions
index lookups rather than reading the table), strongest first and capped at MAX_ROWS rows of
plain values. It then scores them in Python with rapidfuzz (Jaro-Winkler on names, previous names
included) and explains each score in plain English.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import CombinedExpression
from rapidfuzz.distance import JaroWinkler

from familyhelp.accounts.access import user_has_perm, visible_to
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record

MAX_ROWS = 500
# A record scoring less than this is not shown.
MIN_SCORE = 40
SIMILAR = 0.88

SAME_NHS_NUMBER = "same NHS number"
SAME_UPN = "same unique pupil number"
SAME_DATE_OF_BIRTH = "same date of birth"
CLOSE_DATE_OF_BIRTH = "date of birth with day and month swapped"
SAME_EXPECTED_DATE = "same expected date of birth"
SAME_SURNAME = "same surname"
SIMILAR_SURNAME = "similar surname"
PREVIOUS_NAME = "previous name matches"
SAME_FIRST_NAME = "same first name"
SIMILAR_FIRST_NAME = "similar first name"
PREFERRED_NAME = "preferred name matches"
SAME_POSTCODE = "same postcode"
SAME_AREA = "same postcode area"

NOT_ALLOWED = "You cannot check for people’s records."

FIELDS = (
    "id",
    "given_names",
    "family_name",
    "preferred_name",
    "previous_names",
    "date_of_birth",
    "expected_date",
    "postcode",
    "nhs_number",
    "unique_pupil_number",
)


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed if c.isalpha() or c.isspace()).strip().lower()


def name_key(name: str) -> str:
    """A phonetic key for the first word of a name: "Smyth" and "Smith" share one."""
    words = _plain(name).split()
    return jellyfish.metaphone(words[0])[:32] if words else ""


@dataclass
class Candidate:
    """A record that may be the same person, how likely (0-100) and why."""

    # Built from the row's values (not read again); may be a record the actor cannot open.
    person: object
    score: int
    reasons: list[str] = field(default_factory=list)
    # Whether the actor may open this record: if not, show only what identifies the match.
    visible: bool = False

    @property
    def outward_code(self) -> str:
        return (self.person.postcode or "").split(" ")[0]


def _similarity(a: str, b: str) -> float:
    a, b = _plain(a), _plain(b)
    if not a or not b:
        return 0.0
    return JaroWinkler.similarity(a, b)


def _first_word(name: str) -> str:
    words = _plain(name).split()
    return words[0] if words else ""


def _score(row: dict, wanted: dict) -> Candidate | None:
    from familyhelp.families.models import Person

    score, reasons = 0, []
    if wanted["nhs_number"] and row["nhs_number"]:
        if row["nhs_number"] == wanted["nhs_number"]:
            score += 60
            reasons.append(SAME_NHS_NUMBER)
        else:  # two different NHS numbers: almost certainly two people
            score -= 40
    if wanted["unique_pupil_number"] and row["unique_pupil_number"]:
        if row["unique_pupil_number"] == wanted["unique_pupil_number"]:
            score += 50
            reasons.append(SAME_UPN)
        else:
            score -= 30
    born, expected = wanted["date_of_birth"], wanted["expected_date"]
    if born and row["date_of_birth"]:
        if row["date_of_birth"] == born:
            score += 25
            reasons.append(SAME_DATE_OF_BIRTH)
        elif born.day <= 12 and _swapped(born) == row["date_of_birth"]:
            score += 12
            reasons.append(CLOSE_DATE_OF_BIRTH)
        else:
            score -= 10
    if expected and row["expected_date"] and row["expected_date"] == expected:
        score += 20
        reasons.append(SAME_EXPECTED_DATE)

    family_name = wanted["family_name"]
    surname = _similarity(family_name, row["family_name"])
    previous = max(
        (_similarity(family_name, name) for name in row["previous_names"] or ()), default=0
    )
    names_match = False
    if surname == 1.0:
        score += 20
        reasons.append(SAME_SURNAME)
        names_match = True
    elif surname >= SIMILAR:
        score += 15
        reasons.append(SIMILAR_SURNAME)
        names_match = True
    elif previous >= SIMILAR:
        score += 15
        reasons.append(PREVIOUS_NAME)
        names_match = True

    given = _first_word(wanted["given_names"])
    first = _similarity(given, _first_word(row["given_names"]))
    preferred = _similarity(given, row["preferred_name"])
    if first == 1.0:
        score += 15
        reasons.append(SAME_FIRST_NAME)
        names_match = True
    elif first >= SIMILAR:
        score += 10
        reasons.append(SIMILAR_FIRST_NAME)
        names_match = True
    elif preferred >= SIMILAR:
        score += 10
        reasons.append(PREFERRED_NAME)
        names_match = True

    if wanted["postcode"] and row["postcode"]:
        if row["postcode"] == wanted["postcode"]:
            score += 15
            reasons.append(SAME_POSTCODE)
        elif row["postcode"].split(" ")[0] == wanted["postcode"].split(" ")[0]:
            score += 5
            reasons.append(SAME_AREA)

    identified = SAME_NHS_NUMBER in reasons or SAME_UPN in reasons
    if score < MIN_SCORE or not (identified or names_match):
        return None
    return Candidate(person=Person(**row), score=min(score, 100), reasons=reasons)


def _swapped(day: datetime.date) -> datetime.date | None:
    try:
        return day.replace(day=day.month, month=day.day)
    except ValueError:
        return None


def _strength(conditions: list[tuple[Q, int]]):
    """A SQL sum of the weights of the conditions a row meets, to read the strongest first."""
    total = None
    for condition, weight in conditions:
        term = Case(When(condition, then=Value(weight)), default=Value(0))
        total = term if total is None else CombinedExpression(total, "+", term)
    return total


def duplicate_candidates(
    *,
    actor,
    given_names: str,
    family_name: str,
    date_of_birth: datetime.date | None = None,
    expected_date: datetime.date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    unique_pupil_number: str = "",
    exclude_ids=(),
    limit: int = 10,
    http_request=None,
) -> list[Candidate]:
    """The records that may be the same person as these details, most likely first."""
    from familyhelp.families.access import PERSON
    from familyhelp.families.models import Person
    from familyhelp.families.services.common import FamiliesError

    if not user_has_perm(actor, "families.add_person"):
        audit_record(
            actor=actor,
            actor_label="anonymous",
            action=AuditAction.VIEW,
            record_type=PERSON,
            record_id="",
            values={"refused": "permission", "search": "duplicate_check"},
            request=http_request,
        )
        raise FamiliesError(NOT_ALLOWED)
    wanted = {
        "given_names": given_names or "",
        "family_name": family_name or "",
        "date_of_birth": date_of_birth,
        "expected_date": expected_date,
        "postcode": (postcode or "").strip().upper(),
        "nhs_number": (nhs_number or "").replace(" ", ""),
        "unique_pupil_number": (unique_pupil_number or "").strip().upper(),
    }
    conditions: list[tuple[Q, int]] = []
    if wanted["nhs_number"]:
        conditions.append((Q(nhs_number=wanted["nhs_number"]), 60))
    if wanted["unique_pupil_number"]:
        conditions.append((Q(unique_pupil_number=wanted["unique_pupil_number"]), 50))
    if date_of_birth:
        conditions.append((Q(date_of_birth=date_of_birth), 25))
    if wanted["postcode"]:
        conditions.append((Q(postcode=wanted["postcode"]), 15))
    family_key, given_key = name_key(family_name), name_key(given_names)
    if family_key:
        conditions.append((Q(family_name_key=family_key), 20))
    if given_key:
        conditions.append((Q(given_name_key=given_key), 10))

    candidates: list[Candidate] = []
    if conditions:
        any_condition = Q()
        for condition, _weight in conditions:
            any_condition |= condition
        rows = (
            Person.objects.filter(any_condition, merged_into__isnull=True)
            .exclude(pk__in=list(exclude_ids))
            .annotate(strength=_strength(conditions))
            .order_by("-strength", "pk")
            .values(*FIELDS)[:MAX_ROWS]
        )
        for row in rows:
            candidate = _score(row, wanted)
            if candidate is not None:
                candidates.append(candidate)
    candidates.sort(key=lambda candidate: (-candidate.score, candidate.person.pk))
    candidates = candidates[:limit]
    if candidates:
        ids = [candidate.person.pk for candidate in candidates]
        visible = set(
            visible_to(
                actor, "families.view_person", Person.objects.filter(pk__in=ids)
            ).values_list("pk", flat=True)
        )
        for candidate in candidates:
            candidate.visible = candidate.person.pk in visible
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        record_type=PERSON,
        record_id="",
        values={
            "search": "duplicate_check",
            "searched_by": sorted(name for name, value in wanted.items() if value),
            "candidates": [candidate.person.pk for candidate in candidates],
        },
        request=http_request,
    )
    return candidates


__all__ = ["Candidate", "duplicate_candidates", "name_key"]
