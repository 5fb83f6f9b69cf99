from django.apps import AppConfig


class ProcurementsConfig(AppConfig):
    name = "hrdd.procurements"
    verbose_name = "Procurements"
