"""Editions: who may create and publish them, what publishing freezes, and the renderings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Baseline, Indicator, Observation
from progress.services import progress_recompute
from reports.builder import report_document
from reports.models import RenderJob, ReportEdition
from reports.render import report_render
from reports.selectors import edition_content, edition_previous_content
from reports.services import (
    render_job_request,
    render_job_run,
    report_edition_create,
    report_edition_publish,
    report_edition_return,
    report_edition_submit,
)
from tests import factories
from workflow.models import AuditEntry, Narrative

pytestmark = pytest.mark.django_db


def _html(edition, language):
    return report_render(
        edition_content(edition), edition_previous_content(edition), language=language, format="html"
    ).decode()


def test_a_published_edition_is_unchanged_after_its_underlying_data_changes(edition_2021):
    before = {language: _html(edition_2021, language) for language in ("en", "zh-hans", "ru")}
    content = edition_content(edition_2021)
    assert "0.55" in before["en"]  # TRD OC 1, fuel trade within CAREC, 2020

    # Given later changes to everything the edition shows: a value, a baseline, a statement, a narrative
    Observation.objects.approved().filter(
        part__indicator__code="TRD OC 1", part__code="FUEL_CAREC", year=2020, country__isnull=True
    ).update(value_number=9.99)
    Baseline.objects.filter(part__indicator__code="TRD OC 1", part__code="FUEL_CAREC", is_current=True).update(
        value_number=7.77
    )
    indicator = Indicator.objects.get(code="TRD OC 1")
    Indicator.objects.filter(pk=indicator.pk).update(statement_en="A rewritten statement", statement_ru="Новый текст")
    Narrative.objects.create(indicator=indicator, year=2020, text_en="Written later.", status="approved")
    progress_recompute()

    # then the published edition reads and renders exactly as before
    edition = ReportEdition.objects.get(pk=edition_2021.pk)
    assert edition_content(edition) == content
    for language, html in before.items():
        assert _html(edition, language) == html
    # while a draft over the same years sees the new data
    live = report_edition_create(
        user=None,
        code="live",
        titles={"en": "Live"},
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        cut_off=2020,
    )
    html = _html(live, "en")
    assert "9.99" in html and "A rewritten statement" in html and "Written later." in html


def test_publishing_freezes_values_ratings_explanations_narratives_baselines_milestones_and_method(rated, secretariat):
    indicator = Indicator.objects.get(code="TRD OC 1")
    Narrative.objects.create(
        indicator=indicator,
        year=2020,
        text_en="Trade grew.",
        text_zh_hans="贸易增长。",
        text_ru="Торговля росла.",
        status="approved",
    )
    edition = report_edition_create(
        user=secretariat,
        code="frozen",
        titles={"en": "Frozen"},
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        cut_off=2020,
    )
    report_edition_submit(user=secretariat, edition=edition)
    edition = report_edition_publish(user=secretariat, edition=edition)
    content = edition.snapshot.content
    trd = next(i for i in content["indicators"] if i["code"] == "TRD OC 1")
    part = next(p for p in trd["parts"] if p["code"] == "FUEL_CAREC")
    assert trd["narrative"] == {"en": "Trade grew.", "zh-hans": "贸易增长。", "ru": "Торговля росла."}
    assert trd["rating"]["rating"] and part["rating"]["as_of"] == 2020
    assert set(part["explanation"]) == {"en", "zh-hans", "ru"} and part["explanation"]["ru"]
    assert part["baseline"]["year"] == 2017 and part["baseline_revisions"]
    assert any(m["year"] == 2023 for m in part["milestones"])
    assert [v["year"] for v in part["values"]] == sorted(v["year"] for v in part["values"])
    assert all(v["year"] <= 2020 for v in part["values"])
    assert content["method"]["settings"]["on_track_min"] == 0.95
    assert content["edition"]["published_at"].startswith(str(edition.published_at.year))


def test_only_the_secretariat_creates_submits_and_publishes_editions(rated, secretariat):
    focal = factories.focal_point("rep-trd-fp", "TRD")
    kwargs = {
        "code": "x",
        "titles": {"en": "X"},
        "period_start": datetime.date(2021, 1, 1),
        "period_end": datetime.date(2023, 12, 31),
        "cut_off": 2023,
    }
    with pytest.raises(PermissionDenied):
        report_edition_create(user=focal, **kwargs)
    edition = report_edition_create(user=secretariat, **kwargs)
    with pytest.raises(PermissionDenied):
        report_edition_submit(user=focal, edition=edition)
    report_edition_submit(user=secretariat, edition=edition)
    with pytest.raises(PermissionDenied):
        report_edition_publish(user=focal, edition=edition)
    report_edition_publish(user=secretariat, edition=edition)
    actions = list(
        AuditEntry.objects.filter(object_id=edition.pk, content_type__model="reportedition")
        .order_by("at", "id")
        .values_list("action", "actor__username")
    )
    assert actions == [("create", "report-sec"), ("submit", "report-sec"), ("publish", "report-sec")]


def test_an_edition_is_published_only_from_review_and_never_twice(rated, secretariat):
    edition = report_edition_create(
        user=secretariat,
        code="y",
        titles={"en": "Y"},
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        cut_off=2023,
    )
    with pytest.raises(ValidationError):
        report_edition_publish(user=secretariat, edition=edition)
    report_edition_submit(user=secretariat, edition=edition)
    report_edition_return(user=secretariat, edition=edition, reason="Add the narratives")
    assert ReportEdition.objects.get(pk=edition.pk).status == "draft"
    report_edition_submit(user=secretariat, edition=edition)
    report_edition_publish(user=secretariat, edition=edition)
    with pytest.raises(ValidationError):
        report_edition_publish(user=secretariat, edition=edition)


def test_the_cut_off_year_must_fall_within_the_period(rated, secretariat):
    with pytest.raises(ValidationError):
        report_edition_create(
            user=secretariat,
            code="z",
            titles={"en": "Z"},
            period_start=datetime.date(2021, 1, 1),
            period_end=datetime.date(2023, 12, 31),
            cut_off=2025,
        )


def test_a_new_edition_compares_itself_with_the_previous_one(draft_2024):
    document = report_document(
        edition_content(draft_2024), edition_previous_content(draft_2024), language="en", charts=False
    )
    changes = document["changes"]
    assert changes["previous_code"] == "2021"
    assert changes["rerated"], "ratings as of 2023 differ from those of 2020"
    assert not changes["new"] and not changes["dropped"]
    first = report_document(edition_content(draft_2024.previous), None, language="en", charts=False)
    assert first["changes"] is None


def test_publishing_queues_every_language_and_format_once_the_publication_commits(
    rated, secretariat, django_capture_on_commit_callbacks
):
    edition = report_edition_create(
        user=secretariat,
        code="pre",
        titles={"en": "Pre-rendered"},
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        cut_off=2020,
    )
    report_edition_submit(user=secretariat, edition=edition)
    with django_capture_on_commit_callbacks() as callbacks:
        edition = report_edition_publish(user=secretariat, edition=edition)
    jobs = list(RenderJob.objects.filter(edition=edition).order_by("pk"))
    assert {(job.language, job.format) for job in jobs} == {
        (language, format) for language in ("en", "zh-hans", "ru") for format in ("html", "pdf", "xlsx", "docx")
    }
    assert all(job.frozen and job.status == RenderJob.Status.QUEUED for job in jobs)
    assert len(callbacks) == 12  # one task per file, sent once the publication is committed
    assert [job.format for job in jobs][-3:] == ["pdf"] * 3  # the quick files first

    # when a worker runs one, a reader asking for that file gets it, and nothing is queued again
    xlsx = next(job for job in jobs if (job.language, job.format) == ("ru", "xlsx"))
    next(callback for callback in callbacks if callback.args == (xlsx.pk,))()
    xlsx.refresh_from_db()
    assert xlsx.status == RenderJob.Status.DONE and xlsx.progress == 100 and xlsx.file.name.endswith(".xlsx")
    with django_capture_on_commit_callbacks() as again:
        assert render_job_request(user=None, edition=edition, language="ru", format="xlsx").pk == xlsx.pk
    assert not again
    assert render_job_run(job_id=xlsx.pk) is None  # a second delivery of the task does nothing


def test_an_edition_published_without_its_files_renders_each_for_the_first_reader_who_asks(
    rated, secretariat, django_capture_on_commit_callbacks
):
    edition = report_edition_create(
        user=secretariat,
        code="later",
        titles={"en": "Later"},
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        cut_off=2020,
    )
    report_edition_submit(user=secretariat, edition=edition)
    edition = report_edition_publish(user=secretariat, edition=edition, render_files=False)
    assert not RenderJob.objects.filter(edition=edition).exists()
    with django_capture_on_commit_callbacks(execute=True):
        job = render_job_request(user=None, edition=edition, language="en", format="html")
    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE and job.frozen
    assert render_job_request(user=None, edition=edition, language="en", format="html").pk == job.pk


def test_a_draft_is_rendered_afresh_each_time(draft_2024, secretariat):
    first = render_job_request(user=secretariat, edition=draft_2024, language="en", format="html")
    second = render_job_request(user=secretariat, edition=draft_2024, language="en", format="html")
    assert first.pk != second.pk


def test_nobody_outside_the_secretariat_and_officials_renders_a_draft(draft_2024):
    with pytest.raises(PermissionDenied):
        render_job_request(user=factories.user("rep-visitor"), edition=draft_2024, language="en", format="pdf")


def test_a_failed_rendering_says_why(edition_2021, monkeypatch, django_capture_on_commit_callbacks):
    from reports import render

    monkeypatch.setattr(render, "cjk_fonts", lambda: [])
    job = RenderJob.objects.get(edition=edition_2021, language="zh-hans", format="pdf")  # queued on publishing
    render_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == RenderJob.Status.FAILED and job.step == "fonts"
    assert "apt-get install fonts-noto-cjk" in job.error
    # and the next request tries again
    monkeypatch.undo()
    assert render_job_request(user=None, edition=edition_2021, language="zh-hans", format="pdf").pk != job.pk


def test_a_rendering_reports_its_steps_as_they_happen_and_no_faster_than_the_page_reads_them(
    draft_2024, secretariat, monkeypatch
):
    from reports import services

    seen = []
    original = services.report_render

    def watched(*args, progress, **kwargs):
        def spy(percent, step):
            progress(percent, step)
            seen.append(RenderJob.objects.values_list("progress", "step").get(pk=job.pk))

        return original(*args, progress=spy, **kwargs)

    monkeypatch.setattr(services, "report_render", watched)
    job = render_job_request(user=secretariat, edition=draft_2024, language="en", format="xlsx")
    render_job_run(job_id=job.pk)
    steps = [step.split(":")[0] for _percent, step in seen]
    assert steps[0] == "document" and "sheets" in steps  # every new step is written at once
    assert [percent for percent, _step in seen] == sorted(percent for percent, _step in seen)
    assert all(percent < 100 for percent, _step in seen)  # 100 only once the file is stored
    job.refresh_from_db()
    assert (job.status, job.progress, job.step) == (RenderJob.Status.DONE, 100, "done")


def test_progress_within_one_step_is_written_at_most_four_times_a_second(draft_2024, secretariat):
    from reports.services import _progress

    job = render_job_request(user=secretariat, edition=draft_2024, language="en", format="pdf")
    report = _progress(job.pk)
    report(30, "layout:1")
    report(31, "layout:2")  # a tenth of a second later: not worth a write
    assert RenderJob.objects.values_list("step", flat=True).get(pk=job.pk) == "layout:1"
    report(80, "draw:1:30")  # a new step is written at once
    assert RenderJob.objects.values_list("progress", "step").get(pk=job.pk) == (80, "draw:1:30")
