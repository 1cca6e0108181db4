"""Regional values from country values (progress.engine.regional_values): each aggregation rule,
the region's own figure winning, coverage, membership dates and censored values."""

import pandas as pd
import pytest

from progress.engine import regional_values

C = {"AFG": 1, "AZE": 2, "CHN": 3, "GEO": 4, "KAZ": 5, "KGZ": 6, "MNG": 7, "PAK": 8, "TJK": 9, "TKM": 10, "UZB": 11}
REGION = None

# Years each country joined CAREC; ADB suspended assistance to Afghanistan on 15 August 2021, so its
# membership ends in 2021 (it was a member during part of that year).
JOINED = {
    "AFG": 2005,
    "AZE": 2002,
    "CHN": 1997,
    "GEO": 2016,
    "KAZ": 1997,
    "KGZ": 1997,
    "MNG": 1997,
    "PAK": 2010,
    "TJK": 1998,
    "TKM": 2010,
    "UZB": 1997,
}
MEMBERSHIPS = pd.DataFrame(
    {
        "country_id": pd.array([C[c] for c in JOINED], dtype="Int64"),
        "first_year": [JOINED[c] for c in JOINED],
        "last_year": pd.array([2021 if c == "AFG" else pd.NA for c in JOINED], dtype="Int64"),
    }
)

# Trade report appendix 1a, 2020 (USD million and % with CAREC). No row for Afghanistan.
GOODS_TRADE_2020 = {
    "AZE": 24465,
    "CHN": 4658486,
    "GEO": 11411,
    "KAZ": 87074,
    "KGZ": 5652,
    "MNG": 12948,
    "PAK": 68023,
    "TJK": 3962,
    "TKM": 9786,
    "UZB": 33082,
}
CAREC_SHARE_2020 = {"GEO": 21.4, "KAZ": 24.6, "KGZ": 35.3, "MNG": 57.2}

GOODS, SHARE, TTCI, BCP, TOP_70 = 1, 2, 3, 4, 5


def observations(rows):
    """rows: (part_id, country code or REGION, year, value[, qualifier])."""
    rows = [(*r, "") if len(r) == 4 else r for r in rows]
    return pd.DataFrame(
        {
            "part_id": [r[0] for r in rows],
            "country_id": pd.array([pd.NA if r[1] is REGION else C[r[1]] for r in rows], dtype="Int64"),
            "year": [r[2] for r in rows],
            "value": [float(r[3]) for r in rows],
            "qualifier": [r[4] for r in rows],
        }
    )


def parts(*rows):
    """rows: dicts with part_id, aggregation and, where needed, weight_part_id / condition_*.
    condition_part_id NA: a count tests the part's own country values."""
    return pd.DataFrame(
        {
            "part_id": [r["part_id"] for r in rows],
            "aggregation": [r["aggregation"] for r in rows],
            "weight_part_id": pd.array([r.get("weight_part_id", pd.NA) for r in rows], dtype="Int64"),
            "condition_part_id": pd.array([r.get("condition_part_id", pd.NA) for r in rows], dtype="Int64"),
            "condition_operator": [r.get("condition_operator", "") for r in rows],
            "condition_value": [float(r.get("condition_value", float("nan"))) for r in rows],
        }
    )


