"""Pulling a whole Open Referral UK 3.0 feed from another directory into this one.

Two phases, so a feed is never half-imported: `oruk_feed_download` reads every page (and each
service's full record when the list items are summaries) into memory and flattens the nested
JSON into rows per HSDS table; `oruk_feed_import` then checks and upserts those rows by id with
the same validated, all-or-nothing core as the CSV package import.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests

from familyhelp.directory.services.hsds.tables import tables
from familyhelp.directory.services.hsds.upsert import (
    ImportProblems,
    ImportResult,
    Source,
    directory_records_upsert,
)

TIMEOUT_SECONDS = 30
PER_PAGE = 100
MAX_PAGES = 100_000
LABEL = "ORUK feed"
SUPPORTED_VERSION = "3.0"
USER_AGENT = "FamilyHelp-import_oruk/1.0"

HTTP_FAILED = "Could not fetch {url}: {problem}"
HTTP_STATUS = "{url} answered HTTP {status}"
NOT_JSON = "{url} did not return JSON: {problem}"
NOT_ORUK = "{url} is not an Open Referral UK API: {problem}"
WRONG_VERSION = "{url} serves version {version!r}; this import reads Open Referral UK 3.0"
NOT_A_PAGE = "{url} did not return a page of results (no 'contents' list)"
NOT_A_RECORD = "is not a JSON object"
NO_ID = "has no id"
NOT_A_LIST = "is not a list"

# Keys the feed may use for a column under its HSDS 3.0 name rather than the ORUK profile's.
ALIASES = {"service": {"fees_description": "fees"}}
# Nested lists and objects: key -> (table, the column linking the child to its parent).
NESTED = {
    "taxonomy": {"taxonomy_terms": ("taxonomy_term", "taxonomy_id")},
    "organization": {
        "organization_identifiers": ("organization_identifier", "organization_id"),
        "attributes": ("attribute", "organization"),
    },
    "service": {
        "organization": ("organization", None),
        "service_at_locations": ("service_at_location", "service_id"),
        "schedules": ("schedule", "service_id"),
        "service_areas": ("service_area", "service_id"),
        "languages": ("language", "service_id"),
        "funding": ("funding", "service_id"),
        "cost_options": ("cost_option", "service_id"),
        "contacts": ("contact", "service_id"),
        "phones": ("phone", "service_id"),
        "attributes": ("attribute", "service"),
    },
    "service_at_location": {
        "location": ("location", None),
        "schedules": ("schedule", "service_at_location_id"),
        "service_areas": ("service_area", "service_at_location_id"),
        "contacts": ("contact", "service_at_location_id"),
        "phones": ("phone", "service_at_location_id"),
    },
    "location": {
        "addresses": ("address", "location_id"),
        "accessibility": ("accessibility", "location_id"),
        "attributes": ("attribute", "location"),
        "phones": ("phone", "location_id"),
        "languages": ("language", "location_id"),
    },
    "contact": {"phones": ("phone", "contact_id")},
    "phone": {"languages": ("language", "phone_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", None)},
}
# An attribute nested in one of these is linked to it by link_id + link_entity.
LINK_COLUMNS = {"service", "organization", "location"}
# The extension columns are not in the feed, so an import leaves them as they are.
FEED_COLUMNS = {
    name: [c.name for c in table.columns if not c.extension] for name, table in tables().items()
}


class OrukFeedError(Exception):
    """The feed could not be read (network, HTTP status, not JSON, not ORUK 3.0)."""


@dataclass
class OrukFeed:
    """A whole feed in memory: rows per table, keyed by id, in the order first seen."""

    base_url: str
    rows: dict[str, dict[str, dict]] = field(default_factory=lambda: {n: {} for n in tables()})
    problems: ImportProblems = field(default_factory=ImportProblems)

    def add(self, table: str, record, *, parent: tuple[str, str] | None = None, where: str):
        """Flatten `record` (and everything nested in it) into rows; returns its id."""
        if not isinstance(record, dict):
            self.problems.add(LABEL, where, table, NOT_A_RECORD)
            return None
        record_id = record.get("id")
        if not isinstance(record_id, str) or not record_id:
            self.problems.add(LABEL, where, f"{table}.id", NO_ID)
            return None
        known = set(FEED_COLUMNS[table]) | tables()[table].ignored
        aliases = ALIASES.get(table, {})
        row = {}
        for key, value in record.items():
            column = aliases.get(key, key)
            if column in known and not isinstance(value, (dict, list)):
                row[column] = value
        if parent:
            column, parent_id = parent
            if column in LINK_COLUMNS:
                row.setdefault("link_id", parent_id)
                row.setdefault("link_entity", column)
            else:
                row.setdefault(column, parent_id)
        here = f"{table} {record_id}"
        for key, (child_table, link) in NESTED.get(table, {}).items():
            if key not in record:
                continue
            value = record[key]
            if child_table in ("organization", "location", "taxonomy_term") and link is None:
                child_id = self.add(child_table, value, where=f"{here} {key}")
                if child_id and table == "service":
                    row.setdefault("organization_id", child_id)
                elif child_id and table == "service_at_location":
                    row.setdefault("location_id", child_id)
                elif child_id and table == "attribute":
                    row.setdefault("taxonomy_term_id", child_id)
                continue
            if not isinstance(value, list):
                self.problems.add(LABEL, here, key, NOT_A_LIST)
                continue
            for child in value:
                self.add(child_table, child, parent=(link, record_id), where=f"{here} {key}")
        existing = self.rows[table].get(record_id)
        if existing is None:
            self.rows[table][record_id] = row
        else:
            existing.update(row)  # a full record adds to the summary seen before it
        return record_id

    def count(self, table: str) -> int:
        return len(self.rows[table])

    def sources(self) -> list[Source]:
        out = []
        for name, rows in self.rows.items():
            if not rows:
                continue
            out.append(
                Source(
                    table=tables()[name],
                    label=LABEL,
                    columns=FEED_COLUMNS[name],
                    rows=lambda name=name, rows=rows: (
                        (f"{name} {row_id}", row) for row_id, row in rows.items()
                    ),
                )
            )
        return out


class FeedReader:
    def __init__(self, base_url: str, session: requests.Session | None, timeout: float):
        self.base_url = base_url.rstrip("/") + "/"
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        self.timeout = timeout

    def get(self, path: str, params: dict | None = None, *, allow_400=False):
        url = urljoin(self.base_url, path)
        try:
            response = self.session.get(
                url, params=params, timeout=self.timeout, headers={"Accept": "application/json"}
            )
        except requests.RequestException as error:
            raise OrukFeedError(HTTP_FAILED.format(url=url, problem=error)) from None
        if allow_400 and response.status_code == 400:
            return None
        if response.status_code != 200:
            raise OrukFeedError(HTTP_STATUS.format(url=response.url, status=response.status_code))
        try:
            return response.json()
        except ValueError as error:
            raise OrukFeedError(NOT_JSON.format(url=response.url, problem=error)) from None

    def pages(self, path: str, extra: dict | None = None):
        """Every item of a paged list, following the ORUK page envelope."""
        params = {"per_page": PER_PAGE, **(extra or {})}
        page_number = 1
        while page_number <= MAX_PAGES:
            data = self.get(path, {**params, "page": page_number}, allow_400=bool(extra))
            if data is None:  # the feed refuses our extra parameters: ask plainly
                params, extra = {"per_page": PER_PAGE}, None
                continue
            contents = data.get("contents") if isinstance(data, dict) else None
            if not isinstance(contents, list):
                raise OrukFeedError(NOT_A_PAGE.format(url=urljoin(self.base_url, path)))
            yield from contents
            total_pages = data.get("total_pages")
            if not contents or not isinstance(total_pages, int) or page_number >= total_pages:
                return
            page_number += 1


RELATION_KEYS = set(NESTED["service"]) - {"organization"}


def _check_details(reader: FeedReader):
    details = reader.get("")
    if not isinstance(details, dict) or not isinstance(details.get("version"), str):
        raise OrukFeedError(NOT_ORUK.format(url=reader.base_url, problem="no version given"))
    if SUPPORTED_VERSION not in details["version"]:
        raise OrukFeedError(WRONG_VERSION.format(url=reader.base_url, version=details["version"]))


def oruk_feed_download(
    *,
    base_url: str,
    session: requests.Session | None = None,
    timeout: float = TIMEOUT_SECONDS,
    progress: Callable | None = None,
) -> OrukFeed:
    """Read a whole ORUK 3.0 feed into memory (nothing is written); raises OrukFeedError."""
    progress = progress or (lambda iterable, _description: iterable)
    reader = FeedReader(base_url, session, timeout)
    _check_details(reader)
    feed = OrukFeed(base_url=reader.base_url)
    for path, table in (
        ("taxonomies", "taxonomy"),
        ("taxonomy_terms", "taxonomy_term"),
        ("organizations", "organization"),
    ):
        for number, item in enumerate(progress(reader.pages(path), f"Reading {path}"), start=1):
            feed.add(table, item, where=f"{path} item {number}")
    summaries = []
    items = progress(reader.pages("services", {"full": "true"}), "Reading services")
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict) and RELATION_KEYS & set(item):
            feed.add("service", item, where=f"services item {number}")
        else:
            summaries.append((number, item))
    # List items without any nested record are summaries: fetch each service's full record.
    for number, item in progress(summaries, "Reading services/{id}"):
        service_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(service_id, str):
            feed.add("service", item, where=f"services item {number}")
            continue
        full = reader.get(f"services/{service_id}")
        feed.add("service", full, where=f"services/{service_id}")
    return feed


def oruk_feed_import(*, feed: OrukFeed, progress: Callable | None = None) -> ImportResult:
    """Validate every record of a downloaded feed and upsert it all by id, or change nothing."""
    if feed.problems.total:
        raise feed.problems
    return directory_records_upsert(sources=feed.sources(), progress=progress)
