"""The report pages: who sees which edition, the secretariat's buttons, downloads with progress."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports.models import RenderJob, ReportEdition
from tests import factories
from workflow.models import Role

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "zh-hans", "ru"]


def _url(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_published_edition_reads_in_every_language_with_its_contents(client, edition_2021, language):
    html = client.get(_url(language, "reports:edition_detail", "2021")).content.decode()
    assert f'<html lang="{language}">' in html
    title = {"en": "CAREC Development Effectiveness Review 2021", "zh-hans": "CAREC发展成效评估（2021年）"}
    title["ru"] = "Обзор эффективности развития ЦАРЭС 2021 года"
    assert title[language] in html
    assert 'href="#sector-trd"' in html and 'id="sector-trd"' in html  # contents link to the sections
    assert 'id="indicator-trd-oc-1"' in html and "<svg" in html
    assert 'id="annex-data"' in html and 'id="annex-method"' in html


def test_the_public_sees_published_editions_only(client, draft_2024):
    html = client.get(_url("en", "reports:edition_list")).content.decode()
    assert "Review 2021" in html and "Review 2024" not in html
    assert client.get(_url("en", "reports:edition_detail", "2024")).status_code == 404


def test_the_secretariat_previews_a_draft_live_and_publishes_it(client, draft_2024, secretariat):
    client.force_login(secretariat)
    html = client.get(_url("en", "reports:edition_detail", "2024")).content.decode()
    assert "Live preview" in html and "Submit for review" in html
    assert "Changes since the previous edition" in html and "Re-rated indicators" in html
    client.post(_url("en", "reports:edition_submit", "2024"))
    assert "Publish and freeze" in client.get(_url("en", "reports:edition_detail", "2024")).content.decode()
    client.post(_url("en", "reports:edition_publish", "2024"))
    edition = ReportEdition.objects.get(code="2024")
    assert edition.is_published and edition.published_by == secretariat and edition.snapshot.content


def test_officials_read_a_draft_but_cannot_publish_it(client, draft_2024):
    client.force_login(factories.user("rep-official", groups=(Role.VIEWER,)))
    html = client.get(_url("en", "reports:edition_detail", "2024")).content.decode()
    assert "Live preview" in html and "Submit for review" not in html
    assert client.post(_url("en", "reports:edition_submit", "2024")).status_code == 403
    assert ReportEdition.objects.get(code="2024").status == "draft"


def test_the_secretariat_creates_a_draft_from_the_list_page(client, edition_2021, secretariat):
    client.force_login(secretariat)
    response = client.post(
        _url("en", "reports:edition_list"),
        {
            "code": "trd-2022",
            "title_en": "Trade progress report 2021-2022",
            "period_start": "2021-07-01",
            "period_end": "2022-06-30",
            "cut_off": "2022",
            "sector": ReportEdition._meta.get_field("sector").related_model.objects.get(code="TRD").pk,
        },
    )
    assert response.status_code == 302
    edition = ReportEdition.objects.get(code="trd-2022")
    assert edition.kind == "sector" and edition.status == "draft"
    html = client.get(_url("en", "reports:edition_detail", "trd-2022")).content.decode()
    assert "July 2021 – June 2022" in html and 'id="sector-trd"' in html and 'id="sector-tsm"' not in html
    # in Russian the months are lowercase inside the phrase, on the edition and in the list
    for name, args in (("reports:edition_detail", ["trd-2022"]), ("reports:edition_list", [])):
        html = client.get(_url("ru", name, *args)).content.decode()
        assert "июль 2021\u00a0г. — июнь 2022\u00a0г." in html and "Июль" not in html


def test_a_draft_download_is_queued_then_polled_until_its_file_is_ready(
    client, draft_2024, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    html = client.get(_url("en", "reports:edition_detail", "2024")).content.decode()
    assert "a few seconds" not in html and "the bar shows each step" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("en", "reports:edition_render", "2024"),
            {"language": "zh-hans", "format": "xlsx"},
            HTTP_ACCEPT="application/json",
        )
    job = response.json()
    assert response.status_code == 202 and job["status"] == "queued" and job["indeterminate"]
    assert job["label"] == "Waiting for the server"
    status = client.get(job["status_url"]).json()
    assert status["status"] == "done" and status["progress"] == 100 and status["label"] == "Ready"
    download = client.get(status["file"])
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(download.streaming_content)[:2] == b"PK"

    # once PDFs have been made, the page says how long one took (the median of the last ones)
    finished = timezone.now()
    for seconds in (5, 7, 30):
        RenderJob.objects.create(
            edition=draft_2024,
            language="en",
            format="pdf",
            status="done",
            started_at=finished - datetime.timedelta(seconds=seconds),
            finished_at=finished,
        )
    html = client.get(_url("en", "reports:edition_detail", "2024")).content.decode()
    assert "A PDF took about 7 seconds lately." in html


def test_a_published_edition_links_its_rendered_files_directly(client, edition_2021):
    from reports.services import render_job_run

    quick = ["html", "xlsx", "docx"]
    for job in RenderJob.objects.filter(edition=edition_2021, format__in=quick):  # queued on publishing
        render_job_run(job_id=job.pk)
    html = client.get(_url("ru", "reports:edition_detail", "2021")).content.decode()
    jobs = RenderJob.objects.filter(edition=edition_2021)
    for job in jobs:
        link = _url("ru", "reports:render_job_file", job.pk)
        assert (f'href="{link}"' in html) == (job.format != "pdf"), job  # no button, no waiting
    download = client.get(_url("ru", "reports:render_job_file", jobs.get(language="ru", format="xlsx").pk))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_a_published_edition_with_every_file_ready_has_nothing_to_wait_for(client, edition_2021):
    jobs = RenderJob.objects.filter(edition=edition_2021)
    jobs.update(status=RenderJob.Status.DONE, progress=100, file="reports/rendered")
    html = client.get(_url("en", "reports:edition_detail", "2021")).content.decode()
    assert "the bar shows each step" not in html and 'type="submit"' not in html.split('class="downloads"')[1]
    jobs.filter(format="pdf", language="ru").update(status=RenderJob.Status.RUNNING)
    html = client.get(_url("en", "reports:edition_detail", "2021")).content.decode()
    assert "the bar shows each step" in html


def test_while_its_request_is_under_way_the_page_follows_the_newest_rendering_of_that_file(
    client, draft_2024, secretariat
):
    client.force_login(secretariat)
    page = client.get(_url("en", "reports:edition_detail", "2024")).content.decode()
    last = int(page.split('data-last-job="')[1].split('"')[0])
    url = _url("en", "reports:edition_render_status", "2024")
    query = {"language": "ru", "format": "pdf", "after": last}
    assert client.get(url, query).status_code == 204  # the request has not made its job yet
    other = factories.user("rep-other-official", groups=(Role.VIEWER,))
    RenderJob.objects.create(edition=draft_2024, language="ru", format="pdf", requested_by=other)
    mine = RenderJob.objects.create(
        edition=draft_2024, language="ru", format="pdf", requested_by=secretariat, status="running", step="layout:4"
    )
    RenderJob.objects.create(edition=draft_2024, language="en", format="pdf", requested_by=secretariat)
    status = client.get(url, query).json()
    assert (status["id"], status["label"]) == (mine.pk, "Laying out page 4")  # not another's, not another file
    assert client.get(url, query | {"after": mine.pk}).status_code == 204


@pytest.mark.parametrize(
    ("job", "label", "indeterminate"),
    [
        ({"status": "queued", "step": ""}, "Waiting for the server", True),
        ({"status": "running", "step": "content", "progress": 2}, "Reading the values", False),
        ({"status": "running", "step": "layout:12", "progress": 40}, "Laying out page 12", False),
        ({"status": "running", "step": "draw:3:35", "progress": 80}, "Drawing page 3 of 35", False),
        ({"status": "done", "step": "done", "progress": 100}, "Ready", False),
    ],
)
def test_a_rendering_says_its_step_in_words(client, draft_2024, secretariat, job, label, indeterminate):
    client.force_login(secretariat)
    row = RenderJob.objects.create(edition=draft_2024, language="en", format="pdf", requested_by=secretariat, **job)
    status = client.get(_url("en", "reports:render_job_status", row.pk)).json()
    assert (status["label"], status["indeterminate"], status["progress"]) == (label, indeterminate, row.progress)


def test_a_failed_rendering_says_why_in_the_readers_words(client, draft_2024, secretariat):
    client.force_login(secretariat)
    common = {"edition": draft_2024, "format": "pdf", "requested_by": secretariat, "status": "failed"}
    fonts = RenderJob.objects.create(language="zh-hans", step="fonts", error="No font with Chinese...", **common)
    stale = RenderJob.objects.create(language="en", step="layout:3", error="stale", **common)
    other = RenderJob.objects.create(language="en", step="layout:3", error="MemoryError", **common)
    said = {
        job: client.get(_url("en", "reports:render_job_status", job.pk)).json()["error"]
        for job in (fonts, stale, other)
    }
    assert "apt-get install fonts-noto-cjk" in said[fonts] and "Chinese PDF cannot be made" in said[fonts]
    assert said[stale] == "The server stopped before the file was finished. Ask for it again."
    assert said[other] == "Failed at “Laying out page 3”: MemoryError"


def test_a_draft_file_is_not_served_to_the_public(client, draft_2024, secretariat, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("en", "reports:edition_render", "2024"), {"language": "en", "format": "html"})
    job = RenderJob.objects.get(edition=draft_2024)
    assert client.get(_url("en", "reports:render_job_file", job.pk)).status_code == 200
    client.logout()
    assert client.get(_url("en", "reports:render_job_file", job.pk)).status_code == 404
    assert client.get(_url("en", "reports:render_job_status", job.pk)).status_code == 404


def test_the_edition_page_reads_a_published_edition_in_a_fixed_number_of_queries(
    client, edition_2021, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        assert client.get(_url("en", "reports:edition_detail", "2021")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(_url("en", "reports:edition_list")).status_code == 200
