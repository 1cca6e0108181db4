"""Categories and flags through the upload: a column per dimension (its code in lower case) gives
a row's categories, blank for the total; the flag column gives the observation status as a word
or as SDMX's code. Every check is the one way in's; a problem comes back on its row, under the
column the file used, and the row is named with its category. The template lists the total and
a row per category under it, with drop-downs of the codes and the flags."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from imports import validation
from imports.models import Upload
from imports.services import upload_create, upload_process
from imports.validation import flag_kind
from indicators.models import OBS_STATUS, Observation
from tests import factories
from workflow.models import Role

pytestmark = pytest.mark.django_db

TRAINED = "HLT OP 2,OFFICIALS_TRAINED,CAREC,2024"


@pytest.fixture
def sec(db):
    factories.open_year(2024)
    return factories.user("sec", groups=(Role.SECRETARIAT,))


def run(user, data: bytes | str, name: str = "values.csv", language: str = "en") -> Upload:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return upload_process(upload=upload_create(user=user, name=name, data=data, dry_run=False, language=language))


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stored() -> dict[str, Observation]:
    return {o.breakdown: o for o in Observation.objects.filter(part__code="OFFICIALS_TRAINED", year=2024)}


def test_a_sex_disaggregated_xlsx_stores_the_total_and_each_category_with_its_flag(sec):
    header = ["indicator", "part", "country", "year", "sex", "value", "flag", "note"]
    rows = [
        ["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", 2024, None, 120, None, None],
        ["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", 2024, "F", 70, "Estimate", "Women counted from sign-up sheets"],
        ["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", 2024, "m", 50, "P", None],
    ]
    upload = run(sec, xlsx([header, *rows]), name="trained.xlsx")
    assert upload.status == "done", upload.errors
    assert (upload.created, upload.changed) == (3, 0)
    values = stored()
    assert {key: o.value_number for key, o in values.items()} == {"": 120, "SEX=F": 70, "SEX=M": 50}
    assert {key: o.kind for key, o in values.items()} == {"": "actual", "SEX=F": "estimate", "SEX=M": "provisional"}
    assert values["SEX=F"].note == "Women counted from sign-up sheets"
    assert {o.status for o in values.values()} == {"submitted"}
    # a corrected file changes the one category, and the change names its row with the category
    rows[1][5] = 72
    again = run(sec, xlsx([header, *rows]), name="trained.xlsx")
    assert (again.created, again.changed, again.unchanged) == (0, 1, 2)
    assert again.changes == [
        {"row": 3, "old": "70", "new": "72", "what": "HLT OP 2 · OFFICIALS_TRAINED · CAREC · 2024 · sex=F"}
    ]
    assert stored()["SEX=F"].value_number == Decimal("72")


def test_a_bad_category_is_named_on_its_row_under_the_column_the_file_used(sec, client):
    data = (
        "indicator,part,country,year,sex,age,value\n"
        f"{TRAINED},,,120\n"
        f"{TRAINED},X,,70\n"  # not a category of sex
        "HLT OP 2,WOMEN_SHARE,CAREC,2024,F,,40\n"  # a share is not broken down
        f"{TRAINED},F,Y_LT25,10\n"  # the part is broken down by sex only: the age is wrong
    )
    upload = run(sec, data)
    assert upload.status == "refused"
    assert not stored()
    assert upload.errors == [
        [3, "sex", "“X” is not a category of Sex (use F, M).", "HLT OP 2 · OFFICIALS_TRAINED · CAREC · 2024 · sex=X"],
        [4, "sex", "This part is not broken down by Sex.", "HLT OP 2 · WOMEN_SHARE · CAREC · 2024 · sex=F"],
        [
            5,
            "age",
            "This part is not broken down by Age group.",
            "HLT OP 2 · OFFICIALS_TRAINED · CAREC · 2024 · sex=F · age=Y_LT25",
        ],
    ]
    # the page lists each problem with its row's category, in the user's language
    client.force_login(sec)
    with translation.override("ru"):
        page = client.get(reverse("imports:detail", args=[upload.pk])).content.decode()
    assert "HLT OP 2 · OFFICIALS_TRAINED · CAREC · 2024 · sex=X" in page
    ru = run(sec, data, language="ru")
    assert ru.errors[0][:2] == [3, "sex"] and "Пол" in ru.errors[0][2]


@pytest.mark.parametrize(
    ("flag", "kind"),
    [
        ("estimate", "estimate"),
        ("FORECAST", "forecast"),
        ("Provisional", "provisional"),
        ("break", "break"),
        ("A", "actual"),
        ("e", "estimate"),
        ("F", "forecast"),
        ("B", "break"),
        ("I", "imputed"),
        ("", "actual"),
    ],
)
def test_flags_by_word_in_any_case_or_by_sdmx_code(sec, flag, kind):
    upload = run(sec, f"indicator,part,country,year,sex,value,flag\n{TRAINED},F,70,{flag}\n")
    assert upload.status == "done", upload.errors
    assert stored()["SEX=F"].kind == kind


def test_flag_kind_reads_every_word_and_every_sdmx_code_back_to_its_status():
    for kind, code in OBS_STATUS.items():
        assert flag_kind(code) == flag_kind(code.lower()) == flag_kind(kind.upper()) == kind
    assert flag_kind("  ") == "actual"
    assert flag_kind("guess") == "guess"  # left for the one way in to name


def test_a_missing_flag_takes_no_value_and_an_unknown_flag_is_named_under_the_flag_column(sec):
    upload = run(sec, f"indicator,part,country,year,sex,value,flag\n{TRAINED},F,N/A,M\n")
    assert upload.status == "done", upload.errors
    missing = stored()["SEX=F"]
    assert (missing.kind, missing.availability, missing.value_number) == ("missing", "not_available", None)
    refused = run(sec, f"indicator,part,country,year,sex,value,flag\n{TRAINED},M,50,guess\n{TRAINED},,3,missing\n")
    assert [error[:2] for error in refused.errors] == [[2, "flag"], [3, "flag"]]
    assert refused.errors[0][2].startswith("Unknown flag “guess”")
    assert "flagged missing" in refused.errors[1][2]


def test_the_open_datas_kind_column_is_read_as_the_flag(sec):
    upload = run(sec, f"indicator,part,country,year,sex,value,kind\n{TRAINED},F,70,forecast\n")
    assert upload.status == "done", upload.errors
    assert not any("kind" in note for note in upload.notes)
    assert stored()["SEX=F"].kind == "forecast"


def test_a_file_without_category_columns_reads_as_totals_as_before(sec):
    upload = run(sec, f"indicator,part,country,year,value\n{TRAINED},120\n")
    assert upload.status == "done", upload.errors
    assert {key: o.kind for key, o in stored().items()} == {"": "actual"}


def test_categories_and_problems_keep_their_rows_across_chunks(sec, monkeypatch):
    monkeypatch.setattr(validation, "CHUNK_ROWS", 2)
    data = (
        "indicator,part,country,year,sex,value,flag\n"
        f"{TRAINED},,120,\n"
        f"{TRAINED},F,70,E\n"
        f"{TRAINED},M,50,\n"
        f"{TRAINED},F,70,E\n"  # the same cell as row 3, in another chunk
        f"{TRAINED},Z,1,\n"
        f"{TRAINED},M,5,X\n"
    )
    upload = run(sec, data)
    assert [error[:2] for error in upload.errors] == [[5, "value"], [6, "sex"], [7, "flag"]]
    assert upload.errors[0][2] == "Duplicate of row 3."
    fixed = run(sec, "\n".join(data.splitlines()[:4]) + "\n")
    assert fixed.status == "done", fixed.errors
    assert {key: (o.value_number, o.kind) for key, o in stored().items()} == {
        "": (120, "actual"),
        "SEX=F": (70, "estimate"),
        "SEX=M": (50, "actual"),
    }


@pytest.fixture
def signed_in(client, sec):
    client.force_login(sec)
    return client


def template(client, fmt: str = "xlsx", language: str = "en"):
    with translation.override(language):
        path = reverse("imports:template")
    return client.get(path, {"sector": "HLT", "year": "2024", "format": fmt})


def _list(workbook, rule) -> list[str]:
    """The codes a drop-down offers: its range of the hidden lists sheet."""
    cells = workbook["lists"][rule.formula1.split("!")[1].replace("$", "")]
    return [row[0].value for row in cells]


def test_the_xlsx_template_lists_each_category_under_its_total_with_drop_downs(signed_in):
    workbook = load_workbook(io.BytesIO(template(signed_in, language="ru").content))
    data = workbook["data"]
    header = [cell.value for cell in data[1]]
    assert header[:11] == [
        *("indicator", "part", "country", "year", "sex"),
        *("value", "qualifier", "flag", "unit", "source", "note"),
    ]
    assert "Пол" in data["E1"].comment.text and "F = Женщины" in data["E1"].comment.text  # the user's language
    offered = {str(rule.sqref).split(":")[0]: _list(workbook, rule) for rule in data.data_validations.dataValidation}
    assert offered["E2"] == ["F", "M"]
    assert offered["H2"] == list(Observation.Kind.values)
    rows = [[cell.value for cell in row[:5]] for row in data.iter_rows(min_row=2)]
    at = rows.index(["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", 2024, None])
    assert rows[at + 1 : at + 3] == [
        ["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", 2024, "F"],
        ["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", 2024, "M"],
    ]
    assert not any(row[1] == "WOMEN_SHARE" and row[4] for row in rows)  # a share has no category rows
    assert not data[f"E{at + 3}"].protection.locked and not data[f"H{at + 3}"].protection.locked
    assert data[f"A{at + 3}"].protection.locked
    instructions = "\n".join(str(row[0].value or "") for row in workbook.worksheets[0].iter_rows())
    assert "Пол" in instructions and "provisional" in instructions


def test_a_filled_template_with_categories_and_flags_uploads_back(signed_in, sec):
    workbook = load_workbook(io.BytesIO(template(signed_in).content))
    data = workbook["data"]
    header = [cell.value for cell in data[1]]
    value, flag, sex = (header.index(name) + 1 for name in ("value", "flag", "sex"))
    for row in range(2, data.max_row + 1):
        if data.cell(row, 2).value == "OFFICIALS_TRAINED":
            category = data.cell(row, sex).value
            data.cell(row, value, {None: 120, "F": 70, "M": 50}[category])
            data.cell(row, flag, {None: None, "F": "E", "M": "provisional"}[category])
    out = io.BytesIO()
    workbook.save(out)
    upload = run(sec, out.getvalue(), name="filled.xlsx")
    assert upload.status == "done", upload.errors
    assert not any("is not used" in note for note in upload.notes)
    assert {key: (o.value_number, o.kind) for key, o in stored().items()} == {
        "": (120, "actual"),
        "SEX=F": (70, "estimate"),
        "SEX=M": (50, "provisional"),
    }


def test_the_csv_template_has_the_category_and_flag_columns_and_the_category_rows(signed_in):
    lines = template(signed_in, "csv").content.decode("utf-8-sig").splitlines()
    assert lines[0] == "indicator,part,country,year,sex,value,qualifier,flag,unit,source,note"
    assert [line.split(",")[:5] for line in lines if ",OFFICIALS_TRAINED," in line] == [
        ["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", "2024", ""],
        ["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", "2024", "F"],
        ["HLT OP 2", "OFFICIALS_TRAINED", "CAREC", "2024", "M"],
    ]
