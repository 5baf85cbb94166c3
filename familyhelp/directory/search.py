"""Full-text search over services, one interface on both databases.

PostgreSQL: a tsvector per service (name weighted A, taxonomy terms B, description C) with a GIN
index, queried with websearch_to_tsquery and ranked with ts_rank. SQLite: an FTS5 table with the
porter stemmer, ranked with bm25 using the same column weights. Either way "nurseries" finds
"Nursery". The index is kept by `index_services`, which every write path calls.
"""

import re

from django.db import connection
from django.db.models.expressions import RawSQL

from familyhelp.directory.models import Attribute, Service

PG_TABLE = "directory_service_search"
FTS_TABLE = "directory_service_fts"
MAX_QUERY_WORDS = 12

CREATE_SQL = {
    "postgresql": [
        f"""CREATE TABLE IF NOT EXISTS {PG_TABLE} (
            service_id uuid PRIMARY KEY REFERENCES directory_service(id) ON DELETE CASCADE
                DEFERRABLE INITIALLY DEFERRED,
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


def create_tables(schema_editor):
    for statement in CREATE_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def drop_tables(schema_editor):
    for statement in DROP_SQL[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text or "", flags=re.UNICODE)[:MAX_QUERY_WORDS]


def _documents(service_ids):
    """(service id, name, terms text, description) for each service in `service_ids`."""
    services = Service.objects.filter(id__in=service_ids).values_list("id", "name", "description")
    terms: dict = {}
    rows = Attribute.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "taxonomy_term__name", "taxonomy_term__parent__name"
    )
    for service_id, name, parent in rows:
        terms.setdefault(service_id, []).extend(n for n in (name, parent) if n)
    for service_id, name, description in services:
        yield service_id, name, " ".join(dict.fromkeys(terms.get(service_id, []))), description


def index_services(service_ids=None, batch_size=2000):
    """Rebuild the search rows of these services (all services when None)."""
    if service_ids is None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_table()}")
        service_ids = Service.objects.values_list("id", flat=True).iterator(chunk_size=batch_size)
    ids = list(service_ids)
    for start in range(0, len(ids), batch_size):
        _index_batch(ids[start : start + batch_size])


def _table():
    return PG_TABLE if connection.vendor == "postgresql" else FTS_TABLE


def _index_batch(ids):
    documents = list(_documents(ids))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {PG_TABLE} WHERE service_id = ANY(%s)", [ids])
            cursor.executemany(
                f"""INSERT INTO {PG_TABLE} (service_id, document) VALUES (%s,
                    setweight(to_tsvector('english', %s), 'A')
                    || setweight(to_tsvector('english', %s), 'B')
                    || setweight(to_tsvector('english', %s), 'C'))""",
                documents,
            )
        else:
            hex_ids = [i.hex for i in ids]
            for start in range(0, len(hex_ids), 500):
                chunk = hex_ids[start : start + 500]
                marks = ",".join("%s" for _ in chunk)
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE service_id IN ({marks})", chunk)
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (service_id, name, terms, description) "
                "VALUES (%s, %s, %s, %s)",
                [(i.hex, n, t, d) for i, n, t, d in documents],
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
