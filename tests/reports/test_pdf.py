"""The PDF read back: pdftotext finds each language's headings and the indicator codes, pdffonts
shows the CJK font embedded. WeasyPrint takes seconds per edition, so these are slow tests."""

import subprocess

import pytest
from django.core.management import call_command

from progress.services import progress_recompute
from reports.models import ReportEdition

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
]
# poppler-utils (pdftotext, pdffonts) is installed by scripts/test-deps.sh; without it these fail loudly.

# What each language's PDF must say: the title, a cluster heading, a rating label, and the
# framework's words for the trade sector.
EXPECTED = {
    "en": ["CAREC Development Effectiveness Review 2021", "2. Trade, Tourism, and Economic Corridors", "Trade"],
    "zh-hans": ["CAREC发展成效评估（2021年）", "贸易、旅游业和经济走廊", "贸易", "偏离轨道"],
    "ru": ["Обзор эффективности развития ЦАРЭС 2021 года", "Торговля, туризм и экономические коридоры", "Регресс"],
}


@pytest.fixture
def demo(db):
    """The PRF, its ratings and the demo editions (slow tests may start from an emptied database)."""
    call_command("load_framework", verbosity=0)
    progress_recompute()
    ReportEdition.objects.all().delete()
    call_command("load_demo_editions", verbosity=0)


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
