"""The scorecard of an edition: both signals (the rating's traffic light and the change's arrow) for
every part, built from the frozen content with the engine's one rule, and the same cells in the
HTML and the XLSX (the PDF: tests/reports/test_scorecard_pdf.py) in each language."""

import io
import re

import lxml.html
import pytest
from openpyxl import load_workbook

from indicators.models import IndicatorPart, Observation
from progress.method import Movement
from progress.models import PartRating
from progress.services import progress_recompute, rating_method_default
from reports.builder import report_document
from reports.render import render_html, render_xlsx
from reports.selectors import edition_content

LANGUAGES = ["en", "zh-hans", "ru"]


def _squeeze(text: str) -> str:
    """The template's line breaks and indents away; no-break spaces (1 234 in Russian) kept."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _rows(document: dict) -> list[dict]:
    return [row for group in document["scorecard"]["groups"] for row in group["rows"]]


def _texts(row: dict) -> list[str]:
    return [cell.text for cell in row["cells"]]


def test_every_part_of_the_edition_has_a_row_with_both_signals(edition_2021):
    content = edition_content(edition_2021)
    document = report_document(content, None, language="en", charts=False)
    rows = _rows(document)
    parts = [(i["code"], p["code"]) for i in content["indicators"] for p in i["parts"]]
    assert sorted((r["indicator"], r["part"]) for r in rows) == sorted(parts)
    assert all(len(r["cells"]) == len(document["scorecard"]["columns"]) == 10 for r in rows)
    # the demo data has every signal: each arrow, and grey rows with no value
    assert {r["movement"] for r in rows} >= {*Movement.ALL, None}
    assert any(r["no_data"] for r in rows) and not all(r["no_data"] for r in rows)
    for row in rows:
        assert row["cells"][9].text == Movement.text(row["movement"])
        assert row["cells"][9].text[0] in "↑→↓–"
        if row["no_data"]:
            assert row["cells"][4].text == row["cells"][5].text == "—"
            assert row["movement"] is None


def test_the_arrow_of_the_edition_is_the_one_the_recompute_stored(edition_2021):
    """One rule: the builder's arrow from the frozen values equals the stored PartRating's."""
    document = report_document(edition_content(edition_2021), None, language="en", charts=False)
    stored = {
        (r.part.indicator.code, r.part.code): r.movement or None
        for r in PartRating.objects.filter(method=rating_method_default(), as_of=2020).select_related("part__indicator")
    }
    rows = _rows(document)
    assert rows and {(r["indicator"], r["part"]): r["movement"] for r in rows} == stored


def test_a_published_edition_keeps_its_arrows_whatever_happens_to_the_data(edition_2021):
    before = [r["movement"] for r in _rows(report_document(edition_content(edition_2021), None, language="en"))]
    # every approved value of 2019 and 2020 withdrawn: the live arrows change, the edition's do not
    Observation.objects.filter(year__in=[2019, 2020]).delete()
    progress_recompute()
    after = [r["movement"] for r in _rows(report_document(edition_content(edition_2021), None, language="en"))]
    assert after == before
    assert PartRating.objects.filter(as_of=2020).exclude(movement="").count() < sum(m is not None for m in before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_html_scorecard_has_the_documents_cells_and_legend(edition_2021, language):
    document = report_document(edition_content(edition_2021), None, language=language, charts=False)
    page = lxml.html.fromstring(render_html(document))
    table = page.xpath('//table[contains(@class, "scorecard-table")]')[0]
    headers = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    assert headers == document["scorecard"]["columns"]
    rows = table.xpath('./tbody/tr[contains(@class, "part-row")]')
    shown = [[_squeeze(td.text_content()) for td in tr.xpath("./td")] for tr in rows]
    assert shown == [_texts(row) for row in _rows(document)]
    # the rating's colour and the arrow's code are on every row, the grey rows are marked
    for tr, row in zip(rows, _rows(document), strict=True):
        assert tr.xpath(f'.//span[contains(@class, "rating-{row["rating"]}")]')
        assert tr.xpath(f'.//span[contains(@class, "movement-{row["movement"] or "none"}")]')
        assert ("no-data" in tr.get("class")) == row["no_data"]
    legend = page.xpath('//div[contains(@class, "scorecard-legend")]')[0].text_content()
    for item in document["scorecard"]["legend"]["movements"]:
        assert item["text"] in legend
    assert "scorecard" in [a.get("href", "").lstrip("#") for a in page.xpath('//nav[@class="toc"]//a')]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_xlsx_scorecard_sheet_has_the_documents_cells(edition_2021, language):
    document = report_document(edition_content(edition_2021), None, language=language, charts=False)
    book = load_workbook(io.BytesIO(render_xlsx(document)))
    assert book.sheetnames[1] == document["scorecard"]["title"]
    sheet = book[document["scorecard"]["title"]]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(list(document["scorecard"]["columns"]))
    groups = document["scorecard"]["groups"]
    expected = []
    for group in groups:
        expected.append([group["label"], *[None] * 9])
        for row in group["rows"]:
            expected.append([cell.number if cell.number is not None else cell.text for cell in row["cells"]])
    assert values[header + 1 : header + 1 + len(expected)] == expected


def test_lower_is_better_parts_improve_when_their_value_falls(edition_2021):
    content = edition_content(edition_2021)
    document = report_document(content, None, language="en", charts=False)
    falling = {
        (i["code"], p["code"])
        for i in content["indicators"]
        for p in i["parts"]
        if p["direction"] == IndicatorPart.Direction.DECREASE
        and len(p["values"]) >= 2
        and not p["values"][-1]["value"].get("q")
        and not p["values"][-2]["value"].get("q")
        and p["values"][-1]["value"]["n"] < p["values"][-2]["value"]["n"] * 0.99
    }
    rows = {(r["indicator"], r["part"]): r["movement"] for r in _rows(document)}
    assert falling, "the demo data has a lower-is-better series that fell"
    assert all(rows[key] == Movement.IMPROVING for key in falling)


def test_the_frozen_explanation_shows_the_worst_case_of_a_censored_value_and_the_arrow_uses_it(rated, secretariat):
    """content._explanations passes the unit's plausible range, as the engine and the indicator page do."""
    import datetime

    from indicators.models import IndicatorPart
    from reports.services import report_edition_create

    part = IndicatorPart.objects.get(code="RENEWABLE_SHARE")  # %, higher is better, baseline "<1" (2017)
    Observation.objects.create(
        part=part, year=2020, value_type="percent", value_number=2, qualifier="<", status="approved"
    )
    progress_recompute()
    draft = report_edition_create(
        user=secretariat,
        code="T",
        titles={"en": "T", "zh-hans": "T", "ru": "T"},
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        cut_off=2020,
    )
    content = edition_content(draft)
    frozen = next(p for i in content["indicators"] for p in i["parts"] if p["code"] == "RENEWABLE_SHARE")
    assert frozen["plausible"] == [0.0, 100.0]
    assert any("as low as 0, the lowest plausible value" in line for line in frozen["explanation"]["en"])
    # "<2" may be as low as 0: from the baseline 1, no sure gain
    document = report_document(content, None, language="en", charts=False)
    row = next(r for r in _rows(document) if r["part"] == "RENEWABLE_SHARE")
    assert row["movement"] == Movement.WORSENING
    stored = PartRating.objects.get(method=rating_method_default(), part=part, as_of=2020)
    assert stored.movement == Movement.WORSENING
