from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "hrdd.incidents"
    verbose_name = "Incidents and remedy"
