"""Settings for hrdd: one file, driven by the environment, safe local defaults.

SQLite is the embedded default; set DATABASE_URL (e.g. postgres://user@127.0.0.1:5432/hrdd) for PostgreSQL.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HRDD_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("HRDD_DEBUG", True)
# The local default key is for development only; production must set HRDD_SECRET_KEY.
SECRET_KEY = os.environ.get("HRDD_SECRET_KEY", "hrdd-local-development-key-not-for-production")
if not DEBUG and SECRET_KEY.startswith("hrdd-local"):
    raise RuntimeError("Set HRDD_SECRET_KEY when HRDD_DEBUG is off.")
ALLOWED_HOSTS = os.environ.get("HRDD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("HRDD_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Base of the links sent to suppliers by e-mail.
HRDD_BASE_URL = os.environ.get("HRDD_BASE_URL", "http://127.0.0.1:8000")
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hrdd.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hrdd.core.middleware.NotFoundMiddleware",
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

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # the landing page: what needs attention (a contract manager: the contracts)
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
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
EMAIL_BACKEND = os.environ.get("HRDD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("HRDD_FROM_EMAIL", "hrdd@localhost")

# The one size limit of a file sent to hrdd, in megabytes (HRDD_UPLOAD_MAX_MB): 25 MB holds a sustainability
# report with its images. Every check (hrdd.core.uploads) and every file box's hint reads HRDD_MAX_UPLOAD_BYTES.
# A file up to the limit is held in memory, as it is read whole; a request body other than files may be as large.
HRDD_MAX_UPLOAD_BYTES = int(float(os.environ.get("HRDD_UPLOAD_MAX_MB", "25")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = HRDD_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = HRDD_MAX_UPLOAD_BYTES

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HRDD_LOG_LEVEL", "WARNING")},
}
