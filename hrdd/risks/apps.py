from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "hrdd.risks"
    label = "risks"
