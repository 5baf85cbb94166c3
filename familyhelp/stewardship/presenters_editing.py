"""Display strings for the editors' pages: a listing's status as GOV.UK tags, and its dates."""

from dataclasses import dataclass

from django.urls import reverse
from markupsafe import Markup, escape

from familyhelp.core.formatting import long_date
from familyhelp.directory.models import Service
from familyhelp.stewardship.models import ListingChange
from familyhelp.stewardship.selectors_editing import ServiceRow

# (text, tag colour class) of each state a listing's row can show.
PUBLISHED = ("Published", "govuk-tag--green")
HIDDEN = ("Hidden", "govuk-tag--grey")
CHANGE_TAGS = {
    ListingChange.Status.DRAFT: ("Draft", "govuk-tag--blue"),
    ListingChange.Status.SUBMITTED: ("Waiting for approval", "govuk-tag--yellow"),
    ListingChange.Status.CHANGES_REQUESTED: ("Changes requested", "govuk-tag--orange"),
    ListingChange.Status.APPROVED: ("Approved", "govuk-tag--green"),
    ListingChange.Status.REJECTED: ("Rejected", "govuk-tag--red"),
    ListingChange.Status.WITHDRAWN: ("Deleted", "govuk-tag--grey"),
}


@dataclass(frozen=True)
class Tag:
    text: str
    classes: str


def change_tag(change: ListingChange) -> Tag:
    return Tag(*CHANGE_TAGS[change.status])


def hidden_reason(row: ServiceRow) -> str:
    service = row.service
    if service is None:
        return ""
    if service.status == Service.Status.TEMPORARILY_CLOSED:
        return "Hidden: temporarily closed"
    if service.status != Service.Status.ACTIVE:
        return "Hidden: no longer running"
    if row.state and row.state.hidden:
        return "Hidden: not checked in time"
    return ""


class ServiceRowPresenter:
    """One row of "Your organisations" or of an organisation's listings."""

    def __init__(self, row: ServiceRow):
        self.row = row
        self.name = row.name
        self.service = row.service
        self.change = row.change

    @property
    def tags(self) -> list[Tag]:
        tags = []
        if self.service is not None:
            tags.append(Tag(*HIDDEN) if self.row.hidden else Tag(*PUBLISHED))
        if self.change is not None:
            tags.append(change_tag(self.change))
        return tags

    @property
    def hidden_reason(self) -> str:
        return hidden_reason(self.row) if self.row.hidden else ""

    @property
    def last_checked(self) -> str:
        if self.service is None:
            return "Not published yet"
        return long_date(self.service.assured_date) or "Never"

    @property
    def next_due(self) -> str:
        state = self.row.state
        if self.service is None or state is None:
            return "After it is published"
        if state.review_by is None:
            return "Now (never checked)"
        text = long_date(state.review_by)
        return f"{text} (overdue)" if state.overdue else text

    @property
    def change_url(self) -> str | None:
        """Where "Continue" goes for a change already open; None when a new one must be
        started (a POST)."""
        return reverse("stewardship:change", args=[self.change.pk]) if self.change else None

    @property
    def start_url(self) -> str:
        return reverse("stewardship:service", args=[self.service.pk]) if self.service else ""

    @property
    def public_url(self) -> str:
        if self.service is None or self.row.hidden:
            return ""
        return reverse("directory:service", args=[self.service.pk])


def lines_html(lines: list[str]):
    """Lines of the editor's text, escaped, one per line (nothing they typed becomes HTML)."""
    if not lines:
        return Markup('<span class="govuk-hint govuk-!-margin-0">Not given</span>')
    return Markup("<br>").join(escape(line) for line in lines)


def difference_html(row, *, new: bool):
    if new:
        return lines_html(row.after)
    return Markup(
        '<p class="govuk-body govuk-!-margin-bottom-1"><strong>Now:</strong></p>'
        '<p class="govuk-body app-break-word">{before}</p>'
        '<p class="govuk-body govuk-!-margin-bottom-1"><strong>Changed to:</strong></p>'
        '<p class="govuk-body govuk-!-margin-bottom-0 app-break-word">{after}</p>'
    ).format(before=lines_html(row.before), after=lines_html(row.after))
