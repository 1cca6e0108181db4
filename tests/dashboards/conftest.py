"""Dashboards tests read the loaded PRF with its ratings computed."""

import pytest
from django.urls import reverse
from django.utils import translation

from progress.services import progress_recompute


@pytest.fixture
def rated(db):
    progress_recompute()


@pytest.fixture
def page(client):
    """GET a named page in a language: page("en", "sector_detail", "TRD", year=2021)."""

    def get(language: str, name: str, *args, **params):
        with translation.override(language):
            url = reverse(name, args=args)
        return client.get(url, params)

    return get
