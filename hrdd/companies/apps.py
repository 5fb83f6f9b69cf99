from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "hrdd.companies"
    verbose_name = "Companies"
