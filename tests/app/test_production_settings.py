"""Production settings (issue 17): DEBUG off unless asked for, a secret key kept when none is given, logins that
pass CSRF behind a TLS proxy, the security headers (CSP, HSTS, ...), `check --deploy` clean, hrdd's own error pages
and gunicorn's access log without supplier tokens.

config.settings reads the environment when it is imported, so the settings an environment gives are read in a
separate process (`settings_under`); what a request then meets is tested here with exactly those values."""

from __future__ import annotations

import json
import os
import re
import runpy
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.html import document

REPO = Path(__file__).resolve().parents[2]
HOST = "hrdd.example.org"
PRODUCTION = {
    "HRDD_SECRET_KEY": "a-production-key-" + "x7Q2" * 12,
    "HRDD_BASE_URL": f"https://{HOST}",
    "HRDD_ALLOWED_HOSTS": HOST,
    "HRDD_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}
# what a request meets; read from config.settings in a process of its own
REQUEST_SETTINGS = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "USE_X_FORWARDED_HOST",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)
MANAGE = "from django.core.management import execute_from_command_line as manage; manage"
INTERNALS = ("Traceback", "urlpatterns", "DEBUG", "SECRET_KEY", "site-packages", ".py", "CSRF verification")


def run_python(code: str, env: dict[str, str], var: Path) -> subprocess.CompletedProcess:
    """Run `code` with the project's interpreter in the repository, with `env` and nothing else of hrdd's."""
    # nothing of the test run's either (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process)
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HRDD_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "HRDD_VAR_DIR": str(var), **env}
    return subprocess.run(  # noqa: S603 - our own interpreter, code written by the tests
        [sys.executable, "-c", code], cwd=REPO, env=environment, capture_output=True, text=True, timeout=120
    )


def settings_under(env: dict[str, str], var: Path, names=REQUEST_SETTINGS) -> dict:
    """The values config.settings gives `names` in a process started with `env`."""
    code = (
        "import json\nfrom django.conf import settings\n"
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {list(names)!r}}}))"
    )
    done = run_python(code, env, var)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def as_settings(values: dict) -> dict:
    header = values["SECURE_PROXY_SSL_HEADER"]
    return values | {"SECURE_PROXY_SSL_HEADER": tuple(header) if header else None}


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    return as_settings(settings_under(PRODUCTION, tmp_path_factory.mktemp("var")))


# DEBUG and the secret key


def test_debug_is_off_unless_asked_for(tmp_path):
    assert settings_under({}, tmp_path, ["DEBUG"]) == {"DEBUG": False}
    assert settings_under({"HRDD_DEBUG": "1"}, tmp_path, ["DEBUG"]) == {"DEBUG": True}


def test_without_a_secret_key_one_is_made_once_and_kept_for_its_owner_only(tmp_path):
    # given no HRDD_SECRET_KEY (the embedded default: `make run`)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"

    # when two processes start one after the other
    first, second = run_python(code, {}, tmp_path), run_python(code, {}, tmp_path)

    # then the key was written once, readable by its owner only, and both use it
    assert first.returncode == second.returncode == 0, first.stderr
    kept = tmp_path / "secret_key"
    assert first.stdout.strip() == second.stdout.strip() == kept.read_text().strip()
    assert len(kept.read_text().strip()) >= 50
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_given_secret_key_is_used_and_nothing_is_written(tmp_path):
    done = run_python("from django.conf import settings; print(settings.SECRET_KEY)", PRODUCTION, tmp_path)

    assert done.stdout.strip() == PRODUCTION["HRDD_SECRET_KEY"]
    assert not (tmp_path / "secret_key").exists()


def test_a_base_url_that_is_no_web_address_is_refused_with_its_name(tmp_path):
    done = run_python(
        "from django.conf import settings; settings.DEBUG", {"HRDD_BASE_URL": "hrdd.example"}, tmp_path
    )

    assert done.returncode != 0
    assert "HRDD_BASE_URL must be an http:// or https:// address" in done.stderr


# behind a TLS proxy


