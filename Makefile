# Two promises: `make run` serves the site with the framework loaded; `make test` passes.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run stack test test-deps test-fast install install-test messages messages-update lint check clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

test-deps:
	@bash scripts/test-deps.sh

install: $(STAMP)

install-test: $(TEST_STAMP)

# The gzip and brotli copies of the vendored files, which WhiteNoise sends (scripts/vendor.sh).
VENDOR_COMPRESSED := static/vendor/plotly/plotly-basic.min.js.gz
$(VENDOR_COMPRESSED): static/vendor/plotly/plotly-basic.min.js | $(STAMP)
	PY=$(PY) bash scripts/vendor.sh --compress

messages: $(STAMP)
	$(VENV)/bin/pybabel --quiet compile --domain=django --directory=locale

run: $(STAMP) messages $(VENDOR_COMPRESSED)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_framework
	$(PY) manage.py recompute_progress
	$(PY) manage.py check_quality
	$(PY) manage.py load_demo_editions
	@echo
	@echo "  The site: http://$(HOST):$(PORT)/"
	@echo "  The admin: http://$(HOST):$(PORT)/en/admin/"
	@echo "  Create your admin login with: $(PY) manage.py createsuperuser"
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

# Two runs: the slow tests (a real Celery worker, browsers, faults) use transactional databases
# that are emptied after each test, so they run apart from the rest.
test: $(TEST_STAMP) messages test-deps $(VENDOR_COMPRESSED)
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)
	$(PY) -m pytest -m slow $(PYTEST_ARGS)

test-fast: $(TEST_STAMP) messages $(VENDOR_COMPRESSED)
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .

check: $(TEST_STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
	find static/vendor \( -name '*.gz' -o -name '*.br' \) -delete

messages-update: $(STAMP)
	$(PY) manage.py makemessages --locale zh_Hans --locale ru --no-location --no-obsolete \
	  --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench

# The production stack on one machine without Docker: gunicorn, a Celery worker and beat as
# processes (honcho runs the Procfile) against the local PostgreSQL and Redis.
STACK_ENV = DJANGO_SETTINGS_MODULE=carec_prf.settings.production \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/carec} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} \
	SECRET_KEY=$$(cat .stack-secret) DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 \
	ALLOWED_HOSTS=127.0.0.1,localhost STATIC_ROOT=$(CURDIR)/staticfiles MEDIA_ROOT=$(CURDIR)/media

stack: $(STAMP) messages
	@test -s .stack-secret || $(PY) -c "import secrets; print(secrets.token_urlsafe(64))" > .stack-secret
	@psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='carec'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE carec" >/dev/null
	$(STACK_ENV) $(PY) manage.py migrate --noinput
	$(STACK_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(STACK_ENV) $(PY) manage.py load_framework
	$(STACK_ENV) $(PY) manage.py recompute_progress
	$(STACK_ENV) $(PY) manage.py check_quality
	@echo "  The stack: http://127.0.0.1:$${PORT:-8000}/  (health: /healthz)"
	$(STACK_ENV) PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/honcho start
