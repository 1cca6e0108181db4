"""The scorecard's arrow in the API and the open data: the stored change since the previous value,
its code and its words in the reader's language, beside the rating."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from progress.services import progress_recompute

pytestmark = pytest.mark.django_db

# TRD OC 1, fuel trade within CAREC (% of GDP, higher is better): baseline 0.48 (2017), 0.71 in
# 2019, 0.55 in 2020. As of 2019 it rose from the baseline; as of 2020 it fell from 2019's value.
FUEL = {"indicator": "TRD OC 1", "part": "FUEL_CAREC"}


@pytest.fixture
def anon():
    progress_recompute()
    return APIClient()


@pytest.mark.parametrize(
    ("year", "movement", "text"), [(2019, "improving", "↑ Improving"), (2020, "worsening", "↓ Worsening")]
)
def test_a_part_rating_carries_its_change_since_the_previous_value(anon, year, movement, text):
    row = anon.get("/api/v1/part-ratings/", {**FUEL, "year": year, "lang": "en"}).json()["results"][0]
    assert (row["movement"], row["movement_text"]) == (movement, text)


def test_the_change_is_null_with_nothing_to_compare_and_its_words_follow_the_language(anon):
    # EFS OP 1 has a baseline and no value yet
    row = anon.get("/api/v1/part-ratings/", {"indicator": "EFS OP 1", "year": 2020}).json()["results"][0]
    assert row["movement"] is None and row["movement_text"].startswith("–")
    english = anon.get("/api/v1/part-ratings/", {**FUEL, "year": 2020, "lang": "en"}).json()["results"][0]
    russian = anon.get("/api/v1/part-ratings/", {**FUEL, "year": 2020, "lang": "ru"}).json()["results"][0]
    assert russian["movement"] == english["movement"] == "worsening"
    assert russian["movement_text"].startswith("↓ ")


def test_the_open_data_ratings_file_has_both_signals(anon):
    response = anon.get("/api/v1/data/ratings.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    fuel = {int(r["year"]): r for r in rows if (r["indicator"], r["part"]) == ("TRD OC 1", "FUEL_CAREC")}
    assert (fuel[2019]["movement"], fuel[2019]["movement_text"]) == ("improving", "↑ Improving")
    assert (fuel[2020]["movement"], fuel[2020]["rating"]) == ("worsening", "off_track")
    assert {r["movement"] for r in rows} == {"improving", "same", "worsening", ""}


def test_the_data_package_describes_the_ratings_file(anon):
    package = anon.get("/api/v1/data/datapackage.json").json()
    ratings = next(r for r in package["resources"] if r["name"] == "ratings")
    assert ratings["path"].endswith("ratings.csv")
    assert "movement" in [f["name"] for f in ratings["schema"]["fields"]]
