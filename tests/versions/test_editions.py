"""Report editions bound to a framework version (issue 16): the 2021 edition stays as it was
published after the PRF is revised; a 2027 draft reports against the revision, with its parts,
its milestones and an annex on what changed since the previous edition's version."""

import datetime
import importlib
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Framework
from progress.services import progress_recompute
from reports.builder import report_document
from reports.content import content_build
from reports.models import ReportEdition
from reports.render import report_render
from reports.selectors import edition_content, edition_previous_content, edition_scope
from reports.services import (
    report_edition_create,
    report_edition_publish,
    report_edition_submit,
    report_editions_version_bind,
)
from tests import factories
from tests.versions.test_revision import MEETING, NEW_OUTCOME, REASONS, _draft, _endorse, _endorse_one_change
from versions import services
from workflow.models import AuditEntry, Role

LANGUAGES = ("en", "zh-hans", "ru")
# The five changes' subjects, as the comparison names them
SUBJECTS = ("TRD OC 1.1", "TRP OC 1 · ROAD_SWD", "TRD OC 1 · FUEL_WORLD", "TRP OC 1.9")


@pytest.fixture
def secretariat(db):
    return factories.user("sec-editions", groups=(Role.SECRETARIAT,))


@pytest.fixture
def framework(db):
    return Framework.objects.get(code="CAREC2030")


@pytest.fixture
def rated(db):
    progress_recompute()


@pytest.fixture
def edition_2021(rated, secretariat):
    edition = report_edition_create(
        user=secretariat,
        code="2021",
        titles={"en": "CAREC Development Effectiveness Review 2021"},
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        cut_off=2020,
    )
    report_edition_submit(user=secretariat, edition=edition)
    return report_edition_publish(user=secretariat, edition=edition, render_files=False)


def _draft_edition(secretariat, code: str, *, first_year: int, cut_off: int, previous=None) -> ReportEdition:
    """A draft DEfR covering first_year to its cut-off year."""
    return report_edition_create(
        user=secretariat,
        code=code,
        titles={"en": f"CAREC Development Effectiveness Review {code}"},
        period_start=datetime.date(first_year, 1, 1),
        period_end=datetime.date(cut_off, 12, 31),
        cut_off=cut_off,
        previous=previous,
    )


def _draft_2027(secretariat, previous=None) -> ReportEdition:
    return _draft_edition(secretariat, "2027", first_year=2024, cut_off=2027, previous=previous)


def _render(edition: ReportEdition, language: str, format: str = "html", user=None) -> bytes:
    edition = ReportEdition.objects.get(pk=edition.pk)
    content = edition_content(edition, user)
    return report_render(content, edition_previous_content(edition, user), language=language, format=format)


def _parts(content: dict) -> dict[tuple[str, str], dict]:
    return {(i["code"], p["code"]): p for i in content["indicators"] for p in i["parts"]}


def _retarget(user, version) -> None:
    """A sixth change: the rail part of TRP OC 1 gets a 2029 milestone."""
    services.change_add(
        user=user,
        version=version,
        kind="retarget",
        payload={
            "indicator": "TRP OC 1",
            "part": "RAIL_SWD",
            "milestones": [{"year": 2029, "kind": "exact", "value": 30}],
        },
        reason=REASONS["rebase"],
    )


def test_the_2021_edition_renders_byte_identically_after_the_revision(edition_2021, secretariat, framework, client):
    before = {language: _render(edition_2021, language) for language in LANGUAGES}
    before_files = {format: _render(edition_2021, "en", format) for format in ("xlsx", "docx")}
    assert edition_2021.version.label == "2020"

    _endorse(secretariat, _draft(secretariat, framework))

    for language in LANGUAGES:
        assert _render(edition_2021, language) == before[language]
    for format, data in before_files.items():
        assert _members(_render(edition_2021, "en", format)) == _members(data)
    edition_2021.refresh_from_db()
    assert edition_2021.version.label == "2020"  # kept
    html = before["en"].decode()
    assert "TRD OC 1.1" in html and "ROAD_SWD_EW" not in html and "TRP OC 1.9" not in html
    assert NEW_OUTCOME["en"] not in html and 'id="annex-versions"' not in html
    assert "Results framework version 2020, endorsed on 7 December 2020 (19th Ministerial Conference)" in html
    page = client.get("/en/reports/2021/").content.decode()
    assert "Reports against version 2020 of the results framework." in page


