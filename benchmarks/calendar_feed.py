"""How long an organisation's calendar feed takes as its contracts grow: the whole feed, and the 304 a calendar
program gets when it polls again and nothing changed.

    .venv/bin/python benchmarks/calendar_feed.py                         # 10, 100, 1,000, 2,000 contracts
    .venv/bin/python benchmarks/calendar_feed.py --sizes 10 100 --repeat 3 --before

On a throwaway database (Django's test database: an in-memory SQLite database by default, `test_<name>` on
PostgreSQL when DATABASE_URL is set) it seeds one buyer's contracts through `hrdd.contracts.services
.contract_create` (400 suppliers; the first report of every other contract received through `submission_create`),
growing to each size in turn, and at each size times with Django's test client (the whole request: middleware,
session, queries, writing the body):

- the organisation's feed written for a new version (after any change: every event is written, then stored);
- the organisation's feed, in full (`/contracts/calendar.ics` without validators): the stored body, sent as
  it is when the client accepts gzip, else uncompressed;
- the same feed asked again with its ETag (If-None-Match): 304 Not Modified, what a polling calendar costs;
- with `--before`, the feed as it was written before issue 9 (icalendar objects, one query for each obligation's
  supplier), rendered directly without the view, for comparison.

Each time is the median of `--repeat` requests after one warm-up; queries and the body's size are shown beside
it. The target (issue 9): the feed flat (within 2x) from 10 to 2,000 contracts; a poll costing next to nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

URL = "/contracts/calendar.ics"


def seed_contracts(buyer: object, start: int, stop: int) -> None:
    """Contracts number `start` to `stop - 1`; every other one with its first report received."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hrdd.contracts.services import contract_create, submission_create
    from hrdd.domain.contracts import add_months

    today = dt.date.today()
    for n in range(start, stop):
        begin = add_months(today, -(6 + n % 30))
        contract = contract_create(
            actor=buyer,
            title=f"Contract {n:05d}: notebooks, lot {n % 7}",
            supplier_name=f"Supplier {n % 400:03d}",
            supplier_email=f"reports{n}@supplier.example",
            award_date=begin,
            start_date=begin,
            end_date=add_months(begin, 48),
            scenario=2 + n % 2,
        )
        if n % 2:
            continue
        obligation = contract.obligations.order_by("due_date", "clause").first()
        if obligation is None or obligation.due_date > today:
            continue
        if obligation.clause == "CC2":
            content = b"name,address,country,site_type,products\nSite,1 Road,CHN,final assembly,notebooks\n"
            upload = SimpleUploadedFile("sites.csv", content, content_type="text/csv")
            submission_create(obligation=obligation, data={}, upload=upload)
        else:
            upload = SimpleUploadedFile("report.txt", b"Our actions.", content_type="text/plain")
            data = {"actions_count": "3", "stakeholder_evidence": "Two unions", "processes": "Audits."}
            submission_create(obligation=obligation, data=data, upload=upload)


def timed(
    client: object, repeat: int, *, before: Callable[[], None] | None = None, **headers: str
) -> tuple[float, int, int, int]:
    """Median seconds of `repeat` GETs after a warm-up, the status, the queries of one, and the body's size.
    `before` runs before each GET, untimed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL, headers=headers)  # type: ignore[attr-defined]
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        page = client.get(URL, headers=headers)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - started)
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as captured:
        page = client.get(URL, headers=headers)  # type: ignore[attr-defined]
    return statistics.median(times), page.status_code, len(captured.captured_queries), len(page.content)


def before_issue_9(organisation_id: int) -> tuple[float, int]:
    """The feed as it was written before: icalendar objects, the supplier read once per obligation."""
    from icalendar import Calendar, Event

    from hrdd.contracts.models import Obligation

    started = time.perf_counter()
    calendar = Calendar()
    calendar.add("prodid", "-//hrdd//contract obligations//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Benchmark buyer")
    stamp = dt.datetime.now(dt.UTC)
    for obligation in Obligation.objects.filter(contract__organisation_id=organisation_id).select_related(
        "contract"
    ):
        contract = obligation.contract
        event = Event()
        event.add("uid", f"obligation-{obligation.pk}-{contract.public_id}@hrdd")
        event.add("dtstamp", stamp)
        event.add("dtstart", obligation.due_date)
        event.add("dtend", obligation.due_date + dt.timedelta(days=1))
        event.add("summary", f"{obligation.clause} {obligation.title} — {contract.supplier_name}")
        event.add("description", f"{contract.title}: {obligation.reason}. {contract.get_absolute_url()}")
        calendar.add_component(event)
    body = calendar.to_ical()
    return time.perf_counter() - started, len(body)


def line(label: str, result: tuple[float, int, int, int]) -> str:
    seconds, status, queries, size = result
    return f"  {label:<30} {seconds * 1000:8.1f} ms  {status}  {queries:2d} queries  {size / 1024:8.1f} KiB"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 2000], help="contracts")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests (the median is shown)")
    parser.add_argument("--before", action="store_true", help="also time the feed as written before issue 9")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    from hrdd.accounts.models import Organisation, User
    from hrdd.accounts.services import organisation_create, user_create
    from hrdd.contracts.models import Obligation
    from hrdd.contracts.versions import contracts_changed

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    media = tempfile.TemporaryDirectory(prefix="hrdd-bench-media-")
    full: dict[int, float] = {}
    polls: dict[int, float] = {}
    try:
        with override_settings(
            MEDIA_ROOT=media.name, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ):
            print(f"throwaway database: {connection.vendor} {name}")
            organisation = organisation_create(name="Benchmark buyer", kind=Organisation.Kind.PUBLIC_BUYER)
            buyer = user_create(
                email="buyer@calendar-benchmark.example",
                password="calendar-benchmark-password",
                organisation=organisation,
                role=User.Role.CONTRACT_MANAGER,
            )
            client = Client()
            client.force_login(buyer)

            def move() -> None:  # what any change does: the next full request writes the feed again
                contracts_changed(organisation.pk)

            seeded = 0
            for size in sorted(args.sizes):
                started = time.perf_counter()
                seed_contracts(buyer, seeded, size)
                seeded = size
                obligations = Obligation.objects.filter(contract__organisation=organisation).count()
                print(
                    f"{size:,} contracts, {obligations:,} obligations"
                    f" (seeded in {time.perf_counter() - started:.1f} s through the services)"
                )
                print(line("written for a new version", timed(client, args.repeat, before=move)))
                result = timed(client, args.repeat)
                full[size] = result[0]
                print(line("the feed, in full", result))
                print(line("the same, gzip accepted", timed(client, args.repeat, Accept_Encoding="gzip")))
                etag = client.get(URL)["ETag"]
                poll = timed(client, args.repeat, If_None_Match=etag)
                polls[size] = poll[0]
                print(line("asked again with its ETag", poll))
                if args.before:
                    seconds, size_bytes = before_issue_9(organisation.pk)
                    print(
                        f"  {'before issue 9 (icalendar)':<30} {seconds * 1000:8.1f} ms  {size_bytes / 1024:19.1f} KiB"
                    )
            smallest, largest = min(full), max(full)
            print(
                f"{largest:,} / {smallest:,} contracts: the full feed {full[largest] / full[smallest]:.1f}x (its stored"
                f" body grows with the deadlines), a poll that finds nothing new {polls[largest] / polls[smallest]:.1f}x"
            )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        media.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
