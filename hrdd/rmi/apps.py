from django.apps import AppConfig


class RmiConfig(AppConfig):
    name = "hrdd.rmi"
    label = "rmi"
    verbose_name = "Smelter lists (RMI templates)"
