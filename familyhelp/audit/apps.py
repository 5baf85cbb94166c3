from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "familyhelp.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from django.core.signals import got_request_exception
        from django.db.backends.signals import connection_created

        from familyhelp.audit.flush_gate import register_sqlite_flush_gate
        from familyhelp.audit.services import record_refused_tampering_of_failed_request

        connection_created.connect(register_sqlite_flush_gate, dispatch_uid="audit_flush_gate")
        got_request_exception.connect(
            record_refused_tampering_of_failed_request, dispatch_uid="audit_refused_tampering"
        )
