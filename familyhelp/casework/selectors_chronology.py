"""Reading a family's chronology: one timeline of significant events, a page at a time.

The timeline merges three sources:

- ChronologyEntry rows, written by every case work service as it makes the event (notes,
  reviews, plan changes, episode steps, documents);
- the family's requests for support (when submitted) and
- the front door's decisions in force on them,

the last two read live from the front door's tables, so they can never disagree with it (entries
of those kinds are left out, so nothing shows twice). Pages are keyset pages: each source reads
at most one page of rows beyond the cursor in its index order (`casework_chronology_family` for
entries) and the few rows are merged here. However long the family's history, a page costs the
same queries (a count and a page per source) and never loads more than a page from each.

Who sees what: everyone the family page lets in sees the requests they may open
(`frontdoor.view_request`); the people working with the family (anyone the family page shows
every section to) also see the case work entries and the decisions. From an episode's page, a
person who may open the episode but not the family sees that episode's entries only.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from familyhelp.accounts.access import get_object_for_user_or_404, user_has_perm, visible_to
from familyhelp.audit.models import AuditAction
from familyhelp.audit.services import audit_record
from familyhelp.casework.models import ChronologyEntry, Episode
from familyhelp.families import selectors as family_selectors
from familyhelp.families.access import FAMILY
from familyhelp.families.models import Family
from familyhelp.frontdoor.models import Decision, Request

Kind = ChronologyEntry.Kind
PAGE_SIZE = 50


@dataclass(frozen=True)
class ChronologyFilters:
    kinds: tuple[str, ...] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    significant_only: bool = False

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class ChronologyRow:
    at: datetime.datetime
    kind: str
    # For an entry, its summary; for a request or decision, the request's reference.
    summary: str
    # For a request, its kind; for a decision, the decision's kind.
    detail: str
    source_type: str
    # The source's id; for a decision, its request's id (the page it links to).
    source_id: str
    episode_id: int | None
    significant: bool


@dataclass
class ChronologyScope:
    """What the viewer may see of the family's timeline."""

    family: Family
    # Case work entries and decisions: the whole family's, or only this episode's entries.
    full: bool
    episode: Episode | None = None


@dataclass
class ChronologyPage:
    rows: list[ChronologyRow]
    total: int
    filters: ChronologyFilters = field(default_factory=ChronologyFilters)
    # Cursors for the pages either side (None at either end of the timeline).
    newer: str | None = None
    older: str | None = None


# Finding the family ------------------------------------------------------------------------


def chronology_scope_for_family(user, pk, *, http_request=None) -> ChronologyScope:
    """The family (or RecordNotFound, audited), for someone who may open its page."""
    family = family_selectors.family_get(user, pk, http_request=http_request)
    return ChronologyScope(family=family, full=family_selectors.sees_every_section(user, family))


def chronology_scope_for_episode(user, pk, *, http_request=None) -> ChronologyScope:
    """The episode's family, for someone who may open the episode (or RecordNotFound)."""
    episode = get_object_for_user_or_404(
        user,
        "casework.view_episode",
        Episode.objects.select_related("family"),
        pk=pk,
        http_request=http_request,
    )
    family = episode.family
    full = user_has_perm(
        user, "families.view_family", family
    ) and family_selectors.sees_every_section(user, family)
    return ChronologyScope(family=family, full=full, episode=episode)


# The timeline ------------------------------------------------------------------------------

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """A place in the timeline: a row's time, its source's rank, and its id.

    Rows are ordered by (time, rank, id), newest first; a page is the rows just older (`after`)
    or just newer (`before`) than a cursor. In the address it is "<microseconds>.<rank>.<id>".
    """

    at: datetime.datetime
    rank: int
    row_id: int

    def __str__(self) -> str:
        return f"{(self.at - EPOCH) // MICROSECOND}.{self.rank}.{self.row_id}"

    @classmethod
    def parse(cls, text) -> "Cursor | None":
        """The cursor in `text`, or None for anything that is not one (the newest page)."""
        parts = str(text or "").split(".")
        if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
            return None
        micros, rank, row_id = (int(part) for part in parts)
        try:
            return cls(EPOCH + micros * MICROSECOND, rank, row_id)
        except OverflowError:
            return None


