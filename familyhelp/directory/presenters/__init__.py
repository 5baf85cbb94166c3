"""Display strings for the directory pages, so templates only print what they are given."""

from familyhelp.directory.presenters.events import EventItem, events_by_day, whats_on_summary
from familyhelp.directory.presenters.schedules import schedule_text
from familyhelp.directory.presenters.search import (
    CategoryTile,
    pagination,
    results_title,
    widen_suggestions,
)
from familyhelp.directory.presenters.services import (
    LocationDetail,
    OrganisationDetail,
    ServiceDetail,
    ServiceSummary,
    age_text,
    cost_text,
)

__all__ = [
    "CategoryTile",
    "EventItem",
    "LocationDetail",
    "OrganisationDetail",
    "ServiceDetail",
    "ServiceSummary",
    "age_text",
    "cost_text",
    "events_by_day",
    "pagination",
    "results_title",
    "schedule_text",
    "whats_on_summary",
    "widen_suggestions",
]
