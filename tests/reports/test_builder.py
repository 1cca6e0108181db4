"""The pure parts of a report: charts, changes between editions, values and periods in words.
No database."""

import datetime
import itertools

import pytest
from django.utils import translation

from reports import svg
from reports.changes import edition_changes
from reports.dashboards.charts import MilestoneValue, PartSeries, Value, YearValue
from reports.formatting import long_date, period_label, pick, value_text

LABELS = {
    "actual": "Actual",
    "baseline": "Baseline",
    "expected": "Expected path",
    "trend": "Trend",
    "milestone_exact": "Milestone",
    "milestone_at_least": "Milestone (at least)",
    "milestone_at_most": "Milestone (at most)",
}


def _series(actuals):
    return PartSeries(
        code="P",
        name="Part",
        unit="%",
        value_type="percent",
        baseline=YearValue(2017, Value(10.0)),
        milestones=[MilestoneValue(2023, "exact", "exact", Value(20.0))],
        actuals=[YearValue(y, Value(v)) for y, v in actuals],
    )


def test_a_part_chart_draws_actuals_baseline_milestone_expected_path_and_trend():
    markup = svg.part_chart(_series([(2019, 12.0), (2020, 13.5)]), labels=LABELS, fmt=str, title="TRD OC 1")
    assert markup.startswith("<svg") and markup.endswith("</svg>")
    assert markup.count("<polyline") == 3  # expected path, trend, actual values
    assert 'aria-label="TRD OC 1"' in markup
    for label in ("Actual", "Baseline", "Milestone", "Expected path", "Trend"):
        assert f">{label}</text>" in markup
    assert "2017" in markup and "2023" in markup


def test_a_part_with_no_actual_value_gets_no_chart():
    assert svg.part_chart(_series([]), labels=LABELS, fmt=str, title="x") == ""


def test_chart_text_is_escaped():
    markup = svg.part_chart(_series([(2020, 11.0)]), labels=LABELS | {"actual": "<b>&"}, fmt=str, title='say "hi"')
    assert "&lt;b&gt;&amp;" in markup and "&quot;hi&quot;" in markup


def test_nice_ticks_cover_the_values_with_round_steps():
    ticks = svg.nice_ticks(0.48, 0.84)
    assert ticks[0] <= 0.48 and ticks[-1] >= 0.84
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1


def test_rating_bars_write_each_count_and_skip_empty_rows():
    markup = svg.rating_bars(
        [("All", {"on_track": 3, "no_data": 1}), ("Empty", {})],
        labels={"on_track": "On track", "no_data": "No data"},
        title="Ratings",
    )
    assert ">3</text>" in markup and ">All</text>" in markup and "Empty" not in markup


def _content(indicators):
    return {"edition": {"code": "x", "title": {"en": "X"}}, "indicators": indicators}


def _indicator(code, rating, baseline=1.0, milestone=5.0):
    return {
        "code": code,
        "statement": {"en": code},
        "rating": {"rating": rating},
        "parts": [
            {
                "code": "A",
                "baseline": {"year": 2017, "value": {"t": "number", "n": baseline, "q": ""}},
                "milestones": [{"year": 2023, "kind": "exact", "value": {"t": "number", "n": milestone, "q": ""}}],
            }
        ],
    }


def test_changes_list_new_dropped_and_rerated_indicators_and_revised_baselines_and_milestones():
    before = _content([_indicator("A 1", "on_track"), _indicator("B 1", "off_track"), _indicator("C 1", "no_data")])
    after = _content(
        [
            _indicator("A 1", "achieved", baseline=2.0),
            _indicator("B 1", "off_track", milestone=6.0),
            _indicator("D 1", "no_data"),
        ]
    )
    changes = edition_changes(after, before)
    assert changes["new"] == ["D 1"]
    assert [i["code"] for i in changes["dropped"]] == ["C 1"]
    assert changes["rerated"] == [{"code": "A 1", "before": "on_track", "after": "achieved"}]
    assert [(b["indicator"], b["before"]["value"]["n"], b["after"]["value"]["n"]) for b in changes["baselines"]] == [
        ("A 1", 1.0, 2.0)
    ]
    assert [(m["indicator"], m["year"]) for m in changes["milestones"]] == [("B 1", 2023)]


def test_an_edition_compared_with_itself_has_no_changes():
    content = _content([_indicator("A 1", "on_track")])
    changes = edition_changes(content, content)
    assert not any(changes[k] for k in ("new", "dropped", "rerated", "baselines", "milestones"))


NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "july_june", "years", "one_month"),
    [
        ("en", "July 2021 – June 2022", "2018 – 2020", "March 2021"),
        ("zh-hans", "2021年7月 – 2022年6月", "2018–2020年", "2021年3月"),
        # month names are lowercase inside a phrase; "г." stays with its year
        ("ru", f"июль 2021{NBSP}г. — июнь 2022{NBSP}г.", "2018—2020", f"март 2021{NBSP}г."),
    ],
)
def test_a_period_is_named_the_way_each_language_writes_it(language, july_june, years, one_month):
    with translation.override(language):
        assert period_label(datetime.date(2021, 7, 1), datetime.date(2022, 6, 30)) == july_june
        assert period_label(datetime.date(2018, 1, 1), datetime.date(2020, 12, 31)) == years
        assert period_label(datetime.date(2021, 3, 1), datetime.date(2021, 3, 31)) == one_month
        assert period_label(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31)) == (
            "2021年" if language == "zh-hans" else "2021"
        )
    # the language can also be given rather than taken from the active one
    assert period_label(datetime.date(2021, 7, 1), datetime.date(2022, 6, 30), language) == july_june


def test_a_period_that_does_not_follow_the_months_is_named_by_its_days():
    assert period_label(datetime.date(2021, 3, 15), datetime.date(2022, 3, 14), "en") == "15 Mar 2021 – 14 Mar 2022"
    assert period_label(datetime.date(2021, 3, 15), datetime.date(2022, 3, 14), "ru").startswith("15 мар. 2021")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "21 November 2026"), ("zh-hans", "2026年11月21日"), ("ru", f"21 ноября 2026{NBSP}г.")],
)
def test_a_date_in_full_is_written_the_way_each_language_writes_it(language, expected):
    assert long_date(datetime.date(2026, 11, 21), language) == expected
    with translation.override(language):
        assert long_date(datetime.date(2026, 11, 21)) == expected
    # no thin spaces: the report's fonts have no glyph for them
    assert "\u2009" not in expected and "\u202f" not in long_date(datetime.date(2026, 11, 21), language)


def test_values_read_as_the_reader_expects():
    with translation.override("en"):
        assert value_text({"t": "number", "n": 12345.678, "q": ""}, "en") == "12,345.68"
        assert value_text({"t": "number", "n": 1.0, "q": "<"}, "en") == "<1"
        assert value_text({"t": "boolean", "n": 1.0}, "en") == "yes"
        assert value_text({"t": "not_applicable"}, "en") == "not applicable"
        assert value_text({"t": "ordinal", "n": 2, "label": {"en": "limited", "ru": "ограниченное"}}, "ru") == (
            "ограниченное"
        )
        assert value_text(None, "en") == "—"


def test_a_missing_translation_falls_back_to_english_and_says_so():
    text = pick({"en": "Trade", "zh-hans": "", "ru": "Торговля"}, "zh-hans")
    assert text == "Trade" and text.fallback and text.lang == "en"
    assert not pick({"en": "Trade", "ru": "Торговля"}, "ru").fallback
