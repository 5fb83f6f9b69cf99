from django.apps import AppConfig


class SupplierSitesConfig(AppConfig):
    name = "hrdd.supplier_sites"
    verbose_name = "Supplier sites"
