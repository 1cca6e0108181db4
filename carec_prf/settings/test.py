"""Settings for the test suite: fast hashing, in-memory e-mail, Celery eager unless a test
starts a real worker."""

from carec_prf.env import env_bool

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
# A SQLite test database lives in a file, not in memory, so that a Celery worker started by a
# test (another process) opens the same database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}  # noqa: F405
# The test runner never creates a database on a replica: it reads the test database (a standby
# cannot be written; tests/deploy/test_replica.py makes a real one).
if "replica" in DATABASES:  # noqa: F405
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files straight from the apps and static/, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Pages are not cached in tests unless a test switches the cache on (tests/dashboards): a page
# cached by one test must not answer another test that changed the data.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-default"},
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
