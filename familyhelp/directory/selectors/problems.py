"""Reads behind "Report a problem" (docs/problem-reports.md).

The public form reads a published service. The tracking pages read problem reports scoped to the
person first: directory administrators see every report, an organisation editor only those about
their organisations' services (the same directory.edit_service rule that lets them resolve one).
"""

from familyhelp.accounts import access
from familyhelp.directory.models import ProblemReport, Service


def problem_service_get(*, service_id) -> Service | None:
    """The published service a report is about (with its organisation), or None."""
    return Service.objects.published().select_related("organization").filter(pk=service_id).first()


def _visible_to(actor):
    if access.user_has_perm(actor, "directory.administer"):
        return ProblemReport.objects.all()
    services = access.visible_to(actor, "directory.edit_service", Service.objects.all())
    return ProblemReport.objects.filter(service__in=services.values("pk"))


def problem_report_list(*, actor, status: str | None = None):
    """The reports the person may see, oldest first, optionally only those with `status`."""
    reports = _visible_to(actor).select_related("service__organization")
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("created_at", "pk")


def problem_report_get(*, actor, report_id) -> ProblemReport | None:
    """One report the person may see (and resolve), or None (they are shown a 404)."""
    return (
        _visible_to(actor)
        .select_related("service__organization", "resolved_by")
        .filter(pk=report_id)
        .first()
    )


def problem_report_open_count(*, actor) -> int:
    """How many open reports the person may see (for dashboards)."""
    return _visible_to(actor).filter(status=ProblemReport.Status.OPEN).count()
