"""Report a problem with a public service page, and resolve it (docs/problem-reports.md).

Anyone may report a problem, without signing in. A report goes by email to the organisation's
editors and to every directory administrator, and stays open until one of them resolves it; the
reporter, if they left an email address, is then told (and the address is forgotten).

Abuse protection, all counted in the database (the cache may be a dummy):
- a hidden honeypot field people never see and form-filling robots fill in;
- a signed, time-stamped form token: a form sent within PROBLEM_REPORT_MIN_SECONDS of being
  shown, or more than PROBLEM_REPORT_MAX_SECONDS after, is refused;
- at most PROBLEM_REPORTS_PER_IP_PER_HOUR reports from one IP address, and at most
  PROBLEM_REPORTS_PER_SERVICE_PER_HOUR about one service, in any hour. Only a salted hash of the
  IP address is stored.
A refusal raises ProblemReportRefused and changes nothing.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from familyhelp.accounts import access
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.core import formatting, notifications, public_requests
from familyhelp.directory.models import ProblemReport, Service
from familyhelp.directory.selectors.editors import (
    directory_administrator_emails,
    organisation_editor_emails,
)

logger = logging.getLogger(__name__)

RECORD_TYPE = "directory.problemreport"
PUBLIC_ACTOR = "member of the public"

DEFAULT_MIN_SECONDS = 3
DEFAULT_MAX_SECONDS = 2 * 60 * 60
DEFAULT_PER_IP_PER_HOUR = 5
DEFAULT_PER_SERVICE_PER_HOUR = 20

TOKEN_SALT = "familyhelp.directory.problems.form"  # noqa: S105 - a namespace, not a secret
CONFIRMATION_SALT = "familyhelp.directory.problems.confirmation"
IP_HASH_SALT = "familyhelp.directory.problems.ip"
CONFIRMATION_MAX_SECONDS = 24 * 60 * 60

# Why a report was refused (the code) and what the person is told (the message).
HONEYPOT = "honeypot"
TOO_FAST = "too_fast"
EXPIRED = "expired"
FORGED = "forged"
RATE_LIMITED = "rate_limited"

HONEYPOT_FILLED = (
    "Your report could not be sent. If a browser extension or tool fills in forms for you, "
    "turn it off and send the form again"
)
FORM_TOO_FAST = (
    "The form was sent too quickly. Check your answers, wait a few seconds and send it again"
)
FORM_EXPIRED = (
    "The form was open for too long, so it has been reset. Check your answers and send it again"
)
FORM_NOT_RECOGNISED = (
    "The form could not be checked, so it has been reset. Check your answers and send it again"
)
TOO_MANY_FROM_YOU = (
    "You have reported {limit} problems in the last hour, which is the most we accept. "
    "Wait an hour, then report the problem again"
)
TOO_MANY_ABOUT_SERVICE = (
    "This service has been reported {limit} times in the last hour, so its editors already know "
    "to check it. If the problem is still there tomorrow, report it again"
)
NOTE_REQUIRED = "Enter what was done about the problem"
NOTE_TOO_LONG = "What was done must be {limit:,} characters or fewer"
ALREADY_RESOLVED = "This problem was already resolved by {who} on {date}. Nothing was changed"


class ProblemReportError(Exception):
    """A report or resolution that was refused; the message is safe to show."""

    code = "invalid"

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ProblemReportRefused(ProblemReportError):
    """Abuse protection refused a report. `fresh_form` says whether to give a new form token."""

    @property
    def fresh_form(self) -> bool:
        return self.code in (EXPIRED, FORGED)


class ServiceNotPublished(ProblemReportError):
    """The service does not exist or is not on the public site (the view shows a 404)."""


def _setting(name, default):
    return getattr(settings, name, default)


def ip_hash(ip_address: str | None) -> str:
    return public_requests.ip_hash(IP_HASH_SALT, ip_address)


# The form token -----------------------------------------------------------------------------


FORM_TOKEN = public_requests.FormToken(salt=TOKEN_SALT)
_REFUSALS = {
    public_requests.FormTokenRefused.FORGED: (FORM_NOT_RECOGNISED, FORGED),
    public_requests.FormTokenRefused.TOO_FAST: (FORM_TOO_FAST, TOO_FAST),
    public_requests.FormTokenRefused.EXPIRED: (FORM_EXPIRED, EXPIRED),
}


def form_token_issue(*, service_id) -> str:
    """A token the form carries: which service, and when the form was shown (signed)."""
    return FORM_TOKEN.issue(about=service_id)


def form_token_check(token, *, service_id) -> None:
    """Refuse a form sent too quickly, too late, for another service, or with a forged token."""
    try:
        FORM_TOKEN.check(
            token,
            about=service_id,
            min_seconds=_setting("PROBLEM_REPORT_MIN_SECONDS", DEFAULT_MIN_SECONDS),
            max_seconds=_setting("PROBLEM_REPORT_MAX_SECONDS", DEFAULT_MAX_SECONDS),
        )
    except public_requests.FormTokenRefused as refused:
        raise ProblemReportRefused(*_REFUSALS[refused.code]) from None


def confirmation_token(report: ProblemReport) -> str:
    """What the confirmation page's address carries, so it can show the reference."""
    return signing.dumps(
        {"s": str(report.service_id), "r": report.reference}, salt=CONFIRMATION_SALT
    )


