from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "familyhelp.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from django.db.backends.signals import connection_created

        from familyhelp.audit.flush_gate import register_sqlite_flush_gate

        connection_created.connect(register_sqlite_flush_gate, dispatch_uid="audit_flush_gate")
