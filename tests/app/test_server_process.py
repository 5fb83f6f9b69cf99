"""What a web server process does once: load its long-lived data and set it aside from garbage collection; and
the forms' one shared renderer (a renderer per form parsed its templates again on every request)."""

import gc

import pytest

from hrdd.core import warmup
from hrdd.core.forms import PAGE_FORM_RENDERER
from hrdd.domain.tender import get_tender_framework


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_the_server_process_loads_its_data_then_freezes_it(unfrozen):
    get_tender_framework.cache_clear()
    warmup.prepare_server_process()
    assert get_tender_framework.cache_info().currsize == 1
    assert gc.get_freeze_count() > 10_000  # Django, the frameworks and the knowledge base


def test_a_failing_load_still_lets_the_server_start(unfrozen, monkeypatch, caplog):
    def broken() -> None:
        raise FileNotFoundError("cfit-2025-tender.yaml")

    monkeypatch.setattr(warmup, "load_long_lived", broken)
    warmup.prepare_server_process()
    assert "Loading the long-lived data before serving failed" in caplog.text
    assert gc.get_freeze_count() > 0


def test_every_page_form_draws_with_one_renderer_and_its_compiled_templates():
    from hrdd.companies.forms import CompanyForm

    first, second = CompanyForm(), CompanyForm()
    assert first.renderer is second.renderer is PAGE_FORM_RENDERER
    str(first["legal_name"].as_field_group())
    compiled = PAGE_FORM_RENDERER.get_template("web/forms/field.html").template
    assert PAGE_FORM_RENDERER.get_template("web/forms/field.html").template is compiled  # not parsed again
