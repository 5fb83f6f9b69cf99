from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hrdd.core"
    label = "core"
    verbose_name = "hrdd kernel"
