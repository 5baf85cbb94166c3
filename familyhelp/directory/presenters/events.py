"""What's on: sessions and events grouped by day."""

import datetime

from django.urls import reverse

from familyhelp.core.formatting import long_date, miles, plural
from familyhelp.directory.presenters.schedules import day_with_date, join_words, opening_times
from familyhelp.directory.presenters.services import CONFIDENTIAL_ADDRESS


def place_text(location) -> str:
    """Where a session is: 'Ashcombe Family Hub, Ashcombe'; a confidential venue gives its town."""
    if location is None:
        return "Online or by telephone"
    addresses = list(location.addresses.all())
    town = addresses[0].city if addresses else ""
    if location.is_confidential:
        return f"{town} ({CONFIDENTIAL_ADDRESS.lower()})" if town else CONFIDENTIAL_ADDRESS
    return join_words([location.name]) + (f", {town}" if town and town != location.name else "")


class EventItem:
    def __init__(self, occurrence):
        service = occurrence.service
        schedule = occurrence.schedule
        self.name = service.name
        self.url = reverse("directory:service", args=[service.id])
        self.organisation = service.organization.name
        self.time = opening_times(schedule.opens_at, schedule.closes_at)
        self.time = self.time[0].upper() + self.time[1:] if self.time else "Times not given"
        self.place = place_text(occurrence.location)
        self.distance = (
            f"{miles(occurrence.distance_miles)} away"
            if occurrence.distance_miles is not None
            else ""
        )
        self.description = schedule.description or ""


def events_by_day(occurrences) -> list[tuple[str, list[EventItem]]]:
    """[('Saturday 5 December 2026', [EventItem, …]), …] in date order."""
    days: dict[datetime.date, list[EventItem]] = {}
    for occurrence in occurrences:
        days.setdefault(occurrence.date, []).append(EventItem(occurrence))
    return [(day_with_date(day), items) for day, items in days.items()]


def whats_on_summary(total: int, date_from, date_to, place_label: str) -> str:
    """'12 sessions and events from 27 November to 10 December 2026 near WX1 2AB'."""
    text = f"{plural(total, 'session or event', 'sessions and events')}"
    text += f" from {long_date(date_from)} to {long_date(date_to)}"
    if place_label:
        text += f" near {place_label}"
    return text
