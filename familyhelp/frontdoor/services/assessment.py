"""The Early Support Assessment: a practitioner's draft, saved a section at a time, shared with
colleagues in their agency, and sent to the front door.

Every save carries the revision the practitioner's page was showing: a save from an out-of-date
page is refused with `StaleRequest`, which says who saved since and when, and nothing is saved.
People, relationships and consent are the family's records, written through the families
services; the draft's family is made with its first child, in the same transaction.
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts.access import user_has_perm
from familyhelp.accounts.relationships import forget_relationships
from familyhelp.audit.models import AuditAction, AuditEvent
from familyhelp.audit.services import audit_record
from familyhelp.core import notifications
from familyhelp.core.public_requests import new_reference
from familyhelp.families import selectors as family_selectors
from familyhelp.families import services as family_services
from familyhelp.families.models import Consent, FamilyMember, Person, PersonRelationship
from familyhelp.families.services.common import FamiliesError
from familyhelp.frontdoor import assessment
from familyhelp.frontdoor.access import REQUEST
from familyhelp.frontdoor.models import Request, RequestPerson, ThresholdLevel
from familyhelp.frontdoor.services.common import request_mark_submitted

NOT_ALLOWED_START = "You cannot ask the front door for support."
NOT_ALLOWED = "You cannot change this request."
NOT_A_DRAFT = "This request has been sent to the front door, so it can no longer be changed."
UNKNOWN_SECTION = "There is no section called '{key}'."
UNKNOWN_ANSWER = "The section '{key}' has no question called '{name}'."
UNKNOWN_LEVEL = "Select the level of need you think applies"
CHILD_FIRST = "Add the child or young person (or unborn baby) first"
ALREADY_ON_REQUEST = "{name} is already on this request"
NOT_ON_REQUEST = "Choose people who are on this request"
SAME_PERSON = "Choose two different people"
NO_FAMILY = "Add the child or young person (or unborn baby) before you record consent"
REASON_REQUIRED = "Enter why seeking consent would put a child at risk"
SHARE_UNKNOWN = "There is no one with that email address who can ask for support"
SHARE_OTHER_AGENCY = (
    "You can only share a draft with colleagues in your own agency. {email} works for another "
    "agency."
)
SHARE_SELF = "You cannot share a draft with yourself"
SHARE_ALREADY = "The draft is already shared with {email}"
INCOMPLETE = "Complete every section before you send the request: {sections}"
DECLARATION_REQUIRED = "Enter your full name to confirm the declaration"
CONSENT_MISSING = (
    "Record the family’s consent to the assessment, or that seeking it would put a child at risk"
)
CONSENT_WITHDRAWN = (
    "The family has withdrawn their consent to the assessment. Record their consent again, or "
    "that seeking it would put a child at risk, before you send the request"
)
STALE = (
    "{who} saved changes to this request at {at} after you opened this page. Nothing you "
    "entered has been saved yet: check the request, then save your answers again."
)
EMAIL_TEMPLATE = "request_received"


class AssessmentError(Exception):
    """A refused or invalid change; the text is what the practitioner is shown.

    `errors` maps a form field to its messages when the details were invalid.
    """

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class StaleRequest(AssessmentError):
    """Someone saved the draft after this page was opened: nothing was saved."""

    def __init__(self, request: Request, saved_by: str, saved_at):
        at = f"{timezone.localtime(saved_at):%H:%M on %-d %B %Y}"
        super().__init__(STALE.format(who=saved_by, at=at))
        self.request = request
        self.saved_by = saved_by
        self.saved_at = saved_at


def _from_families(error: FamiliesError) -> AssessmentError:
    return AssessmentError(error.message, error.errors)


def _audit(actor, request: Request, action, http_request, fields=(), **values):
    audit_record(
        actor=actor,
        action=action,
        record_type=REQUEST,
        record_id=request.pk,
        family_id=request.family_id,
        fields_changed=fields,
        values=values,
        request=http_request,
    )


def _require_editable(actor, request: Request, http_request) -> None:
    """Refuse, audited, unless the actor may edit this draft (before any transaction opens, so
    the refusal's record is kept)."""
    if user_has_perm(actor, "frontdoor.edit_request", request):
        return
    _audit(actor, request, AuditAction.CHANGE, http_request, refused="permission")
    if request.status != Request.Status.DRAFT and user_has_perm(
        actor, "frontdoor.view_own_request", request
    ):
        raise AssessmentError(NOT_A_DRAFT)
    raise AssessmentError(NOT_ALLOWED)


def _last_saved_by(request: Request) -> str:
    event = (
        AuditEvent.objects.filter(
            record_type=REQUEST,
            record_id=str(request.pk),
            action__in=[AuditAction.CREATE, AuditAction.CHANGE],
            values__refused__isnull=True,
        )
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    if event is None or event.actor is None:
        return "Someone"
    return event.actor.full_name or event.actor.email


def _locked(request: Request, revision) -> Request:
    """The draft's row, locked until the transaction ends, at the revision the page showed."""
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.status != Request.Status.DRAFT:
        raise AssessmentError(NOT_A_DRAFT)
    try:
        revision = int(revision)
    except (TypeError, ValueError):
        revision = -1
    if revision != locked.revision:
        raise StaleRequest(locked, _last_saved_by(locked), locked.updated_at)
    return locked


def _save(actor, request: Request, http_request, fields, **values) -> Request:
    request.revision += 1
    request.updated_at = timezone.now()
    request.full_clean(validate_constraints=False)
    request.save()
    forget_relationships(request)
    _audit(
        actor,
        request,
        AuditAction.CHANGE,
        http_request,
        fields,
        revision=request.revision,
        **values,
    )
    return request


def request_start(*, actor, http_request=None) -> Request:
    """A new draft Early Support Assessment by the actor, for their agency."""
    if not user_has_perm(actor, "frontdoor.make_request"):
        raise AssessmentError(NOT_ALLOWED_START)
    with transaction.atomic():
        request = Request(
            reference=new_reference(Request),
            kind=Request.Kind.ASSESSMENT,
            created_by=actor,
            agency=actor.agency,
        )
        request.full_clean(validate_constraints=False)
        request.save(force_insert=True)
        _audit(actor, request, AuditAction.CREATE, http_request, step="started")
    return request


def request_section_save(
    *,
    actor,
    request: Request,
    revision,
    section_key: str,
    completed: bool,
    answers: dict | None = None,
    http_request=None,
) -> Request:
    """Save one section's answers (text, or the level of need as a ThresholdLevel) and whether
    the practitioner has completed it."""
    section = assessment.BY_KEY.get(section_key)
    if section is None:
        raise AssessmentError(UNKNOWN_SECTION.format(key=section_key))
    answers = dict(answers or {})
    allowed = set(section.field_names) | (
        {"suggested_level"} if section is assessment.LEVEL else set()
    )
    unknown = sorted(set(answers) - allowed)
    if unknown:
        raise AssessmentError(UNKNOWN_ANSWER.format(key=section_key, name=unknown[0]))
    level = answers.get("suggested_level")
    if level is not None and not isinstance(level, ThresholdLevel):
        raise AssessmentError(UNKNOWN_LEVEL)
    _require_editable(actor, request, http_request)
    with transaction.atomic():
        request = _locked(request, revision)
        changed = []
        for name, value in answers.items():
            if name != "suggested_level":
                value = (value or "").strip()
            if getattr(request, name) != value:
                setattr(request, name, value)
                changed.append(name)
        marked = assessment.completed_list(request, section.key, completed)
        if marked != list(request.sections_completed or []):
            request.sections_completed = marked
            changed.append("sections_completed")
        return _save(actor, request, http_request, changed, section=section.key, step="saved")


# People ------------------------------------------------------------------------------------


def _family_name_of(details: dict | None, person: Person | None) -> str:
    surname = person.family_name if person is not None else (details or {}).get("family_name", "")
    return f"The {surname.strip()} family"


def request_person_add(
    *,
    actor,
    request: Request,
    revision,
    role: str,
    details: dict | None = None,
    person: Person | None = None,
    lives_here: bool = True,
    http_request=None,
) -> RequestPerson:
    """Put a person on the draft: `person`, an existing record the practitioner chose from the
    likely matches, or a new record made from `details`. The first must be a child (or unborn
    baby): the draft's family is made with them, named after their surname."""
    if role not in RequestPerson.Role.values:
        raise AssessmentError(CHILD_FIRST)
    _require_editable(actor, request, http_request)
    try:
        with transaction.atomic():
            request = _locked(request, revision)
            family = request.family
            if family is None:
                if role not in assessment.CHILD_ROLES:
                    raise AssessmentError(CHILD_FIRST)
                family = family_services.family_create(
                    actor=actor, name=_family_name_of(details, person), http_request=http_request
                )
                # On the draft first: that is what lets its author add people to the family.
                request.family = family
                request.save(update_fields=["family"])
            if person is None:
                person = family_services.person_create(
                    actor=actor,
                    family=family,
                    details=details or {},
                    lives_here=lives_here,
                    http_request=http_request,
                )
            else:
                if RequestPerson.objects.filter(request=request, person=person).exists():
                    raise AssessmentError(ALREADY_ON_REQUEST.format(name=person.full_name))
                # Someone taken off the request earlier is still in the family.
                if not FamilyMember.objects.filter(family=family, person=person).exists():
                    family_services.family_member_add(
                        actor=actor,
                        family=family,
                        person=person,
                        lives_here=lives_here,
                        http_request=http_request,
                    )
            on_request = RequestPerson(request=request, person=person, role=role)
            on_request.full_clean(validate_constraints=False)
            on_request.save()
            _save(
                actor,
                request,
                http_request,
                ["people"],
                section="people",
                step="person_added",
                person=person.pk,
                role=role,
            )
    except FamiliesError as error:
        raise _from_families(error) from None
    return on_request


def request_person_remove(
    *, actor, request: Request, revision, person_id: int, http_request=None
) -> None:
    """Take a person off the draft (their record and family membership stay)."""
    _require_editable(actor, request, http_request)
    with transaction.atomic():
        request = _locked(request, revision)
        deleted, _ = RequestPerson.objects.filter(request=request, person_id=person_id).delete()
        if not deleted:
            raise AssessmentError(NOT_ON_REQUEST)
        _save(
            actor,
            request,
            http_request,
            ["people"],
            section="people",
            step="person_removed",
            person=person_id,
        )


def request_relationship_add(
    *,
    actor,
    request: Request,
    revision,
    person: Person,
    relative: Person,
    kind: str,
    parental_responsibility: bool,
    http_request=None,
) -> PersonRelationship:
    """Record that `person` is the `kind` of `relative`, both people on the draft."""
    if person.pk == relative.pk:
        raise AssessmentError(SAME_PERSON)
    _require_editable(actor, request, http_request)
    try:
        with transaction.atomic():
            request = _locked(request, revision)
            on_request = set(
                RequestPerson.objects.filter(request=request).values_list("person_id", flat=True)
            )
            if not {person.pk, relative.pk} <= on_request:
                raise AssessmentError(NOT_ON_REQUEST)
            relationship = family_services.relationship_add(
                actor=actor,
                person=person,
                relative=relative,
                kind=kind,
                parental_responsibility=parental_responsibility,
                http_request=http_request,
            )
            _save(
                actor,
                request,
                http_request,
                ["relationships"],
                section="relationships",
                step="relationship_added",
            )
    except FamiliesError as error:
        raise _from_families(error) from None
    return relationship


# Consent -----------------------------------------------------------------------------------


def request_consent_record(
    *,
    actor,
    request: Request,
    revision,
    given_by_name: str,
    given_on,
    method: str,
    sharing_agencies=(),
    contact_by_text: bool = False,
    http_request=None,
) -> Request:
    """Record the family's consent to the assessment (and, if given, to sharing it with the named
    agencies and to contact by text), through the families services; the section is complete."""
    _require_editable(actor, request, http_request)
    if request.family_id is None:
        raise AssessmentError(NO_FAMILY)
    scopes = [(Consent.Scope.ASSESSMENT, ())]
    if sharing_agencies:
        scopes.append((Consent.Scope.SHARING, list(sharing_agencies)))
    if contact_by_text:
        scopes.append((Consent.Scope.CONTACT_BY_TEXT, ()))
    try:
        with transaction.atomic():
            request = _locked(request, revision)
            for scope, agencies in scopes:
                family_services.consent_record(
                    actor=actor,
                    family=request.family,
                    scope=scope,
                    agencies=agencies,
                    given_by_name=given_by_name,
                    given_on=given_on,
                    method=method,
                    http_request=http_request,
                )
            request.consent_not_sought_reason = ""
            request.safeguarding = False
            request.contact_by_text = bool(contact_by_text)
            request.sections_completed = assessment.completed_list(request, "consent", True)
            return _save(
                actor,
                request,
                http_request,
                ["consent", "consent_not_sought_reason", "safeguarding", "contact_by_text"],
                section="consent",
                step="consent_recorded",
                scopes=[scope for scope, _ in scopes],
            )
    except FamiliesError as error:
        raise _from_families(error) from None


def request_consent_not_sought(
    *, actor, request: Request, revision, reason: str, http_request=None
) -> Request:
    """Seeking consent would put a child at risk: the request goes to the front door as
    safeguarding, at the front of its queue."""
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentError(REASON_REQUIRED, {"reason": [REASON_REQUIRED]})
    _require_editable(actor, request, http_request)
    with transaction.atomic():
        request = _locked(request, revision)
        request.consent_not_sought_reason = reason
        request.safeguarding = True
        request.sections_completed = assessment.completed_list(request, "consent", True)
        return _save(
            actor,
            request,
            http_request,
            ["consent_not_sought_reason", "safeguarding"],
            section="consent",
            step="consent_not_sought",
        )


# Sharing -----------------------------------------------------------------------------------


def request_share(*, actor, request: Request, email: str, http_request=None):
    """Let a colleague in the actor's agency see and edit the draft; returns the colleague."""
    _require_editable(actor, request, http_request)
    email = (email or "").strip()
    colleague = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if colleague is None or not user_has_perm(colleague, "frontdoor.make_request"):
        raise AssessmentError(SHARE_UNKNOWN, {"email": [SHARE_UNKNOWN]})
    if colleague.pk == actor.pk:
        raise AssessmentError(SHARE_SELF, {"email": [SHARE_SELF]})
    if colleague.agency_id is None or colleague.agency_id != request.agency_id:
        _audit(actor, request, AuditAction.PERMISSION_CHANGE, http_request, refused="other_agency")
        message = SHARE_OTHER_AGENCY.format(email=colleague.email)
        raise AssessmentError(message, {"email": [message]})
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        if request.status != Request.Status.DRAFT:
            raise AssessmentError(NOT_A_DRAFT)
        if request.shared_with.filter(pk=colleague.pk).exists():
            message = SHARE_ALREADY.format(email=colleague.email)
            raise AssessmentError(message, {"email": [message]})
        request.shared_with.add(colleague)
        forget_relationships(request)
        _audit(
            actor,
            request,
            AuditAction.PERMISSION_CHANGE,
            http_request,
            ["shared_with"],
            shared_with=colleague.pk,
        )
    return colleague


# Sending -----------------------------------------------------------------------------------


def assessment_facts(request: Request) -> assessment.Facts:
    """What the task list's completeness needs beyond the request's own fields (three queries)."""
    people = list(RequestPerson.objects.filter(request=request).values_list("person_id", "role"))
    ids = [person_id for person_id, _ in people]
    relationships = (
        PersonRelationship.objects.filter(person_id__in=ids, relative_id__in=ids).count()
        if len(ids) > 1
        else 0
    )
    consent = request.family_id is not None and family_selectors.consent_active(
        family=request.family, scope=Consent.Scope.ASSESSMENT
    )
    return assessment.Facts(
        children=sum(1 for _, role in people if role in assessment.CHILD_ROLES),
        people=len(people),
        relationships=relationships,
        active_assessment_consent=bool(consent),
    )


def _consent_was_withdrawn(request: Request) -> bool:
    return Consent.objects.filter(
        family_id=request.family_id, scope=Consent.Scope.ASSESSMENT, withdrawn_at__isnull=False
    ).exists()


def request_submit(
    *, actor, request: Request, revision, declaration_name: str, http_request=None
) -> Request:
    """Send the completed assessment to the front door; the practitioner is emailed its
    reference."""
    declaration_name = (declaration_name or "").strip()
    if not declaration_name:
        raise AssessmentError(DECLARATION_REQUIRED, {"declaration_name": [DECLARATION_REQUIRED]})
    _require_editable(actor, request, http_request)
    with transaction.atomic():
        request = _locked(request, revision)
        facts = assessment_facts(request)
        if not request.consent_not_sought_reason.strip() and not facts.active_assessment_consent:
            withdrawn = request.family_id is not None and _consent_was_withdrawn(request)
            raise AssessmentError(CONSENT_WITHDRAWN if withdrawn else CONSENT_MISSING)
        missing = assessment.incomplete_sections(request, facts)
        if missing:
            titles = ", ".join(section.title.lower() for section in missing)
            raise AssessmentError(INCOMPLETE.format(sections=titles))
        request.declaration_name = declaration_name
        request_mark_submitted(request)
        request.full_clean(validate_constraints=False)
        request.save()
        forget_relationships(request)
        _audit(
            actor,
            request,
            AuditAction.CHANGE,
            http_request,
            ["status", "declaration_name"],
            step="submitted",
            safeguarding=request.safeguarding,
            revision=request.revision,
        )
        if actor.email:
            transaction.on_commit(
                partial(
                    notifications.send_email,
                    to=actor.email,
                    template=EMAIL_TEMPLATE,
                    personalisation={
                        "reference": request.reference,
                        "link": notifications.site_url(
                            reverse("frontdoor:request", args=[request.pk])
                        ),
                    },
                    reference=f"request-{request.reference}",
                ),
                robust=True,
            )
    return request
