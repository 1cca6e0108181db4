"""The command-line renderings and the demo editions."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.models import ReportEdition

pytestmark = pytest.mark.django_db


def test_render_report_writes_the_data_annex_with_a_sheet_per_cluster(edition_2021, tmp_path):
    out = tmp_path / "annex.xlsx"
    call_command("render_report", edition="2021", language="ru", format="xlsx", output=out, stdout=io.StringIO())
    book = load_workbook(out)
    assert len(book.sheetnames) == 1 + 1 + 5 + 1  # summary, scorecard, the five clusters, the method
    sheet = book[book.sheetnames[3]]  # cluster 2: trade, tourism, economic corridors
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) >= 10 and all(rows[0])  # a header for every column
    trd = next(r for r in rows if r[0] == "TRD OC 1" and r[2].startswith("Торговля топливом внутри"))
    assert 0.55 in trd  # a number stays a number


def test_render_report_renders_a_sector_progress_report_for_a_july_june_period(rated, tmp_path):
    out = tmp_path / "trd.html"
    call_command(
        "render_report", sector="TRD", period="2021-07/2022-06", format="html", output=out, stdout=io.StringIO()
    )
    html = out.read_text(encoding="utf-8")
    assert "Trade: sector progress report, July 2021 – June 2022" in html
    assert 'id="sector-trd"' in html and 'id="sector-tsm"' not in html
    assert '<th scope="col" class="num">2021</th>' in html and '<th scope="col" class="num">2022</th>' in html


def test_render_report_explains_what_it_needs(rated, tmp_path):
    with pytest.raises(CommandError, match="--edition"):
        call_command("render_report", output=tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("render_report", sector="TRD", period="July", output=tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="No edition"):
        call_command("render_report", edition="1999", output=tmp_path / "x.pdf")


def test_chinese_pdf_without_a_cjk_font_fails_with_the_install_command(edition_2021, tmp_path, monkeypatch):
    from reports import render

    monkeypatch.setattr(render, "cjk_fonts", lambda: [])
    with pytest.raises(CommandError, match="apt-get install fonts-noto-cjk"):
        call_command("render_report", edition="2021", language="zh-hans", format="pdf", output=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_load_demo_editions_publishes_2021_and_drafts_2024_and_can_run_twice(rated):
    call_command("load_demo_editions", stdout=io.StringIO())
    call_command("load_demo_editions", stdout=io.StringIO())
    assert dict(ReportEdition.objects.values_list("code", "status")) == {"2021": "published", "2024": "draft"}
    draft = ReportEdition.objects.get(code="2024")
    assert draft.previous.code == "2021" and draft.cut_off == 2023
    # the published edition's twelve files are queued with it (rendered at once where Celery is eager)
    assert set(
        ReportEdition.objects.get(code="2021").render_jobs.filter(frozen=True).values_list("format", "language")
    ) == {(format, language) for format in ("html", "pdf", "xlsx", "docx") for language in ("en", "zh-hans", "ru")}


def test_load_demo_editions_can_leave_the_files_to_the_first_reader(rated):
    call_command("load_demo_editions", no_files=True, stdout=io.StringIO())
    assert not ReportEdition.objects.get(code="2021").render_jobs.exists()
    assert ReportEdition.objects.get(code="2021").snapshot.content["edition"]["cut_off"] == 2020
