"""The family's own data: a subject access export of everything held about one person.

`subject_access_export(*, actor, person_id, fmt)` is the service: information governance (the
auditor role, `casework.export_subject_access`) asks for one person's record and gets one document
(`SubjectAccessDocument.data`, a plain dict that is the JSON export and the PDF's source), and the
export is audited (an `export` event naming the person record, with counts and no personal values).

What it holds: the Person record; the families they are in and who else is in them (what they may
see of their family); relationships; consents; the requests for support and decisions naming them;
the episodes they are in with the team around the family, transitions, the plan (needs, goals,
actions), reviews, case notes and documents' metadata; and the chronology of their families.

Third-party information is marked for redaction, never removed: an item carries
`"third_party": true` and `"concerns"` (the other people it is, or may be, about) when it is
another person's details, or when it is a practitioner's words in a record that covers other
people too (a note of a visit where a sibling was seen, a plan for the whole family). Someone must
check those before the export is released. Practitioners' names are kept: they act in a
professional capacity.

Reading is a fixed number of queries whatever the length of the history (prefetches only).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from familyhelp.accounts import relationships
from familyhelp.accounts.access import RecordNotFound, user_has_perm
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework.models import (
    Action,
    CaseNote,
    ChronologyEntry,
    Document,
    Episode,
    EpisodePerson,
    EpisodeTransition,
    Goal,
    GoalProgress,
    Plan,
    Review,
    TeamAroundFamilyMember,
)
from familyhelp.families.models import Consent, FamilyMember, Person, PersonRelationship
from familyhelp.frontdoor.models import Decision, PartnerCheck, Request, RequestPerson

PERMISSION = "casework.export_subject_access"
RECORD_TYPE = "families.person"
FORMATS = ("json", "pdf")
UNKNOWN_FORMAT = "Choose JSON or PDF."
NOTICE = (
    "Subject access export. Items marked third party hold, or may hold, information about "
    "other people: check each one, and redact what the person is not entitled to, before release."
)
OTHER_PEOPLE = "A record about other people as well"
ANOTHER_PERSON = "Another person's details"
CONTACT = "The details of the person who asked for help"
NOT_THEIRS = "About the family, not linked to this person"


@dataclass
class SubjectAccessDocument:
    person: Person
    data: dict

    @property
    def item_count(self) -> int:
        return _count(self.data, "items")

    @property
    def third_party_count(self) -> int:
        return _count(self.data, "third_party")


def _count(value, what) -> int:
    if isinstance(value, dict):
        here = 1 if (what == "third_party" and value.get("third_party")) else 0
        if what == "items" and "third_party" in value:
            here = 1
        return here + sum(_count(v, what) for v in value.values())
    if isinstance(value, list):
        return sum(_count(v, what) for v in value)
    return 0


# Values ------------------------------------------------------------------------------------------


def _date(value):
    return value.isoformat() if value else None


def _staff(user):
    if user is None:
        return None
    return {"name": user.full_name, "job_title": getattr(user, "job_title", "")}


def _who(person: Person) -> dict:
    return {"person_record": person.pk, "name": person.full_name}


def _mark(item: dict, others, reason: str) -> dict:
    """Mark `item` as third party when `others` (people other than the subject) is not empty."""
    others = [p for p in others if p is not None]
    item["third_party"] = bool(others) or reason in (CONTACT,)
    item["concerns"] = [_who(p) for p in others]
    item["third_party_reason"] = reason if item["third_party"] else ""
    return item


def _text(label: str, value: str, others, reason=OTHER_PEOPLE) -> dict | None:
    if not value:
        return None
    return _mark({"label": label, "text": value}, others, reason)


def _texts(pairs, others) -> list[dict]:
    return [t for t in (_text(label, value, others) for label, value in pairs) if t]


def _person_fields(person: Person) -> dict:
    return {
        "person_record": person.pk,
        "given_names": person.given_names,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "previous_names": list(person.previous_names or []),
        "date_of_birth": _date(person.date_of_birth),
        "expected_date_of_birth": _date(person.expected_date),
        "sex": person.get_sex_display(),
        "gender": person.gender,
        "ethnicity": person.get_ethnicity_display(),
        "first_language": person.first_language,
        "interpreter_needed": person.interpreter_needed,
        "disability": person.disability,
        "special_educational_needs": person.get_special_educational_needs_display(),
        "address": ", ".join(
            p
            for p in (person.address_line_1, person.address_line_2, person.town, person.postcode)
            if p
        ),
        "nhs_number": person.nhs_number,
        "unique_pupil_number": person.unique_pupil_number,
        "school_or_setting": person.school_or_setting,
        "created_at": _date(person.created_at),
        "updated_at": _date(person.updated_at),
    }


# Reading -----------------------------------------------------------------------------------------


def _memberships(person):
    return list(
        FamilyMember.objects.filter(person=person)
        .select_related("family")
        .prefetch_related(
            Prefetch(
                "family__memberships",
                queryset=FamilyMember.objects.select_related("person").order_by("pk"),
            )
        )
        .order_by("pk")
    )


def _families(subject, memberships) -> list[dict]:
    families = []
    for membership in memberships:
        family = membership.family
        members = []
        for other in family.memberships.all():
            if other.person_id == subject.pk:
                continue
            members.append(
                _mark(
                    {
                        "person_record": other.person_id,
                        "name": other.person.full_name,
                        "date_of_birth": _date(other.person.date_of_birth),
                        "lives_here": other.lives_here,
                    },
                    [other.person],
                    ANOTHER_PERSON,
                )
            )
        families.append(
            {
                "family_reference": family.reference,
                "name": family.name,
                "lives_here": membership.lives_here,
                "member_since": _date(membership.added_at),
                "other_members": members,
            }
        )
    return families


def _relationships(subject) -> list[dict]:
    rows = PersonRelationship.objects.filter(Q(person=subject) | Q(relative=subject))
    items = []
    for row in rows.select_related("person", "relative").order_by("pk"):
        other = row.relative if row.person_id == subject.pk else row.person
        subject_is = "person" if row.person_id == subject.pk else "relative"
        sentence = (
            f"{row.get_kind_display()} of {other.full_name}"
            if subject_is == "person"
            else f"{other.full_name} is their {row.get_kind_display().lower()}"
        )
        items.append(
            _mark(
                {
                    "relationship": sentence,
                    "kind": row.get_kind_display(),
                    "parental_responsibility": row.parental_responsibility,
                    "recorded_at": _date(row.created_at),
                },
                [other],
                ANOTHER_PERSON,
            )
        )
    return items


def _consents(subject, family_ids) -> list[dict]:
    consents = (
        Consent.objects.filter(Q(person=subject) | Q(family_id__in=family_ids, person__isnull=True))
        .select_related("family", "given_by", "recorded_by", "withdrawn_by")
        .prefetch_related("agencies")
        .order_by("given_on", "pk")
    )
    items = []
    for consent in consents:
        given_by_other = consent.given_by is not None and consent.given_by_id != subject.pk
        item = {
            "family_reference": consent.family.reference,
            "about": "This person" if consent.person_id else "The whole family",
            "scope": consent.get_scope_display(),
            "agencies": [agency.name for agency in consent.agencies.all()],
            "method": consent.get_method_display(),
            "given_on": _date(consent.given_on),
            "expires_on": _date(consent.expires_on),
            "recorded_by": _staff(consent.recorded_by),
            "withdrawn_at": _date(consent.withdrawn_at),
            "withdrawal_reason": consent.withdrawal_reason,
        }
        given = {"label": "Given by", "text": consent.given_by_name}
        if given_by_other:
            item["given_by"] = _mark(given, [consent.given_by], ANOTHER_PERSON)
        else:
            item["given_by"] = _mark(given, [], ANOTHER_PERSON)
        items.append(item)
    return items


REQUEST_TEXTS = (
    ("Reasons for the request", "reasons"),
    ("Development: strengths", "development_strengths"),
    ("Development: needs", "development_needs"),
    ("Parenting: strengths", "parenting_strengths"),
    ("Parenting: needs", "parenting_needs"),
    ("Family and environment: strengths", "environment_strengths"),
    ("Family and environment: needs", "environment_needs"),
    ("The child's views", "child_views"),
    ("The family's views", "family_views"),
    ("Support already in place", "support_in_place"),
    ("Who needs help", "who_needs_help"),
    ("What they need help with", "help_with"),
    ("Safe contact", "safe_contact_notes"),
)


def _requests(subject) -> tuple[list[dict], set, set]:
    requests = (
        Request.objects.filter(request_people__person=subject)
        .exclude(status=Request.Status.DRAFT)
        .select_related("agency", "created_by", "suggested_level", "family")
        .prefetch_related(
            Prefetch("request_people", queryset=RequestPerson.objects.select_related("person")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("level", "team", "decided_by").order_by(
                    "decided_at", "pk"
                ),
            ),
            Prefetch("partner_checks", queryset=PartnerCheck.objects.select_related("checked_by")),
        )
        .order_by("submitted_at", "pk")
        .distinct()
    )
    items, request_ids, decision_ids = [], set(), set()
    for found in requests:
        request_ids.add(found.pk)
        decision_ids.update(decision.pk for decision in found.decisions.all())
        others = [rp.person for rp in found.request_people.all() if rp.person_id != subject.pk]
        role = next(
            (
                rp.get_role_display()
                for rp in found.request_people.all()
                if rp.person_id == subject.pk
            ),
            "",
        )
        texts = _texts(((label, getattr(found, name)) for label, name in REQUEST_TEXTS), others)
        contact = [
            _mark({"label": label, "text": value}, [], CONTACT)
            for label, value in (
                ("Contact name", found.contact_name),
                ("Contact email", found.contact_email),
                ("Contact phone", found.contact_phone),
            )
            if value
        ]
        items.append(
            {
                "reference": found.reference,
                "kind": found.get_kind_display(),
                "status": found.get_status_display(),
                "their_role": role,
                "family_reference": found.family.reference if found.family else None,
                "made_by": _staff(found.created_by),
                "agency": found.agency.name if found.agency else None,
                "submitted_at": _date(found.submitted_at),
                "suggested_level": str(found.suggested_level) if found.suggested_level else None,
                "other_people": [_mark(_who(p), [p], ANOTHER_PERSON) for p in others],
                "contact": contact,
                "assessment": texts,
                "partner_checks": [
                    {
                        "partner": check.partner,
                        "checked_at": _date(check.checked_at),
                        "checked_by": _staff(check.checked_by),
                        "outcome": _text("Outcome", check.outcome, others),
                    }
                    for check in found.partner_checks.all()
                ],
                "decisions": [
                    {
                        "decision": decision.get_kind_display(),
                        "level": str(decision.level) if decision.level else None,
                        "team": decision.team.name if decision.team else None,
                        "decided_at": _date(decision.decided_at),
                        "decided_by": _staff(decision.decided_by),
                        "approval": decision.get_approval_display(),
                        "rationale": _text("Rationale", decision.rationale, others),
                        "approval_note": _text("Approval note", decision.approval_note, others),
                    }
                    for decision in found.decisions.all()
                ],
            }
        )
    return items, request_ids, decision_ids


def _episodes_query(subject):
    episode_ids = EpisodePerson.objects.filter(person=subject).values("episode_id")
    return (
        Episode.objects.filter(pk__in=episode_ids)
        .select_related("team", "level", "lead_professional", "co_worker", "family")
        .prefetch_related(
            Prefetch("episode_people", queryset=EpisodePerson.objects.select_related("person")),
            Prefetch(
                "team_members", queryset=TeamAroundFamilyMember.objects.select_related("user")
            ),
            Prefetch("transitions", queryset=EpisodeTransition.objects.select_related("by")),
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("recorded_by").prefetch_related(
                    Prefetch("progress", queryset=GoalProgress.objects.select_related("goal"))
                ),
            ),
            Prefetch(
                "notes",
                queryset=CaseNote.objects.select_related("created_by").prefetch_related(
                    "people_seen"
                ),
            ),
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
        )
        .order_by("created_at", "pk")
    )


def _plans(episodes) -> dict:
    plans = Plan.objects.filter(episode__in=episodes).prefetch_related(
        "needs",
        Prefetch(
            "goals",
            queryset=Goal.objects.prefetch_related(
                Prefetch("actions", queryset=Action.objects.select_related("owner"))
            ),
        ),
    )
    return {plan.episode_id: plan for plan in plans}


def _plan(plan, others) -> dict | None:
    if plan is None:
        return None
    return {
        "updated_at": _date(plan.updated_at),
        "family_words": _text("The family's own words", plan.family_words, others),
        "needs": [_text(need.get_domain_display(), need.text, others) for need in plan.needs.all()],
        "goals": [
            {
                "goal": _text("Goal", goal.text, others),
                "family_words": _text("In the family's words", goal.family_words, others),
                "status": goal.get_status_display(),
                "actions": [
                    {
                        "action": _text("Action", action.text, others),
                        "owner": _staff(action.owner),
                        "due_on": _date(action.due_on),
                        "status": action.get_status_display(),
                    }
                    for action in goal.actions.all()
                ],
            }
            for goal in plan.goals.all()
        ],
    }


def _note(note, subject, episode_others) -> dict:
    seen = list(note.people_seen.all())
    # Who the note is about: those seen, or (nobody named) everyone in the episode.
    others = [p for p in seen if p.pk != subject.pk] if seen else episode_others
    return {
        "kind": note.get_kind_display(),
        "happened_at": _date(note.happened_at),
        "seen": [
            {"person_record": p.pk, "name": p.full_name, "this_person": p.pk == subject.pk}
            for p in seen
        ],
        "they_were_seen": any(p.pk == subject.pk for p in seen),
        "child_seen_alone": note.child_seen_alone,
        "significant": note.significant,
        "recorded_by": _staff(note.created_by),
        "note": _text("Note", note.text, others),
    }


def _episodes(subject, episodes, plans) -> list[dict]:
    items = []
    for episode in episodes:
        others = [ep.person for ep in episode.episode_people.all() if ep.person_id != subject.pk]
        role = next(
            (
                ep.get_role_display()
                for ep in episode.episode_people.all()
                if ep.person_id == subject.pk
            ),
            "",
        )
        items.append(
            {
                "reference": episode.reference,
                "family_reference": episode.family.reference,
                "their_role": role,
                "status": episode.get_status_display(),
                "origin": episode.get_origin_display(),
                "team": episode.team.name,
                "level_of_need": str(episode.level) if episode.level else None,
                "lead_professional": _staff(episode.lead_professional),
                "co_worker": _staff(episode.co_worker),
                "opened_at": _date(episode.created_at),
                "allocated_at": _date(episode.allocated_at),
                "stepped_up_at": _date(episode.stepped_up_at),
                "statutory_referral_on": _date(episode.statutory_referral_on),
                "closed_at": _date(episode.closed_at),
                "closure_reason": episode.get_closure_reason_display()
                if episode.closure_reason
                else "",
                "texts": _texts(
                    (
                        ("Step-down summary", episode.step_down_summary),
                        ("Reason for step-up", episode.step_up_reason),
                        ("Closure notes", episode.closure_notes),
                        ("Open actions at closure", episode.open_actions_reason),
                        ("The family's feedback", episode.family_feedback),
                    ),
                    others,
                ),
                "other_people": [_mark(_who(p), [p], ANOTHER_PERSON) for p in others],
                "team_around_the_family": [
                    {
                        "practitioner": _staff(member.user),
                        "role": member.role,
                        "joined_at": _date(member.added_at),
                        "left_at": _date(member.left_at),
                    }
                    for member in episode.team_members.all()
                ],
                "history": [
                    {
                        "event": transition.get_kind_display(),
                        "at": _date(transition.at),
                        "by": _staff(transition.by),
                        "reason": _text("Reason", transition.reason, others),
                    }
                    for transition in episode.transitions.all()
                ],
                "plan": _plan(plans.get(episode.pk), others),
                "reviews": [
                    {
                        "held_on": _date(review.held_on),
                        "decision": review.get_decision_display(),
                        "recorded_by": _staff(review.recorded_by),
                        "texts": _texts(
                            (
                                ("Attendees", review.attendees),
                                ("The family's views", review.family_views),
                                ("Notes", review.notes),
                            ),
                            others,
                        ),
                        "progress": [
                            {
                                "goal": _text("Goal", progress.goal.text, others),
                                "progress": progress.get_progress_display(),
                                "comment": _text("Comment", progress.comment, others),
                            }
                            for progress in review.progress.all()
                        ],
                    }
                    for review in episode.reviews.all()
                ],
                "notes": [_note(note, subject, others) for note in episode.notes.all()],
                "documents": [
                    _mark(
                        {
                            "title": document.title,
                            "file_name": document.original_name,
                            "kind": document.get_kind_display(),
                            "size_bytes": document.size,
                            "uploaded_at": _date(document.uploaded_at),
                            "uploaded_by": _staff(document.uploaded_by),
                        },
                        others,
                        OTHER_PEOPLE,
                    )
                    for document in episode.documents.all()
                ],
            }
        )
    return items


def _chronology(family_ids, episode_ids, request_ids, decision_ids, family_others) -> list[dict]:
    theirs = {
        "frontdoor.request": {str(pk) for pk in request_ids},
        "frontdoor.decision": {str(pk) for pk in decision_ids},
    }
    items = []
    entries = ChronologyEntry.objects.filter(family_id__in=family_ids).order_by("at", "pk")
    for entry in entries.select_related("family", "episode"):
        linked = entry.episode_id in episode_ids or entry.source_id in theirs.get(
            entry.source_type, ()
        )
        others = [] if linked else family_others.get(entry.family_id, [])
        items.append(
            _mark(
                {
                    "at": _date(entry.at),
                    "family_reference": entry.family.reference,
                    "episode_reference": entry.episode.reference if entry.episode else None,
                    "kind": entry.get_kind_display(),
                    "summary": entry.summary,
                    "significant": entry.significant,
                },
                others,
                NOT_THEIRS,
            )
        )
    return items


def subject_access_document(*, person: Person, actor=None) -> SubjectAccessDocument:
    """Everything held about `person`, as one dict (no permission check: see the service)."""
    memberships = _memberships(person)
    family_ids = [m.family_id for m in memberships]
    family_others = {
        m.family_id: [o.person for o in m.family.memberships.all() if o.person_id != person.pk]
        for m in memberships
    }
    requests, request_ids, decision_ids = _requests(person)
    episodes = list(_episodes_query(person))
    plans = _plans([e.pk for e in episodes])
    data = {
        "export": {
            "kind": "Subject access export",
            "person_record": person.pk,
            "generated_at": timezone.now().isoformat(),
            "generated_by": _staff(actor),
            "notice": NOTICE,
        },
        "person": _person_fields(person),
        "families": _families(person, memberships),
        "relationships": _relationships(person),
        "consents": _consents(person, family_ids),
        "requests_for_support": requests,
        "episodes": _episodes(person, episodes, plans),
        "chronology": _chronology(
            family_ids,
            {e.pk for e in episodes},
            request_ids,
            decision_ids,
            family_others,
        ),
    }
    return SubjectAccessDocument(person=person, data=data)


# The service -------------------------------------------------------------------------------------


def subject_access_person(*, actor, person_id, http_request=None) -> Person:
    """The person whose data is asked for, for someone who may export it (else RecordNotFound,
    audited)."""
    from familyhelp.accounts.access import get_object_for_user_or_404

    return get_object_for_user_or_404(
        actor, PERMISSION, Person.objects.all(), http_request=http_request, pk=person_id
    )


def subject_access_export(*, actor, person_id, fmt, http_request=None) -> SubjectAccessDocument:
    """The export of one person's data in `fmt` ("json" or "pdf"), audited as an export."""
    if fmt not in FORMATS:
        raise ValueError(UNKNOWN_FORMAT)
    try:
        person = Person.objects.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise RecordNotFound(RECORD_TYPE, None, personal=True) from None
    if not user_has_perm(actor, PERMISSION):
        # Recorded on its own (no transaction to roll it back), then refused as not found.
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            record_type=RECORD_TYPE,
            record_id=person.pk,
            family_id=relationships.family_id_of(person),
            values={"refused": True, "permission": PERMISSION, "format": fmt},
            request=http_request,
        )
        raise RecordNotFound(RECORD_TYPE, str(person.pk), personal=True)
    with transaction.atomic():
        document = subject_access_document(person=person, actor=actor)
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            record_type=RECORD_TYPE,
            record_id=person.pk,
            family_id=relationships.family_id_of(person),
            values={
                "format": fmt,
                "items": document.item_count,
                "third_party_items": document.third_party_count,
            },
            request=http_request,
        )
    return document
