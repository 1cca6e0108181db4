"""Settings shared by every environment. Environment-specific files import * from here."""

import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from carec_prf.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # modeltranslation must come before the admin so translated fields show there.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "nested_admin",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "clusters",
    "indicators",
    "progress",
    "workflow",
    "imports",
    "reports",
    "versions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a visitor's GET reads from the replica when there is one (DATABASE_REPLICA_URL)
    "carec_prf.db_router.PublicReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # last: it needs the authenticated user and answers a locked-out login itself
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failed logins first
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Content-Security-Policy: only our own scripts; no inline script anywhere (charts read their
# data from <script type="application/json"> blocks, which browsers do not run).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],  # plotly and the admin set style attributes
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page may be framed (clickjacking), except the embeddable indicator pages (/<lang>/embed/...),
# which the sites listed in EMBED_ALLOWED_ORIGINS may frame: origins such as
# https://partner.example.org, comma-separated; none by default (reports.dashboards.takeaway_views).
X_FRAME_OPTIONS = "DENY"
EMBED_ALLOWED_ORIGINS = env_list("EMBED_ALLOWED_ORIGINS", [])
for _origin in EMBED_ALLOWED_ORIGINS:
    if not re.fullmatch(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?", _origin):
        raise ImproperlyConfigured(
            f"EMBED_ALLOWED_ORIGINS: {_origin!r} is not an origin such as https://partner.example.org."
        )
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

ROOT_URLCONF = "carec_prf.urls"
WSGI_APPLICATION = "carec_prf.wsgi.application"

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
                "workflow.permissions.access_context",
            ],
        },
    },
]

# The embedded default is a SQLite file next to the code; production points DATABASE_URL at
# PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers take the lock when their transaction begins and wait for each other, instead of
    # failing with "database is locked" when two transactions both try to upgrade to writing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 30})
# A PostgreSQL streaming replica for the public pages' and the anonymous API's reads; staff,
# writes and whatever the replica cannot answer go to the primary (carec_prf/db_router.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    if not DATABASE_REPLICA_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a postgres:// URL of a streaming replica.")
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0))
    # a stopped standby costs one short wait, then is left alone for a few seconds
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 5)
DATABASE_ROUTERS = ["carec_prf.db_router.PublicReadRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English is the default and the fallback for framework content.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

ADMIN_URL = env_str("ADMIN_URL", "admin/")

# Celery: Redis as broker. With CELERY_TASK_ALWAYS_EAGER the tasks run in-process (make run).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died unacknowledged is delivered again after this many seconds; every
# task is safe to run twice. Longer than the longest task (a full recompute: seconds).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "carec_prf.api.common.Pagination",
    "EXCEPTION_HANDLER": "carec_prf.api.common.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "120/minute")},
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The admin's language tabs need jQuery UI; it is served from our static files, never a CDN.
# (modeltranslation reads these two names without its usual prefix.)
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# Periodic jobs (Celery beat). Each task is safe to run twice.
CELERY_BEAT_SCHEDULE = {
    "ratings-recompute-nightly": {
        "task": "progress.tasks.ratings_recompute",
        "schedule": env_int("RECOMPUTE_EVERY_SECONDS", 24 * 3600),
    },
    "ratings-recompute-pending": {
        "task": "progress.tasks.ratings_recompute_pending",
        "schedule": env_int("RECOMPUTE_PENDING_EVERY_SECONDS", 60),
    },
    # the checks that depend on the regional values (coverage, outdated) follow the nightly recompute
    "data-quality-nightly": {
        "task": "progress.tasks.quality_check",
        "schedule": env_int("QUALITY_EVERY_SECONDS", 24 * 3600),
    },
    # Mondays at 06:00: the weekly digest (sent once a week, however often the task runs)
    "weekly-digest": {
        "task": "workflow.tasks.weekly_digest",
        "schedule": crontab(day_of_week=1, hour=6, minute=0),
    },
    "reporting-deadline-reminders": {
        "task": "workflow.tasks.reporting_deadline_reminders",
        "schedule": 24 * 3600,
    },
}

EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Whoever entered or last changed a value cannot approve or return it (workflow.services).
SEPARATION_OF_DUTIES = env_bool("SEPARATION_OF_DUTIES", True)
# The data-quality checks' settings (progress.quality.QualitySettings): a warning beside a value in
# the review queue and the grid, and on the sector's data-quality page; never a refusal.
DATA_QUALITY = {
    "change_share": env_int("REVIEW_CHANGE_FLAG_PERCENT", 50) / 100,  # a move from the previous value
    "near_limit_share": env_int("DATA_QUALITY_NEAR_LIMIT_PERCENT", 2) / 100,  # of the unit's plausible range
    "coverage_share": env_int("DATA_QUALITY_COVERAGE_PERCENT", 60) / 100,  # of the members, for a regional value
    "outdated_years": env_int("DATA_QUALITY_OUTDATED_YEARS", 3),  # before the next edition's report year
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "carec-results@localhost")
# The site's address, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# The public pages' cache (clusters/cache.py). In-process by default (make run, where Celery runs
# eagerly in the same process); set CACHE_URL (redis://...) where a separate worker recomputes,
# so that its clearing reaches every web process.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
    ),
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflow:my_work"
LOGOUT_REDIRECT_URL = "home"

UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
UPLOAD_MAX_INFLATED_BYTES = env_int("UPLOAD_MAX_INFLATED_BYTES", 200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SPECTACULAR_SETTINGS = {
    "TITLE": "CAREC 2030 results API",
    "DESCRIPTION": "The CAREC 2030 Program Results Framework, its progress values, aggregates and ratings. "
    "Translated fields follow ?lang=en|zh-hans|ru or Accept-Language; ?lang=all returns every language.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "carec_prf.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AvailabilityEnum": "indicators.models.Availability",
        "QualifierEnum": "indicators.models.Qualifier",
    },
}
