"""Categories and flags in the report: under an indicator's table, its values by category (by sex
for HLT OP 2) with the total; a footnote mark on every flagged value, with the flag and its
comment under the table, in the HTML (and so the PDF), the XLSX and the DOCX. A published edition
is frozen: values with categories or flags added later change nothing in it."""

import datetime
import io

import docx
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clusters.models import Sector
from indicators.models import Category, Dimension, IndicatorPart, Observation
from reports.builder import report_document
from reports.content import content_build
from reports.render import report_render
from reports.selectors import edition_content, edition_previous_content, edition_scope
from reports.services import report_edition_create
from tests import factories
from workflow.entry import Entry

pytestmark = pytest.mark.django_db

TRAINED = ("HLT OP 2", "OFFICIALS_TRAINED")
NOTE = {"note_en": "To be confirmed by the ministries.", "note_ru": "Подлежит подтверждению министерствами."}
LANGUAGES = ("en", "ru")


@pytest.fixture
def trained(rated, secretariat):
    """HLT OP 2 for 2022 and 2023, by sex; the 2023 total and the women's value provisional."""
    factories.approved_values(
        secretariat,
        [
            Entry(*TRAINED, "CAREC", 2022, "80"),
            Entry(*TRAINED, "CAREC", 2022, "50", breakdown="SEX=F"),
            Entry(*TRAINED, "CAREC", 2022, "30", breakdown="SEX=M"),
            Entry(*TRAINED, "CAREC", 2023, "100", kind=Observation.Kind.PROVISIONAL, note=NOTE),
            Entry(*TRAINED, "CAREC", 2023, "60", breakdown="SEX=F", kind=Observation.Kind.PROVISIONAL, note=NOTE),
            Entry(*TRAINED, "CAREC", 2023, "40", breakdown="SEX=M"),
        ],
    )


@pytest.fixture
def health_report(trained, secretariat):
    """A draft sector progress report of health, 2022 to 2023."""
    return report_edition_create(
        user=secretariat,
        code="hlt-2023",
        titles={"en": "Health: sector progress report 2022–2023", "ru": "Здравоохранение: отчет 2022–2023"},
        period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        cut_off=2023,
        sector=Sector.objects.get(code="HLT"),
    )


def _render(edition, language, format, user=None):
    return report_render(
        edition_content(edition, user), edition_previous_content(edition, user), language=language, format=format
    )