def test_production_settings_follow_the_https_base_address(production):
    assert production["DEBUG"] is False
    assert production["ALLOWED_HOSTS"] == [HOST]
    assert production["CSRF_TRUSTED_ORIGINS"] == [f"https://{HOST}"]
    assert production["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600


def test_the_embedded_default_keeps_plain_cookies_and_no_hsts(tmp_path):
    local = settings_under({}, tmp_path)

    assert local["SESSION_COOKIE_SECURE"] is local["CSRF_COOKIE_SECURE"] is False
    assert local["SECURE_HSTS_SECONDS"] == 0
    assert local["SECURE_SSL_REDIRECT"] is False
    assert local["CSRF_TRUSTED_ORIGINS"] == ["http://127.0.0.1:8000"]


def test_a_proxy_header_may_name_its_value_and_the_forwarded_host_is_an_option(tmp_path):
    values = settings_under(
        {
            "HRDD_BASE_URL": f"https://{HOST}",
            "HRDD_PROXY_SSL_HEADER": "X-Forwarded-Ssl: on",
            "HRDD_USE_X_FORWARDED_HOST": "1",
            "HRDD_SSL_REDIRECT": "0",
            "HRDD_CSRF_TRUSTED_ORIGINS": "https://other.example.org",
        },
        tmp_path,
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL", "on"]
    assert values["USE_X_FORWARDED_HOST"] is True
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["CSRF_TRUSTED_ORIGINS"] == [f"https://{HOST}", "https://other.example.org"]


def log_in_through_the_proxy(client: Client, user, *, proxy_proto: str = "https"):
    """GET the login form, then POST it as a browser on https://HOST does, through a proxy speaking HTTP to hrdd."""
    headers = {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": proxy_proto}
    form = client.get(reverse("login"), **headers)
    assert form.status_code == 200
    token = document(form).find_all("input", name="csrfmiddlewaretoken")[0].get("value")
    return client.post(
        reverse("login"),
        {"username": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=f"https://{HOST}",
        HTTP_REFERER=f"https://{HOST}/login/",
        **headers,
    )


@pytest.mark.django_db
def test_a_login_behind_the_tls_proxy_passes_csrf(production):
    # given the production settings and a user
    user = UserFactory(email="buyer@proxy.example")

    # when they log in through the proxy
    with override_settings(**production):
        answer = log_in_through_the_proxy(Client(enforce_csrf_checks=True), user)

    # then the form is taken and the session cookie travels over HTTPS only
    assert answer.status_code == 302
    assert answer.cookies["sessionid"]["secure"]


@pytest.mark.django_db
def test_a_login_passes_csrf_through_a_proxy_whose_header_is_not_configured(production):
    # HRDD_BASE_URL alone (no HRDD_PROXY_SSL_HEADER): its origin is trusted, so the https:// Origin matches
    user = UserFactory(email="buyer@proxy.example")
    without_header = production | {"SECURE_PROXY_SSL_HEADER": None, "SECURE_SSL_REDIRECT": False}

    with override_settings(**without_header):
        answer = log_in_through_the_proxy(Client(enforce_csrf_checks=True), user)

    assert answer.status_code == 302


@pytest.mark.django_db
def test_before_the_trusted_origin_the_same_login_failed_and_shows_our_csrf_page(production):
    # the settings as they were: no trusted origin, no proxy header
    user = UserFactory(email="buyer@proxy.example")
    before = production | {
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_SSL_REDIRECT": False,
        "CSRF_TRUSTED_ORIGINS": [],
    }

    with override_settings(**before):
        answer = log_in_through_the_proxy(Client(enforce_csrf_checks=True), user)

    assert answer.status_code == 403
    assert document(answer).find("h1").text == "The form could not be sent"
    for internal in INTERNALS:
        assert internal not in answer.content.decode()


@pytest.mark.django_db
def test_plain_http_through_the_proxy_is_redirected_to_https(production, client):
    with override_settings(**production):
        answer = client.get("/login/", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="http")

    assert answer.status_code == 301
    assert answer["Location"] == f"https://{HOST}/login/"


# the headers every page carries


@pytest.mark.django_db
def test_pages_carry_the_security_headers(production, client):
    with override_settings(**production):
        page = client.get("/login/", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")

    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert page["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"


@pytest.mark.django_db
def test_error_pages_carry_the_content_security_policy_too(client, settings):
    settings.DEBUG = False

    page = client.get("/no/such/page/")

    assert page.status_code == 404
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_no_template_runs_an_inline_script():
    # the policy allows scripts from hrdd's own files only (script-src 'self'): an inline script or an on...=
    # attribute in a template would not run
    inline_script = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
    )
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    found = []
    for template in (REPO / "hrdd").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            found.append(str(template.relative_to(REPO)))
    assert found == []


# check --deploy


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    done = run_python(
        MANAGE + "(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])", PRODUCTION, tmp_path
    )

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout + done.stderr


def test_check_deploy_names_what_the_embedded_default_lacks(tmp_path):
    # the same check on `make run`'s settings warns about plain HTTP: the production settings are what silence it
    done = run_python(MANAGE + "(['manage.py', 'check', '--deploy'])", {}, tmp_path)

    assert "security.W012" in done.stderr  # SESSION_COOKIE_SECURE
    assert "security.W004" in done.stderr  # SECURE_HSTS_SECONDS


# hrdd's own error pages


@pytest.mark.django_db
def test_a_request_for_an_unknown_host_shows_our_400_page(client, settings):
    settings.DEBUG = False

    page = client.get("/login/", HTTP_HOST="attacker.example")

    assert page.status_code == 400
    assert document(page).find("h1").text == "Request not understood"
    for internal in INTERNALS:
        assert internal not in page.content.decode()


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_shows_our_page_with_what_to_do(settings, buyer):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)

    page = client.post(reverse("logout"))

    assert page.status_code == 403
    html = document(page)
    assert html.find("h1").text == "The form could not be sent"
    assert "reload the page and send the form again" in page.content.decode()
    for internal in INTERNALS:
        assert internal not in page.content.decode()


@pytest.mark.django_db
def test_the_api_answers_a_csrf_failure_in_json():
    from hrdd.web.errors import csrf_failure

    class ApiRequest(SimpleNamespace):
        path = "/api/v1/consultations/"

    answer = csrf_failure(ApiRequest(), reason="CSRF cookie not set.")

    assert answer.status_code == 403
    assert "CSRF token" in json.loads(answer.content)["detail"]
    assert "cookie not set" not in answer.content.decode()


# gunicorn


@pytest.fixture
def gunicorn_config(monkeypatch):
    def load(**env: str) -> dict:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(REPO / "config" / "gunicorn.conf.py"))

    return load


def test_gunicorn_takes_its_workers_and_timeout_from_the_environment(gunicorn_config):
    config = gunicorn_config(HRDD_WEB_WORKERS="3", HRDD_WEB_TIMEOUT="45", HRDD_WEB_BIND="0.0.0.0:8000")

    assert config["workers"] == 3
    assert config["timeout"] == 45
    assert config["bind"] == ["0.0.0.0:8000"]
    assert config["wsgi_app"] == "config.wsgi:application"
    assert config["preload_app"] is True


def test_gunicorn_reads_its_config_file(tmp_path):
    # gunicorn's own parser accepts every name the file sets
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(REPO / "config" / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)

    assert config.logger_class.__name__ == "MaskedAccessLogger"
    assert "%(U)s" in config.access_log_format  # the path without its query


def test_the_access_log_carries_no_supplier_token(gunicorn_config, tmp_path):
    # given a request for a supplier's page, arriving from another supplier page
    from gunicorn.config import Config

    config = gunicorn_config()
    token = "Zk3q9vP0s8d7F6g5H4j3K2l1M0n9B8v7C6x5Z4a3S2d"
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", config["access_log_format"])
    logger = config["MaskedAccessLogger"](cfg)
    request = SimpleNamespace(
        headers=[("REFERER", f"https://{HOST}/respond/{token}/"), ("USER-AGENT", "Firefox")],
        method="GET",
        path=f"/contracts/supplier/{token}/",
        query="",
        uri=f"/contracts/supplier/{token}/",
        version=(1, 1),
    )
    response = SimpleNamespace(status="200 OK", response_length=1024, sent=1024, headers=[])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/contracts/supplier/{token}/",
        "PATH_INFO": f"/contracts/supplier/{token}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }

    # when it is logged
    logger.access(response, request, environ, timedelta(milliseconds=12))

    # then the line names the page, not the token
    line = (tmp_path / "access.log").read_text()
    assert "/contracts/supplier/" in line
    assert token not in line


# the README and the container image say what the code does


def test_every_variable_of_running_in_production_is_read_by_the_settings_or_gunicorn():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Running in production") :]
    section = section[: section.index("\n## ")]
    named = set(re.findall(r"`((?:HRDD|DATABASE|FORWARDED)_[A-Z_]+)", section))
    code = (REPO / "config" / "settings.py").read_text() + (REPO / "config" / "gunicorn.conf.py").read_text()

    assert len(named) > 30
    assert {name for name in named if f'"{name}"' not in code} == set()


def test_the_container_image_collects_static_files_and_runs_gunicorn_unprivileged():
    image = (REPO / "Containerfile").read_text(encoding="utf-8")

    assert image.startswith("#") and "FROM python:3.11-slim" in image
    assert "collectstatic --noinput" in image
    assert "USER hrdd" in image
    assert "exec gunicorn -c /app/config/gunicorn.conf.py" in image
    assert (REPO / "config" / "gunicorn.conf.py").is_file()
