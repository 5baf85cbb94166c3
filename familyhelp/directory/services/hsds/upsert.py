"""The one validated, all-or-nothing upsert behind every directory import (CSV and ORUK feed).

Pass 1 reads every row, checks every value and every reference (to rows in the same import or
already in the database, looked up in bulk), keeps only the ids in memory and parks the checked
rows in a temporary file. If anything is wrong nothing is written and every problem is reported
with where it was found. Pass 2 upserts the parked rows by id, parents before children, in one
transaction, then rebuilds the search index for the services touched.
"""

import itertools
import pickle
import tempfile
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db import models as dj
from django.utils import timezone

from familyhelp.directory import search
from familyhelp.directory.services.hsds.rows import RowChecker
from familyhelp.directory.services.hsds.tables import LINK_ENTITIES, Table, tables

SPOOL_BATCH = 2000
SQLITE_BATCH = 1000
LOOKUP_CHUNK = 900  # under SQLite's 999 parameters
MAX_KEPT_ERRORS = 1000

DUPLICATE_ID = "id {id} appears more than once (first at {first})"
DANGLING = "{id} does not match any {target} in the import or the directory"
DUPLICATE_SERVICE_AT_LOCATION = "the service is already linked to this location at {first}"
COLUMN_MISSING = "column is missing (required)"
DATABASE_REFUSED = "the database refused the {table} rows: {problem}"


@dataclass
class Source:
    """One table's rows to import: where they come from and how to read them (again)."""

    table: Table
    label: str  # "services.csv" or "ORUK feed https://…"
    columns: list[str]
    rows: Callable[[], Iterable[tuple[str, dict]]]  # yields (where in the source, raw row)


class SourceUnreadable(Exception):
    """A source that cannot be read at all (not CSV, not UTF-8): where and why."""

    def __init__(self, where: str, column: str, problem: str):
        super().__init__(problem)
        self.where, self.column, self.problem = where, column, problem


@dataclass
class ImportProblems(Exception):
    """Everything wrong with an import; nothing was written."""

    errors: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # problems per source label

    def add(self, label: str, where: str, column: str, problem: str):
        self.counts[label] += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(f"{label}, {where}, {column}: {problem}")

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self, shown: int = 20) -> str:
        lines = [f"The import changed nothing: {self.total} problem(s) found."]
        lines += self.errors[:shown]
        if self.total > shown:
            per_source = ", ".join(f"{label}: {n}" for label, n in self.counts.items())
            lines.append(f"… and {self.total - shown} more ({per_source}).")
        return "\n".join(lines)

    def __str__(self):
        return self.summary()


@dataclass
class ImportResult:
    created: Counter = field(default_factory=Counter)  # by table name
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.unchanged[name]} unchanged"
            for name in tables()
            if self.created[name] or self.updated[name] or self.unchanged[name]
        ]


Progress = Callable[[Iterable, str], Iterator]


def _no_progress(iterable, _description):
    return iterable


def directory_records_upsert(*, sources: list[Source], progress: Progress | None = None):
    """Validate every row of `sources`, then upsert them all by id in one transaction."""
    progress = progress or _no_progress
    order = list(tables())
    sources = sorted(sources, key=lambda s: order.index(s.table.name))
    problems = ImportProblems()
    with ExitStack() as cleanup:
        spools = {s.label + s.table.name: cleanup.enter_context(Spool()) for s in sources}
        counted, touched_services = _check(sources, spools, problems, progress)
        if problems.total:
            raise problems
        try:
            return _write_all(sources, spools, counted, touched_services, problems, progress)
        except DatabaseError as error:  # a deferred constraint checked at commit
            problem = DATABASE_REFUSED.format(table="committed", problem=str(error).strip())
            problems.add("import", "commit", "-", problem)
            raise problems from None


def _write_all(sources, spools, counted, touched_services, problems, progress) -> "ImportResult":
    result = ImportResult()
    with transaction.atomic():
        for source in sources:
            model = source.table.model
            spool = spools[source.label + source.table.name]
            before = model.objects.count()
            written = spool.statement.write(
                progress(spool.rows(), f"Writing {source.label}"), source, problems
            )
            if problems.total:
                raise problems
            created = model.objects.count() - before
            result.created[source.table.name] += created
            result.updated[source.table.name] += written - created
            result.unchanged[source.table.name] += counted[source.table.name] - written
        search.index_services(sorted(uuid.UUID(i) for i in touched_services))
    return result


