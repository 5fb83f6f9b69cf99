"""Rows and lists recorded under a contract without a supplier named are the contract's supplier's (they showed
"—" where the supplier belongs)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill_suppliers(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    supplier_of = Subquery(Contract.objects.filter(pk=OuterRef("contract_id")).values("supplier_id")[:1])
    for name in ("SiteMention", "SiteImport"):
        model = apps.get_model("supplier_sites", name)
        model.objects.filter(supplier__isnull=True, contract__isnull=False).update(supplier=supplier_of)


class Migration(migrations.Migration):
    dependencies = [("supplier_sites", "0001_initial"), ("contracts", "0009_contract_archived")]

    operations = [migrations.RunPython(fill_suppliers, migrations.RunPython.noop)]
