"""Load on hrdd's main pages: buyers log in and read them, the login page beside them as the floor; suppliers open
their contract page by its link and submit a report, invitees open their questionnaire and save a draft.

Started by run.py (headless, a bounded number of users and run time) with HRDD_LOAD_TARGETS naming the JSON that
probe.py wrote (the pages, the logins, the suppliers' links). It only talks to a server on this machine: any other
host stops it.

Every user is a client of its own: it sends an X-Forwarded-For address of its own (bench_settings.py trusts one
proxy hop), so that hrdd's per-client limit on supplier links (hrdd.core.throttle, 120 a minute) counts each user
as the separate supplier or buyer it stands for, not all of them as 127.0.0.1.

    HRDD_LOAD_TARGETS=targets.json locust -f benchmarks/load/locustfile.py --headless \
        --users 10 --spawn-rate 5 --run-time 60s --host http://127.0.0.1:8765
"""

from __future__ import annotations

import html.parser
import ipaddress
import itertools
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, events

TARGETS: dict[str, Any] = json.loads(Path(os.environ["HRDD_LOAD_TARGETS"]).read_text(encoding="utf-8"))
_CLIENTS = itertools.count(1)  # each user's own address: 10.77.0.1, 10.77.0.2, ...
_INVITEES = itertools.count()  # each invitee user's own invitation


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


@events.spawning_complete.add_listener
def note_users(user_count: int, **_: Any) -> None:
    """Write how the users were shared among the classes beside the targets (run.py reports it)."""
    environment = getattr(note_users, "environment", None)
    runner = getattr(environment, "runner", None)
    counts = dict(runner.user_classes_count) if runner is not None else {"users": user_count}
    Path(os.environ["HRDD_LOAD_TARGETS"] + ".users").write_text(json.dumps(counts), encoding="utf-8")


@events.init.add_listener
def keep_environment(environment: Any, **_: Any) -> None:
    note_users.environment = environment  # type: ignore[attr-defined]


