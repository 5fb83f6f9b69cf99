"""How long a 20,000-row site list takes to import through the registry's upload page (issue 11).

    .venv/bin/python benchmarks/site_import.py                       # 20,000 rows, then an overlapping list
    .venv/bin/python benchmarks/site_import.py --rows 5000 --profile store
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/site_import.py

On a throwaway database (Django's test database: in-memory SQLite by default, `test_<name>` on PostgreSQL when
DATABASE_URL is set) it writes two CSV lists with the site-matching benchmark's generator
(benchmarks/site_matching/generate.py, imported, not copied): the first is a supplier's list of `--rows`
factories (name, address, city, country, site type, products, parent group) uploaded by buyer A into an empty
registry, so every row is a new site; the second is `--rows` other spellings of those factories with the
generator's hard negatives and unknown sites mixed in, uploaded by buyer B (another organisation), so most rows
link to the sites of the first list.

Each list goes through the page flow as a browser would do it (Django's test client, logged in): the upload POST
(timed), then the background task run here (`task_run_here`) with each stage timed (read, match, store), and
the progress fragment polled (timed) about every `--poll` seconds of the task's reading and matching (between
the task's steps, in the same process: storing is one transaction, and a poll there would show the last
progress written before it). After the task: the final poll, the run page, the import's page, the registry and
the review queue. It prints each stage, the task's total, the slowest request and the peak RSS of the process.
The exit status is 1 when a target is missed (task under 60 s, every request under 2 s).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "site_matching"))

TASK_TARGET = 60.0
REQUEST_TARGET = 2.0
TYPES = ["Final assembly", "Component manufacturing", "PCB assembly", "Smelter", "Recycling", ""]
PRODUCTS = ["Laptops", "Monitors", "Printed circuit boards", "Power supplies", "Batteries", "Cables", ""]
HEADER = ["name", "address", "city", "country", "site_type", "products", "parent group"]


def lists(rows: int, seed: int) -> tuple[bytes, bytes]:
    """The first list (the generator's registry, as a supplier lists it) and the overlapping second one."""
    import generate  # benchmarks/site_matching/generate.py

    registry, incoming, _truth = generate.generate(rows, rows, seed)
    rng = random.Random(seed)

    def csv_of(records: list[dict[str, str]]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for r in records:
            writer.writerow([r["name"], r["address"], r["city"], r["country"], rng.choice(TYPES),
                             rng.choice(PRODUCTS), r.get("group", "")])  # fmt: skip
        return out.getvalue().encode("utf-8")

    first = [
        {
            "name": r["name"],
            "address": r["address"],
            "city": r["city"],
            "country": r["country_iso2"],
            "group": r["parent_group"],
        }  # fmt: skip
        for r in generate.registry_rows(registry)
    ]
    return csv_of(first), csv_of(incoming)


class Stages:
    """Times the task's stages from its progress messages (Reading…, Matching…, Storing…)."""

    def __init__(self, poll: Any, every: float) -> None:
        self.poll = poll
        self.every = every
        self.marks: list[tuple[str, float]] = []
        self.last_poll = time.perf_counter()

    def __call__(self, run: Any) -> None:
        message = run.message or ""
        stage = next((s for s in ("Reading", "Matching", "Storing") if message.startswith(s)), None)
        if stage and (not self.marks or self.marks[-1][0] != stage):
            self.marks.append((stage, time.perf_counter()))
        if time.perf_counter() - self.last_poll >= self.every:
            self.poll()
            self.last_poll = time.perf_counter()


def import_through_page(
    label: str, client: Any, content: bytes, *, poll_every: float, profile: str, supplier: str
) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from hrdd.core.models import TaskRun
    from hrdd.core.tasks import task_run_here

    requests: list[tuple[str, float]] = []

    def timed(name: str, method: str, url: str, **kwargs: Any) -> Any:
        started = time.perf_counter()
        response = getattr(client, method)(url, **kwargs)
        requests.append((name, time.perf_counter() - started))
        if response.status_code >= 400:
            raise RuntimeError(f"{name}: HTTP {response.status_code}")
        return response

    upload = SimpleUploadedFile(f"{label}.csv", content, content_type="text/csv")
    response = timed(
        "upload POST", "post", reverse("supplier_sites:import"), data={"file": upload, "supplier": supplier}
    )
    run_url = response["Location"]
    run = TaskRun.objects.order_by("-id").first()
    assert run is not None
    progress_url = reverse("supplier_sites:import_progress", args=[run.public_id])
    timed("run page", "get", run_url)
    polls: list[float] = []

    def poll() -> None:
        started = time.perf_counter()
        client.get(progress_url)
        polls.append(time.perf_counter() - started)

    stages = Stages(poll, poll_every)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    run = task_run_here(run, listener=stages)
    if profiler:
        profiler.disable()
    finished = time.perf_counter()
    if run.status != TaskRun.Status.DONE:
        raise RuntimeError(f"the import failed: {run.error}")
    timed("final poll", "get", progress_url)
    value = run.site_import
    timed("import page", "get", reverse("supplier_sites:import_detail", args=[value.public_id]))
    timed("registry page", "get", reverse("supplier_sites:registry"))
    timed("review queue", "get", reverse("supplier_sites:review"))
    marks = [*stages.marks, ("end", finished)]
    stage_times = {name: marks[i + 1][1] - at for i, (name, at) in enumerate(marks[:-1])}
    if marks and marks[0][1] > started:
        stage_times["start"] = marks[0][1] - started
    requests += [("progress poll", p) for p in polls]
    slowest = max(requests, key=lambda r: r[1])
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(profile).print_stats(30)
        print(out.getvalue())
    return {
        "task": finished - started,
        "stages": stage_times,
        "slowest": slowest,
        "polls": len(polls),
        "counts": value.counts,
        "requests": requests,
    }


def buyer(name: str, email: str) -> Any:
    from hrdd.accounts.models import Organisation, User
    from hrdd.accounts.services import organisation_create, user_create

    organisation = organisation_create(name=name, kind=Organisation.Kind.PUBLIC_BUYER)
    return user_create(
        email=email, password="site-import-benchmark", organisation=organisation,
        role=User.Role.PROCUREMENT_OFFICER,
    )  # fmt: skip


def report(label: str, result: dict[str, Any]) -> None:
    stages = ", ".join(f"{k.lower()} {v:.1f} s" for k, v in result["stages"].items())
    name, seconds = result["slowest"]
    counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
    print(f"{label}: task {result['task']:.1f} s ({stages}); {counts}")
    print(f"  slowest request: {name} {seconds:.2f} s ({result['polls']} progress polls, "
          f"upload POST {result['requests'][0][1]:.2f} s)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=20_000, help="rows of each list (default 20,000)")
    parser.add_argument("--seed", type=int, default=11, help="seed of the generated lists")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between progress polls (default 1)")
    parser.add_argument("--no-second", action="store_true", help="import only the first list")
    parser.add_argument(
        "--profile", default="", choices=["", "tottime", "cumulative"], help="cProfile the first task"
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    if connection.vendor != "sqlite":  # a name of its own: never another run's test database
        connection.settings_dict.setdefault("TEST", {})["NAME"] = "test_hrdd_site_import_benchmark"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    ok = True
    try:
        print(f"throwaway database: {connection.vendor} {name}")
        started = time.perf_counter()
        first, second = lists(args.rows, args.seed)
        print(f"generated two lists of {args.rows:,} rows ({len(first) / 1e6:.1f} MB, "
              f"{len(second) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")  # fmt: skip
        results = []
        for label, content, who, supplier in (
            ("first list", first, ("Buyer A", "a@site-import.example"), "Supplier One Holdings"),
            ("second list", second, ("Buyer B", "b@site-import.example"), "Supplier Two Group"),
        ):
            if label == "second list" and args.no_second:
                break
            user = buyer(*who)
            client = Client()
            client.force_login(user)
            result = import_through_page(
                label, client, content, poll_every=args.poll,
                profile=args.profile if label == "first list" else "", supplier=supplier,
            )  # fmt: skip
            report(label, result)
            results.append(result)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        slowest = max(r["slowest"][1] for r in results)
        longest = max(r["task"] for r in results)
        ok = longest < TASK_TARGET and slowest < REQUEST_TARGET
        print(f"longest task {longest:.1f} s (target {TASK_TARGET:g} s); slowest request {slowest:.2f} s "
              f"(target {REQUEST_TARGET:g} s); peak RSS {peak:.0f} MiB; "
              f"{'meets' if ok else 'misses'} the targets")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
