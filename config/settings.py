"""Settings for the super-complaints service.

Every value that differs between machines comes from the environment, read by helpers that fail
loudly at start-up on a value they cannot understand. Secrets come only from the environment.
"""

import re
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.storage import documents_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but a recognised spelling is an error."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        # A development key, refused outside DEBUG so production can never run on it.
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789"  # noqa: S105
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (or DJANGO_DEBUG=1 for local development).")
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name at least one host.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The service's own address. Every absolute link (feeds, e-mails, password-reset links) is built
# from it, never from the request's Host header, which a client chooses.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured("SITE_URL must be set, e.g. https://super-complaints.example.org.")
if not SITE_URL.startswith(("https://", "http://")) or SITE_URL.count("/") != 2:
    raise ImproperlyConfigured(
        f"SITE_URL={SITE_URL!r} must be a scheme and host only, e.g. https://example.org."
    )


def env_audit_keys(name: str) -> dict[str, str]:
    """``id:secret,id:secret`` from the environment: the keys of the audit chain, by id."""
    raw = env.str(name, default="")
    keys: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        key_id, sep, secret = item.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", key_id):
            raise ImproperlyConfigured(
                f"{name}: each key is id:secret, the id 1 to 32 letters, digits, - or _ ({key_id!r} is not)."
            )
        if len(secret) < 32:
            raise ImproperlyConfigured(
                f"{name}: the secret of key {key_id!r} must be at least 32 characters."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"{name}: key {key_id!r} is listed twice.")
        keys[key_id] = secret
    return keys


# The audit chain is keyed (HMAC-SHA256) with secrets kept outside the database, so someone who can
# write to the database cannot forge an event that verifies. Rotate by adding a key and pointing
# AUDIT_HMAC_KEY_ID at it; keep the old keys listed so older events still verify.
AUDIT_HMAC_KEYS = env_audit_keys("AUDIT_HMAC_KEYS")
if not AUDIT_HMAC_KEYS:
    if DEBUG:
        AUDIT_HMAC_KEYS = {"dev": "dev-only-audit-key-do-not-use-in-production"}
    else:
        raise ImproperlyConfigured(
            "AUDIT_HMAC_KEYS must be set, as id:secret (or DJANGO_DEBUG=1 for local development)."
        )
AUDIT_HMAC_KEY_ID = env.str("AUDIT_HMAC_KEY_ID", default="")
if not AUDIT_HMAC_KEY_ID:
    if len(AUDIT_HMAC_KEYS) > 1:
        raise ImproperlyConfigured(
            "AUDIT_HMAC_KEY_ID must name the current key when AUDIT_HMAC_KEYS has several."
        )
    AUDIT_HMAC_KEY_ID = next(iter(AUDIT_HMAC_KEYS))
if AUDIT_HMAC_KEY_ID not in AUDIT_HMAC_KEYS:
    raise ImproperlyConfigured(
        f"AUDIT_HMAC_KEY_ID={AUDIT_HMAC_KEY_ID!r} is not one of the keys in AUDIT_HMAC_KEYS."
    )
# Signed checkpoints of the chain head (manage.py audit_checkpoint) are written here, outside the
# database. In production this is a directory the web process can read but not write.
AUDIT_CHECKPOINT_DIR = Path(env.str("AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit-checkpoints")))


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Domain apps
    "audit",
    "accounts",
    "organisations",
    "deadlines",
    "complaints",
    "reports",
    "recommendations",
    "evidence",
    "outbox",
    "inquiries",
    "accuracy",
    "calls",
    "alerts",
    "redaction",
    "themes",
    "retention",
    # Above the domain apps: coordinates several of them
    "operations",
    "pagecache",
    # Interface apps
    "access",
    "public",
    "portal",
    "casework",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.PrivateResponsesMiddleware",
    "common.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Marks a public page served from the cache, for the fast path in front of Django (config/wsgi.py).
    "pagecache.fastpath.PublicPageRoutes",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "common.security.RequestBodyLimitMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.security.RateLimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web process share the embedded database.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