def confirmation_reference(token, *, service_id) -> str | None:
    """The reference a confirmation token shows; None if forged, old or for another page."""
    try:
        data = signing.loads(token or "", salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != str(service_id):
        return None
    return data.get("r")


# Reporting ----------------------------------------------------------------------------------


def _check_rate_limits(*, service, hashed_ip, now):
    since = now - datetime.timedelta(hours=1)
    per_ip = _setting("PROBLEM_REPORTS_PER_IP_PER_HOUR", DEFAULT_PER_IP_PER_HOUR)
    if ProblemReport.objects.filter(ip_hash=hashed_ip, created_at__gte=since).count() >= per_ip:
        raise ProblemReportRefused(TOO_MANY_FROM_YOU.format(limit=per_ip), RATE_LIMITED)
    per_service = _setting("PROBLEM_REPORTS_PER_SERVICE_PER_HOUR", DEFAULT_PER_SERVICE_PER_HOUR)
    if ProblemReport.objects.filter(service=service, created_at__gte=since).count() >= per_service:
        raise ProblemReportRefused(TOO_MANY_ABOUT_SERVICE.format(limit=per_service), RATE_LIMITED)


def problem_report_create(
    *,
    actor=None,
    service_id,
    kind,
    details="",
    reporter_email="",
    form_token,
    honeypot="",
    ip_address=None,
    http_request=None,
) -> ProblemReport:
    """Take a report about a published service and tell its editors and the administrators.

    `actor` is the signed-in person, or None for a member of the public. Raises
    ProblemReportRefused (abuse protection), ServiceNotPublished, or ValidationError; each
    changes nothing.
    """
    signed_in = access.signed_in(actor)
    if honeypot:
        logger.warning("Problem report refused: %s", HONEYPOT)
        raise ProblemReportRefused(HONEYPOT_FILLED, HONEYPOT)
    try:
        form_token_check(form_token, service_id=service_id)
    except ProblemReportRefused as refused:
        logger.warning("Problem report refused: %s", refused.code)
        raise
    hashed_ip = ip_hash(ip_address)
    with transaction.atomic():
        # Locking the service serialises reports about it, so the per-service count is exact.
        service = (
            Service.objects.published()
            .select_for_update(of=("self",))
            .select_related("organization")
            .filter(pk=service_id)
            .first()
        )
        if service is None:
            raise ServiceNotPublished("No published service with that id")
        now = timezone.now()
        try:
            _check_rate_limits(service=service, hashed_ip=hashed_ip, now=now)
        except ProblemReportRefused:
            logger.warning("Problem report refused: %s", RATE_LIMITED)
            raise
        report = ProblemReport(
            reference=public_requests.new_reference(ProblemReport),
            service=service,
            kind=kind,
            details=(details or "").strip(),
            reporter_email=(reporter_email or "").strip(),
            ip_hash=hashed_ip,
            created_at=now,
        )
        report.full_clean()
        report.save(force_insert=True)
        audit_record(
            actor=actor if signed_in else None,
            actor_label="" if signed_in else PUBLIC_ACTOR,
            action=AuditAction.CREATE,
            record_type=RECORD_TYPE,
            record_id=report.pk,
            values={
                "reference": report.reference,
                "service": str(service.pk),
                "organization": str(service.organization_id),
                "kind": report.kind,
                "has_details": bool(report.details),
                "has_reporter_email": bool(report.reporter_email),
            },
            # A member of the public's IP address is not kept, not even in the audit log.
            request=http_request if signed_in else None,
        )
        _notify_on_commit_reported(report, http_request)
    return report


def problem_report_recipients(organization_id) -> list[str]:
    """Who is told of a new report: the organisation's editors and every directory administrator
    (active people who hold the role; a link without the role allows nothing)."""
    editors = organisation_editor_emails(organization_id)
    return sorted(set(editors) | set(directory_administrator_emails()))


def _absolute(http_request, path):
    return http_request.build_absolute_uri(path) if http_request is not None else path


def _notify_on_commit_reported(report, http_request):
    # The reporter's details are never emailed: they are free text (links, personal data) and
    # GOV.UK Notify would turn links in them into links. The email says where to read them.
    personalisation = {
        "service_name": report.service.name,
        "organisation_name": report.service.organization.name,
        "problem": report.get_kind_display(),
        "reference": report.reference,
        "link": _absolute(
            http_request, reverse("directory:problem-report", kwargs={"report_id": report.pk})
        ),
    }
    for email in problem_report_recipients(report.service.organization_id):
        transaction.on_commit(
            partial(
                notifications.send_email,
                to=email,
                template="problem_reported",
                personalisation=personalisation,
                reference=f"problem-report-{report.reference}",
            ),
            robust=True,
        )


# Resolving ----------------------------------------------------------------------------------


def _not_found(report_id):
    return access.RecordNotFound(RECORD_TYPE, str(report_id), personal=False)


def problem_report_resolve(*, actor, report_id, note, http_request=None) -> ProblemReport:
    """Resolve an open report with a note saying what was done, and tell the reporter.

    Only someone who may edit the report's service (its organisation's editors, directory
    administrators) may; anyone else gets RecordNotFound, as if it did not exist.
    """
    note = (note or "").strip()
    with transaction.atomic():
        report = (
            ProblemReport.objects.select_for_update(of=("self",))
            .select_related("service", "resolved_by")
            .filter(pk=report_id)
            .first()
        )
        if report is None or not access.user_has_perm(
            actor, "directory.edit_service", report.service
        ):
            raise _not_found(report_id)
        if report.status == ProblemReport.Status.RESOLVED:
            who = str(report.resolved_by) if report.resolved_by else "someone no longer here"
            date = formatting.long_date(timezone.localtime(report.resolved_at).date())
            raise ProblemReportError(ALREADY_RESOLVED.format(who=who, date=date), "resolved")
        if not note:
            raise ProblemReportError(NOTE_REQUIRED, "note")
        if len(note) > ProblemReport.NOTE_MAX_LENGTH:
            raise ProblemReportError(
                NOTE_TOO_LONG.format(limit=ProblemReport.NOTE_MAX_LENGTH), "note"
            )
        now = timezone.now()
        reporter_email = report.reporter_email
        report.status = ProblemReport.Status.RESOLVED
        report.resolved_at = now
        report.resolved_by = actor
        report.resolution_note = note
        changed = ["status", "resolved_at", "resolved_by", "resolution_note"]
        if reporter_email:
            # Told once, then forgotten: the address was given only for this.
            report.reporter_email = ""
            report.reporter_told_at = now
            changed += ["reporter_email", "reporter_told_at"]
        report.full_clean()
        report.save(update_fields=changed)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            record_type=RECORD_TYPE,
            record_id=report.pk,
            fields_changed=changed,
            values={
                "reference": report.reference,
                "service": str(report.service_id),
                "status": report.status,
                "reporter_told": bool(reporter_email),
            },
            request=http_request,
        )
        if reporter_email:
            transaction.on_commit(
                partial(
                    notifications.send_email,
                    to=reporter_email,
                    template="problem_resolved",
                    personalisation={
                        "service_name": report.service.name,
                        "reference": report.reference,
                        "link": _absolute(
                            http_request,
                            reverse("directory:service", kwargs={"service_id": report.service_id}),
                        ),
                    },
                    reference=f"problem-resolved-{report.reference}",
                ),
                robust=True,
            )
    return report
