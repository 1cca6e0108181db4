"""The report pages: who sees which edition, the secretariat's buttons, downloads with progress."""

import pytest
from django.urls import reverse
from django.utils import translation

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


def test_a_download_is_queued_then_polled_until_its_file_is_ready(
    client, edition_2021, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("en", "reports:edition_render", "2021"),
            {"language": "zh-hans", "format": "xlsx"},
            HTTP_ACCEPT="application/json",
        )
    job = response.json()
    status = client.get(job["status_url"]).json()
    assert status["status"] == "done" and status["progress"] == 100
    download = client.get(status["file"])
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(download.streaming_content)[:2] == b"PK"
    # the page now links the file directly
    html = client.get(_url("en", "reports:edition_detail", "2021")).content.decode()
    assert status["file"] in html


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
