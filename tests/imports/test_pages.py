"""The upload pages and the templates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from imports.models import Upload
from tests import factories
from workflow.models import Role

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def secretariat(client, db):
    factories.open_year(2023)
    user = factories.user("sec", groups=(Role.SECRETARIAT,))
    client.force_login(user)
    return user


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST and run what the request queued on commit (the task, eager as in make run)."""

    def send(path, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    return send


def test_upload_from_the_page_then_follow_its_progress_and_result(client, secretariat, post):
    data = b"indicator,part,country,year,value\nTRP OP 1,ROAD_BCP_TIME,CAREC,2023,13.1\n"
    response = post(url("imports:upload"), {"file": SimpleUploadedFile("v.csv", data, "text/csv")})
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == url("imports:detail", upload.pk)
    # make run processes eagerly: by the time the page shows, the upload is done
    progress = client.get(url("imports:progress", upload.pk)).json()
    assert progress["finished"] and progress["rows_validated"] == 1 and progress["status"] == "done"
    page = client.get(url("imports:detail", upload.pk)).content.decode()
    assert "1 new value, 0 changed, 0 unchanged" in page  # plural forms, and the summary said once
    assert "New: 1" not in page
    # a finished upload says how it ended instead of showing a full progress bar
    assert 'class="outcome outcome-done"' in page and "<progress" not in page


def test_refused_upload_offers_the_file_with_a_problems_column(client, secretariat, post):
    data = b"indicator;part;country;year;value\nTRP OP 1;ROAD_BCP_TIME;CAREC;2023;fast\n"
    post(url("imports:upload"), {"file": SimpleUploadedFile("v.csv", data, "text/csv")})
    upload = Upload.objects.get()
    report = client.get(url("imports:errors", upload.pk))
    assert report.streaming
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert report["Content-Disposition"].endswith('v-problems.csv"')
    assert text.splitlines()[0].endswith(";problems")
    assert "value: “fast” is not a number." in text.splitlines()[1]
    page = client.get(url("imports:detail", upload.pk)).content.decode()
    assert 'class="outcome outcome-refused"' in page and "<progress" not in page
    assert "TRP OP 1 · ROAD_BCP_TIME · CAREC · 2023" in page  # the problem names its row


def test_viewers_and_other_people_may_not_upload(client, db):
    viewer = factories.user("official", groups=(Role.VIEWER,))
    client.force_login(viewer)
    assert client.get(url("imports:upload")).status_code == 403


def test_uploads_of_others_are_private_to_focal_points(client, secretariat):
    data = b"indicator,part,country,year,value\nTRP OP 1,ROAD_BCP_TIME,CAREC,2023,13.1\n"
    client.post(url("imports:upload"), {"file": SimpleUploadedFile("v.csv", data, "text/csv")})
    upload = Upload.objects.get()
    client.force_login(factories.focal_point("trd-fp", "TRD"))
    assert client.get(url("imports:detail", upload.pk)).status_code == 404


def test_xlsx_template_has_lists_read_only_columns_and_instructions_in_the_users_language(client, secretariat):
    response = client.get(url("imports:template", language="ru"), {"sector": "TRP", "year": "2023"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[1:] == ["data", "lists"]
    data = workbook["data"]
    header = [c.value for c in data[1]]
    assert header[:11] == [
        *("indicator", "part", "country", "year", "sex"),  # a column per dimension after the year
        *("value", "qualifier", "flag", "unit", "source", "note"),
    ]
    assert "baseline" in header and "milestones" in header
    assert data.protection.sheet and not data["F2"].protection.locked and data["M2"].protection.locked
    assert len(data.data_validations.dataValidation) == 6  # indicator, part, country, qualifier, flag, sex
    codes = {row[0].value for row in data.iter_rows(min_row=2)}
    assert codes == {"TRP OC 1", "TRP OP 1", "TRP OP 2"}
    instructions = workbook.worksheets[0]
    assert instructions["A1"].value.startswith("Значения") or "2023" in instructions["A1"].value


def test_a_filled_template_uploads_back(client, secretariat, post):
    response = client.get(url("imports:template"), {"sector": "TRP", "year": "2023"})
    workbook = load_workbook(io.BytesIO(response.content))
    data = workbook["data"]
    data["F2"] = 23.5  # the first row: TRP OC 1 road SWD for the region
    out = io.BytesIO()
    workbook.save(out)
    post(url("imports:upload"), {"file": SimpleUploadedFile("filled.xlsx", out.getvalue())})
    upload = Upload.objects.get()
    assert upload.status == "done", (upload.message, upload.errors)
    assert upload.created == 1
    assert any("rows without a value were skipped" in n for n in upload.notes)
    assert not any("is not used" in n for n in upload.notes)  # the template's own help columns need no note


def test_csv_template(client, secretariat):
    response = client.get(url("imports:template"), {"sector": "TRD", "year": "2023", "format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "indicator,part,country,year,sex,value,qualifier,flag,unit,source,note"
    assert any(line.startswith("TRD OC 1.4,GDP_GROWTH,KAZ,2023") for line in lines)
    assert not any(",AFG," in line for line in lines)  # not a member in 2023


def test_the_upload_page_is_one_click_from_the_header_my_work_and_the_grid(client, secretariat):
    upload_link = f'href="{url("imports:upload")}"'
    for page in (url("home"), url("workflow:my_work"), url("workflow:entry_grid", "TRP-OP-1", 2023)):
        assert upload_link in client.get(page).content.decode(), page
    viewer = factories.user("official", groups=(Role.VIEWER,))
    client.force_login(viewer)  # readers do not upload, so the header does not offer it
    assert upload_link not in client.get(url("home")).content.decode()
