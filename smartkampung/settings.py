"""Settings for Smart Kampung.

Everything that differs between a laptop demo and a regency deployment comes from the
environment (see README). Defaults give a working demo on SQLite with no set-up.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from smartkampung.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_from_env_or_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# Files the platform writes at run time: the SQLite database, generated secrets, uploads,
# signing keys. Ignored by git; a deployment points it at persistent storage.
VAR_DIR = Path(env_str("SMARTKAMPUNG_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = secret_from_env_or_file("DJANGO_SECRET_KEY", VAR_DIR / "secret_key")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "core.apps.SmartKampungAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "core",
    "regions",
    "agencies",
    "people",
    "accounts",
    "documents",
    "services",
    "portal",
    "complaints",
    "api",
    "assistance",
    "health",
    "economy",
    "planning",
    "rollout",
    "queues",
    "dashboards",
    "security",
    "csp",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.KioskMiddleware",
    "security.middleware.PrivatePagesMiddleware",
    "security.middleware.IdleSessionMiddleware",
    "security.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that a locked-out sign-in is answered after authentication ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smartkampung.urls"
WSGI_APPLICATION = "smartkampung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.views.navigation",
            ],
        },
    },
]

# SQLite (WAL) is the embedded default; DATABASE_URL selects PostgreSQL for a regency.
_default_sqlite = f"sqlite:///{VAR_DIR / 'smartkampung.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        # Take the write lock when a transaction starts, so two writers queue up instead of
        # failing half-way with "database is locked".
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Parameters sent apart from the statement, which PostgreSQL then plans once per
        # connection after its fifth use instead of on every request (bench/README.md).
        # Switch off behind a pooler in transaction mode without prepared-statement support
        # (PgBouncer before 1.21).
        DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Counts failures and locks out repeated guessing before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.NikPinBackend",
    "accounts.backends.UsernameBackend",
]
# Ten wrong PINs or passwords in a row lock the account's sign-in (issue 4).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
# A NIK or user name is locked after the limit whatever address the guesses come from (so
# spreading them over many addresses does not help), and the pair as well.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Database sessions (Django's), read with one plain statement per request (core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed out after this many minutes without a request (security.middleware); kiosks are
# stricter still (KIOSK_IDLE_SECONDS).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from this site;
# no inline script or style anywhere (templates keep them in static files), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Staff must enrol a TOTP authenticator before any page (on in the production profile).
STAFF_TOTP_REQUIRED = env_bool("STAFF_TOTP_REQUIRED", False)

# Village kiosks: the resident is signed out after this many seconds without a touch.
KIOSK_IDLE_SECONDS = env_int("KIOSK_IDLE_SECONDS", 90)
# Resident self-activation: wrong one-time codes before the NIK is locked, and for how long.
ACTIVATION_CODE_FAILURE_LIMIT = env_int("ACTIVATION_CODE_FAILURE_LIMIT", 10)
ACTIVATION_CODE_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
# API tokens: residents' app tokens, kiosk device tokens, residents' sessions on a kiosk.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
API_KIOSK_TOKEN_HOURS = env_int("API_KIOSK_TOKEN_HOURS", 12)
API_KIOSK_RESIDENT_MINUTES = env_int("API_KIOSK_RESIDENT_MINUTES", 15)

# How background jobs run: "thread" (in the web process, one machine), "worker"
# (`manage.py run_jobs` processes), "celery" (Celery workers; the production profile sets the
# broker, docs/deployment.md) or "inline" (tests). See core/jobs.py.
JOBS_MODE = env_str("JOBS_MODE", "thread")
# Jobs `manage.py run_jobs` queues by itself: kind -> seconds between runs.
PERIODIC_JOBS = {
    "dashboards.refresh": env_int("DASHBOARD_REFRESH_SECONDS", 300),
    "complaints.escalate": env_int("COMPLAINT_ESCALATION_SECONDS", 900),
    "portal.prune_activations": 24 * 60 * 60,
    "assistance.prune_uploads": 24 * 60 * 60,
}
# Uploaded assistance lists (kept after a dry run for the real import) are deleted after this.
ASSISTANCE_UPLOAD_KEEP_DAYS = env_int("ASSISTANCE_UPLOAD_KEEP_DAYS", 14)

# Complaints: how long a reporter may reopen a resolved complaint, and the Open311 jurisdiction.
COMPLAINTS_REOPEN_DAYS = env_int("COMPLAINTS_REOPEN_DAYS", 14)
COMPLAINTS_OPEN311_JURISDICTION = env_str("COMPLAINTS_OPEN311_JURISDICTION", "banyuwangikab.go.id")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["smartkampung.formats"]
USE_I18N = True
USE_TZ = True
# Banyuwangi is in WIB (UTC+7); the server itself may run in UTC.
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Asia/Jakarta")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Tests and a fresh checkout serve static files straight from the source folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# Documents: the signing keys (a real deployment points this at its own, e.g. keys issued by
# the national signing authority), the public address printed under each QR code, and the
# limit on PDFs uploaded to the public verification page.
SIGNING_KEY_DIR = Path(env_str("SIGNING_KEY_DIR", str(VAR_DIR / "pki")))
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "")
DOCUMENTS_TIME_ZONE = TIME_ZONE
DOCUMENTS_VERIFY_UPLOAD_MAX_BYTES = env_int("DOCUMENTS_VERIFY_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# Where import reports (summaries and rejects files) are written.
IMPORT_REPORT_DIR = VAR_DIR / "imports"

# Uploaded attachments (PDF, JPEG, PNG only) live in MEDIA_ROOT/attachments, which no URL
# serves: a view checks the reader's scope first. Larger uploads are refused unread.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
# Where residents' notifications go: a class with send(phone, text). The default writes them
# to the log; an SMS or WhatsApp gateway class is plugged in here.
NOTIFICATION_CHANNEL = env_str("NOTIFICATION_CHANNEL", "core.notifications.ConsoleChannel")
# The regency's own days off (ISO dates, comma-separated) on top of national holidays and
# collective leave; the administrator adds more in the admin (core.DayOff).
REGENCY_DAYS_OFF = env_list("REGENCY_DAYS_OFF", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A refused page (403/404) is an expected answer, not a fault: no traceback for it.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # fontTools reports every glyph table it subsets while a PDF is written.
        "fontTools": {"level": "WARNING"},
    },
}
