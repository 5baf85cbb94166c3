"""Full-text search over services, one interface on both databases.

PostgreSQL: a tsvector per service (name weighted A, taxonomy terms B, description C) with a GIN
index, queried with websearch_to_tsquery and ranked with ts_rank. SQLite: an FTS5 table with the
porter stemmer, ranked with bm25 using the same column weights. Either way "nurseries" finds
"Nursery". The index is kept by `index_services`, which every write path calls.
"""

import re

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

PG_TABLE = "directory_service_search"
FTS_TABLE = "directory_service_fts"
MAX_QUERY_WORDS = 12

CREATE_SQL = {
    # No foreign key: the row is rebuilt or removed by index_services, and a key here would stop
    # Django truncating directory_service (test isolation, flush) without CASCADE.
    "postgresql": [
        f"""CREATE TABLE IF NOT EXISTS {PG_TABLE} (
            service_id uuid PRIMARY KEY,
            document tsvector NOT NULL)""",
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_document ON {PG_TABLE} USING GIN (document)",
    ],
    "sqlite": [
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
            service_id UNINDEXED, name, terms, description,
            tokenize = 'porter unicode61 remove_diacritics 2')""",
    ],
}
DROP_SQL = {
    "postgresql": [f"DROP TABLE IF EXISTS {PG_TABLE}"],
    "sqlite": [f"DROP TABLE IF EXISTS {FTS_TABLE}"],
}

# The words each service is found by, built in SQL from the service and its taxonomy terms
# (and their parents), so a 100,000-service rebuild is one statement per batch.
_TERMS_SQL = """
    SELECT a.service_id, {concat} AS terms
    FROM directory_attribute a
    JOIN directory_taxonomyterm t ON t.id = a.taxonomy_term_id
    LEFT JOIN directory_taxonomyterm p ON p.id = t.parent_id
    WHERE a.service_id IS NOT NULL {restrict}
    GROUP BY a.service_id
"""
_INSERT_SQL = {
    "postgresql": f"""
        INSERT INTO {PG_TABLE} (service_id, document)
        SELECT s.id,
            setweight(to_tsvector('english', s.name), 'A')
            || setweight(to_tsvector('english', coalesce(terms.terms, '')), 'B')
            || setweight(to_tsvector('english', s.description), 'C')
        FROM directory_service s
        LEFT JOIN ({{terms}}) terms ON terms.service_id = s.id
        WHERE TRUE {{restrict}}
    """,
    "sqlite": f"""
        INSERT INTO {FTS_TABLE} (service_id, name, terms, description)
        SELECT s.id, s.name, coalesce(terms.terms, ''), s.description
        FROM directory_service s
        LEFT JOIN ({{terms}}) terms ON terms.service_id = s.id
        WHERE 1 {{restrict}}
    """,
}
_CONCAT = {
    "postgresql": "string_agg(t.name || ' ' || coalesce(p.name, ''), ' ')",
    "sqlite": "group_concat(t.name || ' ' || coalesce(p.name, ''), ' ')",
}


def create_tables(schema_editor):
    for statement in CREATE_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def drop_tables(schema_editor):
    for statement in DROP_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text or "", flags=re.UNICODE)[:MAX_QUERY_WORDS]


def _table():
    return PG_TABLE if connection.vendor == "postgresql" else FTS_TABLE


def index_services(service_ids=None, batch_size=5000):
    """Rebuild the search rows of these services (all services when None).

    Rows of services that no longer exist are removed, so callers pass the ids they deleted too.
    """
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        if service_ids is None:
            cursor.execute(f"DELETE FROM {_table()}")
            terms = _TERMS_SQL.format(concat=_CONCAT[vendor], restrict="")
            cursor.execute(_INSERT_SQL[vendor].format(terms=terms, restrict=""))
            return
        ids = list(service_ids)
        for start in range(0, len(ids), batch_size):
            _index_batch(cursor, vendor, ids[start : start + batch_size])


def _index_batch(cursor, vendor, ids):
    if vendor == "postgresql":
        cursor.execute(f"DELETE FROM {PG_TABLE} WHERE service_id = ANY(%s)", [ids])
        terms = _TERMS_SQL.format(concat=_CONCAT[vendor], restrict="AND a.service_id = ANY(%s)")
        cursor.execute(
            _INSERT_SQL[vendor].format(terms=terms, restrict="AND s.id = ANY(%s)"), [ids, ids]
        )
        return
    # SQLite keeps UUIDs as 32 hex characters; its statements take at most 32,766 parameters.
    for start in range(0, len(ids), 500):
        chunk = [
            i.hex if hasattr(i, "hex") else str(i).replace("-", "")
            for i in ids[start : start + 500]
        ]
        marks = ",".join("%s" for _ in chunk)
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE service_id IN ({marks})", chunk)
        terms = _TERMS_SQL.format(concat=_CONCAT[vendor], restrict=f"AND a.service_id IN ({marks})")
        cursor.execute(
            _INSERT_SQL[vendor].format(terms=terms, restrict=f"AND s.id IN ({marks})"),
            [*chunk, *chunk],
        )


def _fts5_query(words: list[str]) -> str:
    # Each word quoted, so user text can never be read as FTS5 syntax; all words must match.
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def search(queryset, text: str):
    """Filter a Service queryset to those matching `text`, annotated with `search_rank`
    (higher is better). Text with no searchable words returns the queryset unfiltered."""
    words = _words(text)
    if not words:
        return queryset
    table = queryset.model._meta.db_table
    if connection.vendor == "postgresql":
        query = " ".join(words)
        matches = RawSQL(
            f"SELECT service_id FROM {PG_TABLE} "
            "WHERE document @@ websearch_to_tsquery('english', %s)",
            [query],
        )
        rank = RawSQL(
            f"SELECT ts_rank(document, websearch_to_tsquery('english', %s)) "
            f"FROM {PG_TABLE} WHERE service_id = {table}.id",
            [query],
        )
    else:
        query = _fts5_query(words)
        matches = RawSQL(f"SELECT service_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])
        # bm25 is lower-is-better, so negate it.
        rank = RawSQL(
            f"SELECT -bm25({FTS_TABLE}, 0, 10.0, 4.0, 1.0) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND service_id = {table}.id",
            [query],
        )
    return queryset.filter(id__in=matches).annotate(search_rank=rank)
