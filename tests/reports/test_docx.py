"""The report as a Word file: read back with python-docx, it has the HTML's headings in order, a
real table for every table of the document with the same cells, the text in the edition's
language (with an East Asian font declared for Chinese), and charts with their alternative text."""

import datetime
import html
import io
import re

import docx
import pytest
from django.utils import translation

from clusters.models import Sector
from reports.builder import report_document
from reports.formatting import Text
from reports.models import RenderJob
from reports.render import report_render
from reports.selectors import edition_content, edition_previous_content
from reports.services import render_job_run, report_edition_create, report_edition_publish, report_edition_submit

LANGUAGES = ("en", "zh-hans", "ru")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# a word of the Summary heading and of the period sentence, in each language (from the .po files)
WORDS = {
    "en": ("Summary", "Period covered"),
    "zh-hans": ("摘要", "涵盖期间"),
    "ru": ("Резюме", "Охватываемый период"),
}


@pytest.fixture
def sector_report(rated, secretariat):
    """A sector progress report (Trade), July 2019 to June 2020, published."""
    edition = report_edition_create(
        user=secretariat,
        code="trd-2020",
        titles={
            "en": "Trade: sector progress report, July 2019 – June 2020",
            "zh-hans": "贸易部门进展报告（2019年7月–2020年6月）",
            "ru": "Торговля: отчет о ходе работы сектора, июль 2019 – июнь 2020",
        },
        period_start=datetime.date(2019, 7, 1),
        period_end=datetime.date(2020, 6, 30),
        cut_off=2020,
        sector=Sector.objects.get(code="TRD"),
    )
    report_edition_submit(user=secretariat, edition=edition)
    return report_edition_publish(user=secretariat, edition=edition)


def _shown(text) -> str:
    """A text as the reader sees it: English standing in for a translation carries its mark."""
    return str(text) + (text.lang.upper() if isinstance(text, Text) and text.fallback else "")


def _year(text: str, year) -> str:
    return f"{text} ({year})" if year else text


def _expected_tables(document: dict) -> list[list[list[str]]]:
    """Every table of the document, in order, as the HTML templates print their cells."""
    tables = []
    summary = document["summary"]
    tables.append(
        [
            ["", *[c["label"] for c in summary["columns"]], translation.gettext("Total")],
            *[[str(r["label"]), *[str(n) if n else "·" for n in r["cells"]], str(r["total"])] for r in summary["rows"]],
        ]
    )
    clusters = {c["anchor"]: c for c in document["clusters"]}
    for heading in document["toc"]:
        if heading.anchor in clusters:
            for sector in clusters[heading.anchor]["sectors"]:
                for indicator in sector["indicator_list"]:
                    header = [
                        "Series",
                        "Baseline",
                        *map(str, document["years"]),
                        "Latest value",
                        "Milestones",
                        "Rating",
                    ]
                    rows = [[translation.gettext(h) if not h.isdigit() else h for h in header]]
                    for part in indicator["parts"]:
                        milestones = [f"{m['year']}: {m['text']}" for m in part["set_milestones"]]
                        rows.append(
                            [
                                f"{_shown(part['name'])}\n({part['unit']}; {part['direction']})",
                                _year(part["baseline"].text, part["baseline_year"]),
                                *[c.text for c in part["years"]],
                                _year(part["latest"].text, part["latest_year"]),
                                "\n".join(milestones) or translation.gettext("not set"),
                                part["rating_label"],
                            ]
                        )
                    tables.append(rows)
        elif heading.anchor == "scorecard":
            scorecard = document["scorecard"]
            rows = [list(scorecard["columns"])]
            for group in scorecard["groups"]:
                rows.append([str(group["label"])] * len(scorecard["columns"]))  # one cell across the row
                rows.extend([c.text for c in row["cells"]] for row in group["rows"])
            tables.append(rows)
        elif heading.anchor == "changes" and document["changes"]:
            changes = document["changes"]
            if changes["rerated"]:
                tables.append(
                    [None, *[[f"{r['code']} {r['statement']}", r["before"], r["after"]] for r in changes["rerated"]]]
                )
            if changes["baselines"]:
                tables.append(
                    [
                        None,
                        *[
                            [f"{r['indicator']} {r['part']}", r["before"], r["after"], str(r["reason"])]
                            for r in changes["baselines"]
                        ],
                    ]
                )
            if changes["milestones"]:
                tables.append(
                    [
                        None,
                        *[
                            [f"{r['indicator']} {r['part']}", str(r["year"]), r["before"], r["after"]]
                            for r in changes["milestones"]
                        ],
                    ]
                )
        elif heading.anchor == "annex-data":
            for block in document["annex"]["clusters"]:
                rows = [None]
                for row in block["rows"]:
                    part = row["part"]
                    rows.append(
                        [
                            row["indicator"]["code"],
                            _shown(part["name"]),
                            _shown(part["unit"]),
                            _year(part["baseline"].text, part["baseline_year"]),
                            *[c.text for c in row["years"]],
                            part["rating_label"],
                        ]
                    )
                tables.append(rows)
        elif heading.anchor == "annex-method":
            method = document["method"]
            tables.append([None, *[[label, value] for label, value in method["settings"]]])
            tables.append([None, *[[r["label"], str(r["score"])] for r in method["scores"]]])
    return tables


