from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "hrdd.contracts"
    label = "contracts"
