from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "hrdd.programmes"
    label = "programmes"
    verbose_name = "Responsible-sourcing programmes"

    def ready(self) -> None:
        from hrdd.programmes.diligence import connect_signals

        connect_signals()  # stored supplier tiers follow the registry sites, group links and RMI uploads
