"""The template's columns: their headings, what each asks for, and the template files.

One row is one service. A column left out of the file leaves that part of an existing listing
as it is; a column present but blank clears that answer (where a listing may be without it).
The venue, opening-times and cost columns describe the listing's first venue, first regular
weekly schedule and first cost: any others an existing listing has are kept. Contacts, monthly
sessions and one-off events are not in the template and are never changed by an upload.
"""

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from familyhelp.directory.presenters.schedules import DAY_CODES


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    hint: str
    example: str = ""


COLUMNS = (
    Column(
        "service_id",
        "Service ID",
        "Leave blank for a new service. For a service already listed, its ID from the directory.",
    ),
    Column(
        "organisation",
        "Organisation",
        "The organisation's exact name as listed, or its ID.",
        "Vale Play",
    ),
    Column("name", "Name", "The name of the service (required).", "Stay and Play"),
    Column(
        "description",
        "Description",
        "What the service does (required). Text only: anything like HTML is shown as typed.",
        "Play sessions for babies and toddlers with their parents or carers.",
    ),
    Column(
        "status",
        "Status",
        "Active, Temporarily closed or Inactive. Blank: Active for a new service, unchanged "
        "for one already listed.",
        "Active",
    ),
    Column("url", "Website", "A web address, like https://example.org/play", "https://example.org"),
    Column("email", "Email", "An email address, like hello@example.org", "hello@example.org"),
    Column("phone", "Phone", "A phone number, like 01632 960 001", "01632 960 001"),
    Column("minimum_age", "Youngest age", "In whole years, like 0. Blank for no lower limit.", "0"),
    Column("maximum_age", "Oldest age", "In whole years, like 5. Blank for no upper limit.", "5"),
    Column(
        "eligibility_description",
        "Who it is for",
        "Who can use the service.",
        "Families with children under 5",
    ),
    Column("delivered_in_person", "In person", "Yes or No.", "Yes"),
    Column("delivered_online", "Online", "Yes or No.", "No"),
    Column("delivered_by_telephone", "By phone", "Yes or No.", "No"),
    Column(
        "categories",
        "Categories",
        "Sub-category names, separated by semicolons (;). At least one.",
        "Stay and play",
    ),
    Column(
        "languages",
        "Languages",
        "Languages the service is offered in, separated by semicolons (;).",
        "English; Polish",
    ),
    Column(
        "cost_amount",
        "Cost",
        "The price in pounds, like 2.50. Use 0 for free. Blank leaves the costs as they are.",
        "1.50",
    ),
    Column("cost_option", "Cost per", "What the price is for, like Per session.", "Per session"),
    Column(
        "fees_description",
        "Cost details",
        "Anything else about what it costs.",
        "Free for families on benefits",
    ),
    Column(
        "application_process",
        "How to use the service",
        "How to join or get a referral.",
        "Just turn up",
    ),
    Column("venue_name", "Venue name", "The main venue's name.", "Ashcombe Family Hub"),
    Column(
        "venue_address_1",
        "Venue address line 1",
        "Needed for a service delivered in person. Blank (with the other venue columns) "
        "leaves the venues as they are.",
        "1 High Street",
    ),
    Column("venue_address_2", "Venue address line 2", "Optional."),
    Column("venue_town", "Venue town", "The town or city.", "Ashcombe"),
    Column("venue_postcode", "Venue postcode", "A full postcode, like WX1 2AB.", "WX1 2AB"),
    Column(
        "opening_days",
        "Opening days",
        "Days separated by semicolons, like Monday; Wednesday, or a range like Monday to "
        "Friday. Blank (with the other opening columns) leaves the opening times as they are.",
        "Monday; Wednesday",
    ),
    Column("opens_at", "Opens at", "24-hour time, like 09:30.", "09:30"),
    Column("closes_at", "Closes at", "24-hour time, like 12:00.", "12:00"),
    Column(
        "starts_on",
        "Starts on",
        "Optional: the date these times start, like 27/03/2027 (for a new group or term).",
    ),
    Column("ends_on", "Ends on", "Optional: the date they end, like 17/07/2027.", ""),
)
BY_KEY = {column.key: column for column in COLUMNS}
HEADINGS = {column.heading: column.key for column in COLUMNS}
REQUIRED = ("service_id", "organisation")

VENUE_KEYS = ("venue_name", "venue_address_1", "venue_address_2", "venue_town", "venue_postcode")
OPENING_KEYS = ("opening_days", "opens_at", "closes_at", "starts_on", "ends_on")
COST_KEYS = ("cost_amount", "cost_option")


def regular_schedule_index(schedules: list[dict]) -> int | None:
    """Which of a listing's schedules the opening columns describe: the first regular weekly
    one (opening hours, or weekly sessions from a date). Monthly sessions, one-off events and
    sessions with a number of times are never touched by an upload."""
    for index, entry in enumerate(schedules):
        days = [code for code in (entry.get("byday") or "").split(",") if code]
        if (
            entry.get("freq") == "WEEKLY"
            and not entry.get("count")
            and all(code in DAY_CODES for code in days)
        ):
            return index
    return None


def heading_key(text: str) -> str | None:
    """The column a heading names, ignoring case and spacing ("venue  POSTCODE")."""
    wanted = " ".join(str(text or "").split()).lower()
    for column in COLUMNS:
        if column.heading.lower() == wanted:
            return column.key
    return None


def template_csv(rows=()) -> bytes:
    """The headings (and `rows`, dicts by column key), as UTF-8 with a byte order mark, so
    Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.heading for column in COLUMNS])
    for row in rows:
        writer.writerow([row.get(column.key, "") for column in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(rows=()) -> bytes:
    """A workbook: "Services" to fill in (the headings, and `rows` if given), and "Guidance"
    saying what each column asks for, with an example."""
    workbook = Workbook()
    services = workbook.active
    services.title = "Services"
    services.append([column.heading for column in COLUMNS])
    for cell in services[1]:
        cell.font = Font(bold=True)
        # Text cells, so phone numbers keep their leading 0 and ids are not turned into numbers.
        services.column_dimensions[cell.column_letter].width = max(14, len(cell.value) + 2)
    rows = list(rows)
    for row in rows:
        services.append([row.get(column.key, "") or None for column in COLUMNS])
        # Text someone typed that starts like a formula stays text: openpyxl would otherwise
        # write "=HYPERLINK(…)" from a listing's description as a live formula.
        for cell in services[services.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for index in range(1, len(COLUMNS) + 1):
        letter = services.cell(row=1, column=index).column_letter
        for number in range(2, len(rows) + 502):
            services[f"{letter}{number}"].number_format = "@"
    guidance = workbook.create_sheet("Guidance")
    guidance.append(["Column", "What to enter", "Example"])
    for cell in guidance[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guidance.append([column.heading, column.hint, column.example])
    guidance.column_dimensions["A"].width = 24
    guidance.column_dimensions["B"].width = 90
    guidance.column_dimensions["C"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