class Spool:
    """Checked rows, ready for the database, parked in a temporary file between the passes so
    an import of any size neither holds every row in memory nor checks it twice."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        self.statement = None
        self.batch = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()

    def add(self, row: list):
        self.batch.append(row)
        if len(self.batch) >= SPOOL_BATCH:
            self.flush()

    def flush(self):
        if self.batch:
            pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.batch = []

    def rows(self):
        self.flush()
        self.file.seek(0)
        while True:
            try:
                yield from pickle.load(self.file)  # noqa: S301 (our own temporary file)
            except EOFError:
                return


def _referenced_tables() -> set[str]:
    targets = {c.target for t in tables().values() for c in t.columns if c.target}
    return targets | set(LINK_ENTITIES)


def _check(sources, spools, problems: ImportProblems, progress):
    ids: dict[str, dict] = defaultdict(dict)  # table -> {id: where first seen}
    counted: Counter = Counter()
    # Unresolved references: target table -> {id: (label, where, column)} (first use only).
    pending: dict[str, dict] = defaultdict(dict)
    touched_services = set()
    referenced = _referenced_tables()
    for source in sources:
        table = source.table
        checker = RowChecker(table, source.columns)
        for column in checker.missing_required:
            problems.add(source.label, "header", column, COLUMN_MISSING)
        if checker.missing_required:
            continue
        spool = spools[source.label + table.name]
        spool.statement = statement = UpsertStatement(table, checker)
        seen = ids[table.name]
        pairs: dict = {}
        try:
            for where, raw in progress(source.rows(), f"Checking {source.label}"):
                values, errors = checker.check(raw)
                for column, problem in errors:
                    problems.add(source.label, where, column, problem)
                row_id = values.get("id")
                if row_id is None:
                    continue
                if row_id in seen:
                    first = seen[row_id]
                    problems.add(
                        source.label, where, "id", DUPLICATE_ID.format(id=row_id, first=first)
                    )
                    continue
                seen[row_id] = where
                refs = checker.references
                if table.name == "attribute" and values.get("link_entity") in LINK_ENTITIES:
                    refs = [*refs, ("link_id", values["link_entity"])]
                    if values["link_entity"] == "service":
                        touched_services.add(values.get("link_id"))
                for column, target in refs:
                    ref = values.get(column)
                    if ref is not None and ref not in ids[target] and ref not in pending[target]:
                        pending[target][ref] = (source.label, where, column)
                if table.name == "service":
                    touched_services.add(row_id)
                if table.name == "service_at_location" and not errors:
                    pair = (values.get("service_id"), values.get("location_id"))
                    if pair in pairs:
                        problems.add(
                            source.label,
                            where,
                            "location_id",
                            DUPLICATE_SERVICE_AT_LOCATION.format(first=pairs[pair]),
                        )
                    pairs[pair] = where
                if not problems.total:
                    spool.add(statement.parameters(values))
        except SourceUnreadable as unreadable:
            problems.add(source.label, unreadable.where, unreadable.column, unreadable.problem)
        counted[table.name] += len(seen)
        if table.name not in referenced:
            ids[table.name] = {}  # nothing points here: keep memory for the tables that matter
    for target, refs in pending.items():
        unresolved = [ref for ref in refs if ref not in ids[target]]
        found = _existing_ids(tables()[target].model, unresolved)
        for ref in unresolved:
            if ref not in found:
                label, where, column = refs[ref]
                problems.add(label, where, column, DANGLING.format(id=ref, target=target))
    touched_services.discard(None)
    return counted, touched_services


def _existing_ids(model, candidates) -> set:
    candidates = list(candidates)
    found = set()
    for start in range(0, len(candidates), LOOKUP_CHUNK):
        chunk = candidates[start : start + LOOKUP_CHUNK]
        found.update(
            str(i) for i in model.objects.filter(id__in=chunk).values_list("id", flat=True)
        )
    return found


class UpsertStatement:
    """INSERT … ON CONFLICT (id) DO UPDATE for one table, many rows at a time.

    Plain SQL rather than bulk_create: building a model instance per row and compiling it cost
    four times the rest of the import together. Both PostgreSQL and SQLite (3.24+) accept it.
    Columns the source does not carry are inserted with their defaults and left alone on update.
    """

    def __init__(self, table: Table, checker: RowChecker):
        self.vendor = connection.vendor
        fields = list(table.model._meta.concrete_fields)
        carried = {c.attname for c in checker.present if c.field is not None}
        if table.name == "attribute" and "link_id" in checker.source_columns:
            carried |= set(LINK_ENTITIES.values())
        now = timezone.now()
        self.auto_now = {f.attname for f in fields if getattr(f, "auto_now", False)}
        column_of = {c.attname: c.name for c in checker.present if c.field is not None}
        links = {attname: entity for entity, attname in LINK_ENTITIES.items()}
        # For each database column: where its value comes from in a checked row, how to adapt
        # it for the driver, and what to store when the source does not carry it.
        self.plan = []
        for f in fields:
            if f.attname in self.auto_now:
                key, default = None, now
            elif table.name == "attribute" and f.attname in links and f.attname in carried:
                key, default = ("link", links[f.attname]), None
            else:
                key, default = column_of.get(f.attname), None if f.null else _default(f)
            self.plan.append((key, self._adapter(f), default))
        update = [
            f.attname
            for f in fields
            if not f.primary_key and (f.attname in carried or f.attname in self.auto_now)
        ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        placeholder = "?" if self.vendor == "sqlite" else "%s"
        marks = "(" + ", ".join([placeholder] * len(fields)) + ")"
        self.table = table.model._meta.db_table
        if update:
            # Rows whose values are all unchanged are skipped, so a re-run writes nothing.
            differs = "IS NOT" if self.vendor == "sqlite" else "IS DISTINCT FROM"
            compared = [a for a in update if a not in self.auto_now]
            action = (
                "DO UPDATE SET "
                + ", ".join(
                    f"{quote(_column(table, a))} = excluded.{quote(_column(table, a))}"
                    for a in update
                )
                + " WHERE "
                + " OR ".join(
                    f"{quote(self.table)}.{quote(_column(table, a))} {differs} "
                    f"excluded.{quote(_column(table, a))}"
                    for a in compared
                )
            )
        else:
            action = "DO NOTHING"
        self.columns = columns
        self.prefix = f"INSERT INTO {quote(self.table)} ({columns}) VALUES "
        self.suffix = f" ON CONFLICT ({quote('id')}) {action}"
        self.marks = marks

    def _adapter(self, f):
        ops = connection.ops
        sqlite = self.vendor == "sqlite"
        if isinstance(f, (dj.ForeignKey, dj.UUIDField)):
            return (lambda v: v.replace("-", "")) if sqlite else None
        if isinstance(f, dj.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(f, dj.DateField):
            return ops.adapt_datefield_value
        if isinstance(f, dj.TimeField):
            return ops.adapt_timefield_value
        if isinstance(f, dj.DecimalField):
            return lambda v: f.get_db_prep_save(v, connection)
        return None

    def parameters(self, values: dict) -> list:
        """A checked row (values by column name) as the database row, field by field."""
        row = []
        for key, adapt, default in self.plan:
            if key is None:
                value = default
            elif type(key) is tuple:
                value = values["link_id"] if values.get("link_entity") == key[1] else None
            else:
                value = values.get(key, default)
            row.append(adapt(value) if adapt is not None and value is not None else value)
        return row

    def write(self, rows: Iterable[list], source: Source, problems: ImportProblems) -> int:
        """Upsert every row: COPY into a scratch table then one INSERT … SELECT on
        PostgreSQL (parsing thousands of bound parameters costs more than the database's work),
        executemany on SQLite (in-process, so a statement per row costs nothing extra)."""
        try:
            with transaction.atomic(), connection.wrap_database_errors:
                # The driver's own cursor: Django's wrapper would log and format every
                # statement's parameters when DEBUG is on.
                cursor = connection.connection.cursor()
                try:
                    if self.vendor == "postgresql":
                        return self._copy(cursor, rows)
                    sql = self.prefix + self.marks + self.suffix
                    written = 0
                    for batch in _batched(rows, SQLITE_BATCH):
                        cursor.executemany(sql, batch)
                        written += max(cursor.rowcount, 0)
                    return written
                finally:
                    cursor.close()
        except DatabaseError as error:
            problem = DATABASE_REFUSED.format(table=source.table.name, problem=str(error).strip())
            problems.add(source.label, "rows", "-", problem)
            return 0

    def _copy(self, cursor, rows) -> int:
        quote = connection.ops.quote_name
        scratch = quote(f"hsds_import_{self.table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {scratch} (LIKE {quote(self.table)}) ON COMMIT DROP"
        )
        with cursor.copy(f"COPY {scratch} ({self.columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {quote(self.table)} ({self.columns}) "
            f"SELECT {self.columns} FROM {scratch}{self.suffix}"
        )
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {scratch}")
        return written


def _batched(rows: Iterable, size: int):
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _default(f):
    return f.get_default() if f.has_default() else ""


def _column(table: Table, attname: str) -> str:
    return next(f.column for f in table.model._meta.concrete_fields if f.attname == attname)


__all__ = ["ImportProblems", "ImportResult", "Source", "directory_records_upsert"]
