"""How long a buyer waits for a product risk assessment: load the knowledge base, rate each product, write the
two-page Word report. Run by hand: `.venv/bin/python benchmarks/risk_assessment.py [--repeat N]`."""

from __future__ import annotations

import argparse
import os
import resource
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="assessments per product (default 20)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from hrdd.domain.knowledge import build_knowledge
    from hrdd.domain.risk import assess_product_risk, get_risk_method
    from hrdd.risks.reports import to_docx

    started = time.perf_counter()
    knowledge = build_knowledge()
    method = get_risk_method()
    loaded = time.perf_counter() - started
    print(
        f"knowledge base: {sum(s.rows for s in knowledge.status())} rows in 6 tables, loaded in {loaded * 1000:.0f} ms"
    )
    worst = 0.0
    for product in knowledge.products():
        started = time.perf_counter()
        for _ in range(args.repeat):
            assessment = assess_product_risk(product, knowledge, method)
        assess_ms = (time.perf_counter() - started) / args.repeat * 1000
        started = time.perf_counter()
        to_docx(assessment, method)
        docx_ms = (time.perf_counter() - started) * 1000
        worst = max(worst, assess_ms + docx_ms)
        print(
            f"{product:20} {len(assessment.risks):4} risks  assess {assess_ms:7.1f} ms  docx {docx_ms:6.1f} ms"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"slowest product, assessment + Word report: {worst:.0f} ms (target: well under a minute); peak RSS {peak:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
