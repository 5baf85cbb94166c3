"""The demo county's stewardship cycle, so a newcomer can walk through it after `make run`.

Grace Adeyemi (organisation editor) looks after the first organisation's listings, which are in
every state: published, overdue, hidden, a draft, one waiting for approval, one sent back with
changes requested, a new service waiting for approval and one with an approved change in its
history. A second organisation publishes without approval, with its own editor. Open problem
reports, pending requests to join and claim, and the day's review reminders (in the outbox) are
waiting for Tom Hughes (directory administrator).

Everything goes through the same services a person would use, so the audit log, the versions
and the emails are what they would be. Deterministic: the choices depend only on the directory.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from familyhelp.accounts.models import Agency, Role, RoleAssignment, User
from familyhelp.audit.services import audit_record
from familyhelp.directory.models import (
    OrganisationEditor,
    Organization,
    ProblemReport,
    Service,
)
from familyhelp.stewardship import jobs
from familyhelp.stewardship.listing import empty_document, new_id
from familyhelp.stewardship.models import JoinRequest, ListingChange, TrustedOrganisation
from familyhelp.stewardship.services import editing, moderation

DEMO_JOB = "job:load_demo"
EDITOR_EMAIL = "editor@valefamilytrust.example"
ADMINISTRATOR_EMAIL = "directory.admin@wessexvale.example"
SECOND_EDITOR = ("editor@wexfordplay.example", "Dev Patel", "Playgroup leader")


@dataclass(frozen=True)
class StewardshipSummary:
    drafts: int = 0
    waiting: int = 0
    changes_requested: int = 0
    problem_reports: int = 0
    join_requests: int = 0
    reminders_sent: int = 0


def demo_stewardship_ensure(*, password: str, today: datetime.date) -> StewardshipSummary:
    """Set the stewardship scene once; a directory that already has changes is left alone."""
    if ListingChange.objects.exists():
        return StewardshipSummary()
    editor = User.objects.get(email=EDITOR_EMAIL)
    admin = User.objects.get(email=ADMINISTRATOR_EMAIL)
    # Grace's organisation is the voluntary one with the most listings (one in every state);
    # the council's own listings are the directory administrators' to keep.
    organisations = list(
        Organization.objects.exclude(name__icontains="council")
        .annotate(active=Count("services", filter=Q(services__status=Service.Status.ACTIVE)))
        .filter(active__gte=1)
        .order_by("-active", "name", "id")[:2]
    )
    if len(organisations) < 2 or organisations[0].active < len(STATES):
        return StewardshipSummary()
    own, trusted = organisations
    with transaction.atomic():
        OrganisationEditor.objects.filter(user=editor).exclude(organization=own).delete()
        OrganisationEditor.objects.get_or_create(user=editor, organization=own)
        second = _second_editor(password, trusted)
        services = list(own.services.filter(status=Service.Status.ACTIVE).order_by("name", "id"))
        summary = _listings_in_every_state(editor, admin, services, today)
        TrustedOrganisation.objects.get_or_create(
            organization=trusted, defaults={"trusted_by": admin}
        )
        _trusted_change(second, trusted, today)
        reports = _problem_reports(own, trusted, today)
        joins = _join_requests(trusted)
    # After the listings' dates are set: the reminders due today go to the outbox.
    counts = jobs.send_review_reminders(today)
    return StewardshipSummary(
        drafts=summary["drafts"],
        waiting=summary["waiting"],
        changes_requested=summary["changes_requested"],
        problem_reports=reports,
        join_requests=joins,
        reminders_sent=counts["reminders_created"],
    )


def _second_editor(password: str, organization: Organization) -> User:
    email, name, title = SECOND_EDITOR
    agency, _ = Agency.objects.get_or_create(
        name=organization.name[:200], defaults={"kind": Agency.Kind.VOLUNTARY_COMMUNITY}
    )
    person = User.objects.filter(email=email).first()
    created = person is None
    if created:
        person = User(email=email)
    person.full_name, person.job_title, person.agency, person.is_active = name, title, agency, True
    person.set_password(password)
    person.save()
    RoleAssignment.objects.get_or_create(
        user=person, role=Role.objects.get(code="organisation-editor")
    )
    OrganisationEditor.objects.filter(user=person).exclude(organization=organization).delete()
    OrganisationEditor.objects.get_or_create(user=person, organization=organization)
    if created:
        audit_record(
            actor_label=DEMO_JOB,
            action="create",
            record_type="accounts.user",
            record_id=person.pk,
            fields_changed=["email", "full_name", "job_title", "agency"],
        )
    return person


def _save(editor, service, **updates) -> ListingChange:
    change = editing.change_start(actor=editor, service=service)
    return editing.change_save(
        actor=editor, change=change, revision=change.revision, updates=updates
    )


def _submit(editor, change) -> ListingChange:
    return editing.change_submit(actor=editor, change=change, revision=change.revision)


STATES = ("approved", "draft", "waiting", "sent back", "overdue", "hidden")


def _listings_in_every_state(editor, admin, services, today) -> dict:
    approved, draft, waiting, sent_back, overdue, hidden = services[: len(STATES)]

    # An approved change: its history has two versions.
    change = _save(
        editor,
        approved,
        description=approved.description + " Now with a quiet room for babies under one.",
    )
    change = _submit(editor, change)
    moderation.change_approve(actor=admin, change=change, revision=change.revision)
    # Checked on the demo's own date (approval stamps the real one).
    Service.objects.filter(pk=approved.pk).update(assured_date=today)

    # A draft Grace has not finished.
    _save(editor, draft, description=draft.description + " (Grace is still checking this.)")

    # Waiting for approval: a new Saturday session and a changed description.
    change = editing.change_start(actor=editor, service=waiting)
    sessions = [
        *change.document["schedules"],
        {
            "id": new_id(),
            "location_id": None,
            "dtstart": (
                today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
            ).isoformat(),
            "freq": "WEEKLY",
            "byday": "SA",
            "opens_at": "10:00",
            "closes_at": "11:30",
            "until": None,
            "count": 8,
            "description": "Saturday session for working parents.",
        },
    ]
    change = editing.change_save(
        actor=editor,
        change=change,
        revision=change.revision,
        updates={
            "schedules": sessions,
            "description": waiting.description + " Saturday sessions start this month.",
        },
    )
    _submit(editor, change)

    # Sent back: the administrator asked for a change.
    change = _submit(editor, _save(editor, sent_back, fees_description="Small charge."))
    moderation.change_request_changes(
        actor=admin,
        change=change,
        revision=change.revision,
        message="Please say how much the charge is and whether families on benefits pay it.",
    )

    # A new service waiting for approval.
    new = editing.change_start(actor=editor, organization=waiting.organization)
    document = empty_document()
    document.update(
        name="Saturday dads' club",
        description="Dads and male carers with children under five: play, a bacon roll, a chat.",
        categories=[
            str(term) for term in waiting.attributes.values_list("taxonomy_term_id", flat=True)
        ],
        delivered_in_person=False,
        delivered_online=True,
        url="https://example.org/dads-club",
    )
    new = editing.change_save(actor=editor, change=new, revision=new.revision, updates=document)
    _submit(editor, new)

    # Overdue ("may be out of date") and hidden (past the grace period) listings.
    Service.objects.filter(pk=overdue.pk).update(
        assured_date=today - datetime.timedelta(days=200), last_modified=timezone.now()
    )
    Service.objects.filter(pk=hidden.pk).update(
        assured_date=today - datetime.timedelta(days=420), last_modified=timezone.now()
    )
    return {"drafts": 1, "waiting": 2, "changes_requested": 1}


def _trusted_change(editor, organization, today):
    service = organization.services.filter(status=Service.Status.ACTIVE).order_by("name").first()
    change = _save(editor, service, description=service.description + " Booking is now online.")
    _submit(editor, change)
    Service.objects.filter(pk=service.pk).update(assured_date=today)


PROBLEMS = [
    (ProblemReport.Kind.CLOSED, "The hall was locked on Tuesday and a sign said it has finished."),
    (ProblemReport.Kind.WRONG_DETAILS, "The phone number rings a different group."),
    (ProblemReport.Kind.OTHER, "It says free but we were asked for £2."),
]


def _problem_reports(own, trusted, today) -> int:
    services = [
        *own.services.filter(status=Service.Status.ACTIVE).order_by("name")[:2],
        trusted.services.filter(status=Service.Status.ACTIVE).order_by("name").first(),
    ]
    for number, (service, (kind, details)) in enumerate(zip(services, PROBLEMS, strict=False)):
        report = ProblemReport.objects.create(
            reference=f"DEMO-P{number + 1:03d}",
            service=service,
            kind=kind,
            details=details,
            created_at=timezone.now() - datetime.timedelta(days=3 - number),
        )
        audit_record(
            actor_label=DEMO_JOB,
            action="create",
            record_type="directory.problemreport",
            record_id=report.pk,
            values={"reference": report.reference, "service": str(service.pk)},
        )
    return len(services)


def _join_requests(trusted) -> int:
    claimed = Organization.objects.exclude(pk=trusted.pk).order_by("-name").first()
    JoinRequest.objects.create(
        reference="DEMO-J001",
        kind=JoinRequest.Kind.JOIN,
        organisation_name="Wexford Parents' Forum",
        charity_number="1190001",
        website="https://example.org/wexford-parents",
        contact_name="Olu Bankole",
        contact_email="olu@wexfordparents.example",
        contact_phone="01632 960 456",
        contact_role="Chair",
        message="We run coffee mornings and a parent carers' support group in Wexford.",
    )
    JoinRequest.objects.create(
        reference="DEMO-J002",
        kind=JoinRequest.Kind.CLAIM,
        organization=claimed,
        organisation_name=claimed.name,
        contact_name="Jo Marsh",
        contact_email="jo.marsh@example.org",
        contact_role="Manager",
        message="I manage this group and would like to keep its listing up to date.",
    )
    return 2
