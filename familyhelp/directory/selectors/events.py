"""What's on: dated sessions and events (schedules with a dtstart), expanded into occurrences.

Recurrences follow RFC 5545 as HSDS does (freq, interval, byday, bymonthday, until, count) and are
expanded with dateutil; a schedule with a dtstart and no freq happens once.
"""

import datetime
from dataclasses import dataclass

from dateutil import rrule
from django.db.models import Prefetch, Q

from familyhelp.core import geo
from familyhelp.directory.models import Address, Schedule, Service, ServiceAtLocation

FREQUENCIES = {"DAILY": rrule.DAILY, "WEEKLY": rrule.WEEKLY, "MONTHLY": rrule.MONTHLY}
WEEKDAYS = {
    "MO": rrule.MO,
    "TU": rrule.TU,
    "WE": rrule.WE,
    "TH": rrule.TH,
    "FR": rrule.FR,
    "SA": rrule.SA,
    "SU": rrule.SU,
}
# A recurrence with no end would otherwise be walked from its start for ever.
MAX_OCCURRENCES_PER_SCHEDULE = 400


@dataclass(frozen=True)
class Occurrence:
    date: datetime.date
    schedule: Schedule
    service: Service
    location: object | None  # Location, or None for an online or unplaced event
    distance_miles: float | None


def _weekdays(byday: str):
    days = []
    for part in (byday or "").upper().replace(" ", "").split(","):
        code, ordinal = part[-2:], part[:-2]
        if code not in WEEKDAYS:
            continue
        try:
            days.append(WEEKDAYS[code](int(ordinal)) if ordinal else WEEKDAYS[code])
        except ValueError:
            continue
    return days


def occurrence_dates(schedule, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The dates between start and end (inclusive) on which a dated schedule happens."""
    if not schedule.dtstart:
        return []
    first = max(start, schedule.valid_from or start)
    last = min(end, schedule.valid_to or end, schedule.until or end)
    if last < first:
        return []
    if not schedule.freq or schedule.freq not in FREQUENCIES:
        return [schedule.dtstart] if first <= schedule.dtstart <= last else []
    options = {
        "dtstart": datetime.datetime.combine(schedule.dtstart, datetime.time()),
        "interval": schedule.interval or 1,
    }
    # RFC 5545 allows count or until, not both; the window below bounds either way.
    if schedule.count:
        options["count"] = schedule.count
    else:
        options["until"] = datetime.datetime.combine(last, datetime.time())
    weekdays = _weekdays(schedule.byday)
    if weekdays:
        options["byweekday"] = weekdays
    monthdays = [int(d) for d in schedule.bymonthday.split(",") if d.strip().lstrip("-").isdigit()]
    if monthdays:
        options["bymonthday"] = monthdays
    rule = rrule.rrule(FREQUENCIES[schedule.freq], **options)
    window = rule.between(
        datetime.datetime.combine(first, datetime.time()),
        datetime.datetime.combine(last, datetime.time()),
        inc=True,
    )
    return [moment.date() for moment in window[:MAX_OCCURRENCES_PER_SCHEDULE]]


def _locations(schedule) -> list:
    if schedule.location_id:
        return [schedule.location]
    if schedule.service_at_location_id:
        return [schedule.service_at_location.location]
    return [link.location for link in schedule.service.service_at_locations.all()]


def _nearest(locations, point):
    placed = [loc for loc in locations if loc.latitude is not None]
    if not point:
        return (placed or locations or [None])[0], None
    measured = (
        sorted(
            (geo.haversine_miles(point.latitude, point.longitude, loc.latitude, loc.longitude), loc)
            for loc in placed
        )
        if placed
        else []
    )
    return (measured[0][1], measured[0][0]) if measured else (None, None)


def event_list(
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    term_ids=(),
    age: int | None = None,
    point: geo.Point | None = None,
    radius: float = 10,
) -> list[Occurrence]:
    """Every occurrence of a published service's dated schedule in the range, in date order."""
    services = Service.objects.published()
    if term_ids:
        services = services.in_taxonomy_terms(term_ids)
    if age is not None:
        services = services.for_age(age)
    schedules = Schedule.objects.filter(dtstart__isnull=False, dtstart__lte=date_to).filter(
        Q(until__isnull=True) | Q(until__gte=date_from),
        Q(valid_to__isnull=True) | Q(valid_to__gte=date_from),
        Q(service__in=services)
        | Q(service__isnull=True, service_at_location__service__in=services),
    )
    if point:
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(
            point.latitude, point.longitude, radius
        )
        near = {
            "latitude__gte": min_lat,
            "latitude__lte": max_lat,
            "longitude__gte": min_lon,
            "longitude__lte": max_lon,
        }
        schedules = schedules.filter(
            Q(**{f"location__{k}": v for k, v in near.items()})
            | Q(**{f"service_at_location__location__{k}": v for k, v in near.items()})
            | Q(
                location__isnull=True,
                service_at_location__isnull=True,
                service__service_at_locations__in=ServiceAtLocation.objects.filter(
                    **{f"location__{k}": v for k, v in near.items()}
                ),
            )
        ).distinct()
    schedules = schedules.select_related(
        "service__organization",
        "location",
        "service_at_location__location",
        "service_at_location__service__organization",
    ).prefetch_related(
        Prefetch(
            "service__service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                Prefetch("location__addresses", queryset=Address.objects.order_by("address_type"))
            ),
        ),
        Prefetch("location__addresses", queryset=Address.objects.order_by("address_type")),
        Prefetch(
            "service_at_location__location__addresses",
            queryset=Address.objects.order_by("address_type"),
        ),
    )
    occurrences = []
    for schedule in schedules:
        service = schedule.service or schedule.service_at_location.service
        location, distance = _nearest(_locations(schedule), point)
        if point and (distance is None or distance > radius):
            continue
        if location is not None and location.is_confidential:
            distance = None
        for date in occurrence_dates(schedule, date_from, date_to):
            occurrences.append(Occurrence(date, schedule, service, location, distance))
    occurrences.sort(
        key=lambda o: (o.date, o.schedule.opens_at or datetime.time(), o.service.name, o.service.id)
    )
    return occurrences
