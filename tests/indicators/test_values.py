"""Raw values become typed columns; anything that is not of the part's type is refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Availability, ValueType
from indicators.values import typed_value

COUNTRIES = {"CHN", "KAZ", "KGZ", "PAK"}


def test_number_keeps_its_decimal_and_qualifier():
    value = typed_value(value_type=ValueType.PERCENT, value=1, qualifier="<")
    assert value.value_number == Decimal("1")
    assert value.qualifier == "<"
    assert value.value_boolean is None and value.value_text == ""


def test_not_applicable_is_distinct_from_a_value_and_from_missing():
    value = typed_value(value_type=ValueType.COUNT, availability=Availability.NOT_APPLICABLE)
    assert value.availability == Availability.NOT_APPLICABLE
    assert value.value_number is None


def test_not_applicable_with_a_value_is_refused():
    with pytest.raises(ValidationError, match="cannot also hold a value"):
        typed_value(value_type=ValueType.COUNT, availability=Availability.NOT_APPLICABLE, value=3)


def test_missing_value_is_refused_rather_than_stored_as_zero():
    with pytest.raises(ValidationError, match="A value is required"):
        typed_value(value_type=ValueType.NUMBER, value=None)


def test_at_least_hash_may_have_no_value_when_allowed():
    value = typed_value(value_type=ValueType.COUNT, value=None, value_required=False)
    assert value.value_number is None


@pytest.mark.parametrize("raw", ["abc", "1,5", "nan", "inf", True])
def test_text_is_not_squeezed_into_a_number(raw):
    with pytest.raises(ValidationError):
        typed_value(value_type=ValueType.NUMBER, value=raw)


def test_count_must_be_whole_and_not_negative():
    with pytest.raises(ValidationError, match="whole number"):
        typed_value(value_type=ValueType.COUNT, value=2.5)
    with pytest.raises(ValidationError, match="whole number"):
        typed_value(value_type=ValueType.COUNT, value=-1)


def test_rank_starts_at_one():
    with pytest.raises(ValidationError, match="rank"):
        typed_value(value_type=ValueType.RANK, value=0)
    assert typed_value(value_type=ValueType.RANK, value=70).value_number == 70


def test_yes_no_takes_only_booleans():
    assert typed_value(value_type=ValueType.BOOLEAN, value=False).value_boolean is False
    with pytest.raises(ValidationError, match="yes or no"):
        typed_value(value_type=ValueType.BOOLEAN, value=1)


def test_ordinal_level_must_be_on_the_scale():
    scale = ["none", "very_limited", "partial", "full"]
    assert (
        typed_value(value_type=ValueType.ORDINAL, value="very_limited", scale_codes=scale).value_text == "very_limited"
    )
    with pytest.raises(ValidationError, match="not a level of this scale"):
        typed_value(value_type=ValueType.ORDINAL, value="great", scale_codes=scale)


def test_country_set_derives_its_count_from_the_members():
    value = typed_value(
        value_type=ValueType.COUNTRY_SET, countries=["PAK", "CHN", "KAZ", "KGZ"], known_countries=COUNTRIES
    )
    assert value.value_number == 4
    assert value.countries == ("CHN", "KAZ", "KGZ", "PAK")


def test_country_set_may_hold_only_a_count_when_members_are_not_named():
    assert typed_value(value_type=ValueType.COUNTRY_SET, value=1).value_number == 1


def test_country_set_count_must_match_the_members():
    with pytest.raises(ValidationError, match="does not match"):
        typed_value(value_type=ValueType.COUNTRY_SET, value=3, countries=["CHN", "KAZ"], known_countries=COUNTRIES)


def test_country_set_refuses_unknown_and_repeated_countries():
    with pytest.raises(ValidationError, match="Unknown country codes: XXX"):
        typed_value(value_type=ValueType.COUNTRY_SET, countries=["CHN", "XXX"], known_countries=COUNTRIES)
    with pytest.raises(ValidationError, match="twice"):
        typed_value(value_type=ValueType.COUNTRY_SET, countries=["CHN", "CHN"], known_countries=COUNTRIES)


def test_unknown_qualifier_is_refused():
    with pytest.raises(ValidationError, match="qualifier"):
        typed_value(value_type=ValueType.NUMBER, value=1, qualifier="≈≈")


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("1 234,5", True, ("", "1234.5")),
        ("1\u00a0234,5", True, ("", "1234.5")),
        ("1,234.5", False, ("", "1234.5")),
        ("12%", False, ("", "12")),
        ("<1", False, ("<", "1")),
        ("≥ 70", False, (">=", "70")),
        ("-3,2", True, ("", "-3.2")),
        ("0.43", False, ("", "0.43")),
    ],
)
def test_numbers_typed_by_people(text, decimal_comma, expected):
    from indicators.values import parse_number_text

    assert parse_number_text(text, decimal_comma=decimal_comma) == expected


@pytest.mark.parametrize(
    ("text", "decimal_comma"), [("1,5", False), ("12,34,5", True), ("abc", False), ("1.2.3", False)]
)
def test_ambiguous_or_broken_numbers_are_refused(text, decimal_comma):
    from indicators.values import parse_number_text

    with pytest.raises(ValidationError):
        parse_number_text(text, decimal_comma=decimal_comma)


def test_not_available_and_not_applicable_words():
    from indicators.values import availability_of_text

    assert availability_of_text("N/A") == "not_available"
    assert availability_of_text("—") == "not_available"
    assert availability_of_text("不适用") == "not_applicable"
    assert availability_of_text("12") is None
