"""Reads behind the Early Support Assessment pages: "Your requests", one draft to edit, one
request to read, and what its sections show.

Every read starts from the person: a list holds only the requests they made or that were shared
with them (accounts.access.visible_to), and one request is opened through
`get_object_for_user_or_404`, which audits the read (or the refusal, shown as "Page not found").
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from familyhelp.accounts import access
from familyhelp.accounts.models import Agency
from familyhelp.families.models import Consent, Person, PersonRelationship
from familyhelp.frontdoor import assessment
from familyhelp.frontdoor.models import Decision, Request, RequestPerson, ThresholdLevel
from familyhelp.frontdoor.services.assessment import assessment_facts

EDIT = "frontdoor.edit_request"
VIEW = "frontdoor.view_request"
OWN = "frontdoor.view_own_request"


def _assessments():
    return Request.objects.filter(kind=Request.Kind.ASSESSMENT)


def _people_prefetch():
    return Prefetch(
        "request_people",
        queryset=RequestPerson.objects.select_related("person").order_by("pk"),
    )


def request_list(*, actor) -> list[Request]:
    """The person's own assessments and those shared with them, drafts first (three queries)."""
    requests = access.visible_to(actor, OWN, _assessments())
    return list(
        requests.select_related("created_by")
        .prefetch_related(_people_prefetch())
        .order_by("-updated_at", "-pk")
    )


def request_for_editing(*, actor, pk, http_request=None) -> Request:
    """A draft the person may edit, or RecordNotFound (audited either way)."""
    return access.get_object_for_user_or_404(
        actor,
        EDIT,
        _assessments().select_related("family", "suggested_level", "agency", "created_by"),
        http_request=http_request,
        pk=pk,
    )


def request_for_reading(*, actor, pk, http_request=None) -> Request:
    """A request the person may read, or RecordNotFound (audited either way)."""
    return access.get_object_for_user_or_404(
        actor,
        VIEW,
        _assessments().select_related(
            "family", "suggested_level", "agency", "created_by", "picked_up_by"
        ),
        http_request=http_request,
        pk=pk,
    )


def decision_for_requester(*, actor, request: Request) -> Decision | None:
    """What was decided, for someone who may see the family: the decision in force, or None.

    A requester whose agency the family has stopped sharing with still reads their own request,
    but no longer what was decided about the family.
    """
    if request.status != Request.Status.DECIDED or request.family_id is None:
        return None
    if not access.user_has_perm(actor, "families.view_family", request.family):
        return None
    return (
        Decision.objects.filter(request=request)
        .exclude(approval=Decision.Approval.RETURNED)
        .select_related("team", "level")
        .prefetch_related("services")
        .first()
    )


def may_edit(actor, request: Request) -> bool:
    return access.user_has_perm(actor, EDIT, request)


def request_people(request: Request) -> list[RequestPerson]:
    return list(
        RequestPerson.objects.filter(request=request).select_related("person").order_by("pk")
    )


@dataclass
class AssessmentRecord:
    """Everything a request's sections show, read in a fixed number of queries."""

    request: Request
    people: list[RequestPerson]
    relationships: list[PersonRelationship]
    consents: list[Consent]
    shared_with: list
    facts: assessment.Facts


def assessment_record(request: Request) -> AssessmentRecord:
    people = request_people(request)
    ids = [entry.person_id for entry in people]
    relationships = list(
        PersonRelationship.objects.filter(person_id__in=ids, relative_id__in=ids)
        .select_related("person", "relative")
        .order_by("pk")
    )
    consents = []
    if request.family_id is not None:
        consents = list(
            Consent.objects.filter(family_id=request.family_id)
            .prefetch_related("agencies")
            .order_by("recorded_at", "pk")
        )
    return AssessmentRecord(
        request=request,
        people=people,
        relationships=relationships,
        consents=consents,
        shared_with=list(request.shared_with.order_by("full_name", "email")),
        facts=assessment_facts(request),
    )


def person_for_match(person_id) -> Person:
    """The record the practitioner chose from the duplicate check's likely matches."""
    return Person.objects.get(pk=person_id, merged_into__isnull=True)


def threshold_levels() -> list[ThresholdLevel]:
    return list(ThresholdLevel.objects.order_by("number"))


def agencies_queryset():
    """The agencies a family may consent to share with (a queryset, for the form's choices)."""
    return Agency.objects.order_by("name")
