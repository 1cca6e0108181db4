"""The consistency check of a count broken down: the categories of a dimension must add up to the
total within QualitySettings.categories_share. Hand-worked numbers for the rule, then quality_run:
the warning is kept on the total, listed on the sector's page, keeps its follow-up while it holds,
and goes once the values add up. Values are never changed by it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import IndicatorPart, Observation
from progress.models import QualityWarning
from progress.quality import CATEGORIES, QualitySettings, categories_off, check_categories, quality_run
from tests import factories
from workflow import services
from workflow.entry import Entry
from workflow.models import Role

S = QualitySettings(categories_share=0.005)
TRAINED = ("HLT OP 2", "OFFICIALS_TRAINED")


def test_the_rule_on_hand_worked_numbers():
    # 70 + 40 = 110 against 120: 8.3% off, more than 0.5%
    found = check_categories(120.0, [("SEX", [("F", 70.0), ("M", 40.0)], True)], S)
    assert found.details == {"total": 120.0, "sums": [["SEX", [["F", 70.0], ["M", 40.0]], 110.0]]}
    assert found.message == "F 70 + M 40 = 110, but the total is 120: the categories do not add up."
    assert check_categories(120.0, [("SEX", [("F", 70.0), ("M", 50.0)], True)], S) is None
    # 0.5% of 1,000 is 5: 1,004 passes (a rounded count), 1,006 does not
    assert check_categories(1000.0, [("SEX", [("F", 600.0), ("M", 404.0)], True)], S) is None
    assert check_categories(1000.0, [("SEX", [("F", 600.0), ("M", 406.0)], True)], S) is not None
    # some categories only: they may stay under the total (the others may come), not exceed it
    assert check_categories(120.0, [("SEX", [("F", 70.0)], False)], S) is None
    assert check_categories(120.0, [("SEX", [("F", 130.0)], False)], S).details["sums"][0][2] == 130.0
    # no total, or no category: nothing to compare
    assert check_categories(None, [("SEX", [("F", 70.0)], True)], S) is None
    assert check_categories(120.0, [("SEX", [], False)], S) is None
    # floats that add up exactly in decimals are not off: 0.1 + 0.2 against 0.3
    assert check_categories(0.3, [("SEX", [("F", 0.1), ("M", 0.2)], True)], S) is None
    assert check_categories(0.3, [("SEX", [("F", 0.1), ("M", 0.2)], True)], QualitySettings(categories_share=0)) is None


def test_each_total_is_checked_against_its_own_categories_in_two_dimensions():
    lists = {1: {"AGE": ["Y_LT25", "Y_GE25"], "SEX": ["F", "M"]}}

    def cell(key, number):
        return (1, None, 2024, key), (len(key), number)

    cells = dict(
        [
            cell("", 100.0),
            cell("SEX=F", 60.0),
            cell("SEX=M", 40.0),  # adds up
            cell("AGE=Y_LT25", 30.0),
            cell("AGE=Y_GE25", 60.0),  # 90, not 100
            cell("AGE=Y_LT25;SEX=F", 20.0),
            cell("AGE=Y_LT25;SEX=M", 10.0),  # adds up to AGE=Y_LT25
            cell("AGE=Y_GE25;SEX=F", 40.0),  # adds up to SEX=F with the one above; one of two under AGE=Y_GE25
        ]
    )
    off = categories_off(cells, lists, S)
    assert list(off) == [(1, None, 2024, "")]
    finding, children = off[(1, None, 2024, "")]
    assert [dimension for dimension, _values, _sum in finding.details["sums"]] == ["AGE"]
    assert [c[3] for c in children] == ["AGE=Y_LT25", "AGE=Y_GE25"]  # the sex categories add up: not named


@pytest.fixture
def off_by_ten(db):
    factories.open_year(2024)
    secretariat = factories.user("sec", groups=(Role.SECRETARIAT,))
    written = services.entries_save(
        user=secretariat,
        entries=[
            Entry(*TRAINED, "CAREC", 2024, "120", ref=""),
            Entry(*TRAINED, "CAREC", 2024, "70", breakdown="SEX=F", ref="F"),
            Entry(*TRAINED, "CAREC", 2024, "40", breakdown="SEX=M", ref="M"),
        ],
    ).observations
    return {"sec": secretariat, "written": written, "part": IndicatorPart.objects.get(code=TRAINED[1])}


def test_quality_run_keeps_the_warning_on_the_total_and_drops_it_once_fixed(off_by_ten):
    part, written, sec = off_by_ten["part"], off_by_ten["written"], off_by_ten["sec"]
    quality_run(part_ids=[part.pk])
    (warning,) = QualityWarning.objects.filter(kind=CATEGORIES)
    assert (warning.part_id, warning.country_id, warning.year, warning.observation_id) == (
        part.pk,
        None,
        2024,
        written[""].pk,
    )
    assert warning.message == "F 70 + M 40 = 110, but the total is 120: the categories do not add up."
    # a follow-up stays while the sums still differ
    services.quality_follow_up(user=sec, warning=warning, followed_up=True, comment="Ministry asked to recount")
    quality_run(part_ids=[part.pk])
    kept = QualityWarning.objects.get(kind=CATEGORIES)
    assert (kept.pk, kept.followed_up) == (warning.pk, True)
    # nothing was corrected
    numbers = dict(Observation.objects.filter(part=part, year=2024).values_list("breakdown", "value_number"))
    assert numbers == {"": Decimal("120"), "SEX=F": Decimal("70"), "SEX=M": Decimal("40")}
    # the corrected count of men: the warning goes
    version = Observation.objects.get(pk=written["M"].pk).version
    services.entries_save(user=sec, entries=[Entry(*TRAINED, "CAREC", 2024, "50", breakdown="SEX=M", version=version)])
    quality_run(part_ids=[part.pk])
    assert not QualityWarning.objects.filter(kind=CATEGORIES).exists()


def test_the_tolerance_is_a_setting(off_by_ten, settings):
    settings.DATA_QUALITY = {**settings.DATA_QUALITY, "categories_share": 0.1}  # 110 is within 10% of 120
    quality_run(part_ids=[off_by_ten["part"].pk])
    assert not QualityWarning.objects.filter(kind=CATEGORIES).exists()


def test_a_revision_under_way_counts_before_the_approved_value(off_by_ten):
    """The approved total stays in force while a revision waits; the sums are checked against the
    revision, the value that will count once approved."""
    part, written, sec = off_by_ten["part"], off_by_ten["written"], off_by_ten["sec"]
    for observation in written.values():
        services.observation_submit(user=sec, observation=Observation.objects.get(pk=observation.pk))
    reviewer = factories.focal_point("hlt-fp", "HLT")
    services.observations_review(
        user=reviewer, observations=list(Observation.objects.filter(part=part)), decision="approve"
    )
    quality_run(part_ids=[part.pk])
    assert QualityWarning.objects.filter(kind=CATEGORIES).exists()  # the approved 120 against 110
    services.entries_save(
        user=sec,
        entries=[Entry(*TRAINED, "CAREC", 2024, "110", revision_reason="Recounted", version=None)],
    )
    quality_run(part_ids=[part.pk])
    assert not QualityWarning.objects.filter(kind=CATEGORIES).exists()


def test_the_sector_page_lists_the_categories_that_do_not_add_up(client, off_by_ten):
    quality_run(part_ids=[off_by_ten["part"].pk])
    client.force_login(factories.focal_point("hlt-fp", "HLT"))
    with translation.override("en"):
        page = reverse("workflow:quality", args=["HLT"])
    html = client.get(page).content.decode()
    assert "Categories that do not add up to the total" in html
    assert "F 70 + M 40 = 110, but the total is 120: the categories do not add up." in html
