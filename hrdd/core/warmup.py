"""Prepare a web server process before it serves: load what every worker keeps for its whole life (the
frameworks, the risk method, the shipped knowledge base, the text reader's models, the URL map, the templates),
then set it aside from Python's garbage collector.

Why: a worker holds some 150,000 long-lived objects. Without this, every full collection walks all of them, and
a request that happens to trigger one pays 50-200 ms (measured on the contract dashboard and supplier page:
median 50 ms, the unlucky request 130-180 ms), which is what a page's p95 shows under load. `gc.freeze()` moves
the objects alive now to a generation the collector never scans; objects made by requests are collected as
before. Under gunicorn with `--preload` the frozen pages are also shared between the forked workers."""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger(__name__)

# the pages whose templates are compiled in advance (the cached template loader keeps them)
TEMPLATES = (
    "base.html",
    "registration/login.html",
    "contracts/dashboard.html",
    "contracts/detail.html",
    "contracts/supplier.html",
)


def load_long_lived() -> None:
    """Load the read-only data every request may need, once per process."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    from hrdd.core.maps import base_map
    from hrdd.domain.document_check import get_document_checks
    from hrdd.domain.knowledge import shipped_knowledge
    from hrdd.domain.questionnaire_framework import framework_ids, get_framework
    from hrdd.domain.risk import get_risk_method
    from hrdd.domain.risk_check import get_check_vocabulary
    from hrdd.domain.tender import get_tender_framework
    from hrdd.domain.textread import warm_up as warm_up_text_reader

    for framework_id in framework_ids():
        get_framework(framework_id)
    get_tender_framework()
    get_risk_method()
    get_check_vocabulary()
    get_document_checks()
    # the text reader's language models and word tables: 2-3 s once here, not in a buyer's first check
    warm_up_text_reader()
    shipped_knowledge()
    base_map()  # the world map's countries, decoded and projected: some 200 ms
    get_resolver().url_patterns  # noqa: B018 - builds the URL map
    for name in TEMPLATES:
        get_template(name)


def prepare_server_process() -> None:
    """Load the long-lived data and exempt it from garbage collection (see the module's note)."""
    try:
        load_long_lived()
    except Exception:  # a page will raise the same error with its context; serving must still start
        logger.exception("Loading the long-lived data before serving failed")
    gc.collect()
    gc.freeze()