def _expected(language):
    """The words the report must show, in `language`: the code lists' names, the flag's label and
    the comment (the interface's own words through gettext, as the .po files have them)."""
    suffix = {"en": "en", "ru": "ru"}[language]
    sex = Dimension.objects.get(code="SEX")
    with translation.override(language):
        flag = str(Observation.Kind.PROVISIONAL.label)
        flag = flag[:1].upper() + flag[1:]
        return {
            "sex": getattr(sex, f"name_{suffix}"),
            "title": translation.gettext("By %(dimensions)s") % {"dimensions": getattr(sex, f"name_{suffix}").lower()},
            "female": getattr(Category.objects.get(dimension=sex, code="F"), f"name_{suffix}"),
            "male": getattr(Category.objects.get(dimension=sex, code="M"), f"name_{suffix}"),
            "total": translation.gettext("Total"),
            "by_category": translation.gettext("By category"),
            "footnote": translation.gettext("%(flag)s: %(comment)s")
            % {"flag": flag, "comment": NOTE[f"note_{suffix}"]},
        }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_html_shows_the_values_by_sex_under_the_table_and_footnotes_the_provisional_ones(
    health_report, secretariat, language
):
    words = _expected(language)
    html = _render(health_report, language, "html", secretariat).decode()
    table = html[html.index('<table class="parts categories stack">') :]
    table = table[: table.index("</table>")]
    assert f": {words['title']}</caption>" in table  # after the part's name: HLT OP 2 has several
    assert f'<th scope="col" class="part-name">{words["sex"]}</th>' in table
    mark = '<sup class="flag-mark">a</sup>'
    female = table[table.index(words["female"]) : table.index(words["male"])]
    assert '<td class="num">50</td>' in female and f'<td class="num">60{mark}</td>' in female
    male = table[table.index(words["male"]) : table.index(words["total"])]
    assert '<td class="num">30</td>' in male and '<td class="num">40</td>' in male and "flag-mark" not in male
    total = table[table.index(words["total"]) :]
    assert '<td class="num">80</td>' in total and f'<td class="num">100{mark}</td>' in total
    # one footnote for the two values with the same flag and comment, under the tables
    assert html.count(f"{mark} {words['footnote']}</p>") == 2  # under the indicator, and in the annex
    # the indicator's own table marks its total too, and the latest value
    assert f'<td class="num">100{mark}</td>' in html[: html.index('<table class="parts categories stack">')]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_spreadsheet_keeps_the_numbers_and_marks_the_flagged_ones_with_the_footnotes_below(
    health_report, secretariat, language
):
    words = _expected(language)
    book = openpyxl.load_workbook(io.BytesIO(_render(health_report, language, "xlsx", secretariat)))
    sheet = book[words["by_category"]]
    rows = [list(row) for row in sheet.iter_rows()]
    header = [cell.value for cell in rows[0]]
    assert header[4:] == ["2022", "2023"]
    by_label = {row[3].value: row for row in rows[1:] if row[0].value == "HLT OP 2"}
    assert (by_label[words["total"]][4].value, by_label[words["total"]][5].value) == (80, 100)
    assert by_label[words["female"]][2].value == words["sex"]
    assert (by_label[words["female"]][4].value, by_label[words["female"]][5].value) == (50, 60)
    assert (by_label[words["male"]][4].value, by_label[words["male"]][5].value) == (30, 40)
    # the flagged numbers stay numbers, marked by their format; the others keep the plain one
    assert by_label[words["female"]][5].number_format == 'General" [a]"'
    assert by_label[words["total"]][5].number_format == 'General" [a]"'
    assert by_label[words["male"]][5].number_format == "General"
    assert [[row[0].value, row[1].value] for row in rows[-1:]] == [["[a]", words["footnote"]]]
    # the cluster's data sheet marks the total too, with the footnote under its table
    with translation.override(language):
        name = IndicatorPart.objects.get(indicator__code=TRAINED[0], code=TRAINED[1]).name
    cluster, found = next(
        (s, row) for s in book.worksheets for row in s.iter_rows() if [c.value for c in row[:3:2]] == ["HLT OP 2", name]
    )
    assert [cell.value for cell in found if cell.number_format == 'General" [a]"'] == [100, 100]  # 2023, latest
    assert [[row[0].value, row[1].value] for row in cluster.iter_rows()][-1] == ["[a]", words["footnote"]]


def _table_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_word_file_has_the_table_by_sex_with_raised_marks_and_the_footnotes(health_report, secretariat, language):
    words = _expected(language)
    document = docx.Document(io.BytesIO(_render(health_report, language, "docx", secretariat)))
    tables = [_table_texts(t) for t in document.tables]
    by_sex = next(t for t in tables if t[0][0] == words["sex"])
    assert by_sex == [
        [words["sex"], "2022", "2023"],
        [words["female"], "50", "60a"],
        [words["male"], "30", "40"],
        [words["total"], "80", "100a"],
    ]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == words["sex"])
    runs = table.rows[1].cells[2].paragraphs[0].runs
    assert [(run.text, bool(run.font.superscript)) for run in runs] == [("60", False), ("a", True)]
    caption = [p.text for p in document.paragraphs if p.text.endswith(f": {words['title']}")]
    assert caption, "the table's caption precedes it"
    footnotes = [p for p in document.paragraphs if p.text == f"a {words['footnote']}"]
    assert len(footnotes) == 2  # under the indicator's tables, and under the annex's
    assert footnotes[0].runs[0].font.superscript


def test_a_chinese_report_names_the_categories_in_chinese(health_report, secretariat):
    html = _render(health_report, "zh-hans", "html", secretariat).decode()
    assert '<th scope="row" class="part-name">女性</th>' in html and ">性别</th>" in html


def test_forecasts_never_reach_the_report_and_normal_values_carry_no_mark(health_report, secretariat):
    factories.approved_values(
        secretariat,
        [Entry(*TRAINED, "CAREC", 2021, "70", kind=Observation.Kind.FORECAST, note={"note_en": "A forecast."})],
    )
    content = edition_content(health_report, secretariat)
    part = next(p for i in content["indicators"] if i["code"] == "HLT OP 2" for p in i["parts"])
    assert [(f["year"], f["kind"]) for f in part["value_flags"]] == [(2023, "provisional")]
    assert [(v["year"], "flag" in v) for v in part["categories"]["rows"][0]["values"]] == [(2022, False), (2023, True)]
    assert "A forecast." not in _render(health_report, "en", "html", secretariat).decode()