def _expected_headings(document: dict) -> list[tuple[int, str]]:
    """The HTML's h2, h3 and h4 in order, as Word's Heading 1, 2 and 3."""
    headings = []
    clusters = {c["anchor"]: c for c in document["clusters"]}
    for top in document["toc"]:
        if top.anchor in clusters:
            cluster = clusters[top.anchor]
            headings.append((1, f"{cluster['number']}. {_shown(cluster['name'])}"))
            for sector in cluster["sectors"]:
                headings.append((2, f"{sector['code']} {_shown(sector['name'])}"))
                headings.append((3, translation.gettext("Results chain")))
                headings += [(3, f"{i['code']} {_shown(i['statement'])}") for i in sector["indicator_list"]]
        elif top.anchor == "scorecard":
            headings.append((1, str(document["scorecard"]["title"])))
        else:
            headings.append((1, top.label))
            if top.anchor == "changes" and document["changes"]:
                headings += [
                    (2, translation.gettext(t))
                    for t in (
                        "New indicators",
                        "Dropped indicators",
                        "Re-rated indicators",
                        "Revised baselines",
                        "Revised milestones",
                    )
                ]
            if top.anchor == "annex-data":
                headings += [
                    (2, f"{b['cluster']['number']}. {_shown(b['cluster']['name'])}")
                    for b in document["annex"]["clusters"]
                ]
    return headings


def _charts(document: dict) -> list[str]:
    """The alternative text of every chart, in order: the label its SVG carries."""
    svgs = [document["summary"]["chart"]]
    svgs += [
        part["chart"]
        for cluster in document["clusters"]
        for sector in cluster["sectors"]
        for indicator in sector["indicator_list"]
        for part in indicator["parts"]
    ]
    return [html.unescape(re.search(r'aria-label="([^"]*)"', svg).group(1)) for svg in svgs if svg]


