"""Categories and flags through the one way in: a value for a category is a cell of its own
beside the total, checked against the code lists and the part's dimensions, whichever way in
gives it (a key or a mapping); a flag is one of SDMX's observation statuses."""

import pytest

from indicators.models import OBS_STATUS, Observation
from tests import factories
from workflow import services
from workflow.entry import Entry, EntryErrors
from workflow.models import Role
from workflow.permissions import observations_visible

pytestmark = pytest.mark.django_db

TRAINED = ("HLT OP 2", "OFFICIALS_TRAINED")


@pytest.fixture
def sec(db):
    factories.open_year(2024)
    return factories.user("sec", groups=(Role.SECRETARIAT,))


def problems(sec, entries) -> list[tuple]:
    with pytest.raises(EntryErrors) as caught:
        services.entries_save(user=sec, entries=entries)
    return caught.value.errors


def test_the_total_and_its_categories_are_cells_of_their_own(sec):
    written = services.entries_save(
        user=sec,
        entries=[
            Entry(*TRAINED, "CAREC", 2024, "120", ref=1),
            Entry(*TRAINED, "CAREC", 2024, "70", breakdown="sex=f", ref=2),
            Entry(*TRAINED, "CAREC", 2024, "50", breakdown={"SEX": "M"}, ref=3),
        ],
    )
    assert written.created == 3
    assert {o.breakdown: o.value_number for o in written.observations.values()} == {"": 120, "SEX=F": 70, "SEX=M": 50}
    # the same categories spelt another way are the same cell: a change, not a new value
    again = services.entries_save(user=sec, entries=[Entry(*TRAINED, "CAREC", 2024, "71", breakdown=" SEX = F ")])
    assert (again.created, again.changed) == (0, 1)
    assert Observation.objects.get(breakdown="SEX=F", year=2024).value_number == 71
    # what every page reads is the totals, unless it asks for the categories
    assert set(observations_visible(sec).filter(year=2024).values_list("breakdown", flat=True)) == {""}
    assert set(observations_visible(sec, categories=True).filter(year=2024).values_list("breakdown", flat=True)) == {
        "",
        "SEX=F",
        "SEX=M",
    }


def test_categories_outside_the_code_lists_or_the_parts_dimensions_are_refused_with_what_is_wrong(sec):
    found = problems(
        sec,
        [
            Entry(*TRAINED, "CAREC", 2024, "1", breakdown="SEX=X", ref="a"),
            Entry(*TRAINED, "CAREC", 2024, "1", breakdown="COLOUR=RED", ref="b"),
            Entry(*TRAINED, "CAREC", 2024, "1", breakdown="AGE=Y_LT25", ref="c"),
            Entry("HLT OP 2", "WOMEN_SHARE", "CAREC", 2024, "40", breakdown="SEX=F", ref="d"),
            Entry(*TRAINED, "CAREC", 2024, "1", breakdown="female", ref="e"),
        ],
    )
    messages = {ref: message for ref, column, message in found if column == "breakdown"}
    assert messages["a"] == "“X” is not a category of Sex (use F, M)."
    assert messages["b"].startswith("Unknown dimension “COLOUR”")
    assert messages["c"] == "This part is not broken down by Age group."
    assert messages["d"] == "This part is not broken down by Sex."
    assert "write DIMENSION=CATEGORY" in messages["e"]
    assert not Observation.objects.filter(year=2024).exists()


def test_the_same_category_twice_in_a_file_is_a_duplicate_but_two_categories_are_not(sec):
    found = problems(
        sec,
        [
            Entry(*TRAINED, "CAREC", 2024, "70", breakdown="SEX=F", ref=1),
            Entry(*TRAINED, "CAREC", 2024, "50", breakdown="SEX=M", ref=2),
            Entry(*TRAINED, "CAREC", 2024, "71", breakdown="SEX=F", ref=3),
        ],
    )
    assert [(ref, column) for ref, column, _message in found] == [(3, "value")]


def test_flags_are_sdmx_observation_statuses_and_missing_holds_no_value(sec):
    written = services.entries_save(
        user=sec, entries=[Entry(*TRAINED, "CAREC", 2024, "120", kind="provisional", note="Preliminary count")]
    )
    (observation,) = written.observations.values()
    assert (observation.kind, OBS_STATUS[observation.kind]) == ("provisional", "P")
    found = problems(
        sec,
        [
            Entry(*TRAINED, "CAREC", 2024, "3", breakdown="SEX=F", kind="missing", ref=1),
            Entry(*TRAINED, "CAREC", 2024, "3", breakdown="SEX=M", kind="guess", ref=2),
        ],
    )
    assert [(ref, column) for ref, column, _m in found] == [(1, "kind"), (2, "kind")]
    assert found[1][2].startswith("Unknown flag “guess” (use actual, estimate, forecast, provisional, break")


def test_a_year_given_as_a_list_or_mapping_is_refused_as_no_year(sec):
    found = problems(
        sec,
        [Entry(*TRAINED, "CAREC", [2024], "1", ref=1), Entry(*TRAINED, "CAREC", {"y": 2024}, "1", ref=2)],
    )
    assert [(ref, column) for ref, column, _m in found] == [(1, "year"), (2, "year")]
    assert found[0][2] == "“[2024]” is not a year."
