"""An edition states the results of its version: an outcome a revision retired is gone from the
2027 edition's results chain and still in a 2024 draft's; an outcome it added is in the 2027
edition only."""

import pytest

from reports.selectors import edition_content
from tests.versions.test_editions import _draft_2027, _draft_edition
from tests.versions.test_result_changes import RETIRED, _draft
from tests.versions.test_revision import _endorse, framework, secretariat  # noqa: F401

pytestmark = pytest.mark.django_db


def _chain_codes(content: dict) -> set[str]:
    """The codes of the results in every sector's chain (outcomes and their outputs)."""
    codes = set()
    for cluster in content["clusters"]:
        for sector in cluster["sectors"]:
            for link in sector["chain"]:
                codes.update(r["code"] for r in [link["outcome"] or {"code": None}, *link["outputs"]] if r["code"])
    return codes


def test_editions_state_the_results_in_force_in_their_version(secretariat, framework):  # noqa: F811
    earlier = _draft_edition(secretariat, "2024", first_year=2021, cut_off=2023)
    before = _chain_codes(edition_content(earlier, secretariat))
    assert RETIRED in before and "TRP OC 2" not in before

    _endorse(secretariat, _draft(secretariat, framework))

    assert _chain_codes(edition_content(earlier, secretariat)) == before  # the 2024 draft keeps 2020's results
    later = _chain_codes(edition_content(_draft_2027(secretariat), secretariat))
    assert RETIRED not in later and {"TRP OC 2", "TRP OP 3"} <= later
    assert later - {"TRP OC 2", "TRP OP 3"} == before - {RETIRED}
