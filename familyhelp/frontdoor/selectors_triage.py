"""Reads behind the triage, decision and approval pages (docs/front-door.md).

Each takes the person it reads for. A request itself is opened through
accounts.access.get_object_for_user_or_404, which audits the read and 404s (audited) a refusal.
"""

from django.db.models import Prefetch, Q

from familyhelp.accounts import access
from familyhelp.accounts.models import Team
from familyhelp.directory.models import Service
from familyhelp.directory.selectors.services import ServiceFilters, service_search
from familyhelp.families.matching import duplicate_candidates
from familyhelp.families.models import FamilyMember, Person
from familyhelp.frontdoor.models import Decision, PartnerCheck, Request, RequestPerson

VIEW = "frontdoor.view_request"
TRIAGE = "frontdoor.triage_request"
APPROVE = "frontdoor.approve_decision"
SEARCH_RESULTS = 10


def request_get(*, user, pk, http_request=None, permission: str = VIEW) -> Request:
    """The request with what its page shows, or RecordNotFound (both audited)."""
    queryset = Request.objects.select_related(
        "agency", "created_by", "suggested_level", "picked_up_by", "family"
    ).prefetch_related(
        Prefetch(
            "request_people",
            queryset=RequestPerson.objects.select_related("person").order_by("role", "pk"),
        )
    )
    return access.get_object_for_user_or_404(
        user, permission, queryset, http_request=http_request, pk=pk
    )


def decisions_of(*, user, request: Request) -> list[Decision]:
    """Every decision on the request, the latest first (a returned one stays in the history)."""
    return list(
        Decision.objects.filter(request=request)
        .select_related("level", "team__agency", "decided_by", "approved_by")
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("name")))
        .order_by("-decided_at", "-pk")
    )


def partner_checks_of(*, user, request: Request) -> list[PartnerCheck]:
    return list(PartnerCheck.objects.filter(request=request).select_related("checked_by"))


def previous_involvement(*, user, request: Request) -> list[Request]:
    """Earlier submitted requests about the same family or the same children, with decisions."""
    person_ids = [link.person_id for link in request.request_people.all()]
    about = Q(request_people__person_id__in=person_ids)
    if request.family_id is not None:
        about |= Q(family_id=request.family_id)
    return list(
        Request.objects.filter(about)
        .exclude(pk=request.pk)
        .exclude(status=Request.Status.DRAFT)
        .distinct()
        .select_related("agency")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.exclude(approval=Decision.Approval.RETURNED),
                to_attr="decisions_in_force",
            )
        )
        .order_by("-submitted_at")[:20]
    )


def duplicates_of(*, user, request: Request, http_request=None) -> list:
    """Likely existing records of each person on the request (families.matching's check)."""
    on_request = {link.person_id for link in request.request_people.all()}
    found, seen = [], set()
    for link in request.request_people.all():
        person = link.person
        for candidate in duplicate_candidates(
            actor=user,
            given_names=person.given_names,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            expected_date=person.expected_date,
            postcode=person.postcode,
            nhs_number=person.nhs_number,
            unique_pupil_number=person.unique_pupil_number,
            exclude_ids=list(on_request),
            limit=5,
            http_request=http_request,
        ):
            if candidate.person.pk not in seen:
                seen.add(candidate.person.pk)
                found.append((person, candidate))
    return found


def self_referral_candidates(
    *, user, given_names, family_name, date_of_birth, postcode, http_request=None
) -> list:
    """People who may be the child a self-referral is about (for linking it to a family)."""
    return duplicate_candidates(
        actor=user,
        given_names=given_names,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        limit=5,
        http_request=http_request,
    )


def person_family_id(person: Person):
    membership = FamilyMember.objects.filter(person=person).order_by("pk").first()
    return membership.family_id if membership else None


def person_for_linking(*, user, person_id) -> Person | None:
    return Person.objects.filter(pk=person_id, merged_into__isnull=True).first()


def team_choices() -> list[Team]:
    return list(Team.objects.select_related("agency").order_by("agency__name", "name"))


def directory_search(text: str) -> list[Service]:
    """Published services matching the officer's search (the public directory's own search)."""
    text = (text or "").strip()
    if not text:
        return []
    return service_search(
        filters=ServiceFilters(text=text), page=1, per_page=SEARCH_RESULTS
    ).services


def services_by_ids(ids) -> list[Service]:
    return list(
        Service.objects.published()
        .filter(pk__in=list(ids))
        .select_related("organization")
        .order_by("name")
    )


def approval_queue(*, user) -> list[Request]:
    """Requests whose decision waits for a manager, the longest waiting first."""
    waiting = Request.objects.filter(status=Request.Status.AWAITING_APPROVAL)
    return list(
        access.visible_to(user, APPROVE, waiting)
        .select_related("agency")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(
                    approval=Decision.Approval.AWAITING
                ).select_related("decided_by"),
                to_attr="awaiting",
            )
        )
        .order_by("updated_at", "pk")
    )


def signposted_services(*, decision_id) -> list[Service] | None:
    """The public details of the services an advice decision chose (no personal data)."""
    decision = Decision.objects.filter(pk=decision_id, kind=Decision.Kind.ADVICE).first()
    if decision is None or not decision.in_effect:
        return None
    return list(
        Service.objects.published()
        .filter(pk__in=decision.services.values("pk"))
        .select_related("organization")
        .order_by("name")
    )


def request_is_decided(*, pk) -> bool:
    """Whether the request exists and has been decided (and so left the front door)."""
    return Request.objects.filter(pk=pk, status=Request.Status.DECIDED).exists()
