"""Settings shared by every environment; everything that differs comes from the environment.

With nothing set the project runs on SQLite and a filesystem Celery broker (no servers needed).
DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://... switch to PostgreSQL and Redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Login lockout (等保 2.0 level 3: 登录失败处理): failed attempts, lockouts, unlock in the admin.
    "axes",
    # The second factor (等保 2.0 level 3, 双因素认证): authenticator apps (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The project's apps, core first; each depends only on those above it (docs/architecture.md).
    "decisions",
    "reviews",
    "deadlines",
    "consultations",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    "decisions.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "decisions.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "decisions.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits (SESSION_IDLE_TIMEOUT, SESSION_ABSOLUTE_TIMEOUT below).
    "decisions.accounts.sessions.SessionTimeoutMiddleware",
    # request.user.is_verified(), then the second factor demanded of those who owe it.
    "django_otp.middleware.OTPMiddleware",
    "decisions.accounts.second_factor.SecondFactorMiddleware",
    # The security log: refusals, downloads and exports (decisions.accounts.security_log).
    "decisions.accounts.security_log.SecurityLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a lockout raised during authentication into our lockout page.
    "axes.middleware.AxesMiddleware",
]

# The lockout backend first: it refuses a locked-out account before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Content-Security-Policy (django-csp 4) in every environment, so the tests and the browser tests
# run under the policy production sends. The pages carry no inline script, style block, style=
# attribute or on...= handler (their scripts and styles are static files), so none of
# 'unsafe-inline' / 'unsafe-eval' is allowed. Only the API's third-party documentation pages relax
# it (config/api_urls.py). The charts are inline <svg> in the page, which needs no source.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "deadlines.bell.bell",
                "reviews.navigation.review_menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        # A kept connection is pinged before a request reuses it, so a restarted database costs one
        # failed ping, never a failed request.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Worker, beat and web share the SQLite file: wait for locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif not env_bool("DATABASE_JIT", False):
    # PostgreSQL compiles a query to machine code when its estimated cost passes jit_above_cost. The
    # pages' queries are short, and their estimates (over the visibility's id sets) run high: at
    # 100,000 decisions the department filter spent 2.5 s of its 2.6 s compiling. DATABASE_JIT=1
    # gives it back (reports on a replica may gain from it).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A streaming replica of the primary (PostgreSQL) for the reports' reads (config/routers.py). Its
# connection is configured as the primary's; the tests read the primary through it.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=DATABASES["default"]["CONN_HEALTH_CHECKS"],
        ),
        "TEST": {"MIRROR": "default"},
    }
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **DATABASES["replica"]["OPTIONS"]}
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process (API throttling budgets, per token) when a Redis URL is given;
# the per-process memory cache otherwise.
if os.environ.get("DJANGO_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_CACHE_URL"],
            # A cache that is down answers at once instead of hanging requests (throttling then
            # fails open: decisions.api.throttling).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }

# Passwords (等保 2.0 level 3, 口令复杂度): at least 12 characters, not a common password, not all
# digits, not like the user's name or e-mail. Checked wherever a password is set through a form
# (the password change page, the admin, createsuperuser).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language of the words the product writes into a decision's record (an event's comment naming
# a material or a conclusion), whatever language the writer's pages were in.
DT_RECORD_LANGUAGE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DT_MEDIA_ROOT", VAR_DIR / "media"))

# Login lockout (等保 2.0 level 3, 登录失败处理): after AXES_FAILURE_LIMIT wrong passwords for one
# account the account is locked for AXES_COOLOFF_TIME, on the site's login page and the admin's alike
# (API tokens take no password). Locked by account, not by address: an office shares one NAT
# address, and guessing from many addresses must still stop. Administrators unlock in the admin
# (Axes > Access attempts: delete the account's row).
AXES_FAILURE_LIMIT = int(os.environ.get("DT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DT_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Axes warns when the address is not a lockout parameter; by account is the choice made above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout; more wrong passwords while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "decisions.accounts.lockout.lockout_response"
# The address as the event log records it: REMOTE_ADDR, which behind the installation's own proxies
# (DT_TRUSTED_PROXIES: networks, comma-separated) is the address they forwarded
# (decisions.middleware.TrustedProxyMiddleware); X-Forwarded-For from anywhere else is not trusted.
DT_TRUSTED_PROXIES = env_list("DT_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "decisions.api.authentication.client_ip"
AXES_VERBOSE = False

# Session timeouts (等保 2.0 level 3, 会话超时): logged out after 30 minutes without a request and 12
# hours after the login whatever happens (decisions.accounts.sessions). The cookie's own age is the
# absolute limit, and it ends with the browser.
SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("DT_SESSION_IDLE_MINUTES", "30")))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("DT_SESSION_ABSOLUTE_HOURS", "12")))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# The second factor (decisions.accounts.second_factor): required of superusers, staff and legal-office
# heads when this is on; off only in the demo's settings (config/settings/local.py), documented in
# docs/security.md.
DT_SECOND_FACTOR_REQUIRED = env_bool("DT_SECOND_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("DT_OTP_ISSUER", "重大行政决策")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "decisions:list"
LOGOUT_REDIRECT_URL = "login"

# Attachments (file uploads): what a government file may be, and how big.
ATTACHMENT_MAX_BYTES = int(os.environ.get("DT_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
ATTACHMENT_EXTENSIONS = ("pdf", "docx", "doc", "xlsx", "ofd", "jpg", "jpeg", "png")
# A Word, Excel or OFD package (a zip) may unpack to at most this much, and no part of it may be
# compressed more than this many times (zip bombs; decisions.services.attachments).
ATTACHMENT_UNZIPPED_MAX_BYTES = int(os.environ.get("DT_ATTACHMENT_UNZIPPED_MAX_BYTES", str(100 * 1024 * 1024)))
ATTACHMENT_ZIP_MAX_RATIO = int(os.environ.get("DT_ATTACHMENT_ZIP_MAX_RATIO", "100"))
# A request's fields (JSON or form, files not counted) are at most this big: every text has its
# own limit (decisions.limits, at most 20,000 characters), and even a meeting record with many
# members' reasons stays well under it. Larger is refused (413) before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DT_DATA_UPLOAD_MAX_BYTES", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A whole request body, files included: the largest attachment plus its form
# (decisions.middleware.RequestSizeLimitMiddleware refuses more before reading it).
DT_REQUEST_MAX_BYTES = ATTACHMENT_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE

# The REST API (decisions.api). Token first: its WWW-Authenticate header makes an anonymous call a
# 401, not a 403. Throttle rates are per token (or per user, or per address when anonymous).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "decisions.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["decisions.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("DT_API_RATE_TOKEN", "3000/hour"),
        "user": os.environ.get("DT_API_RATE_USER", "3000/hour"),
        "anon": os.environ.get("DT_API_RATE_ANON", "300/hour"),
    },
    "DEFAULT_PAGINATION_CLASS": "decisions.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "decisions.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "decisions.api.schema.ApiAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON everywhere; the attachment upload view adds multipart itself.
    "DEFAULT_PARSER_CLASSES": ["decisions.api.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API tokens expire this many days after they are issued; an administrator rotates them before then.
DT_API_TOKEN_DAYS = int(os.environ.get("DT_API_TOKEN_DAYS", "90"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Major administrative decisions tracker API",
    "DESCRIPTION": "重大行政决策程序 (Order No. 713): decisions, steps, reviews, transitions, annual figures.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DecisionStateEnum": "decisions.models.DecisionState",
        "StepStateEnum": "decisions.models.StepState",
        "StepKindEnum": "decisions.models.StepKind",
        "AttachmentKindEnum": "decisions.models.Attachment.Kind",
        "DepartmentKindEnum": "decisions.models.Department.Kind",
        "GovernmentLevelEnum": "decisions.models.Government.Level",
        "RiskLevelEnum": "decisions.models.RiskAssessmentRecord.Level",
        "MaterialKindEnum": "reviews.models.MaterialKind",
        "ItemResponseEnum": "reviews.models.ItemResponse",
        "StanceEnum": "decisions.models.Stance",
        "CommentChannelEnum": "consultations.choices.Channel",
        "EnteredChannelEnum": "consultations.choices.ENTERED_CHANNELS",
        "MeetingRoleEnum": "decisions.models.MeetingRole",
        "MeetingCorrectionFieldEnum": "decisions.models.MeetingCorrection.Field",
        "WaiverRequestStatusEnum": "decisions.models.WaiverRequestStatus",
        "DraftingKindEnum": "decisions.models.DraftingRecord.Kind",
        "DraftingProposerEnum": "decisions.models.DraftingRecord.Proposer",
    },
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999},
        "step_kind": {"type": "string", "enum": ["public_participation", "expert_argument", "risk_assessment"]},
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "decisions.api.schema.add_error_responses",
    ],
    # Served from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: Redis by URL, otherwise kombu's filesystem transport (worker and beat as separate
# processes, no server).
# The host part means nothing to the filesystem transport; naming it keeps kombu from warning.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost/")
_BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed", "control"):
        (_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "out"),
        "data_folder_out": str(_BROKER_DIR / "out"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat only starts scans; the scans find what is due in the database (deadlines.reminders).
DT_REMINDER_SCAN_SECONDS = float(os.environ.get("DT_REMINDER_SCAN_SECONDS", "300"))
DT_REMINDER_SCAN_BUDGET_SECONDS = float(os.environ.get("DT_REMINDER_SCAN_BUDGET_SECONDS", "240"))
CELERY_BEAT_SCHEDULE: dict = {
    "scan-reminders": {"task": "decisions.scan_reminders", "schedule": DT_REMINDER_SCAN_SECONDS},
    "refresh-deadlines": {"task": "decisions.refresh_deadlines", "schedule": crontab(hour=0, minute=10)},
    "drop-long-deferred": {"task": "decisions.drop_long_deferred", "schedule": crontab(hour=0, minute=20)},
    # Opinion letters whose rendering could not be published when the opinion was issued.
    "render-missing-letters": {"task": "reviews.render_missing_letters", "schedule": DT_REMINDER_SCAN_SECONDS},
    # Every rule of the record (decisions.integrity) checked; the administrators told of any finding.
    "check-integrity": {"task": "reporting.check_integrity", "schedule": crontab(hour=1, minute=30)},
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # When Redis is down, publishing fails at once (and is logged) instead of hanging a request.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# Reminders by e-mail (SMTP by these settings in production) and by webhook (group robots).
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "重大行政决策 <noreply@decisions.invalid>")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DT_MAIL_DOMAIN = os.environ.get("DT_MAIL_DOMAIN", "decisions.invalid")
DT_SITE_URL = os.environ.get("DT_SITE_URL", "http://127.0.0.1:8000")
DT_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("DT_WEBHOOK_TIMEOUT_SECONDS", "5"))
# A failed e-mail or webhook is retried by the following scans after 1, 2, 4... minutes (at most an
# hour apart), and marked failed after this many attempts.
DT_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DT_DELIVERY_MAX_ATTEMPTS", "8"))
DT_DELIVERY_BACKOFF_SECONDS = float(os.environ.get("DT_DELIVERY_BACKOFF_SECONDS", "60"))
DT_DELIVERY_BACKOFF_MAX_SECONDS = float(os.environ.get("DT_DELIVERY_BACKOFF_MAX_SECONDS", "3600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "decisions.accounts.security_log.JsonFormatter"}},
    # Refusals (403, a refused action) are logged as one line, without a traceback.
    "filters": {"one_line_refusals": {"()": "decisions.request_log.OneLineRefusals"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # The security log (docs/security.md): JSON lines, to standard error by default, or to the
        # file DT_SECURITY_LOG_FILE (kept by the host's log rotation for at least six months).
        "security": (
            {
                "class": "logging.handlers.WatchedFileHandler",
                "filename": os.environ["DT_SECURITY_LOG_FILE"],
                "formatter": "json",
            }
            if os.environ.get("DT_SECURITY_LOG_FILE")
            else {"class": "logging.StreamHandler", "formatter": "json"}
        ),
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DT_LOG_LEVEL", "INFO")},
    "loggers": {
        "security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # Axes narrates every attempt; the security log records them once, in JSON.
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # Once, on the console: Django's own default adds a second console handler in DEBUG.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["one_line_refusals"]},
        # WeasyPrint narrates every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