@dataclass
class Form:
    """What a browser would send for one form of a page: its fields with their values as drawn (text, hidden,
    checked boxes, selected options, text areas), the names of its file boxes and each choice's options."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    choices: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # name: (radio|checkbox, values)

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)

    def set(self, name: str, *values: str) -> None:
        """Replace a field's values (a text, a radio's choice, the ticked boxes of a group)."""
        self.fields = [(n, v) for n, v in self.fields if n != name] + [(name, v) for v in values]


class _FormReader(html.parser.HTMLParser):
    """Reads the form with id `form_id` out of a page, as a browser would submit it (no JavaScript involved)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.form: Form | None = None
        self.inside = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            if self.inside:
                self.form = Form()
            return
        if not self.inside or self.form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                self.form.files.append(name)
            elif kind in ("radio", "checkbox"):
                self.form.choices.setdefault(name, (kind, []))[1].append(a.get("value", "on"))
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image"):
                self.form.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in a:
            self.form.fields.append((self.select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            # a browser drops the one newline that follows <textarea>
            self.form.fields.append((self.textarea, "".join(self.text).removeprefix("\n")))
            self.textarea = None
        elif tag == "select":
            self.select = None


def read_form(page: str, form_id: str) -> Form | None:
    reader = _FormReader(form_id)
    reader.feed(page)
    return reader.form


class Visitor(HttpUser):
    """Anyone the load stands for: one client address of its own, pages one to two seconds apart."""

    abstract = True
    wait_time = between(1, 2)

    def on_start(self) -> None:
        if not is_loopback(self.host or ""):
            raise SystemExit("refused: the load goes to this machine only")
        number = next(_CLIENTS)
        self.client.headers["X-Forwarded-For"] = f"10.77.{number // 250}.{number % 250 + 1}"

    def open(self, name: str, path: str) -> str | None:
        """GET a page; its text when it answered 200, else None (a failure under `name`)."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            return response.text

    def send(self, name: str, path: str, form: Form, files: dict[str, Any] | None = None) -> bool:
        """POST a form to `path` as a browser would; hrdd answers a success with a redirect to the same page (the
        browser's next GET is counted as that page again). Any other answer is a failure with its status."""
        with self.client.post(
            path,
            data=form.fields,
            files=files,
            headers={"Referer": f"{self.host}{path}"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if (
                response.status_code not in (302, 303)
                or urlsplit(response.headers.get("Location", "")).path != path
            ):
                response.failure(
                    f"HTTP {response.status_code} {response.headers.get('Location', '')}".strip()
                )
                return False
            return True


class Buyer(Visitor):
    """A buyer who logs in once and then opens pages at random, one to two seconds apart."""

    abstract = True
    login: dict[str, Any] = {}

    def on_start(self) -> None:
        super().on_start()
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


# What a supplier types beside its document, by the field's name (the boxes the clause asks for).
REPORT_ANSWERS = {
    "actions_count": "4",
    "processes": "Supplier audits twice a year; a grievance mechanism open to workers.",
    "stakeholder_evidence": "Minutes of two meetings with the workers' union of the assembly plant.",
    "components": "battery\ndisplay\nprinted circuit board",
    "raw_materials": "cobalt\ntin\ngold",
    "sourcing_countries": "China\nMalaysia\nDemocratic Republic of the Congo",
    "risks": "child labour\nforced labour",
}

if TARGETS.get("suppliers"):

    class ContractSupplier(Visitor):
        """A supplier holding a contract's link: opens its reporting page, submits a report (a text document and
        the short answers its clause asks) for one of its obligations, open ones first, and sees the page again."""

        weight = 1

        def on_start(self) -> None:
            super().on_start()
            self.link = random.choice(TARGETS["suppliers"])

        def submit(self) -> None:
            path = self.link["path"]
            page = self.open("supplier: contract page", path)
            if page is None:
                return
            obligations = [o for o in self.link["obligations"] if o["open"]] or self.link["obligations"]
            obligation = random.choice(obligations[:3])
            form = read_form(page, f"submit-{obligation['id']}")
            name = "supplier: submit report (POST)"
            if form is None or not form.files:
                self.environment.events.request.fire(
                    request_type="POST",
                    name=name,
                    response_time=0,
                    response_length=0,
                    exception=RuntimeError(f"no form for obligation {obligation['id']} on the page"),
                )
                return
            for box, answer in REPORT_ANSWERS.items():
                if form.value(box) is not None and not (form.value(box) or "").strip():
                    form.set(box, answer)
            document = TARGETS["documents"][obligation["kind"]].encode("utf-8")
            files = {form.files[0]: (f"{obligation['clause'].lower()}-report.txt", document, "text/plain")}
            if self.send(name, path, form, files):
                self.open("supplier: contract page", path)
            self.link = random.choice(TARGETS["suppliers"])  # the next round: another contract's supplier

        tasks = [submit]


if TARGETS.get("invitees"):

    class Invitee(Visitor):
        """A supplier invited to a consultation: opens the questionnaire by its link, answers a question or two
        and saves a draft (each user answers through its own invitation: two people saving through one link at
        once are told the other saved first, which is not what this load measures)."""

        weight = 1

        def on_start(self) -> None:
            super().on_start()
            self.link = TARGETS["invitees"][next(_INVITEES) % len(TARGETS["invitees"])]

        def save_draft(self) -> None:
            path = self.link["path"]
            page = self.open("invitee: questionnaire", path)
            if page is None:
                return
            form = read_form(page, "questionnaire")
            if form is None:
                self.environment.events.request.fire(
                    request_type="POST",
                    name="invitee: save draft (POST)",
                    response_time=0,
                    response_length=0,
                    exception=RuntimeError("no questionnaire form on the page"),
                )
                return
            for question in random.sample(sorted(form.choices), min(2, len(form.choices))):
                form.set(question, random.choice(form.choices[question][1]))
            form.set("action", "save")
            if self.send("invitee: save draft (POST)", path, form):
                self.open("invitee: questionnaire", path)

        tasks = [save_draft]
