"""Display strings for the problem report pages (docs/problem-reports.md).

The reporter's details and the resolution note are free text typed by someone else: they are
only ever split into paragraphs and printed as escaped text, never marked safe and never turned
into links.
"""

import re

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from familyhelp.core import formatting
from familyhelp.directory.models import ProblemReport

_BLANK_LINES = re.compile(r"\n\s*\n")


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{formatting.long_date(local.date())} at {formatting.time_12h(local.time())}"


def text_paragraphs(text: str) -> list[list[str]]:
    """Paragraphs, each a list of lines, for a template to print with <br> between the lines."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return []
    return [
        [line.strip() for line in block.split("\n") if line.strip()]
        for block in _BLANK_LINES.split(text)
    ]


class ProblemReportPresenter:
    """One report as the list and its own page show it."""

    def __init__(self, report: ProblemReport):
        self.report = report
        self.reference = report.reference
        self.service_name = report.service.name
        self.organisation_name = report.service.organization.name
        self.kind = report.get_kind_display()
        self.is_open = report.status == ProblemReport.Status.OPEN
        self.status = report.get_status_display()
        self.reported_at = _when(report.created_at)
        self.url = reverse("directory:problem-report", kwargs={"report_id": report.pk})
        self.service_url = reverse("directory:service", kwargs={"service_id": report.service_id})

    @property
    def status_html(self) -> str:
        colour = "govuk-tag--yellow" if self.is_open else "govuk-tag--green"
        return format_html('<strong class="govuk-tag {}">{}</strong>', colour, self.status)

    @property
    def link_html(self) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> '
            "(problem {})</span></a>",
            self.url,
            self.service_name,
            self.reference,
        )

    @property
    def details(self) -> list[list[str]]:
        return text_paragraphs(self.report.details)

    @property
    def resolution_note(self) -> list[list[str]]:
        return text_paragraphs(self.report.resolution_note)

    @property
    def resolved(self) -> str:
        if self.is_open:
            return ""
        who = str(self.report.resolved_by) if self.report.resolved_by else "someone no longer here"
        return f"{_when(self.report.resolved_at)} by {who}"

    @property
    def reporter_contact(self) -> str:
        """Whether the reporter will be (or was) told; never their address."""
        if self.report.reporter_told_at:
            return (
                f"They were emailed that it was resolved on {_when(self.report.reporter_told_at)}."
            )
        if self.report.reporter_email:
            return "They left an email address and will be emailed when you resolve it."
        return "They did not leave an email address, so they will not be told."