@dataclass(frozen=True)
class Source:
    """One source of the timeline: its rows (filtered, unordered), where its time and id are,
    its rank among sources at the same moment, and how a row of it reads."""

    rank: int
    rows: QuerySet
    at_field: str
    fields: tuple[str, ...]
    make: Callable[[dict], ChronologyRow]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_dates(queryset: QuerySet, field_name: str, filters: ChronologyFilters) -> QuerySet:
    if filters.date_from is not None:
        queryset = queryset.filter(**{f"{field_name}__gte": _day_start(filters.date_from)})
    if filters.date_to is not None:
        after = _day_start(filters.date_to + datetime.timedelta(days=1))
        queryset = queryset.filter(**{f"{field_name}__lt": after})
    return queryset


ENTRY_KINDS = tuple(kind for kind in Kind.values if kind not in (Kind.REQUEST, Kind.DECISION))


def _entries(scope: ChronologyScope, filters: ChronologyFilters) -> Source | None:
    if not scope.full and scope.episode is None:
        return None
    kinds = [kind for kind in ENTRY_KINDS if filters.wants(kind)]
    if not kinds:
        return None
    # Requests and decisions come live from the front door, never from entries of those kinds.
    entries = ChronologyEntry.objects.filter(family_id=scope.family.pk).exclude(
        kind__in=[Kind.REQUEST, Kind.DECISION]
    )
    if not scope.full:
        entries = entries.filter(episode=scope.episode)
    if filters.kinds:
        entries = entries.filter(kind__in=kinds)
    if filters.significant_only:
        entries = entries.filter(significant=True)
    return Source(
        rank=0,
        rows=_in_dates(entries, "at", filters),
        at_field="at",
        fields=(
            "id",
            "at",
            "kind",
            "summary",
            "source_type",
            "source_id",
            "episode_id",
            "significant",
        ),
        make=lambda row: ChronologyRow(
            at=row["at"],
            kind=row["kind"],
            summary=row["summary"],
            detail="",
            source_type=row["source_type"],
            source_id=row["source_id"],
            episode_id=row["episode_id"],
            significant=row["significant"],
        ),
    )


def _requests(user, scope: ChronologyScope, filters: ChronologyFilters) -> Source | None:
    if not filters.wants(Kind.REQUEST):
        return None
    requests = Request.objects.filter(family_id=scope.family.pk).exclude(
        status=Request.Status.DRAFT
    )
    requests = visible_to(user, "frontdoor.view_request", requests)
    return Source(
        rank=1,
        rows=_in_dates(requests, "submitted_at", filters),
        at_field="submitted_at",
        fields=("id", "submitted_at", "reference", "kind"),
        make=lambda row: ChronologyRow(
            at=row["submitted_at"],
            kind=Kind.REQUEST,
            summary=row["reference"],
            detail=row["kind"],
            source_type="frontdoor.request",
            source_id=str(row["id"]),
            episode_id=None,
            significant=True,
        ),
    )


def _decisions(scope: ChronologyScope, filters: ChronologyFilters) -> Source | None:
    if not scope.full or not filters.wants(Kind.DECISION):
        return None
    decisions = Decision.objects.filter(
        request__family_id=scope.family.pk,
        approval__in=[Decision.Approval.NOT_NEEDED, Decision.Approval.APPROVED],
    )
    return Source(
        rank=2,
        rows=_in_dates(decisions, "decided_at", filters),
        at_field="decided_at",
        fields=("id", "decided_at", "kind", "request_id", "request__reference"),
        make=lambda row: ChronologyRow(
            at=row["decided_at"],
            kind=Kind.DECISION,
            summary=row["request__reference"],
            detail=row["kind"],
            source_type="frontdoor.decision",
            source_id=str(row["request_id"]),
            episode_id=None,
            significant=True,
        ),
    )


def _sources(user, scope: ChronologyScope, filters: ChronologyFilters) -> list[Source]:
    found = (_entries(scope, filters), _requests(user, scope, filters), _decisions(scope, filters))
    return [source for source in found if source is not None]


