from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hrdd.audit"
    label = "audit"
