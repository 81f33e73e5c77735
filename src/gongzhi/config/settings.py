"""One settings module, driven by environment variables (see docs/deploy.md).

Development defaults: embedded SQLite in ./var, console SMS, local-memory cache.
Production: DATABASE_URL, SECRET_KEY or SECRET_KEY_FILE, ALLOWED_HOSTS, REDIS_URL, GONGZHI_ENV=production.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from gongzhi.core.crypto import short_key_problems
from gongzhi.core.env import env_bool, env_int, env_list, env_str, read_secret

BASE_DIR = Path(__file__).resolve().parent.parent  # src/gongzhi
VAR_DIR = Path(env_str("GONGZHI_VAR_DIR", str(Path.cwd() / "var")))
PRODUCTION = env_str("GONGZHI_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = read_secret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY or SECRET_KEY_FILE in production.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghijklmnop"  # noqa: S105

# Personal data at rest (PIPL): Fernet keys for ID numbers / phones, HMAC key for blind indexes.
# Comma-separated so keys can be rotated: the first encrypts, all decrypt.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or env_list("FIELD_ENCRYPTION_KEY")
BLIND_INDEX_KEY = read_secret("BLIND_INDEX_KEY")
if PRODUCTION and not (FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY):
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY in production.")
if _short_keys := short_key_problems(
    secret_key=SECRET_KEY, blind_index_key=BLIND_INDEX_KEY, production=PRODUCTION
):
    raise ImproperlyConfigured("; ".join(_short_keys))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or (["*"] if not PRODUCTION else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "gongzhi.accounts.apps.AdminConfig",  # the admin signs in through the staff page (decision 0038)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",  # ships Swagger UI files, so /api/v1/docs works offline under our CSP
    "gongzhi.core",
    "gongzhi.territory",
    "gongzhi.orgs",
    "gongzhi.people",
    "gongzhi.accounts",
    "gongzhi.ledgers",
    "gongzhi.appeals",
    "gongzhi.dispatch",
    "gongzhi.hotissues",
    "gongzhi.points",
    "gongzhi.service",
    "gongzhi.places",
    "gongzhi.circles",
    "gongzhi.parking",
    "gongzhi.projects",
    "gongzhi.councils",
    "gongzhi.assemblies",
    "gongzhi.needs",
    "gongzhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gongzhi.core.middleware.ChosenLanguageMiddleware",
    "gongzhi.core.input_guard.RefuseBadInput",  # 413 for oversized bodies, 400 for NUL (decision 0041)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongzhi.core.audit.RefusalAuditMiddleware",  # refusal rows outlive the view's rollback (0039)
    "gongzhi.accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "gongzhi.core.errors.RefusalPageMiddleware",  # a refusal a view lets through (decision 0045)
]

ROOT_URLCONF = "gongzhi.config.urls"
WSGI_APPLICATION = "gongzhi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.accounts.context.actor",
            ],
        },
    }
]

VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():  # the database and uploads: owner only (core.filemodes)
    VAR_DIR.chmod(0o700)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN,
    # so two writers queue instead of failing mid-transaction with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
# Sign-in limits and credentials (decision 0038). Staff passwords: LOCKOUT_FAILURES per username
# *and* client address in LOCKOUT_MINUTES (a stranger locks out only their own address), and a
# much higher ceiling per username across all addresses against distributed guessing.
LOCKOUT_FAILURES = env_int("LOCKOUT_FAILURES", 5)
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 15)
LOCKOUT_USERNAME_FAILURES = env_int("LOCKOUT_USERNAME_FAILURES", 50)
LOCKOUT_USERNAME_MINUTES = env_int("LOCKOUT_USERNAME_MINUTES", 60)
# Residents' one-time codes: tries per code, failures per phone (across codes) and per client
# address, code requests per address, per phone per day and in total per day (SMS cost).
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 300)
OTP_RESEND_SECONDS = env_int("OTP_RESEND_SECONDS", 60)
OTP_MAX_TRIES = env_int("OTP_MAX_TRIES", 5)
OTP_PHONE_FAILURES = env_int("OTP_PHONE_FAILURES", 10)
OTP_LOCKOUT_MINUTES = env_int("OTP_LOCKOUT_MINUTES", 60)
OTP_IP_FAILURES_PER_HOUR = env_int("OTP_IP_FAILURES_PER_HOUR", 30)
OTP_IP_REQUESTS_PER_HOUR = env_int("OTP_IP_REQUESTS_PER_HOUR", 30)
OTP_DAILY_PER_PHONE = env_int("OTP_DAILY_PER_PHONE", 10)
OTP_DAILY_TOTAL = env_int("OTP_DAILY_TOTAL", 20000)
TOKEN_TTL_DAYS = env_int("TOKEN_TTL_DAYS", 90)
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30)
# Exact searches by full ID number or phone per actor and hour (audited; decision 0039).
EXACT_SEARCH_PER_HOUR = env_int("EXACT_SEARCH_PER_HOUR", 20)
# Proxies whose X-Forwarded-For is believed (addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    for _proxy in TRUSTED_PROXIES:
        ipaddress.ip_network(_proxy, strict=False)
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from exc
SMS_BACKEND = env_str("SMS_BACKEND", "gongzhi.accounts.sms.ConsoleSmsBackend")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on a missing directory before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static_build"] if (BASE_DIR / "static_build").exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Map: no basemap by default (intranets have none); set e.g. an internal tile server URL.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

# Everything is served from this host: no CDN, no inline scripts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],  # Leaflet sets inline styles on map panes
    "img-src": [CSP.SELF, "data:", *([MAP_TILE_URL.split("/{")[0]] if MAP_TILE_URL else [])],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; kept default-safe
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every handler masks ID numbers, phones and 6-digit codes (core.logmask). Django's own "django" and
# "django.server" handlers are replaced: they would print the same records unmasked.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "gongzhi.core.logmask.MaskPersonalData"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
