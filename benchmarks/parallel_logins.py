"""Peak memory of parallel wrong logins (issue 17): N threads at once check a wrong password against a stored
Argon2 hash, as N simultaneous requests to /login/ do in one server process (gunicorn's threads, or the
development server). Each scenario runs in a fresh child process; its peak resident set (ru_maxrss) and wall
time are reported.

  stock    Django's Argon2PasswordHasher and a hash with its parameters (100 MiB, 8 lanes), no bound
  bounded  hrdd.core.passwords.BoundedArgon2PasswordHasher with a hash of its own (19 MiB, 1 lane),
           at most HRDD_PASSWORD_HASH_CONCURRENCY (2) at once
  old-hash hrdd's bounded hasher verifying a hash made with Django's parameters (a user who has not logged in
           since the change): the bound alone keeps it down

    .venv/bin/python benchmarks/parallel_logins.py [--logins 20]

Last results (issue 17; 2 cores shared with other work, load ~12; 20 wrong logins at once):
  stock     peak RSS 2044 MB (167 MB after start-up)  20.2 s
  bounded   peak RSS  106 MB ( 86 MB after start-up)   3.0 s
  old-hash  peak RSS  268 MB (167 MB after start-up)  16.5 s
  bounded, before the mmap threshold was fixed (glibc kept 19 MiB per thread arena): 371 MB

Measures the hashing that dominates a login's memory (Django's check_password through the configured hashers),
not the HTTP layer; django-axes locks a guesser out after 5 failures per address and e-mail in any case.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STOCK = "django.contrib.auth.hashers.Argon2PasswordHasher"
BOUNDED = "hrdd.core.passwords.BoundedArgon2PasswordHasher"


def child(scenario: str, logins: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()
    from django.contrib.auth.hashers import check_password, make_password

    settings.PASSWORD_HASHERS = [STOCK] if scenario == "stock" else [BOUNDED]
    if scenario == "old-hash":
        from django.contrib.auth.hashers import Argon2PasswordHasher

        encoded = Argon2PasswordHasher().encode("the right password", "saltsaltsaltsalt")
    else:
        encoded = make_password("the right password")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = threading.Barrier(logins)
    results: list[bool] = []

    def wrong_login() -> None:
        start.wait()
        results.append(check_password("a wrong guess", encoded))

    began = time.perf_counter()
    threads = [threading.Thread(target=wrong_login) for _ in range(logins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    assert results == [False] * logins
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"baseline_mb": round(baseline, 1), "peak_mb": round(peak, 1), "seconds": round(elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--child", choices=["stock", "bounded", "old-hash"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.logins)))
        return
    print(f"{args.logins} wrong logins at once, one process")
    for scenario in ("stock", "bounded", "old-hash"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", scenario, "--logins", str(args.logins)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        print(
            f"  {scenario:9} peak RSS {figures['peak_mb']:7.1f} MB (after start-up {figures['baseline_mb']:.1f} MB)"
            f"  {figures['seconds']:.2f} s"
        )


if __name__ == "__main__":
    main()