def _read_back(edition, language):
    content, previous = edition_content(edition), edition_previous_content(edition)
    data = report_render(content, previous, language=language, format="docx")
    return docx.Document(io.BytesIO(data)), report_document(content, previous, language=language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("which", ["edition_2021", "sector_report"])
def test_the_word_file_has_the_reports_headings_tables_language_and_charts(request, which, language):
    edition = request.getfixturevalue(which)
    word, document = _read_back(edition, language)
    with translation.override(language):
        # headings: Word's own styles (what the navigation pane lists), in the HTML's order
        headings = [
            (int(p.style.name.split()[-1]), p.text) for p in word.paragraphs if p.style.name.startswith("Heading ")
        ]
        assert headings == _expected_headings(document)
        assert word.paragraphs[[p.style.name for p in word.paragraphs].index("Title")].text == str(document["title"])
        for level in (1, 2, 3):  # what puts them in the navigation pane
            outline = word.styles[f"Heading {level}"].element.find(f"{W}pPr/{W}outlineLvl")
            assert outline.get(f"{W}val") == str(level - 1)
        if which == "sector_report":
            sector = document["clusters"][0]["sectors"][0]
            assert next(text for level, text in headings if level == 2) == f"TRD {sector['name']}"

        # tables: real ones, with the document's cells, their header row repeated on each page
        expected = _expected_tables(document)
        assert len(word.tables) == len(expected)
        for table, rows in zip(word.tables, expected, strict=True):
            cells = [[cell.text for cell in row.cells] for row in table.rows]
            assert len(cells) == len(rows)
            for got, want in zip(cells, rows, strict=True):
                if want is not None:  # (a header not compared here)
                    assert got == want
            assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None

    # the language: declared for the whole document, and the text is in it
    styles = word.styles.element
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    tag = {"en": "en-GB", "zh-hans": "zh-CN", "ru": "ru-RU"}[language]
    assert word.core_properties.language == tag
    # Chinese is declared as the East Asian language, with its Latin words as in English (line breaks)
    assert defaults.find(f"{W}lang").get(f"{W}val") == ("en-GB" if language == "zh-hans" else tag)
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    body = "\n".join(p.text for p in word.paragraphs)
    summary_word, period_word = WORDS[language]
    assert summary_word in body and period_word in body and str(document["title"]) in body
    if language == "ru":
        assert len(re.findall("[а-яА-Я]", body)) > 1000
    if language == "zh-hans":
        assert len(re.findall("[\u4e00-\u9fff]", body)) > 1000
        for fonts in [defaults.find(f"{W}rFonts")] + [
            word.styles[name].element.find(f"{W}rPr/{W}rFonts") for name in ("Title", "Heading 1", "Heading 2")
        ]:
            assert fonts.get(f"{W}eastAsia") == "Noto Sans CJK SC" and fonts.get(f"{W}eastAsiaTheme") is None
    else:
        assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia") is None

    # charts: PNG images, each with its alternative text
    pictures = list(word.inline_shapes)
    assert [shape._inline.docPr.get("descr") for shape in pictures] == _charts(document)
    assert len(pictures) >= 2 and all(shape._inline.docPr.get("descr") for shape in pictures)
    blobs = [
        word.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob for shape in pictures
    ]
    assert all(blob.startswith(b"\x89PNG") for blob in blobs)


def test_an_untranslated_text_is_shown_in_english_and_marked(edition_2021):
    content = edition_content(edition_2021)
    indicator = content["indicators"][0]
    indicator["statement"] = {"en": indicator["statement"]["en"], "ru": ""}
    word, _document = _read_back_content(content, "ru")
    heading = next(p for p in word.paragraphs if p.style.name == "Heading 3" and p.text.startswith(indicator["code"]))
    assert heading.text == f"{indicator['code']} {indicator['statement']['en']}EN"
    statement, mark = heading.runs[-2], heading.runs[-1]
    assert statement.element.find(f"{W}rPr/{W}lang").get(f"{W}val") == "en-GB" and mark.font.superscript


def _read_back_content(content, language):
    data = report_render(content, None, language=language, format="docx")
    return docx.Document(io.BytesIO(data)), report_document(content, None, language=language)


def test_a_published_editions_word_file_downloads_from_its_page_as_word(client, edition_2021):
    job = RenderJob.objects.get(edition=edition_2021, language="zh-hans", format="docx")  # queued on publishing
    render_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE and job.file.name.endswith(".docx")
    page = client.get("/zh-hans/reports/2021/").content.decode()
    assert f'href="/zh-hans/reports/jobs/{job.pk}/file/" class="download">DOCX</a>' in page
    response = client.get(f"/zh-hans/reports/jobs/{job.pk}/file/")
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="carec-report-2021-zh-hans.docx"'
    word = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    assert word.core_properties.title == "CAREC发展成效评估（2021年）"


def test_a_draft_is_rendered_as_word_on_request(client, draft_2024, secretariat, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/ru/reports/2024/render/", {"language": "ru", "format": "docx"}, HTTP_ACCEPT="application/json"
        )
    status = client.get(response.json()["status_url"]).json()
    assert status["status"] == "done"
    download = client.get(status["file"])
    assert download["Content-Type"] == DOCX_TYPE
    word = docx.Document(io.BytesIO(b"".join(download.streaming_content)))
    assert "Черновик" in "\n".join(p.text for p in word.paragraphs[:6])  # the cover says it is a draft


def test_the_api_lists_a_published_editions_files_and_serves_the_word_file(client, edition_2021, draft_2024):
    listed = client.get("/api/v1/editions/2021/").json()["files"]
    assert len(listed) == 12  # three languages, four formats
    entry = next(f for f in listed if (f["language"], f["format"]) == ("ru", "docx"))
    assert entry == {
        "language": "ru",
        "format": "docx",
        "content_type": DOCX_TYPE,
        "url": "http://testserver/api/v1/editions/2021/files/ru/docx",
    }
    waiting = client.get(entry["url"])  # queued when the edition was published, not rendered yet
    assert waiting.status_code == 202 and waiting.json() == {"status": "queued", "progress": 0}
    assert waiting["Retry-After"] == "5"
    render_job_run(job_id=RenderJob.objects.get(edition=edition_2021, language="ru", format="docx").pk)
    response = client.get(entry["url"])
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="carec-report-2021-ru.docx"'
    assert docx.Document(io.BytesIO(b"".join(response.streaming_content))).core_properties.language == "ru-RU"

    wrong = client.get("/api/v1/editions/2021/files/ru/odt/", HTTP_ACCEPT_LANGUAGE="ru")
    assert wrong.status_code == 400 and wrong.json() == {"detail": ["Неизвестный язык или формат."]}
    assert client.get("/api/v1/editions/2024/files/ru/docx/").status_code == 404  # a draft is not public
    assert client.get("/api/v1/editions/2024/").status_code == 404


def test_a_chinese_word_file_is_refused_with_a_reason_when_no_chinese_font_is_installed(
    client, draft_2024, secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("reports.render.cjk_fonts", list)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/reports/2024/render/", {"language": "zh-hans", "format": "docx"}, HTTP_ACCEPT="application/json"
        )
    status = client.get(response.json()["status_url"]).json()
    assert status["status"] == "failed"
    assert "charts of the Chinese Word file cannot be drawn" in status["error"] and "fonts-noto-cjk" in status["error"]
