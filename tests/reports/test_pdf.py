"""The PDF read back: pdftotext finds each language's headings and the indicator codes, pdffonts
shows the CJK font embedded; a rendering reports each stage and page as it goes; publishing
renders every file. WeasyPrint takes seconds per edition, so these are slow tests."""

import subprocess

import pytest
from django.core.management import call_command

from progress.services import progress_recompute
from reports.management.commands.load_demo_editions import EDITIONS
from reports.models import ReportEdition

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
]
# poppler-utils (pdftotext, pdffonts) is installed by scripts/test-deps.sh; without it these fail loudly.

# What each language's PDF must say: the title, a cluster heading, a rating label, and the
# framework's words for the trade sector.
TITLES = EDITIONS[0]["titles"]  # the demo 2021 edition's, as load_demo_editions writes them
EXPECTED = {
    "en": [TITLES["en"], "2. Trade, Tourism, and Economic Corridors", "Trade"],
    "zh-hans": [TITLES["zh-hans"], "贸易、旅游业和经济走廊", "贸易", "偏离轨道"],
    "ru": [TITLES["ru"], "Торговля, туризм и экономические коридоры", "Регресс"],
}


@pytest.fixture
def demo(db):
    """The PRF, its ratings and the demo editions, their files not rendered (slow tests may start
    from an emptied database)."""
    call_command("load_framework", verbosity=0)
    progress_recompute()
    ReportEdition.objects.all().delete()
    call_command("load_demo_editions", no_files=True, verbosity=0)


def _pdf(tmp_path, name, **options):
    out = tmp_path / name
    call_command("render_report", output=out, verbosity=0, **options)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    return out, " ".join(text.split()), fonts


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
def test_the_published_edition_prints_its_headings_and_indicator_codes_in_each_language(demo, tmp_path, language):
    _out, text, fonts = _pdf(tmp_path, f"2021-{language}.pdf", edition="2021", language=language, format="pdf")
    for expected in EXPECTED[language]:
        assert expected in text, expected
    for code in ("EFS OP 1", "TRD OC 1", "TRP OC 1", "AGR OC 1", "HLT OP 2"):
        assert code in text, code
    assert "□" not in text and "\ufffd" not in text
    # every font is embedded (a subset), so the PDF prints the same anywhere
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts
    if language == "zh-hans":
        assert "CJK" in fonts, fonts


def test_a_sector_progress_report_names_its_july_june_period(demo, tmp_path):
    _out, text, fonts = _pdf(
        tmp_path, "trd-zh.pdf", sector="TRD", period="2021-07/2022-06", language="zh-hans", format="pdf"
    )
    assert "贸易部门进展报告（2021年7月 – 2022年6月）" in text
    assert "TRD OC 1" in text and "TSM OC 1" not in text
    assert "CJK" in fonts


def test_a_pdf_reports_each_stage_and_every_page_as_it_goes(demo):
    from reports.render import report_render
    from reports.selectors import edition_content, edition_previous_content

    edition = ReportEdition.objects.get(code="2021")
    seen = []
    data = report_render(
        edition_content(edition),
        edition_previous_content(edition),
        language="ru",
        format="pdf",
        progress=lambda percent, step: seen.append((percent, step)),
    )
    pages = int(
        subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
        .stdout.split(b"Pages:")[1]
        .split()[0]
    )
    steps = [step for _percent, step in seen]
    kinds = list(dict.fromkeys(step.split(":")[0] for step in steps))
    assert kinds == ["fonts", "document", "html", "styles", "layout", "draw", "write", "done"]
    assert [f"layout:{n}" for n in range(1, pages + 1)] == [s for s in steps if s.startswith("layout")]
    assert [f"draw:{n}:{pages}" for n in range(1, pages + 1)] == [s for s in steps if s.startswith("draw")]
    percents = [percent for percent, _step in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert len(set(percents)) > pages  # the bar moves with every page, not in a few jumps


@pytest.mark.django_db(transaction=True)
def test_publishing_renders_every_file_so_that_readers_download_at_once(client, settings, tmp_path):
    from reports.models import RenderJob

    settings.MEDIA_ROOT = tmp_path
    call_command("load_framework", verbosity=0)
    progress_recompute()
    ReportEdition.objects.all().delete()
    call_command("load_demo_editions", verbosity=0)  # Celery eager, as in make run: rendered here
    jobs = RenderJob.objects.filter(edition__code="2021")
    assert sorted(jobs.values_list("language", "format", "status")) == [
        (language, format, "done") for language in ("en", "ru", "zh-hans") for format in ("docx", "html", "pdf", "xlsx")
    ]
    page = client.get("/zh-hans/reports/2021/").content.decode()
    for job in jobs:
        assert f'href="/zh-hans/reports/jobs/{job.pk}/file/"' in page  # the file itself, no waiting
    pdf = jobs.get(language="zh-hans", format="pdf")
    response = client.get(f"/zh-hans/reports/jobs/{pdf.pk}/file/")
    assert response.status_code == 200 and next(iter(response.streaming_content)).startswith(b"%PDF")
    assert (
        TITLES["zh-hans"]
        in subprocess.run(
            ["pdftotext", str(tmp_path / pdf.file.name), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
