"""The embedded default (make run): SQLite, Celery eager, console e-mail, DEBUG on."""

from carec_prf.env import env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
# A development key is fine on a laptop; production refuses to start without its own.
SECRET_KEY = env_str("SECRET_KEY", "local-development-only-not-secret")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Static files straight from the apps and static/, no collectstatic needed, served by WhiteNoise
# rather than runserver's own handler, so that the compressed copies of the vendored files
# (scripts/vendor.sh) reach the browser as they do in production.
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