def test_an_edition_frozen_before_editions_named_their_version_renders_as_it_did(edition_2021):
    """A snapshot without the version (published before this change) shows no version line."""
    content = edition_content(edition_2021)
    old = {key: value for key, value in content.items() if key not in ("version", "version_changes")}
    html = report_render(old, None, language="en", format="html").decode()
    assert "cover-version" not in html and "annex-versions" not in html
    assert report_document(old, None, language="en")["version"] is None


def test_a_2027_draft_edition_reports_against_the_revision(edition_2021, secretariat, framework):
    version = _draft(secretariat, framework)
    _retarget(secretariat, version)
    _endorse(secretariat, version)

    edition = _draft_2027(secretariat, previous=edition_2021)

    assert edition.version.label == "2027"
    content = edition_content(edition, secretariat)
    assert content["version"]["label"] == "2027" and content["version"]["meeting"]["ru"] == MEETING["ru"]
    codes = {i["code"] for i in content["indicators"]}
    assert "TRD OC 1.1" not in codes and "TRP OC 1.9" in codes
    parts = _parts(content)
    assert ("TRP OC 1", "ROAD_SWD") not in parts
    assert {("TRP OC 1", "ROAD_SWD_EW"), ("TRP OC 1", "ROAD_SWD_NS"), ("TRP OC 1.9", "SECTIONS_MONITORED")} <= set(
        parts
    )
    # the new milestones: the split parts' own, set at the endorsement, and the rail part's new 2029 target
    for code in ("ROAD_SWD_EW", "ROAD_SWD_NS"):
        milestones = parts[("TRP OC 1", code)]["milestones"]
        assert [m["year"] for m in milestones] == [2020, 2023, 2026, 2029]
        assert {m["set_on"] for m in milestones} == {"2026-11-20"}
    rail = {m["year"]: m for m in parts[("TRP OC 1", "RAIL_SWD")]["milestones"]}
    assert rail[2029]["kind"] == "exact" and Decimal(str(rail[2029]["value"]["n"])) == 30
    frozen_rail = {m["year"]: m for m in _parts(edition_content(edition_2021))[("TRP OC 1", "RAIL_SWD")]["milestones"]}
    assert frozen_rail[2029]["kind"] != "exact"  # the 2021 edition keeps the PRF's
    document = report_document(content, edition_previous_content(edition, secretariat), language="en")
    shown = next(
        p
        for c in document["clusters"]
        for s in c["sectors"]
        for i in s["indicator_list"]
        if i["code"] == "TRP OC 1"
        for p in i["parts"]
        if p["code"] == "RAIL_SWD"
    )
    assert {"year": 2029, "text": "30"} in shown["set_milestones"]
    assert any(m["indicator"] == "TRP OC 1" and m["year"] == 2029 for m in document["changes"]["milestones"])


def test_the_2027_edition_has_the_what_changed_annex_with_each_change_and_its_reason(
    edition_2021, secretariat, framework
):
    _endorse(secretariat, _draft(secretariat, framework))
    edition = _draft_2027(secretariat, previous=edition_2021)

    for language in ("en", "ru"):
        html = _render(edition, language, user=secretariat).decode()
        annex = html[html.index('id="annex-versions"') :]
        for reason in REASONS.values():
            assert reason[language] in annex
        for subject in SUBJECTS:
            assert subject in annex
        assert NEW_OUTCOME[language] in annex
        assert {"en": "Results framework version 2027", "ru": "2027"}[language] in html[: html.index("</section>")]
        assert 'href="#annex-versions"' in html  # in the contents
    document = report_document(edition_content(edition, secretariat), None, language="en")
    annex = document["what_changed"]
    assert annex["count"] == 5 and sum(len(group["changes"]) for group in annex["groups"]) == 5
    assert [group["key"] for group in annex["groups"]] == ["added", "retired", "reworded", "split", "rebased"]
    # the spreadsheet's sheet and the Word document say the same
    book = openpyxl.load_workbook(io.BytesIO(_render(edition, "ru", "xlsx", user=secretariat)))
    sheet = book.worksheets[-1]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 5 and {row[-1] for row in rows[1:]} == {r["ru"] for r in REASONS.values()}
    word = docx.Document(io.BytesIO(_render(edition, "en", "docx", user=secretariat)))
    text = "\n".join(cell.text for table in word.tables for row in table.rows for cell in row.cells)
    assert all(reason["en"] in text for reason in REASONS.values())
    assert any("Results framework version 2027" in p.text for p in word.paragraphs[:3])


