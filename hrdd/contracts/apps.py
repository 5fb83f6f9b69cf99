from django.apps import AppConfig
from django.db.models.signals import post_save


class ContractsConfig(AppConfig):
    name = "hrdd.contracts"
    label = "contracts"

    def ready(self) -> None:
        from hrdd.companies.models import Company

        # The dashboard and the calendar feeds name each contract's supplier: a supplier's record saved anywhere
        # (renamed, merged, corrected) moves its organisation's contracts version (hrdd.contracts.versions).
        post_save.connect(_supplier_saved, sender=Company, dispatch_uid="contracts-version-supplier")


def _supplier_saved(sender: object, instance: object, created: bool, **kwargs: object) -> None:
    from hrdd.contracts.models import Contract
    from hrdd.contracts.versions import contracts_changed

    if created or kwargs.get("raw"):
        return
    if Contract.objects.filter(supplier_id=instance.pk).exists():  # type: ignore[attr-defined]
        contracts_changed(instance.organisation_id)  # type: ignore[attr-defined]
