"""Shared test set-up: the framework and the seeds' progress values are loaded once per test
database, the way `make run` loads them, so tests read the real PRF."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # Idempotent: with --reuse-db a second load finds everything in place.
        call_command("load_framework", verbosity=0)


@pytest.fixture
def admin_client_user(db, django_user_model):
    return django_user_model.objects.create_superuser("secretariat-admin", "admin@example.org", "pw-for-tests-only")