def test_an_edition_under_the_same_version_has_no_annex(edition_2021, secretariat, framework):
    _endorse(secretariat, _draft(secretariat, framework))
    draft_2024 = report_edition_create(
        user=secretariat,
        code="2024",
        titles={"en": "CAREC Development Effectiveness Review 2024"},
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        cut_off=2023,
        previous=edition_2021,
    )
    assert draft_2024.version.label == "2020"
    content = edition_content(draft_2024, secretariat)
    assert "version_changes" not in content
    codes = {i["code"] for i in content["indicators"]}
    assert "TRD OC 1.1" in codes and "TRP OC 1.9" not in codes
    assert ("TRP OC 1", "ROAD_SWD") in _parts(content) and ("TRP OC 1", "ROAD_SWD_EW") not in _parts(content)
    html = _render(draft_2024, "en", user=secretariat).decode()
    assert 'id="annex-versions"' not in html and "Results framework version 2020" in html


def test_the_edition_before_of_the_same_kind_gives_the_annex_without_a_previous(edition_2021, secretariat, framework):
    _endorse(secretariat, _draft(secretariat, framework))
    content = edition_content(_draft_2027(secretariat), secretariat)
    assert content["version_changes"]["from"] == "2020" and content["version_changes"]["to"] == "2027"


def test_a_draft_follows_the_revision_and_keeps_its_version_once_published(edition_2021, secretariat, framework):
    edition = _draft_2027(secretariat, previous=edition_2021)
    assert edition.version.label == "2020"  # nothing else is in force yet
    assert "version_changes" not in edition_content(edition, secretariat)

    _endorse(secretariat, _draft(secretariat, framework))

    assert edition_content(edition, secretariat)["version"]["label"] == "2027"
    report_edition_submit(user=secretariat, edition=edition)
    edition.refresh_from_db()
    assert edition.version.label == "2027"
    published = report_edition_publish(user=secretariat, edition=edition, render_files=False)
    frozen = published.snapshot.content
    assert frozen["version"]["label"] == "2027" and frozen["version_changes"]["by_language"]["ru"]["count"] == 5
    assert AuditEntry.objects.filter(object_id=edition.pk, content_type__model="reportedition").count() >= 3


def test_editions_made_before_versions_are_bound_by_the_migration_or_the_service(edition_2021, secretariat):
    ReportEdition.objects.filter(pk=edition_2021.pk).update(version=None)
    migration = importlib.import_module("reports.migrations.0003_edition_version")
    migration.bind_editions(apps, None)
    edition_2021.refresh_from_db()
    assert edition_2021.version.label == "2020"

    ReportEdition.objects.filter(pk=edition_2021.pk).update(version=None)
    assert [e.code for e in report_editions_version_bind(user=secretariat)] == ["2021"]
    edition_2021.refresh_from_db()
    assert edition_2021.version.label == "2020"
    assert AuditEntry.objects.filter(
        object_id=edition_2021.pk, content_type__model="reportedition", action=AuditEntry.Action.UPDATE
    ).exists()
    assert report_editions_version_bind(user=secretariat) == []


def test_the_content_of_an_edition_with_the_annex_takes_the_same_queries_whatever_the_changes(
    edition_2021, secretariat, framework, django_assert_num_queries
):
    _endorse_one_change(secretariat, framework)
    scope = edition_scope(_draft_2027(secretariat, previous=edition_2021))
    content_build(scope, secretariat)  # warm the caches
    with CaptureQueriesContext(connection) as one_change:
        assert content_build(scope, secretariat)["version_changes"]["by_language"]["en"]["count"] == 1
    _endorse(secretariat, _draft(secretariat, framework))
    with django_assert_num_queries(len(one_change.captured_queries)):
        assert content_build(scope, secretariat)["version_changes"]["by_language"]["en"]["count"] == 6


def _members(data: bytes) -> dict[str, bytes]:
    """A zip file's parts but its properties (openpyxl stamps the time of writing there)."""
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist() if not name.startswith("docProps/")}
