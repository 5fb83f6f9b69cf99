"""How long the `hrdd` command takes to start: each command is run `--repeat` times as a fresh process (like
hyperfine), and the median and the fastest wall-clock time are reported.

Run by hand: `.venv/bin/python benchmarks/cli_startup.py [--repeat 10] [--importtime]`.

The commands run against a throwaway, migrated SQLite database (HRDD_VAR_DIR in a temporary folder), so that
`hrdd risk assess` reads the knowledge editions the way an installation does. Bytecode is cached in a temporary
folder (PYTHONPYCACHEPREFIX) and one untimed run warms it: the development environment sets
PYTHONDONTWRITEBYTECODE, which would otherwise add the compilation of hrdd's own modules to every run.
`--importtime` prints, for each command, the modules that took longest to import (`python -X importtime`).
`--source DIR` times another copy of the sources instead (e.g. an older commit unpacked with
`git archive COMMIT | tar -x -C DIR`), with the same interpreter and packages: before and after, side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.5
COMMANDS = [
    ["--help"],
    ["risk", "assess", "notebook", "--json"],
    ["risk", "--help"],
    ["questionnaire", "score", "--help"],
]


def hrdd(*args: str) -> list[str]:
    return [sys.executable, "-m", "hrdd", *args]


def run_timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=env["PWD"], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def slowest_imports(command: list[str], env: dict[str, str], top: int) -> list[tuple[int, str]]:
    """The top-level and second-level imports that took longest (cumulative microseconds)."""
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        cwd=env["PWD"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line.removeprefix("import time:").split("|")
        if len(name) - len(name.lstrip()) <= 3:  # indented once at most: what the command itself pulled in
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=10, help="runs per command (default 10)")
    parser.add_argument("--importtime", action="store_true", help="show the slowest imports of each command")
    parser.add_argument("--source", type=Path, default=ROOT, help="the sources to time (default: these)")
    args = parser.parse_args()
    source = args.source.resolve()
    with tempfile.TemporaryDirectory(prefix="hrdd-cli-bench-") as folder:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env |= {
            "HRDD_VAR_DIR": str(Path(folder) / "var"),
            "PYTHONPYCACHEPREFIX": str(Path(folder) / "pycache"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(source),  # ahead of the installed (editable) hrdd
            "PWD": str(source),
        }
        env.pop("DATABASE_URL", None)
        print(f"sources: {source}")
        subprocess.run(hrdd("migrate"), env=env, cwd=source, check=True, stdout=subprocess.DEVNULL)
        missed = 0
        for command in COMMANDS:
            full = hrdd(*command)
            run_timed(full, env)  # warms the bytecode cache and the file system
            times = [run_timed(full, env) for _ in range(args.repeat)]
            median = statistics.median(times)
            verdict = "ok" if median < TARGET_SECONDS else "over the target"
            missed += median >= TARGET_SECONDS
            print(
                f"hrdd {' '.join(command):40} median {median * 1000:6.0f} ms  fastest {min(times) * 1000:6.0f} ms"
                f"  ({args.repeat} runs; {verdict})"
            )
            if args.importtime:
                for cumulative, name in slowest_imports(full, env, top=8):
                    print(f"    {cumulative / 1000:7.1f} ms  {name}")
        print(f"target: every command under {TARGET_SECONDS * 1000:.0f} ms (median)")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
