"""One settings file, driven by the environment.

With no DATABASE_URL the portal runs on SQLite; with no REDIS_URL Celery tasks run in-process
(the embedded default). Production sets both, plus SECRET_KEY and ID_NUMBER_KEY: with DEBUG off a
missing or development key is a system check error (config/checks.py), so no server starts on one.
"""
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# In the repository, so good for development only.
DEVELOPMENT_KEY = "insecure-dev-key-change-me-in-production-0123456789"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_KEY)
# Keys personal identity numbers: encrypted with a key derived from this, matched by a keyed hash.
# Only development falls back to SECRET_KEY; production sets its own.
ID_NUMBER_KEY = env("ID_NUMBER_KEY", default=SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Trigram search (pg_trgm) and OpClass in index expressions; harmless on SQLite.
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "simple_history",
    "csp",
    "heating",
    "subsidy",
    "supervision",
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
    "heating.views.errors.NulInQueryRefusedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "heating.views.errors.MethodNotAllowedPageMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "heating.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses every sign-in of a locked-out username or address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
# Each role lands where its work is (heating.views.landing).
LOGIN_REDIRECT_URL = "landing"
# A bureau officer lands on the first of these pages that has work for their bureau (heating's own
# inbox otherwise): config names them so that heating never imports the apps built on it.
BUREAU_LANDINGS = [
    "heating.selectors.policy_desk.bureau_landing_waiting",
    "heating.selectors.disputes.bureau_landing_waiting",
    "heating.selectors.institutions.bureau_landing_waiting",
    "subsidy.landing.bureau_landing",
    "supervision.landing.bureau_landing",
    "heating.selectors.disputes.bureau_landing",
    "heating.selectors.lowincome.bureau_landing",
    "heating.selectors.institutions.bureau_landing",
    "heating.selectors.complaints.bureau_landing",
    "heating.selectors.policy_desk.bureau_landing",
]
LOGOUT_REDIRECT_URL = "home"

# Password guessing (django-axes, on /accounts/login/ and /admin/login/ alike): LOGIN_FAILURE_LIMIT
# failures within the cool-off lock out the username, and so many from one address lock out that
# address, until LOGIN_COOLOFF_MINUTES after the last failure. Sign-ins refused during a lockout do
# not extend it, so the page can say when to come back. `manage.py axes_reset_username NAME`
# (or axes_reset_ip, axes_reset) unlocks early.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "config.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.login_throttle.client_address"
AXES_USERNAME_CALLABLE = "config.login_throttle.username"
# The proxies in front of the portal that append to X-Forwarded-For (0: none, trust REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Unlocking is by management command. axes' own admin pages (attempts: delete one to unlock) are
# off: turning them on needs rows of theirs in the every-model tests of tests/test_admin.py.
AXES_ENABLE_ADMIN = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

REDIS_URL = env("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Online payment orders (heating.services.orders): an open order is queried with its provider after
# ORDER_QUERY_AFTER_MINUTES (its notification may have been lost) and closed after ORDER_TIMEOUT_MINUTES.
ORDER_QUERY_AFTER_MINUTES = env.int("ORDER_QUERY_AFTER_MINUTES", default=5)
ORDER_TIMEOUT_MINUTES = env.int("ORDER_TIMEOUT_MINUTES", default=30)
# The sandbox provider pays a refund back at once, unless asynchronous like a real provider: then it
# stays processing until heating.payments.sandbox.refund_complete (the demo keeps it instant).
SANDBOX_REFUNDS_ASYNC = env.bool("SANDBOX_REFUNDS_ASYNC", default=False)

# Import files (heating.imports): the largest accepted, and how long a previewed file waits for its
# commit before the beat task deletes it (heating.tasks.imports_expire_previews).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_PREVIEW_HOURS = env.int("IMPORT_PREVIEW_HOURS", default=24)
# Uploaded files kept by the portal (never served directly: a scoped view hands them out).
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# The largest supporting file of a subsidy cost declaration (subsidy.attachments).
SUBSIDY_ATTACHMENT_MAX_BYTES = env.int("SUBSIDY_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A low-income certificate's scan sent with an application (heating.services.lowincome).
LOW_INCOME_SCAN_MAX_BYTES = env.int("LOW_INCOME_SCAN_MAX_BYTES", default=5 * 1024 * 1024)
# Reminders before a low-income certificate runs out (manage.py low_income_reminders, a beat task) are
# e-mailed from this address when it is set (and the household's login has an e-mail); they always show
# on /me/. EMAIL_HOST/EMAIL_PORT name the SMTP server.
REMINDER_EMAIL_FROM = env("REMINDER_EMAIL_FROM", default="")
# The inbox (heating.services.inbox) also e-mails each message, after its transaction commits, from this
# address to the recipients with an e-mail address; empty (and no REMINDER_EMAIL_FROM): inbox only.
INBOX_EMAIL_FROM = env("INBOX_EMAIL_FROM", default=REMINDER_EMAIL_FROM)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# Long jobs (heating.services.jobs): a claimed slot whose worker has been silent this long is taken
# over by another worker (its worker is taken for dead), a slot claimed this many times fails its job,
# and a reading or books file with more rows than IMPORT_JOB_ROWS is committed as a job, not in the
# request. A slot must finish well inside the lease.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=600)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
IMPORT_JOB_ROWS = env.int("IMPORT_JOB_ROWS", default=5000)
# The portal's address as printed on prepayment notices (the QR code of /activate/).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="https://heating.yiyuan.gov.cn").rstrip("/")
# Uploads above this size are spooled to a temporary file instead of memory (Django's default);
# beyond IMPORT_MAX_BYTES the first handler drops the rest of a file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "heating.imports.uploads.ImportSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# A request body held in memory (file uploads are limited apart). The largest body a client sends is a
# full remote-reading batch: 1,000 readings with every text at its longest, escaped and indented,
# is 1.4 MB (tests/api/test_request_errors.py builds it). Past this the API answers a JSON 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "heating.api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "heating.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "heating.api.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "沂源县城区供暖账户门户 API",
    "DESCRIPTION": "Heating accounts portal of Yiyuan county town under 源政办字〔2019〕54号.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: the portal must not depend on a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# No inline script or style anywhere: every page's code and CSS are static files. The API docs use
# drf-spectacular's split Swagger view, whose start-up script is a URL too (heating.views.api_docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSRF_FAILURE_VIEW = "heating.views.errors.csrf_failure"

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS, all off by default and on in the compose stack (behind a TLS-terminating proxy).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The healthcheck probes plain HTTP from inside the stack.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Trust the proxy's X-Forwarded-Proto: only where a proxy sets it and clients cannot reach past it.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("SECURE_PROXY_SSL_HEADER", default=False) else None
)

# Every handler masks identity numbers (config/logging.py). Django's default handlers are replaced,
# not added to, since they would write unfiltered: the django loggers propagate to the root's.
LOG_LEVEL = env("LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "id_numbers": {"()": "config.logging.IdNumberFilter"},
        "no_traceback_for_403": {"()": "heating.views.errors.NoTracebackFor403"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["id_numbers"]},
        # runserver's access log
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["id_numbers"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL},
        # A refused permission is an answer, not a fault: one line, no traceback.
        "django.request": {"filters": ["no_traceback_for_403"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# A refund still pending this many days after its season's settlement is overdue (the bureau's page).
REFUND_DUE_DAYS = env.int("REFUND_DUE_DAYS", default=30)

# Complaints (heating.services.complaints): how long a company has to answer each category, as hours
# ("4h") or working days ("5d": the same time of day that many Mondays-to-Fridays later), e.g.
# COMPLAINT_DEADLINES="leak=4h,no_heat=24h,cold=48h"; a category not named keeps its default. A room
# measured below COMPLAINT_MIN_ROOM_TEMPERATURE (°C) is flagged as below the minimum.
COMPLAINT_DEADLINES = env.dict("COMPLAINT_DEADLINES", default={})
COMPLAINT_MIN_ROOM_TEMPERATURE = Decimal(env.str("COMPLAINT_MIN_ROOM_TEMPERATURE", default="18"))
