from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "hrdd.programmes"
    label = "programmes"
    verbose_name = "Responsible-sourcing programmes"
