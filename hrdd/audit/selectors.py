from django.db.models import QuerySet

from hrdd.audit.models import AuditEvent


def audit_event_list(*, organisation: object, limit: int = 200) -> QuerySet[AuditEvent]:
    """Return the latest audit events of one organisation."""
    return AuditEvent.objects.filter(organisation=organisation).select_related("actor")[:limit]
