"""Every model has a factory, and each factory builds a record that the database accepts."""

import pytest
from django.apps import apps

from tests import factories

FACTORIES = [
    obj
    for obj in vars(factories).values()
    if isinstance(obj, type)
    and issubclass(obj, factories.factory.django.DjangoModelFactory)
    and obj._meta.model
]
EXEMPT = {
    "audit.AuditEvent": "append-only: written only through audit_record, which every service test exercises",
    "core.TaskInput": "a run's stored upload, written only by the task services (tests/app/test_tasks.py)",
    "core.TaskResultFile": "a run's stored export, written only by task_run_file_store (tests/app/test_consultation_export.py)",
}


def test_every_hrdd_model_has_a_factory_or_a_reason():
    covered = {f._meta.model._meta.label for f in FACTORIES}
    hrdd_models = {m._meta.label for m in apps.get_models() if m.__module__.startswith("hrdd.")}
    assert hrdd_models - covered - set(EXEMPT) == set()


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_creates_a_stored_record(db, factory_class):
    record = factory_class()
    assert type(record).objects.filter(pk=record.pk).exists()
