"""The columns that describe one entry of a listing's lists: its first cost, first venue and
first regular weekly schedule (see columns.py). Each changes that entry in place, keeping its
id, or adds one; the listing's other entries are kept as they are."""

from decimal import Decimal, InvalidOperation

from familyhelp.core import geo
from familyhelp.stewardship.uploads.cells import date_of, days_of, quoted, time_of
from familyhelp.stewardship.uploads.columns import (
    BY_KEY,
    COST_KEYS,
    OPENING_KEYS,
    VENUE_KEYS,
    regular_schedule_index,
)

MAX_AMOUNT = Decimal("99999999.99")


class ListPartsMixin:
    """For the row checker: needs `new_id(part)`, `postcodes` and `postcodes_known`."""

    def _cost(self, cells, document, error):
        if not any(cells.get(key) for key in COST_KEYS):
            return
        text = cells.get("cost_amount", "").removeprefix("£").replace(",", "")
        amount = None
        if text:
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or value < 0 or value > MAX_AMOUNT:
                error(
                    "cost_amount",
                    f"{quoted(cells['cost_amount'])} is not an amount of money",
                    "Enter the price in pounds, like 2.50, or 0 if it is free",
                )
            elif value != value.quantize(Decimal("0.01")):
                error(
                    "cost_amount",
                    f"{quoted(cells['cost_amount'])} has more than two decimal places",
                    "Enter pounds and pence, like 2.50",
                )
            else:
                amount = f"{value:.2f}"
        costs = document["costs"]
        entry = dict(costs[0]) if costs else {"id": self.new_id("cost"), "amount_description": ""}
        entry["amount"] = None if amount in (None, "0.00") else amount
        entry["option"] = cells.get("cost_option", entry.get("option", ""))
        document["costs"] = [entry, *costs[1:]]

    def _venue(self, cells, document, error):
        if not any(cells.get(key) for key in VENUE_KEYS):
            return
        for key in ("venue_address_1", "venue_town", "venue_postcode"):
            if not cells.get(key):
                error(
                    key,
                    f"The {BY_KEY[key].heading.lower()} is blank",
                    f"Enter the {BY_KEY[key].heading.lower().removeprefix('venue ')} of the venue",
                )
        postcode = cells.get("venue_postcode", "")
        normal = geo.normalise_postcode(postcode) if postcode else None
        if postcode and (normal is None or " " not in normal):
            error(
                "venue_postcode",
                f"{quoted(postcode)} is not a full postcode",
                "Enter a full postcode, like WX1 2AB",
            )
        elif normal and self.postcodes_known and normal not in self.postcodes:
            error(
                "venue_postcode",
                f"{quoted(postcode)} is not a postcode we can find",
                "Check the postcode is right, like WX1 2AB",
            )
        locations = document["locations"]
        entry = (
            dict(locations[0])
            if locations
            else {
                "id": self.new_id("venue"),
                "description": "",
                "is_confidential": False,
            }
        )
        entry.update(
            name=cells.get("venue_name", ""),
            address_1=cells.get("venue_address_1", ""),
            address_2=cells.get("venue_address_2", ""),
            city=cells.get("venue_town", ""),
            postcode=normal or postcode,
        )
        document["locations"] = [entry, *locations[1:]]

    def _opening(self, cells, document, error):
        if not any(cells.get(key) for key in OPENING_KEYS):
            return
        days = days_of(cells.get("opening_days", ""))
        if days is None:
            error(
                "opening_days",
                f"{quoted(cells['opening_days'])} is not a list of days",
                "Enter days separated by semicolons, like Monday; Wednesday, or a range like "
                "Monday to Friday",
            )
        times = {}
        for key in ("opens_at", "closes_at"):
            value = cells.get(key, "")
            if not value:
                continue
            parsed = time_of(value)
            if parsed is None:
                error(key, f"{quoted(value)} is not a time", "Enter a 24-hour time, like 09:30")
            else:
                times[key] = parsed
        if "opens_at" in times and "closes_at" in times and times["opens_at"] >= times["closes_at"]:
            error(
                "closes_at",
                f"The closing time ({cells['closes_at']}) is not after the opening time "
                f"({cells['opens_at']})",
                "Enter a closing time later than the opening time",
            )
        dates = {}
        for key in ("starts_on", "ends_on"):
            value = cells.get(key, "")
            if value:
                parsed, problem = date_of(value)
                if problem:
                    error(key, f"{quoted(value)} {problem}", "Enter a real date, like 27/03/2027")
                else:
                    dates[key] = parsed
        if "ends_on" in dates and "starts_on" not in dates:
            error("starts_on", "The start date is blank", "Enter the date these times start")
        if "starts_on" in dates and "ends_on" in dates and dates["ends_on"] < dates["starts_on"]:
            error(
                "ends_on",
                f"The end date ({cells['ends_on']}) is before the start date "
                f"({cells['starts_on']})",
                "Enter an end date on or after the start date",
            )
        schedules = list(document["schedules"])
        index = regular_schedule_index(schedules)
        entry = (
            dict(schedules[index])
            if index is not None
            else {"id": self.new_id("schedule"), "description": ""}
        )
        locations = document["locations"]
        start = dates.get("starts_on")
        entry.update(
            location_id=(
                entry.get("location_id")
                if index is not None
                else (locations[0]["id"] if locations else None)
            ),
            dtstart=start.isoformat() if start else None,
            freq="WEEKLY",
            byday=",".join(days or []),
            opens_at=times["opens_at"].strftime("%H:%M") if "opens_at" in times else None,
            closes_at=times["closes_at"].strftime("%H:%M") if "closes_at" in times else None,
            until=dates["ends_on"].isoformat() if "ends_on" in dates else None,
            count=None,
        )
        if index is None:
            schedules.append(entry)
        else:
            schedules[index] = entry
        document["schedules"] = schedules
