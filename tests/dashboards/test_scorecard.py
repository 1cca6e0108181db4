"""The dashboards' scorecard (home: the PRF indicators; cluster and sector pages: theirs): both
signals per part, with the legend, in each language."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _scorecard(html: str) -> str:
    return re.search(r'<section class="scorecard".*?</section>', html, re.S).group(0)


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
@pytest.mark.parametrize(("name", "args"), [("home", ()), ("cluster_detail", ("C2",)), ("sector_detail", ("TRD",))])
def test_the_dashboards_show_the_scorecard_with_both_signals_and_the_legend(rated, page, language, name, args):
    card = _scorecard(page(language, name, *args, year=2020).content.decode())
    # TRD OC 1 fuel trade within CAREC: off track, and fell from 0.71 (2019) to 0.55 (2020)
    if language == "en":
        row = re.search(r"Fuel trade within CAREC.*?</tr>", card, re.S).group(0)
        assert "rating-off_track" in row and "movement-worsening" in row and "↓ Worsening" in row
    assert "movement-improving" in card and "movement-worsening" in card and "movement-none" in card
    for glyph in "↑→↓–":
        assert glyph in card
    assert card.count('data-label="') >= 9 * 10  # every cell names its column for the phone's cards


def test_the_home_scorecard_lists_only_prf_indicators(rated, page):
    card = _scorecard(page("en", "home", year=2020).content.decode())
    assert "TRD OC 1" in card
    assert "sector-level" not in card
