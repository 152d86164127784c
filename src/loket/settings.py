"""Django settings for Loket, read from the environment (12-factor).

Every setting an office may change is a LOKET_* variable; defaults run the embedded
set-up (SQLite file and media folder under LOKET_DATA_DIR, background work in the same
database) with no other service.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from loket.core.env import envbool, envint, envlist, envstr
from loket.domain.intake.services import SERVICES

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("LOKET_DATA_DIR", "./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("LOKET_DEBUG", False)
DEMO = envbool("LOKET_DEMO", False)

# Required when debug is off; left empty here so that commands needing no secret
# (parse, migrate, calendar, coverage ...) run without one. Django raises a clear
# ImproperlyConfigured the moment something actually signs with an empty key, and
# `loket serve` / `loket worker` refuse to start without it.
SECRET_KEY = envstr("LOKET_SECRET_KEY") or ("insecure-debug-only-key" if DEBUG else "")

ALLOWED_HOSTS = envlist("LOKET_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("LOKET_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin behind the console's second factor (loket/console/admin_site.py).
    "loket.console.admin_app.LoketAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "axes",
    "csp",
    "loket.core",
    "loket.regions",
    "loket.offices",
    "loket.jobs",
    "loket.cases",
    "loket.channels.whatsapp",
    "loket.scheduling",
    "loket.console",
    "loket.coverage",
    "loket.hooks",
    "loket.privacy",
    "loket.outreach",
    "loket.survey",
    "loket.api",
    "loket.precheck",
]

MIDDLEWARE = [
    # First: every log line of the request, and its response, carry the request id.
    "loket.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Under /api/v1/ every error is an RFC 9457 problem (an unknown path, a 405, a crash).
    "loket.api.problems.ProblemMiddleware",
    "loket.core.csp.LoketCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages, JSON and CSV with Django's GZip (random padding against BREACH), not
    # photos or PDFs; static files come pre-compressed from whitenoise, above it.
    "loket.core.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "loket.urls"
WSGI_APPLICATION = "loket.wsgi.application"

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
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'loket.sqlite3'}",
        conn_max_age=envint("LOKET_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let `loket serve` and `loket worker` share one file;
    # IMMEDIATE transactions take the write lock up front instead of failing on upgrade.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    # A database that stops answering (a network partition, not a refused connection) must
    # fail a connect or a query within seconds, not hang a worker for TCP's quarter hour:
    # the worker then backs off and reconnects (loket.jobs.worker).
    DATABASES["default"].setdefault("OPTIONS", {})
    for option, value in {
        "connect_timeout": envint("LOKET_DB_CONNECT_TIMEOUT", 10),
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }.items():
        DATABASES["default"]["OPTIONS"].setdefault(option, value)
    test_name = envstr("LOKET_TEST_DB_NAME")
    if test_name:
        DATABASES["default"]["TEST"] = {"NAME": test_name}
    if envint("LOKET_DB_PREPARED", 1):
        # Parameters bound by the server and statements prepared once per connection: the
        # worker's statements repeat (claim, send, case), and planning them every time was
        # about 40% of PostgreSQL's CPU in `bench_reply_latency`. Set 0 behind a pooler
        # that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/console/login/"
LOGIN_REDIRECT_URL = "/console/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AXES_FAILURE_LIMIT = envint("LOKET_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLED = envbool("LOKET_AXES_ENABLED", True)
# Lockouts count per client address, read the same way as every other per-client limit.
AXES_CLIENT_IP_CALLABLE = "loket.core.client_ip.client_ip"
SESSION_COOKIE_AGE = envint("LOKET_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Cookies, HSTS, the proxy header and the Content-Security-Policy: "HTTPS and security headers" below.

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("LOKET_STATIC_DIR", str(DATA_DIR / "static"))).resolve()
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
MEDIA_ROOT = Path(envstr("LOKET_MEDIA_DIR", str(DATA_DIR / "media"))).resolve()
MEDIA_URL = "/media/"  # never served publicly: documents go through access-checked views
# Files Loket writes (residents' documents, receipts and documents it sends) go through
# Django's default storage: the media folder above, or with LOKET_S3_BUCKET a private bucket
# on any S3-compatible service (loket.core.storage; docs/operations.md, "Files on
# S3-compatible storage"). Credentials: the standard AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
# (or an instance role), read by boto3. No fallback to the local disk when the bucket fails.
LOKET_S3_BUCKET = envstr("LOKET_S3_BUCKET")
LOKET_S3_ENDPOINT_URL = envstr("LOKET_S3_ENDPOINT_URL")
LOKET_S3_REGION = envstr("LOKET_S3_REGION")
LOKET_S3_PREFIX = envstr("LOKET_S3_PREFIX").strip("/")
LOKET_DOCUMENT_MAX_MB = envint("LOKET_DOCUMENT_MAX_MB", 10)


def s3_storage(
    bucket: str, *, endpoint_url: str = "", region: str = "", prefix: str = "", max_mb: int = 10
) -> dict:
    """The default storage on a private bucket (loket.core.s3; the tests build theirs here too)."""
    return {
        "BACKEND": "loket.core.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "location": prefix.strip("/"),
            # A file read back (a download, a send, a re-check) stays in memory up to this
            # size rather than in a temporary file on the local disk.
            "max_memory_size": (max_mb + 1) * 1024 * 1024,
            # Path-style addressing for a custom endpoint: MinIO, Ceph and moto answer it
            # without wildcard DNS.
            "addressing_style": "path" if endpoint_url else None,
        },
    }


FILE_STORAGE = (
    s3_storage(
        LOKET_S3_BUCKET,
        endpoint_url=LOKET_S3_ENDPOINT_URL,
        region=LOKET_S3_REGION,
        prefix=LOKET_S3_PREFIX,
        max_mb=LOKET_DOCUMENT_MAX_MB,
    )
    if LOKET_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": FILE_STORAGE,
    # Hashed names and brotli/gzip copies written by `collectstatic` (`loket serve` runs it).
    "staticfiles": {"BACKEND": "loket.core.staticfiles.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("LOKET_MAX_BODY_BYTES", 4 * 1024 * 1024)

# --- cache ----------------------------------------------------------------------
# Redis (optional): Django's cache, the rate limits and the send slots (docs/operations.md,
# *Redis*). Every key starts with LOKET_REDIS_PREFIX, so installations can share a server.
REDIS_URL = envstr("LOKET_REDIS_URL")
LOKET_REDIS_PREFIX = envstr("LOKET_REDIS_PREFIX", "loket:")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": LOKET_REDIS_PREFIX + "cache",
            # A Redis that hangs fails a cache call in half a second, not a request's worth.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- logging: no personal data (NIK, names, phone numbers) in any log line --------
# "text" (default, for people and `make demo`) or "json" (one object per line, for a log
# shipper: docs/operations.md). Either way each line names its request id or job, and
# 16-digit and phone numbers are masked as a last line of defence (loket.core.logs).
LOKET_LOG_FORMAT = envstr("LOKET_LOG_FORMAT").strip().lower() or "text"
if LOKET_LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOKET_LOG_FORMAT must be text or json, got {LOKET_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "loket.core.logs.RecordContext"}},
    "formatters": {
        "text": {
            "()": "loket.core.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "loket.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "loket.core.logs.StderrHandler",
            "formatter": LOKET_LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOKET_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- the office -------------------------------------------------------------------
# The regency (kabupaten/kota) this office serves, and its region list (same CSV shape
# as the packaged wilayah_3603.csv). Another office names its own file here.
LOKET_OFFICE_NAME = envstr("LOKET_OFFICE_NAME", "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Tangerang")
LOKET_OFFICE_ADDRESS = envstr(
    "LOKET_OFFICE_ADDRESS", "Jl. Atiek Soeardi No. 1, Kadu Agung, Tigaraksa, Kabupaten Tangerang, Banten"
)
LOKET_REGION_CODE = envstr("LOKET_REGION_CODE", "36.03")
LOKET_REGION_FILE = envstr("LOKET_REGION_FILE")  # empty: the packaged Kabupaten Tangerang list
LOKET_REGION_ALIAS_FILE = envstr("LOKET_REGION_ALIAS_FILE")
# Operations alerts (loket.core.alerts): incidents opening and closing are POSTed here as
# JSON, from the job queue with retries; empty: no alerts. The secret signs the body.
LOKET_ALERT_WEBHOOK_URL = envstr("LOKET_ALERT_WEBHOOK_URL")
LOKET_ALERT_WEBHOOK_SECRET = envstr("LOKET_ALERT_WEBHOOK_SECRET")

# --- events out: signed webhooks (loket.hooks; docs/webhooks.md) ----------------------
# Personal data (NIK/KK, names) leaves Loket only for offices with a data-access agreement
# (PKS) with Dukcapil: the same switch as the REST API's `personal` tokens.
LOKET_API_PERSONAL_DATA = envbool("LOKET_API_PERSONAL_DATA", False)
# Webhook targets must be https:// and resolve to public addresses (no SSRF into the office
# network). These networks (CIDR, comma-separated) are allowed anyway, http:// included:
# e.g. "10.20.0.0/16" for a SIAK bridge on the office LAN, "127.0.0.1/32" for a local test.
LOKET_HOOKS_ALLOWED_NETWORKS = envlist("LOKET_HOOKS_ALLOWED_NETWORKS", "")
# Attempts per delivery (capped exponential backoff with jitter: docs/webhooks.md).
LOKET_HOOKS_MAX_ATTEMPTS = envint("LOKET_HOOKS_MAX_ATTEMPTS", 12)
LOKET_HOOKS_TIMEOUT_SECONDS = envint("LOKET_HOOKS_TIMEOUT_SECONDS", 10)

# --- WhatsApp Cloud API -------------------------------------------------------------
LOKET_WA_APP_SECRET = envstr("LOKET_WA_APP_SECRET")
LOKET_WA_VERIFY_TOKEN = envstr("LOKET_WA_VERIFY_TOKEN")
LOKET_WA_ACCESS_TOKEN = envstr("LOKET_WA_ACCESS_TOKEN")
LOKET_WA_GRAPH_URL = envstr("LOKET_WA_GRAPH_URL", "https://graph.facebook.com").rstrip("/")
LOKET_WA_API_VERSION = envstr("LOKET_WA_API_VERSION", "v26.0")
# Inbound (webhook, ingestion, media, conversation): docs/whatsapp-inbound.md
# Meta sends up to ~3 MB; a bigger body is refused with 413 before it is read.
LOKET_WA_MAX_BODY_BYTES = envint("LOKET_WA_MAX_BODY_BYTES", 4 * 1024 * 1024)
LOKET_WA_MEDIA_ATTEMPTS = envint("LOKET_WA_MEDIA_ATTEMPTS", 5)
# Residents' files (docs/operations.md): only these types, within these limits, count
# toward a checklist; anything else is kept for an officer, flagged, and the resident told
# (their size limit, LOKET_DOCUMENT_MAX_MB, sits with the file storage above).
LOKET_DOCUMENT_TYPES = envlist(
    "LOKET_DOCUMENT_TYPES", "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf"
)
LOKET_DOCUMENT_MAX_PIXELS = envint("LOKET_DOCUMENT_MAX_PIXELS", 50_000_000)
LOKET_DOCUMENT_PDF_MAX_PAGES = envint("LOKET_DOCUMENT_PDF_MAX_PAGES", 20)  # 0: no limit
LOKET_WA_ACK_DELAY_SECONDS = envint("LOKET_WA_ACK_DELAY_SECONDS", 4)
LOKET_WA_FLOOD_PER_MINUTE = envint("LOKET_WA_FLOOD_PER_MINUTE", 20)
# A guided conversation left unanswered this long ends with a polite note (docs/guided.md).
LOKET_WA_GUIDED_IDLE_MINUTES = envint("LOKET_WA_GUIDED_IDLE_MINUTES", 120)
LOKET_WA_DISPATCH_SECONDS = envint("LOKET_WA_DISPATCH_SECONDS", 1)
# Messages and statuses recorded per transaction: a huge delivery is split over several.
LOKET_WA_DISPATCH_CHUNK = envint("LOKET_WA_DISPATCH_CHUNK", 200)
# Failed tries (unknown errors) before a delivery, or the item that fails, is quarantined.
LOKET_WA_DISPATCH_ATTEMPTS = envint("LOKET_WA_DISPATCH_ATTEMPTS", 3)
# Reference views for bench/bench_ingest.py (never on in production).
LOKET_WA_BENCH_VIEWS = envbool("LOKET_WA_BENCH_VIEWS", False)
# Outbound (docs/whatsapp.md): rates, retries, the 24-hour window, templates, alerts.
LOKET_WA_RATE_PER_NUMBER = envint("LOKET_WA_RATE_PER_NUMBER", 80)  # messages per second per office number
# The per-number send slot in Redis when LOKET_REDIS_URL is set (else, or if Redis fails, in
# the database). Measured in docs/operations.md, *Redis*.
LOKET_WA_REDIS_SLOTS = envbool("LOKET_WA_REDIS_SLOTS", True)
LOKET_WA_PAIR_BURST = envint("LOKET_WA_PAIR_BURST", 4)  # quick messages in a row to one resident
LOKET_WA_PAIR_WINDOW_SECONDS = envint("LOKET_WA_PAIR_WINDOW_SECONDS", 24)  # ...within this many seconds
LOKET_WA_SEND_TIMEOUT_SECONDS = envint("LOKET_WA_SEND_TIMEOUT_SECONDS", 30)
LOKET_WA_CONNECT_TIMEOUT_SECONDS = envint("LOKET_WA_CONNECT_TIMEOUT_SECONDS", 10)
LOKET_WA_TIMEOUT_WAIT_SECONDS = envint(
    "LOKET_WA_TIMEOUT_WAIT_SECONDS", 120
)  # wait for a status before resending
LOKET_WA_RETRY_FIRST_SECONDS = envint("LOKET_WA_RETRY_FIRST_SECONDS", 2)
LOKET_WA_RETRY_CAP_SECONDS = envint("LOKET_WA_RETRY_CAP_SECONDS", 900)
LOKET_WA_RETRY_FOR_HOURS = envint("LOKET_WA_RETRY_FOR_HOURS", 24)
LOKET_WA_WINDOW_HOURS = envint("LOKET_WA_WINDOW_HOURS", 24)
LOKET_WA_WINDOW_MARGIN_SECONDS = envint("LOKET_WA_WINDOW_MARGIN_SECONDS", 300)
# Unset: the templates declared in code (channels/whatsapp/templates.py). Set: an override,
# `kind=template_name:language` (or `declared_name=name:language`) pairs, comma separated; a
# kind left out is held outside the window (docs/whatsapp.md).
LOKET_WA_TEMPLATES = os.environ.get("LOKET_WA_TEMPLATES")
LOKET_WA_PAUSE_PROBE_SECONDS = envint("LOKET_WA_PAUSE_PROBE_SECONDS", 60)
LOKET_WA_STATE_CACHE_SECONDS = envint("LOKET_WA_STATE_CACHE_SECONDS", 1)  # number/pause state per worker
LOKET_WA_STALL_SECONDS = envint("LOKET_WA_STALL_SECONDS", 900)  # oldest waiting message older: alert
LOKET_WA_WEBHOOK_SILENCE_MINUTES = envint("LOKET_WA_WEBHOOK_SILENCE_MINUTES", 120)
# model label.field of the stored raw deliveries, read by the webhook-silence alert
LOKET_WA_WEBHOOK_CLOCK = envstr("LOKET_WA_WEBHOOK_CLOCK", "whatsapp.Delivery.received_at")
# (end of WhatsApp settings)

# --- document pre-checks (loket.precheck, docs/precheck.md) ----------------------------
# The OCR engine: "rapidocr" (ships its models in the wheel), "tesseract" (Debian's, with
# tesseract-ocr-ind) or "none" (every number check then reports not_checked).
LOKET_PRECHECK_OCR = envstr("LOKET_PRECHECK_OCR", "rapidocr")

# --- intake (loket.domain.intake) ----------------------------------------------------
# The office WhatsApp number residents send each service to ("KIA=0856...,KK=0812...";
# only those that differ from the defaults). The domain reads the variable itself so
# that `loket parse` needs no settings; it is repeated here for the console to show.
LOKET_SERVICE_NUMBERS = envstr("LOKET_SERVICE_NUMBERS")
# (end of intake settings)

# --- jobs (loket.jobs) ------------------------------------------------------------------
# Finished jobs are purged after this many days (failed ones after the second figure,
# so an administrator can still read why); the purge runs every LOKET_JOBS_PURGE_SECONDS.
LOKET_JOBS_KEEP_DAYS = envint("LOKET_JOBS_KEEP_DAYS", 7)
LOKET_JOBS_KEEP_FAILED_DAYS = envint("LOKET_JOBS_KEEP_FAILED_DAYS", 30)
LOKET_JOBS_PURGE_SECONDS = envint("LOKET_JOBS_PURGE_SECONDS", 3600)
# (end of jobs settings)

# --- operations (docs/operations.md) -------------------------------------------
# Bearer token for GET /metrics (Prometheus); empty: /metrics answers 404.
LOKET_METRICS_TOKEN = envstr("LOKET_METRICS_TOKEN")
# --- personal data (loket.privacy; UU 27/2022) --------------------------------------------
# How long personal data is kept, in days (docs/privacy.md explains the proposed defaults,
# to be agreed with the office's archivist): a closed request's files and personal fields
# (from its closing), message texts (from receipt), raw webhook deliveries (from receipt).
# 0 means "expire at once". The purge runs daily (`loket privacy purge` by hand).
LOKET_RETAIN_DOCUMENTS_DAYS = envint("LOKET_RETAIN_DOCUMENTS_DAYS", 90)
LOKET_RETAIN_MESSAGES_DAYS = envint("LOKET_RETAIN_MESSAGES_DAYS", 180)
LOKET_RETAIN_DELIVERIES_DAYS = envint("LOKET_RETAIN_DELIVERIES_DAYS", 30)
# Webhook deliveries sent out (loket.hooks): their payload snapshots, from creation.
LOKET_RETAIN_HOOK_DELIVERIES_DAYS = envint("LOKET_RETAIN_HOOK_DELIVERIES_DAYS", 30)
# The privacy notice's version: bump it on a material change; residents are asked again.
LOKET_PRIVACY_NOTICE_VERSION = envstr("LOKET_PRIVACY_NOTICE_VERSION", "2026-11")
# (end of personal data settings)

# --- satisfaction survey (loket.survey; docs/skm.md) --------------------------------------
# Weight per element: the regulation's written "0.11" or exactly "1/9"; every report says which.
LOKET_SKM_WEIGHT = envstr("LOKET_SKM_WEIGHT", "0.11")
LOKET_SKM_ENABLED = envbool("LOKET_SKM_ENABLED", True)
# The invitation waits this long after the hand-over or rejection (the resident has just left
# the counter, or just read bad news).
LOKET_SKM_INVITE_DELAY_MINUTES = envint("LOKET_SKM_INVITE_DELAY_MINUTES", 60)
LOKET_SKM_EXPIRE_HOURS = envint("LOKET_SKM_EXPIRE_HOURS", 72)
LOKET_SKM_EXPIRE_CHECK_SECONDS = envint("LOKET_SKM_EXPIRE_CHECK_SECONDS", 3600)
LOKET_RETAIN_SURVEY_SUGGESTIONS_DAYS = envint("LOKET_RETAIN_SURVEY_SUGGESTIONS_DAYS", 730)

# --- cases and console (loket.cases, loket.console) -----------------------------------
# Checklist per service: LOKET_CHECKLIST_<SERVICE>=key,key,... replaces the national
# default (loket.domain.checklists); local practice below is layered on top.
LOKET_CHECKLIST_OVERRIDES = {
    service: envlist(f"LOKET_CHECKLIST_{service}", "")
    for service in SERVICES
    if envlist(f"LOKET_CHECKLIST_{service}", "")
}
# Local practice, not national rule: the family card must list both parents (KIA).
LOKET_KIA_PARENTS_IN_ONE_KK = envbool("LOKET_KIA_PARENTS_IN_ONE_KK", False)
LOKET_KIA_PHOTO_SIZE = envstr("LOKET_KIA_PHOTO_SIZE", "2x3")
# Single parents and guardians are served (national floor); one parent's KTP-el suffices.
LOKET_KIA_SINGLE_PARENT = envbool("LOKET_KIA_SINGLE_PARENT", True)
# Expiry of requests waiting on the resident, with a reminder first.
LOKET_CASE_EXPIRE_DAYS = envint("LOKET_CASE_EXPIRE_DAYS", 14)
LOKET_CASE_REMINDER_DAYS = envint("LOKET_CASE_REMINDER_DAYS", 10)
# A subject with a document of the same service issued this recently is a duplicate.
LOKET_DUPLICATE_DAYS = envint("LOKET_DUPLICATE_DAYS", 90)
# Console: cases one officer may hold in review; minutes before an untouched case returns
# to the queue; minutes a resent case waits for the officer who asked for the correction.
LOKET_CONSOLE_REVIEW_LIMIT = envint("LOKET_CONSOLE_REVIEW_LIMIT", 5)
LOKET_CONSOLE_IDLE_MINUTES = envint("LOKET_CONSOLE_IDLE_MINUTES", 60)
LOKET_CONSOLE_RESERVE_MINUTES = envint("LOKET_CONSOLE_RESERVE_MINUTES", 240)
# The name authenticator apps show next to the console's codes.
OTP_TOTP_ISSUER = envstr("LOKET_TOTP_ISSUER", "Loket Dukcapil")
# (end of cases and console settings)

# --- scheduling (loket.scheduling) -------------------------------------------------------
# Defaults for each service's outcome, lead time (working days) and capacity per session;
# an administrator changes them per service in the admin (scheduling.ServiceSchedule).
LOKET_PICKUP_LEAD_DAYS = envint("LOKET_PICKUP_LEAD_DAYS", 14)
LOKET_APPOINTMENT_LEAD_DAYS = envint("LOKET_APPOINTMENT_LEAD_DAYS", 2)
LOKET_SESSION_CAPACITY = envint("LOKET_SESSION_CAPACITY", 40)  # per session (pagi, siang)
LOKET_DAY_CAPACITY = envint("LOKET_DAY_CAPACITY", 80)
# Cards the office can print per working day (the capacity planner, docs/planning.md).
LOKET_PRINTING_PER_DAY = envint("LOKET_PRINTING_PER_DAY", 200)
# How far ahead approvals look for a session with room, in working days.
LOKET_BOOKING_HORIZON_DAYS = envint("LOKET_BOOKING_HORIZON_DAYS", 60)
# Reminder the working day before the date, from this hour (office time).
LOKET_REMINDER_HOUR = envint("LOKET_REMINDER_HOUR", 9)
# Not collected: a reminder this many working days after the date, a flag for the officer later.
LOKET_NO_SHOW_REMINDER_DAYS = envint("LOKET_NO_SHOW_REMINDER_DAYS", 3)
LOKET_NO_SHOW_FLAG_DAYS = envint("LOKET_NO_SHOW_FLAG_DAYS", 10)
# Where the QR code on a receipt points: the public address of this Loket.
LOKET_PUBLIC_URL = envstr("LOKET_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
LOKET_RESCHEDULE_CHOICES = envint("LOKET_RESCHEDULE_CHOICES", 8)  # rows in the WhatsApp list (max 10)
# (end of scheduling settings)

# --- outreach: reminders with consent (docs/outreach.md) ----------------------------
# A child's reminder goes from this many days before the event to this many after it.
LOKET_OUTREACH_LEAD_DAYS = envint("LOKET_OUTREACH_LEAD_DAYS", 30)
LOKET_OUTREACH_GRACE_DAYS = envint("LOKET_OUTREACH_GRACE_DAYS", 30)
# Pacing within Meta's messaging limit (business-initiated reach per 24 h, lowest tier 250).
LOKET_OUTREACH_PER_RUN = envint("LOKET_OUTREACH_PER_RUN", 50)
LOKET_OUTREACH_PER_DAY = envint("LOKET_OUTREACH_PER_DAY", 150)

# --- HTTPS and security headers (docs/operations.md) -----------------------------
# Loket speaks plain HTTP; in production a proxy in front ends TLS. A public address on
# https:// turns on Secure cookies and HSTS. Loket never redirects http to https itself
# (the proxy does), so `make demo` keeps working on http://127.0.0.1:8000/.
LOKET_HTTPS = LOKET_PUBLIC_URL.startswith("https://")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("LOKET_SECURE_COOKIES", LOKET_HTTPS)  # explicit override either way
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = False
# HSTS is sent on requests Django sees as https (the proxy header below); LOKET_HSTS=0 where
# the proxy adds its own header.
SECURE_HSTS_SECONDS = (
    envint("LOKET_HSTS_SECONDS", 365 * 24 * 3600) if LOKET_HTTPS and envbool("LOKET_HSTS", True) else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # the office's other sites are not ours to pin
# The proxies in front of Loket: how many append to X-Forwarded-For (the client address is
# the entry that many places from the right; 0 = REMOTE_ADDR), and whether they set
# X-Forwarded-Proto (then trusted for "is this request https"). Behind an https address one
# proxy is assumed. The proxy must overwrite, not pass on, both headers from the client.
LOKET_PROXY_COUNT = envint("LOKET_PROXY_COUNT", 1 if LOKET_HTTPS else 0)
if envbool("LOKET_PROXY_PROTO_HEADER", LOKET_HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every response (django-csp 4). No inline script, no eval:
# pages load their JavaScript from /static/ (htmx with allowEval off, plotly.js from our
# own server), and data reaches scripts in <script type="application/json"> islands.
EMPTY_INLINE_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # sha256 of ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Only empty inline style: plotly.js adds an empty <style> whose rules it inserts through
        # the CSSOM (not governed by CSP) and clears colour bars with style=""; the hash is
        # the hash of the empty string, so no inline style with content is allowed.
        "style-src": ["'self'", "'unsafe-hashes'", EMPTY_INLINE_STYLE],
        "worker-src": ["'self'", "blob:"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
# Receipt verification (/v/<token>) per client address, counted in a store every process
# shares (the database, or Redis when LOKET_REDIS_URL is set).
LOKET_VERIFY_PER_MINUTE = envint("LOKET_VERIFY_PER_MINUTE", 30)
# (end of security settings)

# --- the REST API (loket.api, docs/api.md) ------------------------------------------------
# Requests per minute per token, counted in the store every process shares (core.ratelimit).
LOKET_API_PER_MINUTE = envint("LOKET_API_PER_MINUTE", 120)
# Tokens with the `personal` scope (whole NIK/KK, residents' data, document files) may be made
# only where the office has a data-access agreement (PKS) with Dukcapil.
LOKET_API_PERSONAL_DATA = envbool("LOKET_API_PERSONAL_DATA", False)

# --- coverage (loket.coverage) -----------------------------------------------------------
# Strategic-plan KIA coverage targets in percent, per year ("2022:41,2023:90").
LOKET_COVERAGE_TARGETS = {
    int(year): float(value)
    for year, value in (
        item.split(":", 1) for item in envlist("LOKET_COVERAGE_TARGETS", "2022:41,2023:90") if ":" in item
    )
}
# A coverage move between two semesters beyond this many percentage points is flagged.
LOKET_COVERAGE_JUMP_POINTS = envint("LOKET_COVERAGE_JUMP_POINTS", 20)
# Ready cards not collected after this many days count as no-shows.
LOKET_COVERAGE_NO_SHOW_DAYS = envint("LOKET_COVERAGE_NO_SHOW_DAYS", 14)
# Coverage figures whose period ended more than this many months ago carry a stale-data warning.
LOKET_COVERAGE_STALE_MONTHS = envint("LOKET_COVERAGE_STALE_MONTHS", 12)
# (end of coverage settings)

# --- document pre-checks: the job and the console (loket.precheck; docs/precheck.md) ------
# One reading's hard limits (a child process is killed past them): seconds, well inside a
# job's 60-second lease, and its address space in MB (the OCR engine needs about a gigabyte).
LOKET_PRECHECK_SECONDS = envint("LOKET_PRECHECK_SECONDS", 30)
LOKET_PRECHECK_MEMORY_MB = envint("LOKET_PRECHECK_MEMORY_MB", 2048)
# The child's photo background colours the office requires ("merah", "biru", "putih",
# several comma-separated). Empty (the default): no background rule, sources disagree.
LOKET_PRECHECK_BACKGROUND = envstr("LOKET_PRECHECK_BACKGROUND")
# (end of document pre-check settings)