def test_the_flags_of_an_aggregated_value_are_those_of_the_countries_it_is_made_of(rated, secretariat):
    part = factories.trp_country_part()
    indicator, code = part.indicator.code, part.code
    factories.approved_values(
        secretariat,
        [
            Entry(indicator, code, "KAZ", 2019, "10", kind=Observation.Kind.ESTIMATE, note={"note_en": "Survey."}),
            Entry(indicator, code, "UZB", 2019, "12"),
        ],
    )
    scope = edition_scope(
        report_edition_create(
            user=secretariat,
            code="agg",
            titles={"en": "Aggregated"},
            period_start=datetime.date(2018, 1, 1),
            period_end=datetime.date(2020, 12, 31),
            cut_off=2020,
        )
    )
    content = content_build(scope, secretariat)
    found = next(p for i in content["indicators"] if i["code"] == indicator for p in i["parts"] if p["code"] == code)
    assert [(f["year"], f["country"], f["kind"]) for f in found.get("value_flags", [])] == [(2019, "KAZ", "estimate")]
    document = report_document(content, None, language="en", charts=False)
    shown = next(
        p
        for c in document["clusters"]
        for s in c["sectors"]
        for i in s["indicator_list"]
        for p in i["parts"]
        if p["code"] == code
    )
    assert shown["years"][1].mark == "a"
    notes = next(
        i for c in document["clusters"] for s in c["sectors"] for i in s["indicator_list"] if i["code"] == indicator
    )["footnotes"]
    assert notes == [{"mark": "a", "text": "Estimated (KAZ): Survey."}]


def test_reading_the_categories_and_flags_takes_the_same_queries_whatever_their_number(
    health_report, secretariat, django_assert_num_queries
):
    scope = edition_scope(health_report)
    content_build(scope, secretariat)  # warm the caches (content types, the method)
    with CaptureQueriesContext(connection) as one:
        content_build(scope, secretariat)
    # more categories and flags: another part broken down by sex, and a flagged year more
    other = IndicatorPart.objects.filter(indicator__result__sector__code="HLT").exclude(code=TRAINED[1]).first()
    other.dimensions.add(Dimension.objects.get(code="SEX"))
    factories.approved_values(
        secretariat,
        [
            Entry(other.indicator.code, other.code, "CAREC", 2022, "3", kind=Observation.Kind.ESTIMATE),
            Entry(other.indicator.code, other.code, "CAREC", 2022, "2", breakdown="SEX=F"),
            Entry(*TRAINED, "CAREC", 2021, "7", breakdown="SEX=M", kind=Observation.Kind.IMPUTED),
        ],
    )
    with django_assert_num_queries(len(one.captured_queries)):
        content = content_build(scope, secretariat)
    assert sum("categories" in p for i in content["indicators"] for p in i["parts"]) == 2


def test_an_edition_without_categories_or_flags_keeps_its_content_and_its_renderings(edition_2021):
    content = edition_content(edition_2021)
    parts = [p for i in content["indicators"] for p in i["parts"]]
    assert not any("categories" in p or "value_flags" in p for p in parts)
    for language in ("en", "zh-hans", "ru"):
        html = report_render(content, None, language=language, format="html").decode()
        assert "flag-mark" not in html and "categories" not in html and "footnotes" not in html


def test_a_published_edition_is_unchanged_by_categories_and_flags_added_later(edition_2021, secretariat):
    before = {
        (language, format): _render(edition_2021, language, format)
        for language in ("en", "zh-hans", "ru")
        for format in ("html", "xlsx", "docx")
    }
    # Given values by sex and flagged values in the edition's years, written after it was published
    factories.approved_values(
        secretariat,
        [
            Entry(*TRAINED, "CAREC", 2020, "90", kind=Observation.Kind.PROVISIONAL, note=NOTE),
            Entry(*TRAINED, "CAREC", 2020, "55", breakdown="SEX=F"),
            Entry(*TRAINED, "CAREC", 2020, "35", breakdown="SEX=M", kind=Observation.Kind.IMPUTED),
        ],
    )
    # then the HTML of every language is the same, byte for byte, and so are the files' contents
    for (language, format), data in before.items():
        again = _render(edition_2021, language, format)
        if format == "html":
            assert again == data
        else:
            assert _members(again) == _members(data)


def _members(data: bytes) -> dict[str, bytes]:
    """A zip file's parts but its properties (openpyxl stamps the time of writing there)."""
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist() if not name.startswith("docProps/")}
