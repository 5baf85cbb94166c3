from django.core.management.commands.flush import Command as DjangoFlushCommand

from familyhelp.audit.flush_gate import audit_flush_allowed


class Command(DjangoFlushCommand):
    """Django's flush, which empties every table, allowed to empty the append-only audit log too.

    The test runner flushes after every transactional test. Everything else that tries to remove
    audit events is refused by the database (see familyhelp/audit/flush_gate.py).
    """

    def handle(self, **options):
        with audit_flush_allowed(options["database"]):
            return super().handle(**options)
