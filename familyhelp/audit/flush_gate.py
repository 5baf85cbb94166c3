"""The one way to empty the audit table: Django's `flush` command (see README.md).

The database refuses UPDATE, DELETE and TRUNCATE on the audit table. Django's `flush` empties
every table (the test runner calls it after each transactional test; developers use it to reset a
database), so our `flush` override opens a gate for its own transaction only:

- PostgreSQL: the TRUNCATE trigger lets a TRUNCATE through when the transaction-local setting
  `familyhelp.audit_flush` is 'on'; `flush` sets it with set_config(..., is_local => true), so it
  ends with that transaction. No application code path sets it.
- SQLite has no session settings: the DELETE trigger asks the SQL function
  `familyhelp_audit_flush_allowed()`, registered on every connection Django opens and answering
  from a flag on that connection that only `flush` raises. Outside Django (the sqlite3 shell) the
  function does not exist, so the DELETE fails: closed by default.
"""

from contextlib import contextmanager

from django.db import connections, transaction

PG_FLUSH_SETTING = "familyhelp.audit_flush"
SQLITE_FLUSH_FUNCTION = "familyhelp_audit_flush_allowed"
_FLAG = "audit_flush_allowed"


def register_sqlite_flush_gate(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return

    def flush_allowed():
        return 1 if getattr(connection, _FLAG, False) else 0

    connection.connection.create_function(SQLITE_FLUSH_FUNCTION, 0, flush_allowed)


@contextmanager
def audit_flush_allowed(using):
    """Let the audit table be emptied inside this block's transaction only."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PG_FLUSH_SETTING])
        setattr(connection, _FLAG, True)
        try:
            yield
        finally:
            setattr(connection, _FLAG, False)
