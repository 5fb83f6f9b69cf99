"""Load on hrdd's main pages: buyers log in and read them, the login page beside them as the floor.

Started by run.py (headless, a bounded number of users and run time) with HRDD_LOAD_TARGETS naming the JSON that
probe.py wrote (the pages and the logins). It only talks to a server on this machine: any other host stops it.

    HRDD_LOAD_TARGETS=targets.json locust -f benchmarks/load/locustfile.py --headless \
        --users 10 --spawn-rate 5 --run-time 60s --host http://127.0.0.1:8765
"""

from __future__ import annotations

import ipaddress
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, events

TARGETS: dict[str, Any] = json.loads(Path(os.environ["HRDD_LOAD_TARGETS"]).read_text(encoding="utf-8"))


def is_loopback(host: str) -> bool:
    name = urlsplit(host).hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@events.test_start.add_listener
def refuse_other_hosts(environment: Any, **_: Any) -> None:
    if not is_loopback(environment.host or ""):
        raise SystemExit(
            f"refused: {environment.host!r} is not on this machine (127.0.0.0/8, localhost, ::1)"
        )


class Buyer(HttpUser):
    """A buyer who logs in once and then opens pages at random, one to two seconds apart."""

    abstract = True
    wait_time = between(1, 2)
    login: dict[str, Any] = {}

    def on_start(self) -> None:
        if not is_loopback(self.host or ""):
            raise SystemExit("refused: the load goes to this machine only")
        self.client.get("/login/", name="log in (form)")
        response = self.client.post(
            "/login/",
            data={
                "username": self.login["email"],
                "password": self.login["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/login/"},
            name="log in (POST)",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise SystemExit(f"cannot log in as {self.login['email']}: HTTP {response.status_code}")

    def open(self, name: str, path: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


def _page_task(name: str, path: str) -> Any:
    def open_page(user: Buyer) -> None:
        user.open(name, path)

    open_page.__name__ = f"open {name}"
    return open_page


class DemoBuyer(Buyer):
    """The demo buyer: every main page, the login page among them, equally often."""

    weight = 4
    login = TARGETS["buyer"]
    tasks = [_page_task(name, path) for name, path in TARGETS["pages"].items()]


if TARGETS.get("typical"):

    class TypicalBuyer(Buyer):
        """A buyer organisation of the size most have (10 contracts): its dashboard and feed, and the login page."""

        weight = 1
        login = TARGETS["typical"]
        tasks = [_page_task(n, p) for n, p in TARGETS["typical"]["pages"].items()] + [
            _page_task("login page", "/login/")
        ]
