from django.apps import AppConfig


class TendersConfig(AppConfig):
    name = "hrdd.tenders"
    label = "tenders"
