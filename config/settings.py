"""Django settings for xiufu: one file, every value from the environment through typed helpers.

See docs/configuration.md for the list of variables. A malformed value raises ``ConfigError``
naming the variable; ``xiufu`` prints it and stops.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from xiufu.core.env import ConfigError, Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.path("XIUFU_DATA_DIR", Path.cwd() / "var")
PRODUCTION = env.flag("XIUFU_PRODUCTION", False)
DEBUG = env.flag("XIUFU_DEBUG", False)


def _secret_key() -> str:
    value = env.string("SECRET_KEY")
    if value:
        if len(value) < 32:
            raise ConfigError("SECRET_KEY", "must be at least 32 characters long")
        return value
    if PRODUCTION:
        raise ConfigError("SECRET_KEY", "is required when XIUFU_PRODUCTION is true")
    # The embedded default keeps its own key in the data directory, created once.
    key_file = DATA_DIR / "keys" / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


for _directory in (DATA_DIR, DATA_DIR / "static", DATA_DIR / "media"):
    _directory.mkdir(parents=True, exist_ok=True)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.items("XIUFU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.items("XIUFU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "xiufu.core",
    "xiufu.audit",
    "xiufu.accounts",
    "xiufu.enterprises",
    "xiufu.records",
    "xiufu.calendar",
    "xiufu.rules",
    "xiufu.evidence",
    "xiufu.cases",
    "xiufu.bureau",
    "xiufu.letters",
    "xiufu.portal",
    "xiufu.desk",
    "xiufu.demo",
    "django_htmx",
]

MIDDLEWARE = [
    "xiufu.core.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xiufu.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xiufu" / "templates"],
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

DATABASES = {
    "default": env.database_url("DATABASE_URL", f"sqlite:///{DATA_DIR / 'xiufu.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so
        # that two concurrent transactions queue up instead of failing on lock upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "xiufu.accounts.backends.ActiveAccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: django-axes locks a username+address pair after N failures for a cool-off time.
AXES_FAILURE_LIMIT = env.integer("XIUFU_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.integer("XIUFU_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.integer("XIUFU_SESSION_SECONDS", 8 * 3600, minimum=60)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "xiufu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

STORAGE_BACKEND = env.choice("XIUFU_STORAGE", "local", ("local", "s3"))
if STORAGE_BACKEND == "s3":
    _bucket = env.string("XIUFU_S3_BUCKET")
    if not _bucket:
        raise ConfigError("XIUFU_S3_BUCKET", "is required when XIUFU_STORAGE is s3")
    _default_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env.string("XIUFU_S3_ENDPOINT_URL") or None,
            "region_name": env.string("XIUFU_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Content-addressed names: two uploads of the same new bytes at once write the same
        # file; overwrite instead of renaming the second one (which would break the address).
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL, "allow_overwrite": True},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Request bodies: JSON is small; uploads have their own limits from the rule pack later.
MAX_REQUEST_BODY_BYTES = env.integer("XIUFU_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
# Every uploaded file is hashed (SHA-256) while it streams in: see xiufu/core/uploadhandlers.py.
FILE_UPLOAD_HANDLERS = [
    "xiufu.core.uploadhandlers.HashingMemoryFileUploadHandler",
    "xiufu.core.uploadhandlers.HashingTemporaryFileUploadHandler",
]

# The institution operating this xiufu: the furnisher of the records it shows.
FURNISHER_CODE = env.string("XIUFU_FURNISHER_CODE", "B0000000000001")
FURNISHER_NAME = env.string("XIUFU_FURNISHER_NAME", "修复示范银行股份有限公司")

# The evidence ledger (xiufu/evidence, docs/evidence.md). The log's Ed25519 signing key is a C2SP
# signed-note private key (PRIVATE+KEY+name+id+base64), from the environment or a file; the
# embedded default generates one on first run in the data directory. The salt keys the HMAC that
# turns a case number into the log's case reference, so the log holds no readable case data.
EVIDENCE_KEY_DIR = env.path("XIUFU_EVIDENCE_KEY_DIR", DATA_DIR / "keys" / "evidence")
EVIDENCE_SIGNING_KEY = env.string("XIUFU_LOG_SIGNING_KEY")
EVIDENCE_SIGNING_KEY_FILE = env.string("XIUFU_LOG_SIGNING_KEY_FILE")
EVIDENCE_SALT = env.string("XIUFU_EVIDENCE_SALT")
# RFC 3161: an external timestamp authority by URL (with its PEM certificate chain, TSA first),
# or the embedded local one (labelled "local trust" wherever shown).
EVIDENCE_TSA_URL = env.string("XIUFU_TSA_URL")
EVIDENCE_TSA_CHAIN_FILE = env.string("XIUFU_TSA_CHAIN_FILE")
EVIDENCE_CHECKPOINT_SECONDS = env.integer("XIUFU_CHECKPOINT_SECONDS", 3, minimum=1)
# The public verification page (/verify/) accepts a file up to this size to check against a receipt.
EVIDENCE_VERIFY_MAX_FILE_BYTES = env.integer(
    "XIUFU_VERIFY_MAX_FILE_BYTES", 50 * 1024 * 1024, minimum=1024
)
# Trust roots for signed PDFs among the materials (a PEM bundle); none: signers show as untrusted.
PDF_TRUST_ROOTS_FILE = env.string("XIUFU_PDF_TRUST_ROOTS_FILE")
if PRODUCTION and not (EVIDENCE_SIGNING_KEY or EVIDENCE_SIGNING_KEY_FILE):
    raise ConfigError(
        "XIUFU_LOG_SIGNING_KEY", "or XIUFU_LOG_SIGNING_KEY_FILE is required in production"
    )
if PRODUCTION and not EVIDENCE_SALT:
    raise ConfigError("XIUFU_EVIDENCE_SALT", "is required in production")
if EVIDENCE_TSA_URL and not EVIDENCE_TSA_CHAIN_FILE:
    raise ConfigError("XIUFU_TSA_CHAIN_FILE", "is required with XIUFU_TSA_URL")

# Letters (xiufu/letters): the address printed on them for the public verification page, and the
# institution's prefix of document numbers (示范银征异受〔2026〕12号).
PUBLIC_BASE_URL = env.string("XIUFU_PUBLIC_URL", "http://127.0.0.1:8000")
LETTER_NUMBER_PREFIX = env.string("XIUFU_LETTER_NUMBER_PREFIX", "示范银征异")
LETTER_DEPARTMENT = env.string("XIUFU_LETTER_DEPARTMENT", "征信管理部")
LETTER_ADDRESS = env.string("XIUFU_LETTER_ADDRESS", "浙江省杭州市上城区示范路1号")
LETTER_PHONE = env.string("XIUFU_LETTER_PHONE", "0571-00000000")
# Days the enterprise is given to supplement (the pack sets none: the institution does).
LETTER_SUPPLEMENT_DAYS = env.integer("XIUFU_SUPPLEMENT_DAYS", 15, minimum=1)
BUREAU_NAME = env.string("XIUFU_BUREAU_NAME", "中国人民银行征信中心")

# The bureau adapter corrections leave through (xiufu/bureau/adapters.py).
BUREAU_ADAPTER = env.choice(
    "XIUFU_BUREAU_ADAPTER", "inprocess", ("inprocess", "manual", "sandbox", "filedrop")
)
# The sandbox bureau (``xiufu sandbox-bureau``; ``xiufu serve`` starts it on this port when the
# adapter is "sandbox" and the address is local), and the outbox worker's delivery policy.
BUREAU_SANDBOX_URL = env.string("XIUFU_SANDBOX_BUREAU_URL", "http://127.0.0.1:8766")
BUREAU_TIMEOUT_SECONDS = env.integer("XIUFU_BUREAU_TIMEOUT_SECONDS", 10, minimum=1)
BUREAU_MAX_ATTEMPTS = env.integer("XIUFU_BUREAU_MAX_ATTEMPTS", 8, minimum=1)
BUREAU_RETRY_BASE_SECONDS = env.integer("XIUFU_BUREAU_RETRY_BASE_SECONDS", 2, minimum=0)
BUREAU_RETRY_CAP_SECONDS = env.integer("XIUFU_BUREAU_RETRY_CAP_SECONDS", 600, minimum=1)
BUREAU_DROP_DIR = env.path("XIUFU_BUREAU_DROP_DIR", DATA_DIR / "bureau-drop")

API_PAGE_SIZE = env.integer("XIUFU_API_PAGE_SIZE", 50, minimum=1)
NINJA_PAGINATION_PER_PAGE = API_PAGE_SIZE
NINJA_PAGINATION_MAX_LIMIT = 500

LOG_LEVEL = env.choice("XIUFU_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOG_FORMAT = env.choice("XIUFU_LOG_FORMAT", "json", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_identifiers": {"()": "xiufu.core.logging.MaskIdentifiersFilter"}},
    "formatters": {
        "json": {"()": "xiufu.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["mask_identifiers"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # pyHanko logs every untrusted signer and refused change as an error with a traceback;
        # the verdict is stored on the material (xiufu/evidence/pdfsig.py) instead.
        "pyhanko": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
        "pyhanko_certvalidator": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
    },
}
