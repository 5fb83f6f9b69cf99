"""A strict Content Security Policy (issue 17): the header allows no inline script or style, and no page needs one.

Every page (each named URL asked with GET, its path filled from the demo's records as the authorization matrix
fills it, by an administrator of the organisation that owns the record, a supplier through its link, or anybody for
the public pages) is read with an HTML parser: no element carries a style attribute or an on...= handler, no
<style> or <script> element is written inline (a script that is data, type="application/json", runs nothing),
and stylesheets and scripts come from hrdd itself. The pages with maps and charts are among them, their SVG
included: SVG presentation attributes (fill=, width=) are not styles, style= is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from tests.app.test_authorization_matrix import (
    LINKS,
    PUBLIC,
    World,
    build_world,
    endpoints,
    fill,
    user_for,
)

# Script types a browser does not run: data for a script file to read (Swagger UI's settings)
DATA_SCRIPTS = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}
NONCE = re.compile(r"'nonce-([^']+)'")


def policy(response: Any) -> dict[str, list[str]]:
    """The Content-Security-Policy header as directive -> sources."""
    header = response.headers.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class InlineCode(HTMLParser):
    """Finds in a page what a policy without 'unsafe-inline' refuses, and what it loads from elsewhere."""

    def __init__(self, nonces: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.nonces = nonces
        self.problems: list[str] = []
        self.svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        given = dict(attrs)
        nonced = given.get("nonce") in self.nonces
        if tag == "svg":
            self.svg += 1
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"line {line}: <{tag} style={value!r}>")
            elif name.startswith("on"):
                self.problems.append(f"line {line}: <{tag} {name}=...> (an inline event handler)")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: <{tag} {name}={value!r}>")
        if tag == "style" and not nonced:
            self.problems.append(f"line {line}: an inline <style> block")
        if tag == "script":
            src = given.get("src")
            kind = (given.get("type") or "").strip().lower()
            if src is None and kind not in DATA_SCRIPTS and not nonced:
                self.problems.append(f"line {line}: an inline <script>")
            elif src is not None and not own(src):
                self.problems.append(f"line {line}: a script from elsewhere: {src}")
        if (
            tag == "link"
            and "stylesheet" in (given.get("rel") or "").split()
            and not own(given.get("href") or "")
        ):
            self.problems.append(f"line {line}: a stylesheet from elsewhere: {given.get('href')}")

    handle_startendtag = handle_starttag


def own(address: str) -> bool:
    """Whether an address is hrdd's own (a path on the same host), as 'self' asks."""
    return address.startswith("/") and not address.startswith("//")


def inline_code(response: Any) -> tuple[list[str], int]:
    """What the page writes inline against the policy, and how many SVG drawings it holds."""
    nonces = {nonce for sources in policy(response).values() for s in sources for nonce in NONCE.findall(s)}
    finder = InlineCode(nonces)
    finder.feed(response.content.decode(response.charset or "utf-8"))
    finder.close()
    return finder.problems, finder.svg


def is_html(response: Any) -> bool:
    return response.headers.get("Content-Type", "").startswith("text/html") and not response.headers.get(
        "Content-Disposition", ""
    ).startswith("attachment")


# ---------------------------------------------------------------------------------------------------------------
# (a) The header


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/api/v1/docs", "/no/such/page/", "/report/unknown/"])
def test_the_policy_allows_no_inline_script_or_style(client, settings, path):
    settings.DEBUG = False

    directives = policy(client.get(path))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    every_source = [source for sources in directives.values() for source in sources]
    for loophole in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"):
        assert loophole not in every_source
    assert "style-src-attr" not in directives and "style-src-elem" not in directives
    assert "script-src-attr" not in directives and "script-src-elem" not in directives


# ---------------------------------------------------------------------------------------------------------------
# (b) Every page


