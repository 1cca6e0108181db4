"""Each defect of the "one way in and one way out" issue, and each bad input that answered 500,
as a test that failed before the single path: a clear message in the user's language, and
nothing written."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from clusters.models import Country, Sector
from imports.models import Upload
from imports.services import upload_create, upload_process
from indicators.models import IndicatorPart, Observation, ReportingYear
from tests import factories
from workflow import services
from workflow.entry import Entry, EntryErrors
from workflow.models import AuditEntry, FocalPointAssignment, Role
from workflow.permissions import Access

pytestmark = pytest.mark.django_db

HEADER = "indicator,part,country,year,value,qualifier,unit,source,note\n"


@pytest.fixture
def sec(db):
    factories.open_year(2023)
    return factories.user("sec", groups=(Role.SECRETARIAT,))


def url(name, *args, language="en", query=""):
    with translation.override(language):
        return reverse(name, args=args) + query


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def road():
    return IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")


def upload(user, text: str, name="values.csv", language="en") -> Upload:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return upload_process(upload=upload_create(user=user, name=name, data=data, dry_run=False, language=language))


# --- the defects ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "country", "value", "column"),
    [
        (("TRP OC 1", "ROAD_SWD"), "CAREC", 5000, "value"),
        (("TRP OC 1", "ROAD_SWD"), "CAREC", -5, "value"),
        (("TRP OP 1", "ROAD_BCP_TIME"), "KAZ", 13, "country"),
    ],
)
def test_the_api_refuses_what_the_grid_and_the_upload_refuse(sec, part, country, value, column):
    before = Observation.objects.count()
    body = {"indicator": part[0], "part": part[1], "country": country, "year": 2023, "value": value}
    response = api(sec).post("/api/v1/observations/", body, format="json")
    assert response.status_code == 400 and column in response.json()
    assert Observation.objects.count() == before


@pytest.mark.parametrize("value", [1e15, "123456789012345678901", "1e300"])
def test_a_value_too_large_for_the_column_is_refused_by_every_way_and_reads_keep_working(sec, value):
    goods = {"indicator": "TRD OC 1.2", "part": "GOODS_TRADE", "country": "KAZ", "year": 2023}
    response = api(sec).post("/api/v1/observations/", {**goods, "value": value}, format="json")
    assert response.status_code == 400
    assert "too large" in response.json()["value"][0]
    refused = upload(sec, HEADER + f"TRD OC 1.2,GOODS_TRADE,KAZ,2023,{value},,,,\n")
    assert refused.status == "refused" and "too large" in refused.errors[0][2]
    assert not Observation.objects.filter(year=2023, part__code="GOODS_TRADE", status__in=["draft", "submitted"])
    assert api(sec).get("/api/v1/observations/?year=2023").status_code == 200


def test_a_locked_year_stops_serving_cached_pages_at_once(sec, client, settings, django_capture_on_commit_callbacks):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}}
    focal = factories.focal_point("trd-fp", "TRD")
    ReportingYear.objects.filter(year=2023).update(status="published")  # what the public sees, cached
    page = "/en/countries/KAZ/"
    cached = client.get(page).content.decode()
    assert ">66.6" not in cached
    ReportingYear.objects.filter(year=2023).update(status="open")
    entry = Entry(indicator="TRD OC 1.4", part="GDP_GROWTH", country="KAZ", year=2023, value="66.6", ref="v")
    draft = services.entries_save(user=sec, entries=[entry]).observations["v"]
    services.observation_approve(user=focal, observation=services.observation_submit(user=sec, observation=draft))
    assert client.get(page).content.decode() == cached  # still the cached page
    with django_capture_on_commit_callbacks(execute=True):
        services.reporting_year_set(user=sec, year=2023, status="published")
    assert ">66.6" in client.get(page).content.decode()  # published, and served at once


def test_approved_values_of_an_open_year_do_not_reach_the_public(sec, client):
    focal = factories.focal_point("trd-fp", "TRD")
    entry = Entry(indicator="TRD OC 1.4", part="GDP_GROWTH", country="KAZ", year=2023, value="66.6", ref="v")
    draft = services.entries_save(user=sec, entries=[entry]).observations["v"]
    services.observation_approve(user=focal, observation=services.observation_submit(user=sec, observation=draft))
    for page in ("/en/", "/en/clusters/C2/", "/en/countries/KAZ/", "/en/indicators/TRD-OC-1.4/?year=2023"):
        assert ">66.6" not in client.get(page).content.decode(), page


def test_readers_see_the_same_editions_on_the_page_and_in_the_api(sec, client):
    _draft_edition(sec, "draft-x", "Draft X")
    reader = factories.user("reader", groups=(Role.VIEWER,))
    for user, sees in ((reader, True), (AnonymousUser(), False)):
        codes = [e["code"] for e in _api_for(user).get("/api/v1/editions/").json()["results"]]
        if user.is_authenticated:
            client.force_login(user)
        else:
            client.logout()
        page = client.get(url("reports:edition_list")).content.decode()
        assert ("draft-x" in codes) == sees == ("Draft X" in page)


def _draft_edition(user, code: str, title: str):
    from reports.services import report_edition_create

    return report_edition_create(
        user=user,
        code=code,
        titles={"en": title},
        period_start=_date(2021),
        period_end=_date(2023, 12, 31),
        cut_off=2023,
    )


def _date(year, month=1, day=1):
    import datetime

    return datetime.date(year, month, day)


def _api_for(user):
    client = APIClient()
    if user.is_authenticated:
        client.force_authenticate(user)
    return client


def test_restoring_a_history_entry_written_by_an_upload(sec):
    first = upload(sec, HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13.1,,,,\n")
    assert first.status == "done", first.errors
    upload(sec, HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,19.9,,,,\n")
    created = AuditEntry.objects.get(action="create", object_repr__startswith="observation", actor=sec)
    restored = services.history_restore(user=sec, entry=created)
    assert restored.value_number == Decimal("13.1")
    assert AuditEntry.objects.filter(action="restore", object_id=restored.pk).exists()


def test_a_history_entry_without_a_whole_version_is_refused_with_a_message(sec):
    observation = Observation.objects.filter(status="approved").first()
    entry = AuditEntry.objects.create(
        action="update",
        content_type_id=AuditEntry.objects.filter(object_repr__startswith="observation").first().content_type_id,
        object_id=observation.pk,
        object_repr="observation",
        state={"value": "1", "status": "submitted"},  # the shape uploads used to write
    )
    with pytest.raises(ValidationError, match="cannot be restored"):
        services.history_restore(user=sec, entry=entry)


def test_changing_the_source_of_an_approved_value_is_a_revision_under_review(sec):
    focal = factories.focal_point("trp-fp", "TRP")
    approved = services.observation_approve(
        user=focal,
        observation=services.observation_submit(
            user=sec,
            observation=services.entries_save(
                user=sec,
                entries=[
                    Entry(
                        indicator="TRP OP 1",
                        part="ROAD_BCP_TIME",
                        country="CAREC",
                        year=2023,
                        value="13",
                        citation="CPMM 2023",
                        ref="v",
                    )
                ],
            ).observations["v"],
        ),
    )
    with pytest.raises(EntryErrors, match="reason"):
        services.observation_evidence_set(user=sec, observation=approved, citation="Other", evidence_url="")
    revision = services.observation_evidence_set(
        user=sec, observation=approved, citation="CPMM 2023, corrected", evidence_url="", revision_reason="Typo"
    )
    approved.refresh_from_db()
    assert approved.citation == "CPMM 2023" and approved.status == "approved"  # the public source stays
    assert revision.pk != approved.pk and revision.status == "draft" and revision.citation == "CPMM 2023, corrected"
    services.reporting_year_set(user=sec, year=2023, status="locked")
    with pytest.raises(EntryErrors, match="locked"):
        services.observation_evidence_set(
            user=sec, observation=approved, citation="Later", evidence_url="", revision_reason="Again"
        )


def test_a_focal_point_assigned_in_the_admin_may_review(sec, client):
    admin = factories.user("root", is_superuser=True, is_staff=True)
    person = factories.user("new-fp")
    client.force_login(admin)
    response = client.post(
        url("admin:workflow_focalpointassignment_add"),
        {"user": person.pk, "sector": Sector.objects.get(code="TRP").pk, "country": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert FocalPointAssignment.objects.filter(user=person).exists()
    assert Access(person).can_review(Sector.objects.get(code="TRP").pk, None)
    assert AuditEntry.objects.filter(action="assign", actor=admin).exists()


def test_a_focal_point_cannot_approve_a_value_they_entered(sec, client):
    focal = factories.focal_point("trp-fp", "TRP")
    mine = services.entries_save(
        user=focal,
        entries=[Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2023, value="13", ref="v")],
    ).observations["v"]
    submitted = services.observation_submit(user=focal, observation=mine)
    with pytest.raises(PermissionDenied, match="someone else must review"):
        services.observation_approve(user=focal, observation=submitted)
    client.force_login(focal)
    assert f'action="/en/work/observations/{submitted.pk}/review/"' not in client.get("/en/work/").content.decode()
    other = factories.focal_point("trp-fp2", "TRP")
    assert services.observation_approve(user=other, observation=submitted).status == "approved"


def test_separation_of_duties_is_a_setting(sec, settings):
    settings.SEPARATION_OF_DUTIES = False
    focal = factories.focal_point("trp-fp", "TRP")
    mine = services.entries_save(
        user=focal,
        entries=[Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2023, value="13", ref="v")],
    ).observations["v"]
    submitted = services.observation_submit(user=focal, observation=mine)
    assert services.observation_approve(user=focal, observation=submitted).status == "approved"


def test_a_whole_upload_is_approved_in_one_action_with_one_recompute(sec, client, django_capture_on_commit_callbacks):
    from progress.models import RecomputeRequest

    focal = factories.focal_point("trd-fp", "TRD")
    done = upload(
        sec,
        HEADER
        + "".join(
            f"TRD OC 1.4,GDP_GROWTH,{c},2023,{i}.5,,,,\n" for i, c in enumerate(["KAZ", "UZB", "KGZ", "TJK"], start=1)
        ),
    )
    assert done.status == "done" and done.created == 4, done.errors
    requests_before = RecomputeRequest.objects.count()
    client.force_login(focal)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url("workflow:review_batch"), {"upload": done.pk, "decision": "approve"}, follow=True)
    assert "Approved 4 values." in response.content.decode()
    assert Observation.objects.filter(batch=f"upload:{done.pk}", status="approved").count() == 4
    assert RecomputeRequest.objects.count() == requests_before + 1


def test_returning_a_whole_indicator_year_needs_a_comment_and_skips_ones_own(sec, client):
    focal = factories.focal_point("trd-fp", "TRD")
    theirs = upload(sec, HEADER + "TRD OC 1.4,GDP_GROWTH,KAZ,2023,5.1,,,,\n")
    assert theirs.status == "done"
    own = services.entries_save(
        user=focal,
        entries=[Entry(indicator="TRD OC 1.4", part="GDP_GROWTH", country="UZB", year=2023, value="5", ref="v")],
    ).observations["v"]
    services.observation_submit(user=focal, observation=own)
    client.force_login(focal)
    data = {"indicator": "TRD OC 1.4", "year": 2023, "decision": "return"}
    page = client.post(url("workflow:review_batch"), data, follow=True).content.decode()
    assert "a comment is required" in page
    page = client.post(url("workflow:review_batch"), {**data, "comment": "Check ADO"}, follow=True).content.decode()
    assert "Returned 1 value." in page and "someone else must review" in page
    assert Observation.objects.get(pk=own.pk).status == "submitted"


def test_after_make_run_every_open_data_download_answers(client):
    for name in (
        "observations.csv",
        "observations.json",
        "observations.xlsx",
        "datapackage.json",
        "sdmx/data.csv",
        "sdmx/data.json",
        "sdmx/structure.xml",
    ):
        assert client.get(f"/api/v1/data/{name}").status_code == 200, name


# --- bad input that answered 500 ------------------------------------------------------------


@pytest.mark.parametrize("year", ["99999999", "-1", "20x4"])
def test_the_upload_template_with_a_bad_year(sec, client, year):
    client.force_login(sec)
    response = client.get(url("imports:template", query=f"?sector=TRP&year={year}"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "four digits" in page or "outside the framework" in page


def test_the_entry_grid_with_a_20_digit_year(sec, client):
    client.force_login(sec)
    response = client.get(f"/ru/work/entry/TRP-OP-1/{'9' * 20}/", follow=True)
    assert response.status_code == 200
    assert "выходит за пределы периода рамочной основы" in response.content.decode()


def test_a_comment_on_year_99999(sec, client):
    client.force_login(sec)
    response = client.post("/en/work/indicators/TRP-OP-1/99999/", {"comment": "1", "text": "x"}, follow=True)
    assert response.status_code == 200 and "outside the framework" in response.content.decode()
    with pytest.raises(ValidationError, match="outside"):
        services.comment_add(user=sec, indicator=road().indicator, year=99999, text="x")


def test_a_10000_character_citation_is_refused_not_stored(sec, client):
    body = {
        "indicator": "TRP OP 1",
        "part": "ROAD_BCP_TIME",
        "country": "CAREC",
        "year": 2023,
        "value": 13,
        "citation": "x" * 10000,
    }
    response = api(sec).post("/api/v1/observations/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "10000" in response.json()["citation"][0]
    refused = upload(sec, HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13,,," + "x" * 10000 + ",\n")
    assert refused.status == "refused" and refused.errors[0][1] == "source"  # the column as the file names it
    assert not Observation.objects.filter(part=road(), year=2023).exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bomb.xlsx", None),
        ("binary.csv", b"\x00\x01\x02indicator\x00" * 50),
        ("cyrillic.csv", (HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13,,,Отчёт,\n").encode("cp1251")),
    ],
)
def test_the_problems_file_of_a_file_refused_whole(sec, client, name, data):
    if data is None:
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * (250 * 1024 * 1024))
        data = buffer.getvalue()
    refused = upload(sec, data, name=name)
    assert refused.status == "refused" and refused.errors == []
    client.force_login(sec)
    response = client.get(url("imports:errors", refused.pk), follow=True)
    assert response.status_code == 200 and "no problems by row" in response.content.decode()


def test_an_upload_whose_processing_fails_ends_as_failed(sec, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("imports.services.entries_write", broken)
    failed = upload(sec, HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13,,,,\n", language="ru")
    assert failed.status == "failed" and failed.finished_at is not None
    assert "не удалась" in failed.message
    assert not Observation.objects.filter(part=road(), year=2023).exists()


@pytest.mark.parametrize("target", ["//other.site/", "https://other.site/x", "/\\other.site/"])
def test_review_redirects_stay_on_this_site(sec, client, target):
    focal = factories.focal_point("trp-fp", "TRP")
    value = services.observation_submit(
        user=sec,
        observation=services.entries_save(
            user=sec,
            entries=[
                Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2023, value="13", ref="v")
            ],
        ).observations["v"],
    )
    client.force_login(focal)
    response = client.post(url("workflow:observation_review", value.pk), {"decision": "approve", "next": target})
    assert response.status_code == 302 and response["Location"] == url("workflow:my_work")


def test_a_non_ascii_upload_name_survives_in_the_problems_file(sec, client):
    refused = upload(sec, HEADER + "TRP OP 1,ROAD_BCP_TIME,CAREC,2023,fast,,,,\n", name="Отчёт 2023.csv")
    client.force_login(sec)
    response = client.get(url("imports:errors", refused.pk))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%202023-problems.csv" in disposition


def test_report_xlsx_neutralises_formulas(sec):
    from reports.render import report_render
    from reports.selectors import edition_content

    edition = _draft_edition(sec, "f", '=HYPERLINK("http://x")')
    data = report_render(edition_content(edition, sec), None, language="en", format="xlsx")
    book = load_workbook(io.BytesIO(data))
    texts = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x")' in texts
    assert not any(t.startswith(("=", "+", "@")) for t in texts)


def test_the_grid_offers_only_the_members_of_the_year(sec, client):
    client.force_login(sec)
    part = IndicatorPart.objects.get(indicator__code="TRD OC 1.4", code="GDP_GROWTH")
    afghanistan = Country.objects.get(code="AFG")
    key = f"{part.pk}-{afghanistan.pk}-value"
    assert f'name="{key}"' not in client.get("/en/work/entry/TRD-OC-1.4/2023/").content.decode()
    factories.open_year(2020)
    assert f'name="{key}"' in client.get("/en/work/entry/TRD-OC-1.4/2020/").content.decode()
    client.post("/en/work/entry/TRD-OC-1.4/2023/", {key: "3"})  # a crafted cell is not one of the grid's
    assert not Observation.objects.filter(part=part, country=afghanistan, year=2023).exclude(status="approved")


def test_unknown_reporting_year_status_and_dates_are_refused(sec):
    with pytest.raises(ValidationError, match="not a date"):
        services.reporting_year_set(user=sec, year=2024, status="open", deadline="31/03/2025")
    assert not ReportingYear.objects.filter(year=2024).exists()
