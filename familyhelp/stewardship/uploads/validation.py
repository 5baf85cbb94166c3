"""Every row of a file checked at once, giving each row's listing document or its problems.

Everything a row may refer to (organisations, services and their current listings, open
changes, categories, postcodes) is looked up in bulk before the rows are read, so checking
10,000 rows makes a few dozen queries, not tens of thousands.

Each problem is a dict {"row", "column", "problem", "fix"}: the spreadsheet row number (the
headings are row 1), the column's heading, what is wrong, and how to put it right.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from familyhelp.core import geo
from familyhelp.core.models import Postcode
from familyhelp.directory.models import Organization, Service, TaxonomyTerm
from familyhelp.directory.rules import organisations_editable_by
from familyhelp.stewardship import listing
from familyhelp.stewardship.models import ListingChange, TrustedOrganisation
from familyhelp.stewardship.uploads.cells import (
    as_uuid,
    quoted,
    split_list,
)
from familyhelp.stewardship.uploads.columns import (
    BY_KEY,
)
from familyhelp.stewardship.uploads.documents import listing_documents
from familyhelp.stewardship.uploads.parts import ListPartsMixin
from familyhelp.stewardship.uploads.reading import Table

CHUNK = 500
PROGRESS_EVERY = 250
MAX_AGE = 120

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"

STATUS_WORDS = {
    "active": Service.Status.ACTIVE.value,
    "temporarily closed": Service.Status.TEMPORARILY_CLOSED.value,
    "inactive": Service.Status.INACTIVE.value,
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
MAX_LENGTHS = {
    "name": 255,
    "url": 500,
    "email": 254,
    "phone": 50,
    "cost_option": 255,
    "venue_name": 255,
    "venue_address_1": 255,
    "venue_address_2": 255,
    "venue_town": 100,
}
# Which column a problem found by listing.document_problems belongs to.
PROBLEM_COLUMNS = {
    "name": "name",
    "description": "description",
    "categories": "categories",
    "delivery": "delivered_in_person",
    "locations": "venue_address_1",
    "contact": "phone",
}
_PHONE = re.compile(r"^\+?[\d\s()-]+$")
_url = URLValidator(schemes=["http", "https"])


@dataclass
class PlannedRow:
    """What one valid row will do."""

    row: int
    kind: str
    organisation_id: str
    organisation_name: str
    service_id: str | None
    document: dict
    changes: list = field(default_factory=list)
    # True: published at once; False: sent for approval as a ListingChange.
    publishes: bool = True


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)


def plan_upload(
    table: Table,
    *,
    actor,
    progress: Callable[[int, int], None] | None = None,
    namespace: uuid.UUID | None = None,
) -> Plan:
    """Check every row of `table` for `actor`; the plan has every problem, or every row's
    resulting document.

    New entries (venues, costs, languages, opening times) get ids derived from `namespace` (the
    upload's id) and the row, so checking the same file again gives the same documents."""
    checker = _Checker(table, actor, namespace or uuid.uuid4())
    plan = Plan()
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        planned, errors = checker.check(number, cells)
        plan.errors.extend(errors)
        if planned is not None:
            plan.rows.append(planned)
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    if plan.errors:
        plan.rows = []
    return plan


def diff(before: dict | None, after: dict, terms: dict) -> list[listing.DiffRow]:
    """listing.document_diff, with the category names already looked up (no query a row)."""
    if before is not None and listing.normalised(before) == listing.normalised(after):
        return []
    old = listing.describe(listing.normalised(before), terms) if before is not None else {}
    new = listing.describe(listing.normalised(after), terms)
    return [
        listing.DiffRow(name, label, old.get(name, []), new[name])
        for name, label in listing.LABELS.items()
        if old.get(name, []) != new[name]
    ]


class _Checker(ListPartsMixin):
    def __init__(self, table: Table, actor, namespace: uuid.UUID):
        self.namespace = namespace
        self.number = 0
        self.columns = set(table.columns)
        self.actor = actor
        self.administrator = actor.has_perm("directory.administer")
        rows = [cells for _, cells in table.rows]
        self._load_organisations(rows)
        self._load_services(rows)
        self._load_terms()
        self._load_postcodes(rows)
        self.trusted = {
            str(pk) for pk in TrustedOrganisation.objects.values_list("organization_id", flat=True)
        }
        self.seen_services: dict[str, int] = {}

    # --- Bulk look-ups ---------------------------------------------------------------------

    def _load_organisations(self, rows):
        cells = {cells.get("organisation", "") for cells in rows} - {""}
        ids = sorted({as_uuid(cell) for cell in cells} - {None})
        names = sorted(cells)
        found = []
        for start in range(0, len(ids), CHUNK):
            found.extend(
                Organization.objects.filter(pk__in=ids[start : start + CHUNK]).values("pk", "name")
            )
        for start in range(0, len(names), CHUNK):
            found.extend(
                Organization.objects.filter(name__in=names[start : start + CHUNK]).values(
                    "pk", "name"
                )
            )
        self.organisation_names = {str(row["pk"]): row["name"] for row in found}
        self.organisations_named: dict[str, set[str]] = {}
        for row in found:
            self.organisations_named.setdefault(row["name"], set()).add(str(row["pk"]))
        if self.administrator:
            self.editable = None
        else:
            self.editable = {
                str(pk) for pk in organisations_editable_by(self.actor).values_list("pk", flat=True)
            }

    def _load_services(self, rows):
        ids = sorted({as_uuid(cells.get("service_id", "")) for cells in rows} - {None})
        self.services: dict[str, dict] = {}
        self.service_organisations: dict[str, str] = {}
        self.open_changes: set[str] = set()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for service_id, (organisation_id, organisation_name, document) in listing_documents(
                chunk
            ).items():
                self.services[service_id] = document
                self.service_organisations[service_id] = organisation_id
                self.organisation_names[organisation_id] = organisation_name
            self.open_changes.update(
                str(pk)
                for pk in ListingChange.objects.filter(
                    service_id__in=chunk, status__in=ListingChange.OPEN_STATUSES
                ).values_list("service_id", flat=True)
            )

    def _load_terms(self):
        self.term_names: dict[str, str] = {}
        self.terms_named: dict[str, set[str]] = {}
        terms = TaxonomyTerm.objects.values_list("pk", "name", "parent__name")
        for pk, name, parent in terms:
            self.term_names[str(pk)] = name
            self.terms_named.setdefault(name.lower(), set()).add(str(pk))
            if parent:
                self.terms_named.setdefault(f"{parent} > {name}".lower(), set()).add(str(pk))

    def _load_postcodes(self, rows):
        wanted = sorted(
            {geo.normalise_postcode(cells.get("venue_postcode", "")) for cells in rows} - {None}
        )
        self.postcodes_known = Postcode.objects.exists()
        self.postcodes: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            self.postcodes.update(
                Postcode.objects.filter(postcode__in=wanted[start : start + CHUNK]).values_list(
                    "postcode", flat=True
                )
            )

    # --- One row ----------------------------------------------------------------------------

    def new_id(self, part: str) -> str:
        return str(uuid.uuid5(self.namespace, f"{self.number}:{part}"))

    def check(self, number: int, cells: dict) -> tuple[PlannedRow | None, list[dict]]:
        errors: list[dict] = []
        self.number = number

        def error(key, problem, fix):
            errors.append(
                {"row": number, "column": BY_KEY[key].heading, "problem": problem, "fix": fix}
            )

        for key, limit in MAX_LENGTHS.items():
            if len(cells.get(key, "")) > limit:
                error(
                    key,
                    f"This is {len(cells[key]):,} characters long",
                    f"Shorten it to {limit:,} characters or fewer",
                )
                cells = {**cells, key: ""}

        service_id, before = self._service(number, cells, error)
        organisation_id = self._organisation(cells, service_id, error)
        publishes = self.administrator or organisation_id in self.trusted
        if service_id and not publishes and service_id in self.open_changes:
            error(
                "service_id",
                "This service already has a change that is a draft or waiting for approval",
                "Finish or withdraw that change first, or take this row out of the file",
            )

        # A shallow copy is enough: the checks below replace answers and lists, and copy any
        # entry they change, so the current listing's own lists are never altered.
        document = dict(before) if before is not None else listing.empty_document()
        self._scalars(cells, document, error)
        self._ages(cells, document, error)
        self._categories(cells, document, error)
        self._languages(cells, document)
        self._cost(cells, document, error)
        self._venue(cells, document, error)
        self._opening(cells, document, error)
        if not errors:
            for question, message in listing.document_problems(document):
                key = PROBLEM_COLUMNS[question]
                error(key, message, _MISSING_FIX[question])
        if errors:
            return None, errors
        if before is None:
            kind, changes = NEW, diff(None, document, self.term_names)
        else:
            changes = diff(before, document, self.term_names)
            kind = CHANGED if changes else UNCHANGED
        return (
            PlannedRow(
                row=number,
                kind=kind,
                organisation_id=organisation_id,
                organisation_name=self.organisation_names.get(organisation_id, ""),
                service_id=service_id,
                document=document,
                changes=changes,
                publishes=publishes,
            ),
            [],
        )

    def _service(self, number, cells, error) -> tuple[str | None, dict | None]:
        text = cells.get("service_id", "")
        if not text:
            return None, None
        service_id = as_uuid(text)
        if service_id is None:
            error(
                "service_id",
                f"{quoted(text)} is not a service ID",
                "Copy the ID from the service's page in the directory, or leave it blank for "
                "a new service",
            )
            return None, None
        if service_id in self.seen_services:
            error(
                "service_id",
                f"This service is also on row {self.seen_services[service_id]}",
                "Put each service on one row only",
            )
            return None, None
        self.seen_services[service_id] = number
        if service_id not in self.services:
            error(
                "service_id",
                f"There is no service with the ID {quoted(text)}",
                "Check the ID, or leave it blank to add a new service",
            )
            return None, None
        return service_id, self.services[service_id]

    def _organisation(self, cells, service_id, error) -> str:
        text = cells.get("organisation", "")
        owner = self.service_organisations.get(service_id) if service_id else None
        if not text:
            if owner:
                organisation_id = owner
            else:
                error(
                    "organisation",
                    "The organisation is blank",
                    "Enter the name of the organisation that runs the service, as it is listed",
                )
                return ""
        else:
            as_id = as_uuid(text)
            if as_id and as_id in self.organisation_names:
                organisation_id = as_id
            else:
                named = self.organisations_named.get(text, set())
                if not named:
                    error(
                        "organisation",
                        f"There is no organisation called {quoted(text)}",
                        "Enter the organisation's name exactly as it is listed, or its ID",
                    )
                    return ""
                if len(named) > 1:
                    error(
                        "organisation",
                        f"More than one organisation is called {quoted(text)}",
                        "Enter the organisation's ID instead of its name",
                    )
                    return ""
                (organisation_id,) = named
            if owner and owner != organisation_id:
                error(
                    "organisation",
                    f"This service is run by {quoted(self.organisation_names.get(owner, ''))}, "
                    f"not {quoted(text)}",
                    "Enter the organisation that runs it, or leave Organisation blank",
                )
                return ""
        if self.editable is not None and organisation_id not in self.editable:
            error(
                "organisation",
                f"You do not edit the listings of "
                f"{quoted(self.organisation_names.get(organisation_id, text))}",
                "Take this row out, or ask a directory administrator to upload it",
            )
            return ""
        return organisation_id

    def _scalars(self, cells, document, error):
        for key in (
            "name",
            "description",
            "eligibility_description",
            "fees_description",
            "application_process",
        ):
            if key in self.columns:
                document[key] = cells[key]
        if cells.get("status"):
            status = STATUS_WORDS.get(" ".join(cells["status"].lower().split()))
            if status is None:
                error(
                    "status",
                    f"{quoted(cells['status'])} is not a status",
                    "Enter Active, Temporarily closed or Inactive",
                )
            else:
                document["status"] = status
        if "url" in self.columns:
            document["url"] = self._url(cells["url"], error)
        if "email" in self.columns:
            value = cells["email"]
            if value:
                try:
                    validate_email(value)
                except ValidationError:
                    error(
                        "email",
                        f"{quoted(value)} is not an email address",
                        "Enter an email address, like name@example.org",
                    )
            document["email"] = value
        if "phone" in self.columns:
            value = cells["phone"]
            digits = sum(ch.isdigit() for ch in value)
            if value and (not _PHONE.match(value) or not 10 <= digits <= 15):
                error(
                    "phone",
                    f"{quoted(value)} is not a phone number",
                    "Enter a phone number with its area code, like 01632 960 001",
                )
            document["phone"] = value
        for key in ("delivered_in_person", "delivered_online", "delivered_by_telephone"):
            value = cells.get(key, "").lower()
            if not value:
                continue
            if value in YES:
                document[key] = True
            elif value in NO:
                document[key] = False
            else:
                error(key, f"{quoted(cells[key])} is not Yes or No", "Enter Yes or No")

    def _url(self, value, error) -> str:
        if not value:
            return ""
        address = value if "://" in value else f"https://{value}"
        try:
            _url(address)
        except ValidationError:
            error(
                "url",
                f"{quoted(value)} is not a web address",
                "Enter a web address, like https://example.org/play",
            )
            return value
        return address

    def _ages(self, cells, document, error):
        ages = {}
        for key in ("minimum_age", "maximum_age"):
            if key not in self.columns:
                continue
            value = cells[key]
            if not value:
                document[key] = None
                continue
            if not value.isdigit() or int(value) > MAX_AGE:
                error(
                    key,
                    f"{quoted(value)} is not an age in years",
                    f"Enter a whole number of years from 0 to {MAX_AGE}, like 5",
                )
                continue
            document[key] = ages[key] = int(value)
        low, high = document["minimum_age"], document["maximum_age"]
        if low is not None and high is not None and low > high:
            error(
                "maximum_age",
                f"The oldest age ({high}) is lower than the youngest age ({low})",
                "Swap the ages round, so the youngest age comes first",
            )

    def _categories(self, cells, document, error):
        if "categories" not in self.columns:
            return
        chosen = set()
        for name in split_list(cells["categories"]):
            matches = self.terms_named.get(" ".join(name.split()).lower(), set())
            if not matches:
                error(
                    "categories",
                    f"There is no category called {quoted(name)}",
                    "Use the sub-category names the directory lists, like 'Stay and play', "
                    "separated by semicolons",
                )
            elif len(matches) > 1:
                error(
                    "categories",
                    f"More than one category is called {quoted(name)}",
                    "Write its main category first, like 'Family support > Parenting'",
                )
            else:
                chosen |= matches
        document["categories"] = sorted(chosen)

    def _languages(self, cells, document):
        if "languages" not in self.columns:
            return
        current = {entry.get("name", "").lower(): entry for entry in document["languages"]}
        entries = []
        for name in dict.fromkeys(split_list(cells["languages"])):
            entry = current.get(name.lower()) or {
                "id": self.new_id(f"language:{name.lower()}"),
                "name": name,
                "code": "",
            }
            entries.append(entry)
        document["languages"] = entries


_MISSING_FIX = {
    "name": "Enter the name of the service",
    "description": "Enter a description of what the service does",
    "categories": "Enter at least one sub-category name",
    "delivery": "Enter Yes in at least one of In person, Online or By phone",
    "locations": "Enter the venue's address, or No in In person",
    "contact": "Enter a phone number, email address or website",
}