def only_row(out, part_id, year):
    rows = out[(out["part_id"] == part_id) & (out["year"] == year)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def ids(*codes):
    return tuple(sorted(C[c] for c in codes))


# --------------------------------------------------------------------------------------------
# Aggregation rules


@pytest.mark.parametrize(
    ("rule", "hand"),
    [
        # GEO 21.4, KAZ 24.6, KGZ 35.3, MNG 57.2
        pytest.param("sum", 21.4 + 24.6 + 35.3 + 57.2, id="sum_138_5"),
        pytest.param("mean", (21.4 + 24.6 + 35.3 + 57.2) / 4, id="mean_34_625"),
        pytest.param("median", (24.6 + 35.3) / 2, id="median_of_four_29_95"),
        pytest.param("min", 21.4, id="min"),
        pytest.param("max", 57.2, id="max"),
    ],
)
def test_simple_rules_aggregate_the_member_values(rule, hand):
    obs = observations([(SHARE, code, 2020, value) for code, value in CAREC_SHARE_2020.items()])
    out = regional_values(obs, parts({"part_id": SHARE, "aggregation": rule}), MEMBERSHIPS)
    row = only_row(out, SHARE, 2020)
    assert row["value"] == pytest.approx(hand)
    assert row["origin"] == "aggregated"
    assert row["contributors"] == ids("GEO", "KAZ", "KGZ", "MNG")
    assert row["n_contributors"] == 4
    assert row["n_members"] == 11


def test_median_of_an_odd_number_is_the_middle_value():
    obs = observations([(SHARE, c, 2020, v) for c, v in CAREC_SHARE_2020.items() if c != "MNG"])
    out = regional_values(obs, parts({"part_id": SHARE, "aggregation": "median"}), MEMBERSHIPS)
    assert only_row(out, SHARE, 2020)["value"] == pytest.approx(24.6)  # 21.4, 24.6, 35.3


def test_weighted_mean_takes_its_weights_from_another_part():
    # The CAREC share of goods trade, weighted by each country's goods trade:
    # (87074 * 24.6 + 5652 * 35.3 + 11411 * 21.4 + 12948 * 57.2) / (87074 + 5652 + 11411 + 12948)
    # = 3326357.0 / 117085 = 28.410
    obs = observations(
        [(SHARE, c, 2020, v) for c, v in CAREC_SHARE_2020.items()]
        + [(GOODS, c, 2020, GOODS_TRADE_2020[c]) for c in CAREC_SHARE_2020]
    )
    frame = parts(
        {"part_id": GOODS, "aggregation": "sum"},
        {"part_id": SHARE, "aggregation": "weighted_mean", "weight_part_id": GOODS},
    )
    row = only_row(regional_values(obs, frame, MEMBERSHIPS), SHARE, 2020)
    assert row["value"] == pytest.approx(3326357.0 / 117085)
    assert row["contributors"] == ids("GEO", "KAZ", "KGZ", "MNG")
    # not the plain mean (34.625): Mongolia's 57.2 % weighs little beside Kazakhstan's trade
    assert row["value"] != pytest.approx(34.625)


def test_weighted_mean_leaves_out_a_country_without_a_weight():
    # Turkmenistan (62.2 %) has no goods trade figure here: it cannot be weighted, so it neither
    # moves the value nor counts as covered. (87074 * 24.6 + 5652 * 35.3) / (87074 + 5652) = 25.267
    obs = observations(
        [
            (SHARE, "KAZ", 2020, 24.6),
            (SHARE, "KGZ", 2020, 35.3),
            (SHARE, "TKM", 2020, 62.2),
            (GOODS, "KAZ", 2020, 87074),
            (GOODS, "KGZ", 2020, 5652),
        ]
    )
    frame = parts(
        {"part_id": GOODS, "aggregation": "sum"},
        {"part_id": SHARE, "aggregation": "weighted_mean", "weight_part_id": GOODS},
    )
    row = only_row(regional_values(obs, frame, MEMBERSHIPS), SHARE, 2020)
    assert row["value"] == pytest.approx((87074 * 24.6 + 5652 * 35.3) / (87074 + 5652))
    assert row["contributors"] == ids("KAZ", "KGZ")
    assert row["n_contributors"] == 2


# TSM OC 1: Travel & Tourism Competitiveness Index ranks, 2017 (PRC 15 and Georgia 70 in the top 70).
TTCI_2017 = {"CHN": 15, "GEO": 70, "AZE": 71, "KAZ": 81, "MNG": 102, "TJK": 107, "KGZ": 115, "PAK": 124}


def test_count_of_countries_meeting_a_condition_counts_ranks_up_to_70():
    obs = observations([(TTCI, c, 2017, rank) for c, rank in TTCI_2017.items()])
    frame = parts({"part_id": TTCI, "aggregation": "count_meeting", "condition_operator": "<=", "condition_value": 70})
    row = only_row(regional_values(obs, frame, MEMBERSHIPS), TTCI, 2017)
    assert row["value"] == 2.0  # PRC 15 and Georgia 70 (on the boundary); Azerbaijan 71 is out
    assert row["n_contributors"] == 8  # every ranked country was looked at
    assert row["contributors"] == ids(*TTCI_2017)


@pytest.mark.parametrize("rank_aggregation", ["region_only", "median"])
def test_count_part_counts_the_country_values_of_its_condition_part(rank_aggregation):
    # TSM OC 1 as the PRF frames it: a count part ("CAREC countries in the top 70") over the
    # countries' TTCI ranks held in another part.
    obs = observations([(TTCI, c, 2017, rank) for c, rank in TTCI_2017.items()])
    frame = parts(
        {"part_id": TTCI, "aggregation": rank_aggregation},
        {
            "part_id": TOP_70,
            "aggregation": "count_meeting",
            "condition_part_id": TTCI,
            "condition_operator": "<=",
            "condition_value": 70,
        },
    )
    out = regional_values(obs, frame, MEMBERSHIPS)
    row = only_row(out, TOP_70, 2017)
    assert row["value"] == 2.0  # PRC 15 and Georgia 70
    assert row["origin"] == "aggregated"
    assert row["contributors"] == ids(*TTCI_2017)
    assert (row["n_contributors"], row["n_members"]) == (8, 11)  # 8 ranked of the 11 members of 2017
    ranks = out[out["part_id"] == TTCI]
    if rank_aggregation == "region_only":
        assert ranks.empty
    else:  # median of 15, 70, 71, 81, 102, 107, 115, 124 = (81 + 102) / 2
        assert only_row(out, TTCI, 2017)["value"] == pytest.approx(91.5)


@pytest.mark.parametrize(
    ("operator", "hand"),
    [
        pytest.param("<", 1.0, id="strictly_below_70_leaves_georgia_out"),
        pytest.param("<=", 2.0, id="at_most_70"),
        pytest.param(">", 6.0, id="above_70"),
        pytest.param(">=", 7.0, id="at_least_70"),
        pytest.param("=", 1.0, id="exactly_70"),
    ],
)
def test_count_meeting_honours_each_operator(operator, hand):
    obs = observations([(TTCI, c, 2017, rank) for c, rank in TTCI_2017.items()])
    frame = parts(
        {"part_id": TTCI, "aggregation": "count_meeting", "condition_operator": operator, "condition_value": 70}
    )
    assert only_row(regional_values(obs, frame, MEMBERSHIPS), TTCI, 2017)["value"] == hand


# --------------------------------------------------------------------------------------------
# Region-only parts and the region's own figure


def test_region_only_part_is_not_aggregated_from_countries():
    # TRP OP 1 border crossing time is measured for the region (CPMM); stray country values are not summed.
    obs = observations([(BCP, "KAZ", 2021, 10.0), (BCP, "UZB", 2021, 20.0)])
    out = regional_values(obs, parts({"part_id": BCP, "aggregation": "region_only"}), MEMBERSHIPS)
    assert out.empty


def test_region_only_part_keeps_its_reported_regional_value():
    obs = observations([(BCP, REGION, 2020, 15.1), (BCP, REGION, 2021, 13.6), (BCP, "KAZ", 2021, 10.0)])
    out = regional_values(obs, parts({"part_id": BCP, "aggregation": "region_only"}), MEMBERSHIPS)
    assert list(out["year"]) == [2020, 2021]
    assert list(out["value"]) == [15.1, 13.6]
    assert set(out["origin"]) == {"reported"}


def test_value_reported_for_the_region_wins_over_the_aggregate():
    # Appendix 1a prints CAREC 4,920,258 for 2020; the ten printed rows sum to 4,914,889 (5,369 less:
    # Afghanistan has no row). The printed regional figure is the one used.
    obs = observations([(GOODS, c, 2020, v) for c, v in GOODS_TRADE_2020.items()] + [(GOODS, REGION, 2020, 4920258)])
    out = regional_values(obs, parts({"part_id": GOODS, "aggregation": "sum"}), MEMBERSHIPS)
    row = only_row(out, GOODS, 2020)
    assert row["value"] == 4920258
    assert row["origin"] == "reported"
    assert row["contributors"] == ()
    assert pd.isna(row["n_contributors"])
    assert row["n_members"] == 11


def test_partial_coverage_is_reported_with_the_aggregate():
    # Without the printed regional row, the sum of the ten rows covers 10 of the 11 members.
    obs = observations([(GOODS, c, 2020, v) for c, v in GOODS_TRADE_2020.items()])
    out = regional_values(obs, parts({"part_id": GOODS, "aggregation": "sum"}), MEMBERSHIPS)
    row = only_row(out, GOODS, 2020)
    assert row["value"] == 4914889  # 24465 + 4658486 + 11411 + 87074 + 5652 + 12948 + 68023 + 3962 + 9786 + 33082
    assert row["origin"] == "aggregated"
    assert row["contributors"] == ids(*GOODS_TRADE_2020)
    assert C["AFG"] not in row["contributors"]
    assert (row["n_contributors"], row["n_members"]) == (10, 11)


def test_reported_value_wins_only_for_its_own_year():
    obs = observations(
        [
            (GOODS, "KAZ", 2019, 1.0),
            (GOODS, "UZB", 2019, 2.0),
            (GOODS, "KAZ", 2020, 3.0),
            (GOODS, "UZB", 2020, 4.0),
            (GOODS, REGION, 2020, 10.0),
        ]
    )
    out = regional_values(obs, parts({"part_id": GOODS, "aggregation": "sum"}), MEMBERSHIPS)
    assert (only_row(out, GOODS, 2019)["value"], only_row(out, GOODS, 2019)["origin"]) == (3.0, "aggregated")
    assert (only_row(out, GOODS, 2020)["value"], only_row(out, GOODS, 2020)["origin"]) == (10.0, "reported")


# --------------------------------------------------------------------------------------------
# Membership dates


def test_afghanistan_contributes_to_2021_but_not_to_2022():
    # One unit per country and year: the sum counts who contributed.
    obs = observations([(GOODS, c, year, 1.0) for c in C for year in (2021, 2022)])
    out = regional_values(obs, parts({"part_id": GOODS, "aggregation": "sum"}), MEMBERSHIPS)
    in_2021, in_2022 = only_row(out, GOODS, 2021), only_row(out, GOODS, 2022)
    assert in_2021["value"] == 11.0
    assert C["AFG"] in in_2021["contributors"]
    assert (in_2021["n_contributors"], in_2021["n_members"]) == (11, 11)
    assert in_2022["value"] == 10.0
    assert C["AFG"] not in in_2022["contributors"]
    assert (in_2022["n_contributors"], in_2022["n_members"]) == (10, 10)


def test_afghanistan_value_after_2021_does_not_move_the_mean():
    # 2022: AFG 100 would lift the mean of KAZ 2 and UZB 4 to 35.3; it is left out -> 3.0
    obs = observations([(SHARE, "AFG", 2022, 100.0), (SHARE, "KAZ", 2022, 2.0), (SHARE, "UZB", 2022, 4.0)])
    out = regional_values(obs, parts({"part_id": SHARE, "aggregation": "mean"}), MEMBERSHIPS)
    row = only_row(out, SHARE, 2022)
    assert row["value"] == 3.0
    assert row["contributors"] == ids("KAZ", "UZB")
    assert row["n_members"] == 10


def test_member_count_of_a_reported_value_follows_membership():
    obs = observations([(BCP, REGION, 2021, 13.6), (BCP, REGION, 2022, 13.0)])
    out = regional_values(obs, parts({"part_id": BCP, "aggregation": "region_only"}), MEMBERSHIPS)
    assert only_row(out, BCP, 2021)["n_members"] == 11
    assert only_row(out, BCP, 2022)["n_members"] == 10


def test_country_before_it_joined_does_not_contribute():
    # Georgia joined in 2016: its 2015 value is not a CAREC value yet.
    obs = observations([(SHARE, "GEO", 2015, 20.0), (SHARE, "KAZ", 2015, 30.0)])
    out = regional_values(obs, parts({"part_id": SHARE, "aggregation": "mean"}), MEMBERSHIPS)
    row = only_row(out, SHARE, 2015)
    assert row["value"] == 30.0
    assert row["contributors"] == ids("KAZ")
    assert row["n_members"] == 10  # all but Georgia


# --------------------------------------------------------------------------------------------
# Censored values


@pytest.mark.parametrize(
    ("rule", "qualifiers", "combined"),
    [
        # ENG OC 1 renewables: KAZ "<1", UZB 2 -> the sum/mean is at most what is printed
        pytest.param("sum", ("<", ""), "<=", id="sum_with_an_upper_bound_is_an_upper_bound"),
        pytest.param("mean", ("<", ""), "<=", id="mean_with_an_upper_bound_is_an_upper_bound"),
        pytest.param("median", ("<=", "<"), "<=", id="median_of_upper_bounds_is_an_upper_bound"),
        pytest.param("mean", (">", ""), ">=", id="mean_with_a_lower_bound_is_a_lower_bound"),
        pytest.param("sum", (">", ">="), ">=", id="sum_of_lower_bounds_is_a_lower_bound"),
        pytest.param("mean", ("<", ">"), "~", id="mixed_bounds_are_approximate"),
        pytest.param("mean", ("", ""), "", id="plain_values_stay_plain"),
    ],
)
def test_censored_qualifiers_propagate_to_the_aggregate(rule, qualifiers, combined):
    obs = observations([(SHARE, "KAZ", 2021, 1.0, qualifiers[0]), (SHARE, "UZB", 2021, 2.0, qualifiers[1])])
    row = only_row(regional_values(obs, parts({"part_id": SHARE, "aggregation": rule}), MEMBERSHIPS), SHARE, 2021)
    assert row["qualifier"] == combined


def test_count_meeting_result_is_a_plain_count():
    obs = observations([(TTCI, "CHN", 2017, 15.0, ">"), (TTCI, "GEO", 2017, 70.0, "")])
    frame = parts({"part_id": TTCI, "aggregation": "count_meeting", "condition_operator": "<=", "condition_value": 70})
    assert only_row(regional_values(obs, frame, MEMBERSHIPS), TTCI, 2017)["qualifier"] == ""


def test_reported_regional_value_keeps_its_own_qualifier():
    # ENG OC 1: the region's renewable share printed as "<1%"
    obs = observations([(SHARE, REGION, 2017, 1.0, "<")])
    out = regional_values(obs, parts({"part_id": SHARE, "aggregation": "mean"}), MEMBERSHIPS)
    row = only_row(out, SHARE, 2017)
    assert (row["value"], row["qualifier"], row["origin"]) == (1.0, "<", "reported")


def test_no_observations_give_no_regional_values():
    out = regional_values(observations([]), parts({"part_id": SHARE, "aggregation": "mean"}), MEMBERSHIPS)
    assert out.empty
    assert list(out.columns) == [
        "part_id",
        "year",
        "value",
        "qualifier",
        "origin",
        "contributors",
        "n_contributors",
        "n_members",
    ]
