"""Settings for hrdd: one file, driven by the environment, safe local defaults.

SQLite is the embedded default; set DATABASE_URL (e.g. postgres://user@127.0.0.1:5432/hrdd) for PostgreSQL.
"""

import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HRDD_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _kept_secret_key(path: Path) -> str:
    """The key kept in `path`, written there on first use, readable by its owner only."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)  # of two processes starting at once one key is kept, and both read it
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise ImproperlyConfigured(
            f"{path} holds no secret key: remove it (a new one is made) or set HRDD_SECRET_KEY."
        )
    return key


# Django's technical pages (a traceback, the list of addresses) only where development asks for them: HRDD_DEBUG=1.
DEBUG = _env_bool("HRDD_DEBUG", False)
# Signs sessions, password-reset and invitation links, and writes the secret links' tokens (hrdd.core.linktokens). A
# changed key logs everyone out and ends the invitations and password resets already sent; links suppliers hold keep
# working (they are found by their hash), but hrdd cannot write them into e-mails again until the buyer re-issues
# them. Production sets HRDD_SECRET_KEY (the same on every host); without it the key is made once and kept in
# VAR_DIR/secret_key. Keep the key with the backups, never in them (`hrdd restore` warns when it differs).
SECRET_KEY = os.environ.get("HRDD_SECRET_KEY") or _kept_secret_key(VAR_DIR / "secret_key")
# The address people and suppliers' links open (e-mails are written with it). Its scheme says whether hrdd is served
# over HTTPS (secure cookies, HSTS); its origin is trusted for CSRF and its host allowed unless the variables below
# name them: behind a TLS proxy a login's Origin (https://...) then matches although the proxy speaks HTTP to hrdd.
HRDD_BASE_URL = os.environ.get("HRDD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_BASE = urlsplit(HRDD_BASE_URL)
if _BASE.scheme not in {"http", "https"} or not _BASE.hostname:
    raise ImproperlyConfigured(
        f"HRDD_BASE_URL must be an http:// or https:// address, not {HRDD_BASE_URL!r}."
    )
HTTPS = _BASE.scheme == "https"
ALLOWED_HOSTS = _env_list("HRDD_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "testserver", _BASE.hostname]
CSRF_TRUSTED_ORIGINS = [f"{_BASE.scheme}://{_BASE.netloc}", *_env_list("HRDD_CSRF_TRUSTED_ORIGINS")]
# The ocid prefix the Open Contracting Partnership registered for this installation's publisher: every OCDS
# release's ocid is this prefix, "-" and the tender's public id. The default is a placeholder, not registered:
# register a prefix before publishing OCDS data.
HRDD_OCID_PREFIX = os.environ.get("HRDD_OCID_PREFIX", "ocds-hrdd00")
# Extra folders of questionnaire frameworks (YAML), searched after the shipped hrdd/frameworks; several are
# separated by the platform's path separator (":" on Linux).
HRDD_FRAMEWORK_DIRS = [d for d in os.environ.get("HRDD_FRAMEWORK_DIRS", "").split(os.pathsep) if d]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "hrdd.core.apidocs.ApiDocsConfig",  # django-ninja's docs page assets, without importing ninja at start-up
    "django_tasks",
    "django_tasks_db",
    "hrdd.core",
    "hrdd.accounts",
    "hrdd.audit",
    "hrdd.companies",
    "hrdd.procurements",
    "hrdd.consultations",
    "hrdd.risks",
    "hrdd.tenders",
    "hrdd.contracts",
    "hrdd.supplier_sites",
    "hrdd.incidents",
    "hrdd.rmi",
    "hrdd.programmes",
    "hrdd.profiles",
    "hrdd.web",
    "axes",  # login lockout (issue 17)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hrdd.core.middleware.UserLanguageMiddleware",
    # before any view or CsrfViewMiddleware reads the body: its size, and no NUL or control character
    "hrdd.core.middleware.RequestLimitMiddleware",
    "hrdd.core.middleware.ApiErrorShapeMiddleware",  # the API answers its errors in JSON, whoever made them
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hrdd.core.middleware.NotFoundMiddleware",
    # after NotFoundMiddleware: a closed supplier link is answered 410 before it would be a 404; throttles the
    # links and the anonymous risk check (429), sends link pages no-store and same-origin referrers (issue 17)
    "hrdd.core.throttle.SupplierLinkMiddleware",
    # django-axes last (its documentation): locks out an address after repeated failed logins
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hrdd.web.context_processors.memberships",
                "hrdd.web.context_processors.navigation",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
# A server database (DATABASE_URL) keeps each worker's connection for HRDD_CONN_MAX_AGE seconds instead of
# opening one per request (7 ms each on PostgreSQL, issue 9), checked before reuse so that a connection the server
# dropped is replaced, not an error. The embedded SQLite file costs nothing to open: 0 keeps no connection.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'hrdd.sqlite3'}",
        conn_max_age=int(os.environ.get("HRDD_CONN_MAX_AGE", "60" if "DATABASE_URL" in os.environ else "0")),
        conn_health_checks=_env_bool("HRDD_CONN_HEALTH_CHECKS", True),
    )
}
# The embedded SQLite file takes concurrent writers (issue 17: pages, the API and the task worker at once): a
# transaction takes the write lock when it begins (IMMEDIATE), so writers queue for it instead of one failing with
# "database is locked" when its read lock cannot be upgraded; a writer waits up to 20 s for it (timeout); WAL lets
# pages read while one transaction writes, and synchronous=NORMAL is safe with WAL (a power cut may lose the last
# commits, never corrupt the file).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # the landing page: what needs attention (a contract manager: the contracts)
LOGOUT_REDIRECT_URL = "login"
# Argon2 with 19 MiB per hash and at most HRDD_PASSWORD_HASH_CONCURRENCY hashes at once per process, so that
# parallel wrong logins cannot exhaust memory (issue 17, benchmarks/parallel_logins.py);
# hashes made with Django's own parameters (100 MiB each) are verified with theirs, under the same bound, and
# rewritten at the next login. (One hasher per algorithm name: Django's Argon2 hasher is not listed as well.)
PASSWORD_HASHERS = [
    "hrdd.core.passwords.BoundedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
HRDD_PASSWORD_HASH_CONCURRENCY = int(os.environ.get("HRDD_PASSWORD_HASH_CONCURRENCY", "2"))
# Login lockout (django-axes): HRDD_LOGIN_FAILURE_LIMIT failed attempts for one e-mail address from one client
# address lock that pair out for HRDD_LOGIN_LOCKOUT_MINUTES, answered 429 with Retry-After and a message.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("HRDD_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("HRDD_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (it holds the e-mail address)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hrdd.core.throttle.login_locked"
AXES_VERBOSE = False
# Requests without an account (issue 17, hrdd.core.throttle): per client address and window of seconds, the
# supplier links' pages and API, and the anonymous risk check. Behind a TLS proxy set HRDD_THROTTLE_PROXY_HOPS (the
# number of proxies that append to X-Forwarded-For); several server processes share counts only through a shared
# cache (CACHES).
HRDD_THROTTLE_ENABLED = _env_bool("HRDD_THROTTLE_ENABLED", True)
HRDD_THROTTLE_WINDOW = int(os.environ.get("HRDD_THROTTLE_WINDOW", "60"))
HRDD_THROTTLE_LINK_LIMIT = int(os.environ.get("HRDD_THROTTLE_LINK_LIMIT", "120"))
HRDD_THROTTLE_ANONYMOUS_LIMIT = int(os.environ.get("HRDD_THROTTLE_ANONYMOUS_LIMIT", "20"))
HRDD_THROTTLE_PROXY_HOPS = int(os.environ.get("HRDD_THROTTLE_PROXY_HOPS", "0"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The languages hrdd ships (issue 16), each named in itself in the switch; English is the default and the
# fallback of every catalogue and framework text. A visitor's first page follows the browser's Accept-Language.
LANGUAGES = [("en", "English"), ("nl", "Nederlands"), ("fr", "Français"), ("de", "Deutsch")]
LANGUAGE_COOKIE_NAME = "hrdd_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# hrdd's own date formats where Django's differ from a European buyer's (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "hrdd" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

MEDIA_ROOT = Path(os.environ.get("HRDD_MEDIA_ROOT", VAR_DIR / "media"))  # supplier submissions (never served)
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("HRDD_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it; collectstatic fills it in production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic also writes a gzip copy of each file, which whitenoise sends to browsers that accept it
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Until collectstatic has filled STATIC_ROOT (`hrdd serve` straight after installing) whitenoise serves the apps'
# own static folders; in development (DEBUG) always, so that an edited file shows at once.
WHITENOISE_USE_FINDERS = DEBUG or not (STATIC_ROOT / "hrdd" / "hrdd.css").exists()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work (imports) runs in a task queue. The embedded default keeps the queue in the database and
# `manage.py db_worker` (started by `hrdd serve`) runs it; production may point HRDD_TASKS_BACKEND at another
# django-tasks backend ("django_tasks.backends.immediate.ImmediateBackend" runs each task inside the request).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("HRDD_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Progress records are written at most this often (seconds) while a task runs.
HRDD_TASK_PROGRESS_INTERVAL = float(os.environ.get("HRDD_TASK_PROGRESS_INTERVAL", "0.5"))
# An export of more rows than this (e.g. a consultation's responses) is written by a background task with its
# progress shown, then downloaded from the run's result link; a smaller one is answered at once.
HRDD_EXPORT_IN_REQUEST_MAX = int(os.environ.get("HRDD_EXPORT_IN_REQUEST_MAX", "200"))

# An invitation to join an organisation (e-mailed to a colleague) works for this many days; a password reset link
# for PASSWORD_RESET_TIMEOUT seconds (Django's default: three days).
HRDD_INVITATION_DAYS = int(os.environ.get("HRDD_INVITATION_DAYS", "7"))
# A supplier's secret link works until the consultation's deadline, or the contract's end, plus a grace period in
# days (issue 17); the buyer may revoke or re-issue it at any time (hrdd.core.linktokens).
HRDD_INVITATION_LINK_GRACE_DAYS = int(os.environ.get("HRDD_INVITATION_LINK_GRACE_DAYS", "30"))
HRDD_CONTRACT_LINK_GRACE_DAYS = int(os.environ.get("HRDD_CONTRACT_LINK_GRACE_DAYS", "90"))
# A smelter-list request's link (hrdd.rmi): until the campaign's deadline plus this grace period; a campaign without
# a deadline, this many days after the link was issued; a closed campaign's links stop at once.
HRDD_RMI_LINK_GRACE_DAYS = int(os.environ.get("HRDD_RMI_LINK_GRACE_DAYS", "30"))
HRDD_RMI_LINK_UNDATED_DAYS = int(os.environ.get("HRDD_RMI_LINK_UNDATED_DAYS", "365"))
# E-mail goes to the console (the server's output) until an SMTP server is named: HRDD_EMAIL_HOST, its port, user and
# password; HRDD_EMAIL_USE_TLS=1 for STARTTLS (port 587), HRDD_EMAIL_USE_SSL=1 for TLS from the start (port 465).
EMAIL_HOST = os.environ.get("HRDD_EMAIL_HOST", "")
_EMAIL_BY_DEFAULT = "smtp" if EMAIL_HOST else "console"
EMAIL_BACKEND = os.environ.get(
    "HRDD_EMAIL_BACKEND", f"django.core.mail.backends.{_EMAIL_BY_DEFAULT}.EmailBackend"
)
EMAIL_USE_TLS = _env_bool("HRDD_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("HRDD_EMAIL_USE_SSL", False)
EMAIL_PORT = int(
    os.environ.get("HRDD_EMAIL_PORT") or (465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
)
EMAIL_HOST_USER = os.environ.get("HRDD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HRDD_EMAIL_PASSWORD", "")
# seconds: a server that does not answer fails the send instead of holding a worker
EMAIL_TIMEOUT = int(os.environ.get("HRDD_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("HRDD_FROM_EMAIL", "hrdd@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The one size limit of a file sent to hrdd, in megabytes (HRDD_UPLOAD_MAX_MB): 25 MB holds a sustainability
# report with its images. Every check (hrdd.core.uploads) and every file box's hint reads HRDD_MAX_UPLOAD_BYTES.
# A file up to the limit is held in memory, as it is read whole; a request body other than files may be as large.
HRDD_MAX_UPLOAD_BYTES = int(float(os.environ.get("HRDD_UPLOAD_MAX_MB", "25")) * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = HRDD_MAX_UPLOAD_BYTES
# A request body is refused (413) before it is read when it is larger than this (hrdd.core.middleware): a body
# carrying files may be HRDD_MAX_UPLOAD_BYTES plus its form's fields; any other body (a form, JSON) at most
# HRDD_MAX_FORM_BYTES (HRDD_FORM_MAX_MB, 2 MB unless set). Free text typed in a form or an API property that sets
# no smaller limit holds at most HRDD_MAX_TEXT_CHARS characters; JSON nests at most HRDD_MAX_JSON_DEPTH levels.
HRDD_MAX_FORM_BYTES = int(float(os.environ.get("HRDD_FORM_MAX_MB", "2")) * 1024 * 1024)
# the fields of a form sent with files count against the same limit as a form without (Django: 400 beyond it)
DATA_UPLOAD_MAX_MEMORY_SIZE = HRDD_MAX_FORM_BYTES
HRDD_MAX_TEXT_CHARS = int(os.environ.get("HRDD_TEXT_MAX_CHARS", "20000"))
HRDD_MAX_JSON_DEPTH = 32
# `hrdd restore` refuses an archive that unpacks to more bytes or members than this (hrdd.audit.backup)
HRDD_RESTORE_MAX_BYTES = int(os.environ.get("HRDD_RESTORE_MAX_BYTES", str(20 * 1024**3)))
HRDD_RESTORE_MAX_MEMBERS = int(os.environ.get("HRDD_RESTORE_MAX_MEMBERS", "1000000"))

SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS (HRDD_BASE_URL https://...): cookies travel over HTTPS only, and browsers are told to use nothing
# else for a year (HSTS, sent on HTTPS answers only). `make run` on http://127.0.0.1 keeps plain cookies.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("HRDD_SECURE_COOKIES", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("HRDD_HSTS_SECONDS", str(365 * 24 * 3600) if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HRDD_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# Asking to be preloaded binds the whole registrable domain, the owner's decision rather than hrdd's: off unless
# HRDD_HSTS_PRELOAD=1, and Django's reminder about it (security.W021) is silenced below.
SECURE_HSTS_PRELOAD = _env_bool("HRDD_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS proxy, the header by which the proxy tells that a request reached it over HTTPS, e.g.
# HRDD_PROXY_SSL_HEADER=X-Forwarded-Proto (the value "https" unless written "Name: value"). Set it only when the
# proxy always sets or replaces that header: a client could otherwise claim HTTPS. With it, plain HTTP requests are
# redirected to HTTPS (HRDD_SSL_REDIRECT=0 leaves that to the proxy); HRDD_USE_X_FORWARDED_HOST=1 takes the host from
# the proxy's X-Forwarded-Host.
_PROXY_SSL_HEADER = os.environ.get("HRDD_PROXY_SSL_HEADER", "").strip()
if _PROXY_SSL_HEADER:
    _name, _, _value = _PROXY_SSL_HEADER.partition(":")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _name.strip().upper().replace("-", "_"), _value.strip() or "https")
SECURE_SSL_REDIRECT = _env_bool("HRDD_SSL_REDIRECT", HTTPS and bool(_PROXY_SSL_HEADER))
USE_X_FORWARDED_HOST = _env_bool("HRDD_USE_X_FORWARDED_HOST", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin: a supplier's link (its token is in the address) is never sent to another site as the Referer
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "hrdd.web.errors.csrf_failure"
# Content Security Policy (django-csp): scripts, styles, images, fonts and fetches from hrdd itself only, no
# plugins, no framing, forms posted to hrdd only. Pages carry no inline script, no on...= handler, no <style> block
# and no style attribute (issue 17): their styles are the static sheets (hrdd.css and each app's own, linked by its
# templates), a dynamic colour or width an SVG attribute. Swagger UI draws its icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Every handler masks the secret of a supplier's link in what it writes (issue 17, hrdd.core.logmask): the
# development server's access lines ("django.server", redefined here to carry the filter) and request errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "hrdd.core.logmask.MaskTokensFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_tokens"]},
        "django.server": {
            "level": "INFO",
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_tokens"],
        },
    },
    "loggers": {"django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": os.environ.get("HRDD_LOG_LEVEL", "WARNING")},
}