# Keep connections between requests: opening one costs more than a cached page (for SQLite, the
# PRAGMAs above run on every connect), and a cached page still reads its version (pagecache).
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DATABASE_CONN_MAX_AGE", 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in protection (accounts.lockout): short pauses, so an attacker cannot lock a real user out
# for long. AXES_FAILURE_LIMIT failures for one account from one address, the account limit from
# every address together, the address limit for every account tried from it (spraying).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
SIGN_IN_ACCOUNT_FAILURE_LIMIT = env_int("SIGN_IN_ACCOUNT_FAILURE_LIMIT", 10)
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SIGN_IN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = 0.25  # hours: fifteen minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "accounts.lockout.SignInAttemptsHandler"
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "accounts.views.sign_in_paused"
# A second factor's secret is shown only when the device is created (accounts/admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The name authenticator apps show beside the account (in the set-up link of a new app).
OTP_TOTP_ISSUER = "Police super-complaints"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Documents (evidence, information-request files, letters) are kept in the private "documents"
# storage: DOCUMENT_ROOT on this machine, or an S3-compatible bucket named by DOCUMENT_STORAGE_URL
# (config/storage.py). Nothing stored is ever served under a URL of its own: MEDIA_URL is not routed,
# and every download goes through a view that checks permission (evidence/downloads.py).
DOCUMENT_ROOT = Path(env.str("DOCUMENT_ROOT", default=str(VAR_DIR / "documents")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "documents": documents_storage(env.str("DOCUMENT_STORAGE_URL", default=""), DOCUMENT_ROOT),
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# ClamAV: every upload is scanned by clamd when one is configured (a unix socket, or a host and
# port). While it is configured but cannot be reached, files are kept "scan pending" and released
# only once a later scan passes (evidence/scanning.py, docs/operations.md).
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 60)
# A submission (a complaint's evidence together) may hold at most this much.
EVIDENCE_MAX_SUBMISSION_SIZE = env_int("EVIDENCE_MAX_SUBMISSION_SIZE", 200 * 1024 * 1024)
# Text extraction for search (evidence/extraction.py), per file, in a child process: at most this
# many characters kept, bytes decompressed from any one archive member, seconds, and bytes of memory.
EVIDENCE_EXTRACT_MAX_CHARS = env_int("EVIDENCE_EXTRACT_MAX_CHARS", 1_000_000)
EVIDENCE_EXTRACT_MEMBER_BYTES = env_int("EVIDENCE_EXTRACT_MEMBER_BYTES", 50 * 1024 * 1024)
EVIDENCE_EXTRACT_TIMEOUT = env_int("EVIDENCE_EXTRACT_TIMEOUT", 60)
EVIDENCE_EXTRACT_MEMORY = env_int("EVIDENCE_EXTRACT_MEMORY", 1024 * 1024 * 1024)
# Evidence search ranks at most this many matching documents a person may see, the most recently
# added, and says "more than" this many when there are more (evidence/search.py,
# docs/decisions/0050-bounded-evidence-search.md).
EVIDENCE_SEARCH_RANK_LIMIT = env_int("EVIDENCE_SEARCH_RANK_LIMIT", 1000)
if EVIDENCE_SEARCH_RANK_LIMIT < 1:
    raise ImproperlyConfigured("EVIDENCE_SEARCH_RANK_LIMIT must be 1 or more.")

# Uploads. An evidence file may be up to EVIDENCE_MAX_FILE_SIZE (checked by evidence.checks, with
# a clear message); files above FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file rather
# than held in memory. DATA_UPLOAD_MAX_MEMORY_SIZE limits the rest of a request (form text, not
# files): 5 MB holds the longest complaint text. A proxy in front must accept bodies of at least
# 26 MB (e.g. nginx client_max_body_size 26m); runserver, gunicorn and granian set no limit.
EVIDENCE_MAX_FILE_SIZE = env_int("EVIDENCE_MAX_FILE_SIZE", 25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Whole request bodies, refused with 413 before they are read (common.security): anonymous visitors
# only send small forms; people signed in with both factors may upload one evidence file.
ANONYMOUS_MAX_BODY_SIZE = env_int("ANONYMOUS_MAX_BODY_SIZE", 64 * 1024)
SIGNED_IN_MAX_BODY_SIZE = EVIDENCE_MAX_FILE_SIZE + 1024 * 1024
# The one larger anonymous form: a response to a call for evidence (public.calls). Up to 10
# questions (calls.services.MAX_QUESTIONS) of up to 10,000 characters each (MAX_ANSWER_LENGTH); a
# character can take 12 bytes once form-encoded (4 UTF-8 bytes, each sent as %XX), plus 64 KB for
# the rest of the form; and up to 3 attached files (calls.services.MAX_FILES) of up to
# EVIDENCE_MAX_FILE_SIZE each. Only POSTs to that page get it
# (common.security.RequestBodyLimitMiddleware); a proxy in front must accept it (nginx
# client_max_body_size 77m).
CALL_RESPONSE_MAX_BODY_SIZE = env_int(
    "CALL_RESPONSE_MAX_BODY_SIZE", 10 * 10_000 * 12 + 3 * EVIDENCE_MAX_FILE_SIZE + 64 * 1024
)
# Spam resistance on that form without a third party: responses from one address an hour, and the
# least time in seconds between opening the form and sending it (a signed timestamp in the form).
CALL_RESPONSE_RATE_LIMIT_PER_HOUR = env_int("CALL_RESPONSE_RATE_LIMIT_PER_HOUR", 10)
CALL_RESPONSE_MIN_SECONDS = env_int("CALL_RESPONSE_MIN_SECONDS", 5)
# The public e-mail alerts' sign-up form: requests from one address an hour (alerts, public.alerts).
ALERT_SUBSCRIBE_RATE_LIMIT_PER_HOUR = env_int("ALERT_SUBSCRIBE_RATE_LIMIT_PER_HOUR", 10)

# E-mail: console in development, any Django backend through EMAIL_URL in production.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="super-complaints@localhost")
# The authorities' super-complaints team hears of new complaints, withdrawals and positions awaited
# at its shared mailbox, not at each staff user's address (docs/decisions/0012-outbox.md).
CASEWORK_TEAM_EMAIL = env.str(
    "CASEWORK_TEAM_EMAIL", default="super-complaints-team@localhost" if DEBUG else ""
).strip()
if not CASEWORK_TEAM_EMAIL or "@" not in CASEWORK_TEAM_EMAIL:
    raise ImproperlyConfigured(
        "CASEWORK_TEAM_EMAIL must be the super-complaints team's e-mail address, e.g. team@example.org."
    )
# The outbox retries a message that could not be sent, waiting 1, 2, 4... minutes (doubling from
# OUTBOX_RETRY_SECONDS, at most 6 hours), and after OUTBOX_MAX_ATTEMPTS leaves it failed for staff.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)
# A message left "sending" longer than this (its worker died mid-send) is taken back and retried.
OUTBOX_SENDING_LEASE_SECONDS = env_int("OUTBOX_SENDING_LEASE_SECONDS", 600)

TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}


def with_kept_clients(config: dict) -> dict:
    """Redis through common.redis_cache: Django's backend, keeping its Redis clients (see there)."""
    if config.get("BACKEND") == "django.core.cache.backends.redis.RedisCache":
        return {**config, "BACKEND": "common.redis_cache.RedisCache"}
    return config


CACHES = {
    "default": with_kept_clients(env.cache("CACHE_URL", default="locmemcache://")),
    # Rate-limit counters (common.ratelimit); shared by every web process when it is Redis.
    "ratelimit": with_kept_clients(
        env.cache("RATELIMIT_CACHE_URL", default=env.str("CACHE_URL", default="locmemcache://ratelimit"))
    ),
}
# Requests a minute from one address to the public search and to the JSON API (429 beyond).
SEARCH_RATE_LIMIT_PER_MINUTE = env_int("SEARCH_RATE_LIMIT_PER_MINUTE", 30)
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)
# How many proxies in front of the service append to X-Forwarded-For; 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXIES", 0)
# Password-reset requests: per address submitted and per client address, each per hour.
PASSWORD_RESET_LIMIT_PER_ACCOUNT = env_int("PASSWORD_RESET_LIMIT_PER_ACCOUNT", 3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)
# Public register pages and API answers are cached whole and purged when something public changes (pagecache);
# this is the longest a page is kept. 0 turns the cache off.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 3600)
# After a purge the task worker renders the purged pages again, so no visitor waits for them
# (pagecache.warm). Only worth it when every process reads the same cache (Redis, a database or
# file cache): pages the worker stores in its own memory would serve nobody, so it is off by
# default with the per-process memory cache.
_SHARED_CACHE = CACHES["default"]["BACKEND"] not in {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
PUBLIC_CACHE_WARM = env_bool("PUBLIC_CACHE_WARM", _SHARED_CACHE)
# Each process also keeps the stored pages it has served, up to this many bytes, under the same
# keys (a purge changes the key, so it is seen as soon as in the shared cache): a hit then reads
# nothing from Redis. 0 turns it off; off by default with the per-process memory cache, which
# is this process's already (pagecache.cache, "Where things are kept").
PUBLIC_CACHE_LOCAL_BYTES = env_int("PUBLIC_CACHE_LOCAL_BYTES", 32 * 1024 * 1024 if _SHARED_CACHE else 0)
# While the worker renders the pages a publication purged, visitors are served the copy from before
# it, if that copy is at most this many seconds old (only with warming on; never after anything was
# taken out of public view: see pagecache.cache, "Publications do not make visitors wait").
PUBLIC_CACHE_STALE_SECONDS = env_int("PUBLIC_CACHE_STALE_SECONDS", 60)
# The most addresses one warming requests, the busiest first (a change seen on every page warms
# the lists, every public complaint's pages and the organisations' pages, in this order).
PUBLIC_CACHE_WARM_LIMIT = env_int("PUBLIC_CACHE_WARM_LIMIT", 500)

# Sessions: end after 30 minutes idle and after 12 hours in any case (see accounts.middleware).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_MAX_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE = env_bool("DJANGO_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
if SECURE:
    # __Host-: the browser accepts these only over HTTPS, for the whole site, from this host and no
    # subdomain, so a sibling host cannot plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The one inline script (GOV.UK's body-class snippet in templates/base.html) is allowed by its hash
# rather than a nonce: a page is then the same bytes for every visitor, so a stored public page is
# served as it was stored (docs/decisions/0052). tests/public/test_shell.py proves the hash is the
# script's: change both together.
INLINE_SCRIPT_HASH = "'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, INLINE_SCRIPT_HASH],
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

LOGIN_URL = "accounts:login"
# Password-reset links work once and for one hour at most.
PASSWORD_RESET_TIMEOUT = 60 * 60
# An organisation administrator's invitation to a colleague works for this many days.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
LOGIN_REDIRECT_URL = "/"

# The public record shipped with the product; corrected in the product, never at its source.
PUBLIC_RECORD_DIR = BASE_DIR / "data" / "public_record"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
