"""How long the consultation results export (XLSX) takes for many scored responses.

    .venv/bin/python benchmarks/consultation_export.py                  # 2,000 responses
    .venv/bin/python benchmarks/consultation_export.py --n 1000 --repeat 3 --profile

On a throwaway database (Django's test database: an in-memory SQLite database by default, `test_<name>` on
PostgreSQL when DATABASE_URL is set) it creates one consultation and `--n` suppliers who each submit a random valid
response through the consultation services (`invitation_create`, `invitation_submit`, which store the verdict),
then times what the export does: read every response with its stored verdict and reasons
(`consultation_results`), and write the workbook (`results_workbook`). With `--task` it also times the background
task that a big export runs as (`consultation_export_task`, run here by `task_run_here`), file stored included.

The responses come from the generator of benchmarks/score_responses.py (seeded, so every run builds the same).
The target (issue 9) is the export of 2,000 responses under 5 s.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS = 5.0


def seed(n: int, *, seed_value: int) -> object:
    """One buyer, one consultation, `n` submitted responses; return the consultation."""
    import datetime as dt

    from django.core import mail
    from django.test import override_settings
    from score_responses import generate  # the generator of benchmarks/score_responses.py

    from hrdd.accounts.models import Organisation, User
    from hrdd.accounts.services import organisation_create, user_create
    from hrdd.consultations.services import consultation_create, invitation_create, invitation_submit
    from hrdd.domain.questionnaire_framework import get_framework

    organisation = organisation_create(name="Export benchmark buyer", kind=Organisation.Kind.PUBLIC_BUYER)
    buyer = user_create(
        email="buyer@export-benchmark.example",
        password="export-benchmark-password",
        organisation=organisation,
        role=User.Role.PROCUREMENT_OFFICER,
    )
    consultation = consultation_create(
        actor=buyer,
        title="Notebooks: market consultation (export benchmark)",
        product_category="notebook",
        deadline=dt.date.today() + dt.timedelta(days=30),
    )
    framework = get_framework(consultation.framework_id)
    started = time.perf_counter()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for i, raw in enumerate(generate(n, framework, seed_value)):
            invitation = invitation_create(
                actor=buyer,
                consultation=consultation,
                email=f"supplier{i}@export-benchmark.example",
                company=raw["company"],
                send=False,
            )
            invitation_submit(invitation=invitation, raw=raw)
            if (i + 1) % 500 == 0:
                print(f"  seeded {i + 1:,} responses ({time.perf_counter() - started:.0f} s)", flush=True)
    mail.outbox = []
    print(f"seeded {n:,} submitted responses in {time.perf_counter() - started:.1f} s")
    return consultation, buyer


def export_once(consultation: object) -> tuple[float, float, int]:
    """What the export does: read the results, write the workbook. Return (read s, write s, bytes)."""
    from hrdd.consultations.selectors import consultation_results
    from hrdd.consultations.spreadsheets import ResultRow, results_workbook

    started = time.perf_counter()
    results = consultation_results(consultation=consultation)
    rows = [
        ResultRow(email=r.invitation.email, status=r.invitation.status, score=r.score) for r in results.rows
    ]
    read = time.perf_counter() - started
    started = time.perf_counter()
    content = results_workbook(
        title=results.consultation.title, framework=results.framework, rows=rows, market=results.market
    )
    return read, time.perf_counter() - started, len(content)


def export_as_task(consultation: object, buyer: object) -> float:
    """The background task's path: record a run, do it here, read the stored file back."""
    from hrdd.consultations.tasks import consultation_export_start
    from hrdd.core.tasks import task_run_here

    started = time.perf_counter()
    run = consultation_export_start(actor=buyer, consultation=consultation, enqueue=False)
    run = task_run_here(run)
    if run.status != run.Status.DONE:
        raise RuntimeError(f"the export task failed: {run.error}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000, help="responses (default 2,000)")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the generated responses")
    parser.add_argument("--repeat", type=int, default=3, help="timed exports (the fastest is reported)")
    parser.add_argument("--task", action="store_true", help="also time the export as a background task")
    parser.add_argument("--profile", action="store_true", help="cProfile one export, top 25 by own time")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"throwaway database: {connection.vendor} {name}")
        consultation, buyer = seed(args.n, seed_value=args.seed)
        best = None
        for _ in range(args.repeat):
            read, write, size = export_once(consultation)
            print(
                f"export of {args.n:,} responses: read {read:.2f} s + write {write:.2f} s = {read + write:.2f} s"
                f" ({size / 1024:.0f} KiB)"
            )
            best = min(best or read + write, read + write)
        if args.task:
            print(
                f"as a background task (run here, file stored): {export_as_task(consultation, buyer):.2f} s"
            )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            export_once(consultation)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            print(out.getvalue())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        verdict = "meets" if best is not None and best < TARGET_SECONDS else "misses"
        print(
            f"fastest export {best:.2f} s; peak RSS {peak:.0f} MiB; {verdict} the target of {TARGET_SECONDS:g} s"
        )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    return 0 if best is not None and best < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
