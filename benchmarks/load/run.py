"""The load benchmark of issues 9 and 17, end to end: a fresh database, the demo and its scale data
(`hrdd.demo.load_scale` through seed.py), gunicorn with 2 workers on 127.0.0.1, a bounded headless locust run of
buyers browsing and suppliers submitting, then p50/p95 per page beside the login page's p95 (the floor); and the
cost of the contract dashboard and the calendar feed as the demo buyer's contracts grow (10 ... 2,000).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/load/run.py --scale 200 --run-time 60                 # PostgreSQL
    .venv/bin/python benchmarks/load/run.py --issue-size --costs '' --run-time 300    # 200 orgs, 2,000 contracts
    .venv/bin/python benchmarks/load/run.py --db sqlite --users 20 --scale 50 --costs ''   # a small office
    .venv/bin/python benchmarks/load/run.py --scale 200 --results benchmarks/load/RESULTS.md

Everything it starts (gunicorn, locust, the seeding commands) is stopped before it ends; its databases are
dropped unless --keep. It only sends traffic to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # the only address the benchmark talks to


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Database:
    """A throwaway database: PostgreSQL at 127.0.0.1:5432 (trust auth), or SQLite in the run's var folder."""

    def __init__(self, kind: str, name: str, server: str, var: Path) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name):
            raise SystemExit(f"--name {name!r}: lower-case letters, digits and _ only")
        self.kind, self.name, self.server, self.var = kind, name, server.rstrip("/"), var

    @property
    def env(self) -> dict[str, str]:
        if self.kind == "postgres":
            return {"DATABASE_URL": f"{self.server}/{self.name}"}
        return {}

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    def create(self) -> None:
        self.var.mkdir(parents=True, exist_ok=True)
        if self.kind == "postgres":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')

    def analyze(self) -> None:
        """Refresh the planner's statistics after seeding, as autovacuum would on a server that runs it (this
        machine's PostgreSQL has autovacuum off: without this, plans for freshly bulk-loaded tables assume a few
        rows and turn 5 ms counts into 300 ms nested loops)."""
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(f"{self.server}/{self.name}", autocommit=True) as connection:
                connection.execute("ANALYZE")

    def drop(self) -> None:
        if self.kind == "postgres":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.var, ignore_errors=True)


def environment(db: Database) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(db.env)
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(REPO), str(HERE)]),
        HRDD_VAR_DIR=str(db.var),
        HRDD_MEDIA_ROOT=str(db.var / "media"),
        HRDD_STATIC_ROOT=str(db.var / "static"),
        HRDD_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        HRDD_ALLOWED_HOSTS=f"{HOST},testserver",
        COLUMNS="200",
    )
    return env


