"""Reports tests read the loaded PRF with its ratings computed, and the demo editions."""

import datetime

import pytest

from progress.services import progress_recompute
from reports.services import report_edition_create, report_edition_publish, report_edition_submit
from tests import factories
from workflow.models import Role

TITLES_2021 = {
    "en": "CAREC Development Effectiveness Review 2021",
    "zh-hans": "CAREC发展成效评估（2021年）",
    "ru": "Обзор эффективности развития ЦАРЭС 2021 года",
}
TITLES_2024 = {
    "en": "CAREC Development Effectiveness Review 2024",
    "zh-hans": "CAREC发展成效评估（2024年）",
    "ru": "Обзор эффективности развития ЦАРЭС 2024 года",
}


@pytest.fixture
def rated(db):
    progress_recompute()


@pytest.fixture
def secretariat(db):
    return factories.user("report-sec", groups=(Role.SECRETARIAT,))


@pytest.fixture
def edition_2021(rated, secretariat):
    """The 2021 DEfR, published: its content is frozen from here on."""
    edition = report_edition_create(
        user=secretariat,
        code="2021",
        titles=TITLES_2021,
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        cut_off=2020,
    )
    report_edition_submit(user=secretariat, edition=edition)
    return report_edition_publish(user=secretariat, edition=edition)


@pytest.fixture
def draft_2024(edition_2021, secretariat):
    return report_edition_create(
        user=secretariat,
        code="2024",
        titles=TITLES_2024,
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        cut_off=2023,
        previous=edition_2021,
    )