def _beyond(source: Source, cursor: Cursor, older: bool) -> Q:
    """The source's rows older (or newer) than the cursor, in (time, rank, id) order."""
    at, at_or_same = (f"{source.at_field}__lt", f"{source.at_field}__lte")
    if not older:
        at, at_or_same = (f"{source.at_field}__gt", f"{source.at_field}__gte")
    if source.rank != cursor.rank:
        # Ranks differ, so at the same moment this source's rows all come before or after.
        same_moment_included = (source.rank < cursor.rank) == older
        return Q(**{at_or_same if same_moment_included else at: cursor.at})
    beyond_id = "id__lt" if older else "id__gt"
    return Q(**{at: cursor.at}) | Q(**{source.at_field: cursor.at, beyond_id: cursor.row_id})


def _key(source: Source, row: ChronologyRow, row_id: int) -> tuple:
    return (row.at, source.rank, row_id)


def _read(sources, cursor: Cursor | None, *, older: bool, limit: int):
    """Up to `limit` rows from all sources beyond the cursor, newest first, with their keys.

    Each source reads at most `limit` rows in its own index order; the few are merged here.
    """
    keyed = []
    for source in sources:
        rows = source.rows
        if cursor is not None:
            rows = rows.filter(_beyond(source, cursor, older))
        direction = "-" if older else ""
        ordered = rows.order_by(f"{direction}{source.at_field}", f"{direction}id")
        for values in ordered.values(*source.fields)[:limit]:
            row = source.make(values)
            keyed.append((_key(source, row, values["id"]), row))
    keyed.sort(key=lambda item: item[0], reverse=older)
    keyed = keyed[:limit]
    if not older:
        keyed.reverse()
    return keyed


def chronology_page(
    user,
    scope: ChronologyScope,
    filters: ChronologyFilters,
    *,
    after=None,
    before=None,
    per_page=None,
) -> ChronologyPage:
    """One page of the timeline: the newest, or the one just older than `after` (or newer than
    `before`). A count and one page-sized read per source, however long the history."""
    per_page = per_page or PAGE_SIZE
    sources = _sources(user, scope, filters)
    total = sum(source.rows.count() for source in sources)
    after_cursor, before_cursor = Cursor.parse(after), Cursor.parse(before)
    if before_cursor is not None and after_cursor is None:
        keyed = _read(sources, before_cursor, older=False, limit=per_page + 1)
        more_newer = len(keyed) > per_page
        keyed = keyed[-per_page:] if more_newer else keyed
        newer, older = more_newer, bool(keyed)
    else:
        keyed = _read(sources, after_cursor, older=True, limit=per_page + 1)
        older = len(keyed) > per_page
        keyed = keyed[:per_page]
        newer = after_cursor is not None
    if not keyed:
        # Past either end (or a stale link): show the newest page instead of an empty one.
        if after_cursor is not None or before_cursor is not None:
            return chronology_page(user, scope, filters, per_page=per_page)
        return ChronologyPage(rows=[], total=total, filters=filters)
    first_key, last_key = keyed[0][0], keyed[-1][0]
    return ChronologyPage(
        rows=[row for _, row in keyed],
        total=total,
        filters=filters,
        newer=str(Cursor(*first_key)) if newer else None,
        older=str(Cursor(*last_key)) if older else None,
    )


def chronology_rows(user, scope: ChronologyScope, filters: ChronologyFilters, *, batch=1000):
    """Every row, newest first, a batch at a time (for the CSV export)."""
    sources = _sources(user, scope, filters)
    cursor = None
    while True:
        keyed = _read(sources, cursor, older=True, limit=batch)
        for _, row in keyed:
            yield row
        if len(keyed) < batch:
            return
        cursor = Cursor(*keyed[-1][0])


def chronology_export(
    user, scope: ChronologyScope, filters: ChronologyFilters, *, http_request=None
):
    """Every row for the CSV download; the export itself is audited (what, never the rows)."""
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        record_type=FAMILY,
        record_id=scope.family.pk,
        family_id=scope.family.pk,
        values={
            "export": "chronology",
            "episode": scope.episode.pk if scope.episode else None,
            "kinds": list(filters.kinds),
            "date_from": filters.date_from,
            "date_to": filters.date_to,
            "significant_only": filters.significant_only,
        },
        request=http_request,
    )
    return chronology_rows(user, scope, filters)