def hrdd(env: dict[str, str], *args: str) -> float:
    """Run `hrdd ...` (through this interpreter, on the benchmark's database); return the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "hrdd", *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def probe(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(HERE / "probe.py"), *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


# --issue-size (issue 17): 200 organisations (the demo's 3 and 197 further buyers), 2,000 contracts (the demo's
# story, 226 of the demo buyer, 9 for each further buyer) and about 100,000 production sites (13 lists of 5,000
# rows, one every 18 contracts of the demo buyer, and about 19 rows a contract in the small lists).
ISSUE_SIZE = {"scale": 226, "buyers": 197, "contracts_per_buyer": 9, "large_every": 18, "large_sites": 5000}


def seed(db: Database, env: dict[str, str], scale: int) -> float:
    """The demo, then `hrdd demo --scale N` (the cost series: the same data on every run)."""
    db.create()
    say(f"migrating the {db.kind} database {db.name}")
    hrdd(env, "migrate")
    say(f"seeding the demo and --scale {scale}")
    seconds = hrdd(env, "demo") + (hrdd(env, "demo", "--scale", str(scale)) if scale else 0.0)
    db.analyze()
    return seconds


def seed_load(args: argparse.Namespace, db: Database, env: dict[str, str]) -> dict:
    """The demo, then its scale data with the run's sizes (seed.py: further buyers, their contracts, how often a
    large site list occurs, open invitations); what was added, and the seconds each step took."""
    db.create()
    say(f"migrating the {db.kind} database {db.name}")
    hrdd(env, "migrate")
    say("seeding the demo")
    demo_seconds = hrdd(env, "demo")
    command = [
        sys.executable,
        str(HERE / "seed.py"),
        "--demo-contracts",
        str(args.scale),
        "--contracts-per-buyer",
        str(args.contracts_per_buyer),
        "--large-every",
        str(args.large_every),
        "--large-sites",
        str(args.large_sites),
        "--invitations",
        str(args.invitations),
    ]
    if args.buyers is not None:
        command += ["--buyers", str(args.buyers)]
    if args.match_sites_now:
        command.append("--match-sites-now")
    say("seeding the scale data: " + shlex.join(command[2:]))
    out = subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.PIPE, text=True)
    added = json.loads(out.stdout.strip().splitlines()[-1])
    db.analyze()
    return {"demo_seconds": demo_seconds, "command": shlex.join(command[2:]), **added}


# --- the load run --------------------------------------------------------------------------------------------


def free_port(wanted: int) -> int:
    """A port on 127.0.0.1 that nothing listens on: `wanted`, or any free one when it is 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe_socket:
        try:
            probe_socket.bind((HOST, wanted))
        except OSError as exc:
            raise SystemExit(
                f"port {wanted} on {HOST} is taken ({exc.strerror}); choose another --port"
            ) from exc
        return int(probe_socket.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Wait for our gunicorn to listen (its log says so: no other server on the port answers for it), then for
    the page to answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped while starting:\n{log.read_text(errors='replace')[-2000:]}")
        if "Listening at:" not in log.read_text(errors="replace"):
            time.sleep(0.5)
            continue
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # our own server on 127.0.0.1
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def no_control_socket() -> list[str]:
    """gunicorn 27 listens on a control socket in the home folder by default, shared by every gunicorn of the
    user: the benchmark's own server needs none."""
    help_text = subprocess.run([str(BIN / "gunicorn"), "--help"], capture_output=True, text=True).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


def peak_memory_mib(pid: int) -> float | None:
    """The peak resident set size of a process (VmHWM), in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def proportional_memory_mib(pid: int) -> float | None:
    """A process's proportional set size (Pss: its own pages plus its share of those it shares with the master and
    the other workers, as gunicorn's preloading leaves them), in MiB."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def stop(process: subprocess.Popen, name: str) -> None:
    """Stop a process this script started (and its own children, in its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        say(f"{name} did not stop on SIGTERM; killing it")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def load_run(args: argparse.Namespace, db: Database, env: dict[str, str], work: Path) -> dict:
    seeded = seed_load(args, db, env)
    say(
        f"seeded {seeded['contracts']:,} contracts in {seeded['seconds']:,.0f} s "
        f"({seeded['seconds'] / max(1, seeded['contracts']):.2f} s a contract)"
    )
    targets = probe(env, "targets")
    if args.no_suppliers:
        targets["suppliers"], targets["invitees"] = [], []
    (work / "targets.json").write_text(json.dumps(targets, indent=2))
    port = free_port(args.port)
    base = f"http://{HOST}:{port}"
    log = (work / "gunicorn.log").open("w")
    say(f"starting gunicorn (production settings, 2 workers, 30 s timeout) on {base}")
    # config/gunicorn.conf.py as in production (the master preloads the application and the workers share its
    # pages), with the benchmark's address, 2 workers, gunicorn's default 30 s timeout and no renewal of a worker
    # during the run (its memory is read at the end)
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(REPO / "config" / "gunicorn.conf.py"),
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "30",
            "--max-requests",
            "0",
            *no_control_socket(),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    memory: list[float] = []
    shared: list[float] = []
    try:
        wait_until_up(f"{base}/login/", server, work / "gunicorn.log")
        say(f"locust: {args.users} users for {args.run_time} s")
        prefix = work / "locust"
        locust = subprocess.Popen(
            [
                str(BIN / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--stop-timeout",
                "35",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=REPO,
            env={**env, "HRDD_LOAD_TARGETS": str(work / "targets.json")},
            stdout=(work / "locust.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            locust.wait(timeout=args.run_time + 120)
        except subprocess.TimeoutExpired:
            say("locust overran its run time; stopping it")
        finally:
            stop(locust, "locust")
        memory = [m for m in (peak_memory_mib(p) for p in worker_pids(server.pid)) if m is not None]
        shared = [m for m in (proportional_memory_mib(p) for p in worker_pids(server.pid)) if m is not None]
    finally:
        stop(server, "gunicorn")
        log.close()
    text = (work / "gunicorn.log").read_text(errors="replace")
    rows = list(csv.DictReader((work / "locust_stats.csv").open()))
    failures = list(csv.DictReader((work / "locust_failures.csv").open()))
    return {
        "targets": targets,
        "rows": rows,
        "failures": failures,
        "timeouts": text.count("WORKER TIMEOUT"),
        "server_errors": text.count("Internal Server Error:"),
        "locked": text.count("database is locked"),
        "tracebacks": server_tracebacks(text),
        "memory": memory,
        "shared": shared,
        "seeded": seeded,
        "users": json.loads(users.read_text()) if (users := work / "targets.json.users").exists() else {},
    }


def server_tracebacks(log: str, keep: int = 2) -> list[str]:
    """The first tracebacks in gunicorn's log (an error the server answered 500 to, a database that was locked)."""
    found = []
    for match in re.finditer(
        r"^(?:Internal Server Error: .*\n)?Traceback \(most recent call last\):\n(?:[ \t].*\n)+.*$",
        log,
        re.MULTILINE,
    ):
        found.append(match.group(0))
        if len(found) >= keep:
            break
    return found


# --- the dashboard and feed as contracts grow --------------------------------------------------------------


def cost_series(args: argparse.Namespace, db: Database, env: dict[str, str]) -> list[dict]:
    sizes = sorted({int(s) for s in args.costs.split(",") if s.strip()})
    if not sizes:
        return []
    seed(db, env, 0)
    have = 1  # the demo's own contract
    measured = []
    for size in sizes:
        if size > have:
            say(
                f"cost series: adding {size - have} contracts to the demo buyer (and {(size - have) // 10} buyers)"
            )
            hrdd(env, "demo", "--scale", str(size - have))
            db.analyze()
            have = size
        say(f"cost series: timing the dashboard and the feed at {have} contracts")
        measured.append(probe(env, "cost", "--repeat", str(args.cost_repeat)))
    return measured


# --- the report ----------------------------------------------------------------------------------------------


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("HRDD_BENCH_COMMIT", "unknown (not a git checkout)")
    return head + (" with uncommitted changes in the work tree" if dirty else "")


FLOOR = "login page"  # the trivial page every ratio is taken to
TARGET = 5.0  # issue 9 and 17: each main page's p95 within 5x the floor's


def page_kind(name: str) -> str:
    """floor (the login page), login (logging in, once per user), action (a form sent), or page (a main page,
    held to the target)."""
    if name == FLOOR:
        return "floor"
    if name.startswith("log in"):
        return "login"
    if name.endswith("(POST)"):
        return "action"
    return "page"


def report(args: argparse.Namespace, load: dict | None, costs: list[dict]) -> str:
    command = "python benchmarks/load/run.py " + shlex.join(sys.argv[1:])
    lines = [
        "# Load benchmark: last results",
        "",
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- commit: {commit()}",
        f"- command: `{command}`",
        f"- database: {args.db}; machine: {os.cpu_count()} cores, shared with other work while it ran",
    ]
    if load is not None:
        c = load["targets"]["counts"]
        seeded = load["seeded"]
        floor = next((r for r in load["rows"] if r["Name"] == FLOOR), None)
        floor_p95 = float(floor["95%"]) if floor else float("nan")
        mix = ", ".join(f"{n} {name}" for name, n in sorted(load["users"].items())) or "unknown"
        lines += [
            f"- data: {c['organisations']:,} organisations, {c['contracts']:,} contracts, "
            f"{c['obligations']:,} obligations, {c['submissions']:,} submissions, {c['sites']:,} production sites "
            f"(the site registry: {c['registry_sites']:,} sites, the matching of {c['queued_runs']:,} lists queued), "
            f"{c['invitations_open']:,} open invitations; the demo buyer holds {c['demo_contracts']:,} contracts, "
            f"{c['demo_obligations']:,} obligations and {c['demo_sites']:,} sites",
            f"- seeding: `hrdd demo` {seeded['demo_seconds']:.0f} s, then `seed.py {seeded['command']}` "
            f"{seeded['seconds']:,.0f} s for {seeded['contracts']:,} contracts "
            f"({seeded['seconds'] / max(1, seeded['contracts']):.2f} s a contract)",
            f"- load: gunicorn, 2 workers, default 30 s worker timeout; locust, {args.users} users ({mix}), "
            f"1-2 s between pages, {args.run_time} s; {len(load['targets'].get('suppliers') or []):,} supplier "
            f"links and {len(load['targets'].get('invitees') or []):,} questionnaire links in the sample",
            "",
            f"The floor is the {FLOOR} (marked **floor**): the target is each main page's p95 within "
            f"{TARGET:g}x the floor's p95 in the same run. Forms sent (POST) show their ratio beside the pages; "
            "logging in (once per user) is not compared.",
            "",
            f"| page | requests | failures | p50 ms | p95 ms | p95 x {FLOOR} p95 | within {TARGET:g}x |",
            "|---|---:|---:|---:|---:|---:|:---:|",
        ]
        missed = []
        for row in load["rows"]:
            if row["Name"] == "Aggregated" or not row["Request Count"]:
                continue
            kind = page_kind(row["Name"])
            p95 = float(row["95%"]) if row["95%"] not in ("", "N/A") else float("nan")
            ratio = "" if kind == "login" else f"{p95 / floor_p95:.1f}"
            within = {"floor": "floor", "login": "", "action": "(form)"}.get(kind, "")
            if kind == "page":
                within = "yes" if p95 <= TARGET * floor_p95 else "**no**"
                if p95 > TARGET * floor_p95:
                    missed.append(row["Name"])
            name = f"**{row['Name']}** (floor)" if kind == "floor" else row["Name"]
            lines.append(
                f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | "
                f"{row['50%']} | {row['95%']} | {ratio} | {within} |"
            )
        total = next((r for r in load["rows"] if r["Name"] == "Aggregated"), None)
        memory = ", ".join(f"{m:.0f}" for m in load["memory"]) or "unknown"
        shared = ", ".join(f"{m:.0f}" for m in load.get("shared", [])) or "unknown"
        lines += [
            "",
            f"Requests {int(total['Request Count']) if total else 0:,}, failures "
            f"{int(total['Failure Count']) if total else 0:,}; main pages over the target: "
            f"{', '.join(missed) or 'none'}; gunicorn worker time-outs: {load['timeouts']}, server errors (500): "
            f"{load['server_errors']}, `database is locked` in its log: {load['locked']}; peak resident memory of "
            f"the workers: {memory} MiB (VmHWM, counting the pages each shares with the preloading master), "
            f"their proportional share at the end: {shared} MiB (Pss).",
        ]
        if load["failures"]:
            lines += ["", "| failed request | error | occurrences |", "|---|---|---:|"]
            for f in load["failures"]:
                lines.append(f"| {f['Method']} {f['Name']} | {f['Error']} | {int(f['Occurrences']):,} |")
        for traceback in load["tracebacks"]:
            lines += ["", "```", traceback[-3000:], "```"]
    if costs:
        lines += [
            "",
            f"## Contract dashboard and calendar feed of the demo buyer as its contracts grow "
            f"(Django test client, no server; median of {args.cost_repeat})",
            "",
            "| contracts | obligations | sites | dashboard ms | dashboard KB | feed ms | feed KB |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for m in costs:
            c = m["counts"]
            lines.append(
                f"| {c['demo_contracts']:,} | {c['demo_obligations']:,} | {c['demo_sites']:,} | "
                f"{m['dashboard']['median_ms']:,.0f} | {m['dashboard']['bytes'] / 1024:,.0f} | "
                f"{m['feed']['median_ms']:,.0f} | {m['feed']['bytes'] / 1024:,.0f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--server", default=f"postgres://postgres@{HOST}:5432", help="PostgreSQL server URL")
    parser.add_argument("--name", default="hrdd_load", help="database name (the cost series adds _cost)")
    parser.add_argument("--scale", type=int, help="contracts added to the demo buyer (default 200)")
    parser.add_argument("--buyers", type=int, help="further buyer organisations (default: scale / 10)")
    parser.add_argument(
        "--contracts-per-buyer", type=int, help="contracts of each further buyer (default 10)"
    )
    parser.add_argument("--large-every", type=int, help="a large site list every N demo contracts (1000)")
    parser.add_argument("--large-sites", type=int, help="rows of a large site list (5000)")
    parser.add_argument(
        "--invitations",
        type=int,
        default=3,
        help="suppliers each further buyer invites to an open consultation",
    )
    parser.add_argument(
        "--issue-size",
        action="store_true",
        help="issue 17's data: 200 organisations, 2,000 contracts, about 100,000 sites (the sizes above, "
        "unless given, are " + ", ".join(f"{k}={v}" for k, v in ISSUE_SIZE.items()) + ")",
    )
    parser.add_argument(
        "--no-suppliers",
        action="store_true",
        help="buyers only (issue 9's mix): no supplier or invitee users",
    )
    parser.add_argument(
        "--match-sites-now",
        action="store_true",
        help="seed with every small site list matched into the site registry as it is stored (slow: see seed.py)",
    )
    parser.add_argument("--users", type=int, default=5, help="simultaneous users (2 workers serve them)")
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", type=int, default=60, help="seconds of load (at most 600)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port on 127.0.0.1 (0: any free one)")
    parser.add_argument(
        "--costs", default="10,100,1000,2000", help="contract counts for the cost series ('' skips)"
    )
    parser.add_argument("--cost-repeat", type=int, default=3)
    parser.add_argument("--no-load", action="store_true", help="only the cost series")
    parser.add_argument("--results", type=Path, help="also write the report to this file (e.g. RESULTS.md)")
    parser.add_argument("--keep", action="store_true", help="keep the databases and the work folder")
    args = parser.parse_args()
    defaults = (
        ISSUE_SIZE if args.issue_size else {"scale": 200, "contracts_per_buyer": 10, "large_every": 1000}
    )
    for key, value in {"large_sites": 5000, **defaults}.items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    if not 1 <= args.run_time <= 600 or not 1 <= args.users <= 100:
        raise SystemExit("--run-time is 1 to 600 s and --users 1 to 100: the run stays bounded")
    for tool in ("gunicorn", "locust"):
        if not args.no_load and not (BIN / tool).exists():
            raise SystemExit(f"{tool} is missing: pip install -e '.[bench]'")

    work = Path(tempfile.mkdtemp(prefix="hrdd-load-"))
    load_db = Database(args.db, args.name, args.server, work / "load-var")
    cost_db = Database(args.db, f"{args.name}_cost", args.server, work / "cost-var")
    load = None
    costs: list[dict] = []
    try:
        if not args.no_load:
            load = load_run(args, load_db, environment(load_db), work)
        costs = cost_series(args, cost_db, environment(cost_db))
    finally:
        if args.keep:
            say(f"kept: {work} and the databases {load_db.name}, {cost_db.name}")
        else:
            for db in (load_db, cost_db):
                db.drop()
            shutil.rmtree(work, ignore_errors=True)
    text = report(args, load, costs)
    print(text)
    if args.results:
        args.results.write_text(text)
        say(f"wrote {args.results}")


if __name__ == "__main__":
    main()