def test_the_reader_sees_each_kind_of_inline_code():
    # the check itself: each thing the policy refuses is found, what it allows is not
    class Page:
        headers = {"Content-Security-Policy": "default-src 'self'; style-src 'self' 'nonce-abc'"}
        charset = "utf-8"
        content = b"""<!doctype html><html><head>
<link rel="stylesheet" href="/static/hrdd/hrdd.css"><link rel="stylesheet" href="https://cdn.example/x.css">
<script src="/static/hrdd/tables.js" defer></script><script src="//cdn.example/x.js"></script>
<script type="application/json" id="settings">{"a": 1}</script><script>alert(1)</script>
<style>p { color: red }</style><style nonce="abc">p { color: blue }</style><style nonce="xyz">b {}</style>
</head><body><p style="color: red">a</p><button onclick="go()">b</button><a href="javascript:go()">c</a>
<svg viewBox="0 0 10 10"><rect width="4" height="1" fill="#123"/><circle r="2" style="fill: red"/></svg>
<input hidden tabindex="-1"><img src="data:image/png;base64,AA==" alt=""></body></html>"""

    problems, svg = inline_code(Page())

    assert svg == 1
    assert problems == [
        "line 2: a stylesheet from elsewhere: https://cdn.example/x.css",
        "line 3: a script from elsewhere: //cdn.example/x.js",
        "line 4: an inline <script>",
        "line 5: an inline <style> block",
        "line 5: an inline <style> block",
        "line 6: <p style='color: red'>",
        "line 6: <button onclick=...> (an inline event handler)",
        "line 6: <a href='javascript:go()'>",
        "line 7: <circle style='fill: red'>",
    ]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Both demos and the records they lack (the authorization matrix's world), rolled back at the module's end."""
    media_root = tmp_path_factory.mktemp("csp-media")
    with override_settings(MEDIA_ROOT=media_root), django_db_blocker.unblock(), transaction.atomic():
        yield build_world(media_root)
        transaction.set_rollback(True)


def page_client(world: World, endpoint: Any) -> Client:
    client = Client(raise_request_exception=False)
    if endpoint.name not in PUBLIC and endpoint.name not in LINKS:
        user = user_for(world, endpoint, "admin")
        assert user is not None
        client.force_login(user)
    return client


# A few pages beyond a bare GET of each URL: the risk check of a product, the sites' map after a search, and the
# error page of an address that does not exist.
EXTRA = [
    ("risks:check", "/risks/check/?product=notebook"),
    ("risks:home", "/risks/?product=notebook"),
    ("supplier_sites:registry", "/sites/?q=a"),
    ("overview", "/no/such/page/"),
]


@pytest.mark.django_db
def test_no_page_writes_inline_script_or_style(world, settings):
    settings.MEDIA_ROOT = world.media_root
    settings.DEBUG = False
    pages = [e for e in endpoints() if e.method == "GET" and not e.name.startswith("api:")]
    pages.append(next(e for e in endpoints() if e.name == "api:openapi-view"))
    found: list[str] = []
    read: set[str] = set()  # the pages answered whole
    drawn: set[str] = set()  # the pages with an SVG map or chart
    asked = [(e, fill(e, world, holder=True)) for e in pages]
    by_name = {e.name: e for e in pages}
    asked += [(by_name[name], path) for name, path in EXTRA]
    for endpoint, path in asked:
        # each page alone: one that writes (an export's audit event) changes no later one
        with transaction.atomic():
            response = page_client(world, endpoint).get(path)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            found.append(f"{path}: server error {response.status_code}")
        if not is_html(response):
            continue
        problems, svg = inline_code(response)  # error pages (404, 405) too
        found += [f"{endpoint.name} {path}: {problem}" for problem in problems]
        if response.status_code == 200:
            read.add(endpoint.name)
        if svg:
            drawn.add(endpoint.name)

    assert found == []
    # the check read the pages it is about, whole (200), the maps and charts among them (an SVG each at least)
    assert len(read) > 100
    representative = {
        "overview",
        "procurements:detail",
        "risks:saved",  # a product's risk assessment with its map
        "consultations:detail",
        "consultations:response",
        "tenders:detail",
        "tenders:evaluation",  # the award report
        "contracts:dashboard",
        "contracts:detail",
        "respond",  # a supplier's link to answer a consultation
        "contracts:supplier",  # a supplier's link to a contract
        "rmi:supplier",  # a supplier's link to a smelter-list request
        "profiles:manage",
        "supplier_sites:registry",
        "supplier_sites:site",
        "programmes:detail",
        "programmes:public",
        "programmes:assessment",
        "programmes:ngo",
        "programmes:certification",
        "programmes:case",
        "incidents:register",
        "incidents:detail",
        "incidents:grievance",
        "api:openapi-view",
    }
    assert representative - read == set()
    drawings = {"risks:saved", "consultations:detail", "contracts:dashboard", "programmes:detail"}
    drawings |= {"programmes:assessment", "supplier_sites:registry"}
    assert drawings - drawn == set()
