"""The directory's search index: words, categories and places, one interface on both databases.

One row per service and venue (a service with no venue, or only online, has one row without one):
its words — name weighted A, taxonomy terms B, description C — plus a token per taxonomy term
(and that term's parent) it is tagged with, and the venue's position. A search for words in a
category near a postcode is then answered from this one table: the full-text index narrows by
words and category together, the position index by place, without joining the directory first.

PostgreSQL keeps a tsvector with a GIN index (websearch_to_tsquery, ts_rank); SQLite an FTS5
table with the porter stemmer (bm25 with the same weights). Either way "nurseries" finds
"Nursery". `index_services` rebuilds the rows of services from every write path.
"""

import re
import uuid
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from familyhelp.core import geo
from familyhelp.directory.changes import directory_changed

PG_TABLE = "directory_service_search"
FTS_TABLE = "directory_service_fts"
MAX_QUERY_WORDS = 12

CREATE_SQL = {
    # No foreign keys: rows are rebuilt or removed by index_services, and a key here would stop
    # Django truncating the directory tables (test isolation, flush) without CASCADE.
    "postgresql": [
        f"""CREATE TABLE IF NOT EXISTS {PG_TABLE} (
            service_id uuid NOT NULL,
            service_at_location_id uuid NULL,
            latitude double precision NULL,
            longitude double precision NULL,
            is_confidential boolean NOT NULL DEFAULT false,
            delivered_remotely boolean NOT NULL DEFAULT false,
            document tsvector NOT NULL)""",
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_document ON {PG_TABLE} USING GIN (document)",
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_service ON {PG_TABLE} (service_id)",
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_position ON {PG_TABLE} (latitude, longitude)",
    ],
    "sqlite": [
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
            service_id UNINDEXED, service_at_location_id UNINDEXED, latitude UNINDEXED,
            longitude UNINDEXED, is_confidential UNINDEXED, delivered_remotely UNINDEXED,
            name, terms, description, categories,
            tokenize = 'porter unicode61 remove_diacritics 2')""",
    ],
}
DROP_SQL = {
    "postgresql": [f"DROP TABLE IF EXISTS {PG_TABLE}"],
    "sqlite": [f"DROP TABLE IF EXISTS {FTS_TABLE}"],
}

# Each service's term names and category tokens, built in SQL so that a 100,000-service rebuild
# is one statement per batch. A token is "t" + the term's id in hex (and its parent's), so the
# full-text index answers "in this category" as well as "with these words".
_TERMS_SQL = """
    SELECT a.service_id,
        {names} AS terms,
        {tokens} AS categories
    FROM directory_attribute a
    JOIN directory_taxonomyterm t ON t.id = a.taxonomy_term_id
    LEFT JOIN directory_taxonomyterm p ON p.id = t.parent_id
    WHERE a.service_id IS NOT NULL {restrict}
    GROUP BY a.service_id
"""
_VENUES_SQL = """
    FROM directory_service s
    LEFT JOIN ({terms}) terms ON terms.service_id = s.id
    LEFT JOIN directory_serviceatlocation sal ON sal.service_id = s.id
    LEFT JOIN directory_location l ON l.id = sal.location_id
    WHERE {true} {restrict}
"""
_INSERT_SQL = {
    "postgresql": f"""
        INSERT INTO {PG_TABLE} (service_id, service_at_location_id, latitude, longitude,
            is_confidential, delivered_remotely, document)
        SELECT s.id, sal.id, l.latitude, l.longitude, coalesce(l.is_confidential, false),
            s.delivered_online OR s.delivered_by_telephone,
            setweight(to_tsvector('english', s.name), 'A')
            || setweight(to_tsvector('english', coalesce(terms.terms, '')), 'B')
            || setweight(to_tsvector('english', s.description), 'C')
            || coalesce(terms.categories, ''::tsvector)
        {_VENUES_SQL}
    """,
    "sqlite": f"""
        INSERT INTO {FTS_TABLE} (service_id, service_at_location_id, latitude, longitude,
            is_confidential, delivered_remotely, name, terms, description, categories)
        SELECT s.id, sal.id, l.latitude, l.longitude, coalesce(l.is_confidential, 0),
            s.delivered_online OR s.delivered_by_telephone,
            s.name, coalesce(terms.terms, ''), s.description, coalesce(terms.categories, '')
        {_VENUES_SQL}
    """,
}
_AGGREGATES = {
    "postgresql": {
        "names": "string_agg(t.name || ' ' || coalesce(p.name, ''), ' ')",
        # array_to_tsvector folds repeated lexemes together.
        "tokens": "array_to_tsvector(array_remove(array_agg('t' || replace(t.id::text, '-', ''))"
        " || array_agg('t' || replace(p.id::text, '-', '')), NULL))",
        "true": "TRUE",
    },
    "sqlite": {
        "names": "group_concat(t.name || ' ' || coalesce(p.name, ''), ' ')",
        "tokens": "group_concat('t' || t.id || coalesce(' t' || p.id, ''), ' ')",
        "true": "1",
    },
}


def create_tables(schema_editor):
    for statement in CREATE_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def drop_tables(schema_editor):
    for statement in DROP_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def words(text: str) -> list[str]:
    """The searchable words of what someone typed (at most 12; punctuation ignored)."""
    return re.findall(r"\w+", text or "", flags=re.UNICODE)[:MAX_QUERY_WORDS]


def _table():
    return PG_TABLE if connection.vendor == "postgresql" else FTS_TABLE


def _statement(vendor: str, restrict_terms: str, restrict_services: str) -> str:
    aggregates = _AGGREGATES[vendor]
    terms = _TERMS_SQL.format(
        names=aggregates["names"], tokens=aggregates["tokens"], restrict=restrict_terms
    )
    return _INSERT_SQL[vendor].format(
        terms=terms, true=aggregates["true"], restrict=restrict_services
    )


def index_services(service_ids=None, batch_size=5000):
    """Rebuild the search rows of these services (all services when None).

    Rows of services that no longer exist are removed, so callers pass the ids they deleted too.
    A venue's position is part of its services' rows: after moving a location, reindex the
    services held there.
    """
    vendor = connection.vendor
    directory_changed()
    with transaction.atomic(), connection.cursor() as cursor:
        if service_ids is None:
            cursor.execute(f"DELETE FROM {_table()}")
            cursor.execute(_statement(vendor, "", ""))
            return
        ids = list(set(service_ids))
        if len(ids) > batch_size:
            cursor.execute("SELECT count(*) FROM directory_service")
            if len(ids) >= cursor.fetchone()[0]:  # every service: one statement is quickest
                cursor.execute(f"DELETE FROM {_table()}")
                cursor.execute(_statement(vendor, "", ""))
                return
        for start in range(0, len(ids), batch_size):
            _index_batch(cursor, vendor, ids[start : start + batch_size])


def _index_batch(cursor, vendor, ids):
    if vendor == "postgresql":
        cursor.execute(f"DELETE FROM {PG_TABLE} WHERE service_id = ANY(%s)", [ids])
        statement = _statement(vendor, "AND a.service_id = ANY(%s)", "AND s.id = ANY(%s)")
        cursor.execute(statement, [ids, ids])
        return
    # SQLite keeps UUIDs as 32 hex characters; its statements take at most 32,766 parameters.
    for start in range(0, len(ids), 500):
        chunk = [_hex(i) for i in ids[start : start + 500]]
        marks = ",".join("%s" for _ in chunk)
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE service_id IN ({marks})", chunk)
        statement = _statement(vendor, f"AND a.service_id IN ({marks})", f"AND s.id IN ({marks})")
        cursor.execute(statement, [*chunk, *chunk])


def _hex(value) -> str:
    return uuid.UUID(str(value)).hex


class Match:
    """What a search asks of the index: words, any of some categories, a place and radius.

    `rows()` gives the SQL of the matching index rows; `service_ids()` and `venue_ids()` turn
    that into subqueries to filter services or services at locations with; `rank()` scores a
    service by its words. Venues at confidential locations never match a place (that would
    reveal where they are) unless `include_confidential` asks for them, which the public pages
    use only to decide whether a service is near, never to say how near.
    """

    def __init__(
        self,
        *,
        text: str = "",
        term_ids: Iterable = (),
        point: geo.Point | None = None,
        miles: float | None = None,
        include_confidential: bool = False,
        or_remote: bool = False,
    ):
        self.words = words(text)
        self.tokens = sorted({"t" + _hex(term_id) for term_id in term_ids})
        self.point = point
        self.miles = miles if point is not None else None
        self.include_confidential = include_confidential
        self.or_remote = or_remote

    @property
    def has_words(self) -> bool:
        return bool(self.words)

    def __bool__(self) -> bool:
        return bool(self.words or self.tokens or self.miles is not None)

    def _conditions(self) -> tuple[list[str], list]:
        conditions: list[str] = []
        params: list = []
        if self.words or self.tokens:
            if connection.vendor == "postgresql":
                parts = []
                if self.words:
                    parts.append("websearch_to_tsquery('english', %s)")
                    params.append(" ".join(self.words))
                if self.tokens:
                    parts.append("to_tsquery('simple', %s)")
                    params.append(" | ".join(self.tokens))
                conditions.append(f"document @@ ({' && '.join(parts)})")
            else:
                conditions.append(f"{FTS_TABLE} MATCH %s")
                params.append(_fts5_query(self.words, self.tokens))
        if self.miles is not None:
            place, place_params = self._near()
            if self.or_remote:
                # Or delivered online or by telephone with no venue at all: near everyone.
                remote = "service_at_location_id IS NULL AND " + _true("delivered_remotely")
                place = f"(({place}) OR ({remote}))"
            conditions.append(place)
            params += place_params
        return conditions, params

    def _near(self) -> tuple[str, list]:
        """Rows whose venue is within the radius: a bounding box on indexed latitude and
        longitude, then the exact distance. PostgreSQL's rows carry the position (indexed);
        SQLite's FTS5 table cannot index it, so there the box is read off the location's index."""
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(
            self.point.latitude, self.point.longitude, self.miles
        )
        distance, distance_params = geo.distance_sql(self.point, vendor=connection.vendor)
        conditions = [
            "latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s",
            f"{distance} <= %s",
        ]
        if not self.include_confidential:
            conditions.append("NOT is_confidential")
        params = [min_lat, max_lat, min_lon, max_lon, *distance_params, self.miles]
        if connection.vendor == "postgresql":
            return " AND ".join(conditions), params
        venues = (
            "SELECT sal.id FROM directory_serviceatlocation sal "
            "JOIN directory_location l ON l.id = sal.location_id WHERE "
        )
        return f"service_at_location_id IN ({venues}{' AND '.join(conditions)})", params

    def nearest_public_miles(self, table: str = "directory_service") -> RawSQL:
        """Miles from the place to a service's nearest venue whose address may be shown."""
        distance, params = geo.distance_sql(self.point, vendor=connection.vendor)
        within = ""
        if self.miles is not None:
            within = f" AND {distance} <= %s"
            params = [*params, *params, self.miles]
        if connection.vendor == "postgresql":
            rows = f"{PG_TABLE} WHERE service_id = {table}.id"
        else:  # FTS5 cannot index service_id; the venue tables can
            rows = (
                "directory_serviceatlocation sal JOIN directory_location l "
                f"ON l.id = sal.location_id WHERE sal.service_id = {table}.id"
            )
        return RawSQL(
            f"SELECT min({distance}) FROM {rows} "
            f"AND latitude IS NOT NULL AND NOT is_confidential{within}",
            params,
        )

    def _subquery(self, column: str) -> RawSQL:
        conditions, params = self._conditions()
        where = " AND ".join(conditions) or "1 = 1"
        return RawSQL(f"SELECT {column} FROM {_table()} WHERE {where}", params)

    def service_ids(self) -> RawSQL:
        """Subquery of the ids of services with at least one matching row."""
        return self._subquery("service_id")

    def venue_ids(self) -> RawSQL:
        """Subquery of the ids of the matching services at locations."""
        return self._subquery("service_at_location_id")

    def rank(self, table: str = "directory_service") -> RawSQL:
        """How well a service's words match (higher is better), for `table`.id."""
        text = " ".join(self.words)
        if connection.vendor == "postgresql":
            return RawSQL(
                f"SELECT ts_rank(document, websearch_to_tsquery('english', %s)) "
                f"FROM {PG_TABLE} WHERE service_id = {table}.id LIMIT 1",
                [text],
            )
        # bm25 is lower-is-better, so negate it; only the word columns are weighted.
        return RawSQL(
            f"SELECT -bm25({FTS_TABLE}, 0, 0, 0, 0, 0, 0, 10.0, 4.0, 1.0, 0) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND service_id = {table}.id LIMIT 1",
            [_fts5_query(self.words, ())],
        )


def _true(column: str) -> str:
    """A boolean column as SQL: SQLite's FTS5 keeps booleans as 0 and 1."""
    return column if connection.vendor == "postgresql" else f"{column} = 1"


def _fts5_query(text_words: list[str], tokens: list[str]) -> str:
    # Each word quoted, so what someone types can never be read as FTS5 syntax; all words must
    # match, in the word columns only; any one of the categories must match.
    parts = []
    if text_words:
        quoted = " ".join('"' + w.replace('"', "") + '"' for w in text_words)
        parts.append(f"{{name terms description}} : ({quoted})")
    if tokens:
        parts.append("categories : (" + " OR ".join(tokens) + ")")
    return " AND ".join(parts)


def search(queryset, text: str):
    """Filter a Service queryset to those matching `text`, annotated with `search_rank`
    (higher is better). Text with no searchable words returns the queryset unfiltered."""
    match = Match(text=text)
    if not match:
        return queryset
    table = queryset.model._meta.db_table
    return queryset.filter(id__in=match.service_ids()).annotate(search_rank=match.rank(table))
