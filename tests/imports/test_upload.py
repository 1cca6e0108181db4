"""Bulk upload: every row checked before anything is written, all or nothing, idempotent, and
every kind of bad file refused with a clear message."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from imports.models import Upload
from imports.services import upload_create, upload_process
from indicators.models import IndicatorPart, Observation
from tests import factories
from workflow.models import Role

pytestmark = pytest.mark.django_db

HEADER = "indicator,part,country,year,value,qualifier,unit,source,note\n"


@pytest.fixture
def secretariat(db):
    factories.open_year(2023)
    return factories.user("sec", groups=(Role.SECRETARIAT,))


def run(user, data: bytes | str, name: str = "values.csv", dry_run: bool = False, language: str = "en") -> Upload:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return upload_process(upload=upload_create(user=user, name=name, data=data, dry_run=dry_run, language=language))


def uploaded(**filters):
    return Observation.objects.filter(year=2023, status="submitted", **filters)


GOOD = HEADER + (
    "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13.1,,hours,CPMM 2023,\n"
    "TRD OC 1.4,GDP_GROWTH,KAZ,2023,5.1,,,ADO 2024,\n"
    "TRD OC 1.4,GDP_GROWTH,UZB,2023,5.7,,,ADO 2024,\n"
    'ECD OC 1,COUNTRIES_ECD_CONCEPT,CAREC,2023,"CHN, KAZ, KGZ, MNG, PAK, TJK, UZB, AZE",,,ECD report,\n'
)


def test_a_good_file_creates_submitted_values_and_records_the_upload(secretariat):
    upload = run(secretariat, GOOD)
    assert upload.status == "done", upload.errors
    assert (upload.created, upload.changed, upload.unchanged) == (4, 0, 0)
    assert uploaded().count() == 4
    road = uploaded(part__code="ROAD_BCP_TIME").get()
    assert road.value_number == Decimal("13.1") and road.citation == "CPMM 2023" and road.created_by == secretariat
    ecd = uploaded(part__code="COUNTRIES_ECD_CONCEPT").get()
    assert ecd.value_number == 8 and ecd.countries.count() == 8
    assert upload.sha256 and upload.file.name and upload.uploaded_by == secretariat


def test_the_same_file_again_changes_nothing(secretariat):
    run(secretariat, GOOD)
    again = run(secretariat, GOOD)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 4)
    assert "Nothing changed" in again.message
    assert uploaded().count() == 4


def test_a_corrected_file_changes_only_what_differs_and_says_what(secretariat):
    run(secretariat, GOOD)
    corrected = run(secretariat, GOOD.replace(",2023,5.7,", ",2023,5.9,"))
    assert (corrected.created, corrected.changed, corrected.unchanged) == (0, 1, 3)
    assert corrected.changes == [{"row": 4, "old": "5.7", "new": "5.9", "what": "TRD OC 1.4 · GDP_GROWTH · UZB · 2023"}]
    assert uploaded(country__code="UZB").get().value_number == Decimal("5.9")


def test_a_file_with_one_bad_row_writes_nothing_and_lists_every_problem(secretariat):
    bad = GOOD + "TRP OP 9,ROAD_BCP_TIME,CAREC,2023,1,,,,\nTRP OP 1,ROAD_BCP_TIME,XYZ,2023,1,,,,\n"
    upload = run(secretariat, bad)
    assert upload.status == "refused"
    assert not uploaded().exists()
    # each problem names its row as a person reads it
    assert [
        6,
        "indicator",
        "Unknown indicator code “TRP OP 9”.",
        "TRP OP 9 · ROAD_BCP_TIME · CAREC · 2023",
    ] in upload.errors
    assert any(e[0] == 7 and e[1] == "country" for e in upload.errors)


def test_a_dry_run_checks_and_imports_nothing(secretariat):
    upload = run(secretariat, GOOD, dry_run=True)
    assert upload.status == "checked" and not uploaded().exists()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("TRD OP 2,RESPONDENTS_IMPROVED,CAREC,2023,250,,,,", "value", "outside the plausible range"),
        ("TRP OP 1,ROAD_BCP_TIME,CAREC,2045,13,,,,", "year", "outside the framework's years"),
        ("TRP OP 1,ROAD_BCP_TIME,CAREC,2022,13,,,,", "year", "is not open for entry"),
        ("TRP OP 1,ROAD_BCP_TIME,KAZ,2023,13,,,,", "country", "only for the whole region"),
        ("TRP OP 1,RAIL,CAREC,2023,13,,,,", "part", "has no part “RAIL”"),
        ("TRP OP 1,ROAD_BCP_TIME,CAREC,2023,fast,,,,", "value", "is not a number"),
        ("TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13,,km/h,,", "unit", "does not match the part's unit"),
        ("TRD OP 3,BODIES_FUNCTIONING,CAREC,2023,maybe,,,,", "value", "Expected yes or no"),
        ("TRP OP 1,ROAD_BCP_TIME,CAREC,twenty,13,,,,", "year", "is not a year"),
        ("TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13,about,,,", "value", "is not a known qualifier"),
    ],
)
def test_each_row_problem_is_named_with_its_column(secretariat, row, column, message):
    upload = run(secretariat, HEADER + row + "\n")
    assert upload.status == "refused"
    assert any(e[0] == 2 and e[1] == column and message in e[2] for e in upload.errors), upload.errors


def test_duplicate_and_conflicting_rows(secretariat):
    rows = "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13,,,,\n"
    upload = run(secretariat, HEADER + rows + rows + rows.replace(",13,", ",14,"))
    assert [3, "value", "Duplicate of row 2."] in [e[:3] for e in upload.errors]
    assert any(e[0] == 4 and "Conflicts with row 2" in e[2] for e in upload.errors)


def test_a_focal_point_may_upload_only_for_their_sector(db):
    factories.open_year(2023)
    focal = factories.focal_point("trp-fp", "TRP")
    upload = run(focal, GOOD)
    assert upload.status == "refused"
    assert any(e[0] == 3 and "may not enter values" in e[2] for e in upload.errors)
    assert run(focal, HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13.1,,,,\n").status == "done"


# --- bad files -----------------------------------------------------------------------------


def refused(upload: Upload, fragment: str) -> None:
    assert upload.status == "refused", upload.message
    assert fragment in upload.message, upload.message
    assert not uploaded().exists()


def test_empty_file(secretariat):
    refused(run(secretariat, b""), "The file is empty.")


def test_wrong_extension(secretariat):
    refused(run(secretariat, GOOD, name="values.txt"), "is not a CSV or XLSX file")
    refused(run(secretariat, GOOD, name="values.xlsm"), "without macros")


def test_binary_file_called_csv(secretariat):
    refused(run(secretariat, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20), "binary file")


def test_file_over_the_size_limit(secretariat, settings):
    settings.UPLOAD_MAX_BYTES = 100
    refused(run(secretariat, GOOD), "uploads may be at most")


def test_text_that_is_not_utf8_is_named_and_never_stored_as_mojibake(secretariat):
    cyrillic = (HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13,,,Отчёт CPMM,примечание\n").encode("cp1251")
    refused(run(secretariat, cyrillic), "Windows-1251")
    latin = (HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13,,,Données révisées,été\n").encode("latin-1")
    refused(run(secretariat, latin), "Latin-1")


def test_utf8_with_a_bom_and_semicolons_and_decimal_commas(secretariat):
    text = (
        "\ufeff"
        + HEADER.replace(",", ";")
        + (
            "TRD OC 1.2;GOODS_TRADE;KAZ;2023;1 234,5;;;ARIC;\n"
            "TRD OC 1.4;GDP_GROWTH;KAZ;2023;5,1%;;;ADO;\n"
            "\n"
            "TRD OC 1.4;GDP_GROWTH;UZB;2023;N/A;;;ADO;\n"
            "TRD OC 1.4;GDP_GROWTH;TJK;2023;—;;;ADO;\n"
        )
    )
    upload = run(secretariat, text)
    assert upload.status == "done", upload.errors
    assert uploaded(part__code="GOODS_TRADE").get().value_number == Decimal("1234.5")
    assert uploaded(part__code="GDP_GROWTH", country__code="KAZ").get().value_number == Decimal("5.1")
    uzb = uploaded(part__code="GDP_GROWTH", country__code="UZB").get()
    assert (uzb.availability, uzb.value_number) == ("not_available", None)
    assert uploaded(part__code="GDP_GROWTH", country__code="TJK").get().availability == "not_available"


def test_thousands_separators_in_a_comma_file(secretariat):
    text = HEADER + 'TRD OC 1.2,GOODS_TRADE,KAZ,2023,"87,074",,,ARIC,\nTRD OC 1.2,GOODS_TRADE,UZB,2023,"1,234.5",,,,\n'
    assert run(secretariat, text).status == "done"
    assert uploaded(country__code="KAZ").get().value_number == Decimal("87074")
    assert uploaded(country__code="UZB").get().value_number == Decimal("1234.5")


def test_header_typos_get_a_suggestion(secretariat):
    refused(run(secretariat, GOOD.replace("value,", "valeu,", 1)), "did you mean “value”?")


def test_extra_columns_are_ignored_with_a_note(secretariat):
    text = GOOD.replace("note\n", "note,comments\n", 1)
    upload = run(secretariat, text)
    assert upload.status == "done"
    assert any("“comments” is not used" in note for note in upload.notes)


def _xlsx(rows, *, formula=False, merge=False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    for row in rows:
        sheet.append(row)
    if formula:
        sheet["E2"] = "=10+3"
    if merge:
        sheet.merge_cells("H2:I2")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_ROWS = [HEADER.strip().split(","), ["TRP OP 1", "ROAD_BCP_TIME", "CAREC", 2023, 13.1, None, "hours", "CPMM", None]]


def test_a_good_xlsx(secretariat):
    upload = run(secretariat, _xlsx(XLSX_ROWS), name="values.xlsx")
    assert upload.status == "done", (upload.message, upload.errors)
    assert uploaded().get().value_number == Decimal("13.1")


def test_xlsx_with_formulas(secretariat):
    refused(run(secretariat, _xlsx(XLSX_ROWS, formula=True), name="values.xlsx"), "formulas (E2)")


def test_xlsx_with_merged_cells(secretariat):
    refused(run(secretariat, _xlsx(XLSX_ROWS, merge=True), name="values.xlsx"), "merged cells (H2:I2)")


def test_xlsx_with_macros(secretariat):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
        archive.writestr("[Content_Types].xml", "<Types/>")
    refused(run(secretariat, data.getvalue(), name="values.xlsx"), "contains macros")


def test_xlsx_zip_bomb(secretariat, settings):
    settings.UPLOAD_MAX_INFLATED_BYTES = 1_000_000
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    assert len(data.getvalue()) < 100_000  # small on disk, huge when inflated
    refused(run(secretariat, data.getvalue(), name="values.xlsx"), "zip bomb")


def test_a_damaged_xlsx(secretariat):
    refused(run(secretariat, b"PK\x03\x04 this is not a workbook", name="values.xlsx"), "damaged")


def test_problems_are_in_the_users_language(secretariat):
    upload = run(secretariat, HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,быстро,,,,\n", language="ru")
    assert any("не является числом" in e[2] for e in upload.errors)


# --- the command ---------------------------------------------------------------------------


def test_command_imports_and_exits_non_zero_when_refused(secretariat, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("import_progress", str(good), "--dry-run", "--user", "sec")
    assert not uploaded().exists()
    call_command("import_progress", str(good), "--user", "sec")
    assert uploaded().count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,fast,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 problem found"):
        call_command("import_progress", str(bad), "--user", "sec")
    assert "row 2, column value" in capsys.readouterr().err


def test_command_refuses_an_unknown_user(secretariat, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_progress", str(good), "--user", "ghost")


def test_road_part_is_the_only_regional_part_written(secretariat):
    run(secretariat, GOOD)
    assert set(uploaded(country=None).values_list("part__code", flat=True)) == {
        "ROAD_BCP_TIME",
        "COUNTRIES_ECD_CONCEPT",
    }
    assert IndicatorPart.objects.get(code="ROAD_BCP_TIME").observations.filter(status="approved").count() == 2
