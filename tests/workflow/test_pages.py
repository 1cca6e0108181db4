"""The workflow pages: my work, the entry grid with errors beside the cells, review, evidence,
narratives, history and restore, with constant query counts."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from clusters.models import Country
from indicators.models import IndicatorPart, Observation, ReportingYear
from tests import factories
from workflow import services
from workflow.models import AuditEntry, Narrative

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def login(client, user):
    client.force_login(user)
    return client


def road():
    return IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(url("workflow:my_work"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_grid_saves_all_cells_in_one_go(client, people, year):
    login(client, people["secretariat"])
    response = client.post(
        url("workflow:entry_grid", "TRP-OP-1", 2023),
        {
            f"{road().pk}-R-value": "14.2",
            f"{IndicatorPart.objects.get(indicator__code='TRP OP 1', code='RAIL_BCP_TIME').pk}-R-value": "<30",
            "save": "",
        },
    )
    assert response.status_code == 302
    values = dict(
        Observation.objects.filter(year=2023, part__indicator__code="TRP OP 1").values_list(
            "part__code", "value_number"
        )
    )
    assert values == {"ROAD_BCP_TIME": Decimal("14.2"), "RAIL_BCP_TIME": Decimal("30")}
    assert Observation.objects.get(part__code="RAIL_BCP_TIME", year=2023).qualifier == "<"


def test_a_bad_cell_saves_nothing_and_says_what_is_wrong_beside_it(client, people, year):
    login(client, people["secretariat"])
    rail = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="RAIL_BCP_TIME")
    response = client.post(
        url("workflow:entry_grid", "TRP-OP-1", 2023),
        {f"{road().pk}-R-value": "14.2", f"{rail.pk}-R-value": "fast", "save": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“fast” is not a number." in html
    assert 'value="14.2"' in html  # what was typed is kept
    assert not Observation.objects.filter(year=2023, part__indicator__code="TRP OP 1").exists()


def test_a_percent_of_250_is_refused(client, people, year):
    login(client, people["secretariat"])
    part = IndicatorPart.objects.get(indicator__code="TRD OP 2", code="RESPONDENTS_IMPROVED")

    factories.focal_point("trd-lead", "TRD")
    response = client.post(url("workflow:entry_grid", "TRD-OP-2", 2023), {f"{part.pk}-R-value": "250", "save": ""})
    assert response.status_code == 400
    assert "outside the plausible range" in response.content.decode()


def test_russian_users_type_decimal_commas(client, people, year):
    login(client, people["secretariat"])
    kaz = Country.objects.get(code="KAZ")
    gdp = IndicatorPart.objects.get(indicator__code="TRD OC 1.4", code="GDP_GROWTH")
    response = client.post(
        url("workflow:entry_grid", "TRD-OC-1.4", 2023, language="ru"), {f"{gdp.pk}-{kaz.pk}-value": "-3,5"}
    )
    assert response.status_code == 302
    assert Observation.objects.get(part=gdp, country=kaz, year=2023).value_number == Decimal("-3.5")


def test_errors_read_in_the_users_language(client, people, year):
    login(client, people["secretariat"])
    response = client.post(
        url("workflow:entry_grid", "TRP-OP-1", 2023, language="ru"), {f"{road().pk}-R-value": "быстро"}
    )
    assert response.status_code == 400
    assert "не является числом" in response.content.decode()


def test_save_and_submit_then_the_focal_point_approves_from_my_work(client, people, year):
    login(client, people["secretariat"])
    client.post(url("workflow:entry_grid", "TRP-OP-1", 2023), {f"{road().pk}-R-value": "14.2", "submit": ""})
    observation = Observation.objects.get(part=road(), year=2023)
    assert observation.status == "submitted"
    focal = login(client, people["focal"])
    page = focal.get(url("workflow:my_work")).content.decode()
    assert "1 value waits for your review" in page
    focal.post(url("workflow:observation_review", observation.pk), {"decision": "approve"})
    assert Observation.objects.get(pk=observation.pk).status == "approved"


def test_returning_without_a_comment_is_refused_on_the_page(client, people, year):
    login(client, people["secretariat"])
    client.post(url("workflow:entry_grid", "TRP-OP-1", 2023), {f"{road().pk}-R-value": "14.2", "submit": ""})
    observation = Observation.objects.get(part=road(), year=2023)
    login(client, people["focal"])
    response = client.post(url("workflow:observation_review", observation.pk), {"decision": "return"}, follow=True)
    assert "a comment is required" in response.content.decode()
    assert Observation.objects.get(pk=observation.pk).status == "submitted"


def test_the_second_save_from_a_stale_page_gets_a_conflict_with_both_values(client, people, year):
    login(client, people["secretariat"])
    client.post(url("workflow:entry_grid", "TRP-OP-1", 2023), {f"{road().pk}-R-value": "14.2"})
    stale_version = Observation.objects.get(part=road(), year=2023).version
    login(client, people["focal"])
    client.post(
        url("workflow:entry_grid", "TRP-OP-1", 2023),
        {f"{road().pk}-R-value": "15", f"{road().pk}-R-version": stale_version},
    )
    login(client, people["secretariat"])
    response = client.post(
        url("workflow:entry_grid", "TRP-OP-1", 2023),
        {f"{road().pk}-R-value": "16", f"{road().pk}-R-version": stale_version},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "it is now 15; you entered 16" in html
    assert Observation.objects.get(part=road(), year=2023).value_number == Decimal("15")


def test_grid_query_count_does_not_grow_with_parts(client, people, year, django_assert_num_queries):
    login(client, people["secretariat"])
    with django_assert_num_queries(15) as small:
        client.get(url("workflow:entry_grid", "TRP-OP-1", 2023))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url("workflow:entry_grid", "TRD-OC-1", 2023))  # more parts, and values too


def test_focal_point_of_another_sector_cannot_open_the_grid(client, people, year):
    login(client, people["other_focal"])
    assert client.get(url("workflow:entry_grid", "TRP-OP-1", 2023)).status_code == 403


def test_evidence_upload_checks_type_and_is_served_only_to_permitted_users(client, people, year, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, people["secretariat"])
    client.post(url("workflow:entry_grid", "TRP-OP-1", 2023), {f"{road().pk}-R-value": "14.2"})
    observation = Observation.objects.get(part=road(), year=2023)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(url("workflow:observation_detail", observation.pk), {"file": fake, "citation": "CPMM"})
    assert "is not an accepted evidence file" in response.content.decode()
    assert not observation.attachments.exists()
    real = SimpleUploadedFile("cpmm-2023.pdf", b"%PDF-1.7 real", "application/pdf")
    client.post(url("workflow:observation_detail", observation.pk), {"file": real, "citation": "CPMM 2023"})
    attachment = observation.attachments.get()
    assert client.get(url("workflow:attachment_download", attachment.pk)).status_code == 200
    login(client, people["other_focal"])
    assert client.get(url("workflow:attachment_download", attachment.pk)).status_code == 404


def test_narrative_in_three_languages_and_comments(client, people, year):
    login(client, people["secretariat"])
    page = url("workflow:indicator_year", "TRP-OP-1", 2023)
    client.post(
        page,
        {
            "narrative": "submit",
            "text_en": "Times fell.",
            "text_zh_hans": "时间缩短。",
            "text_ru": "Время сократилось.",
        },
    )
    login(client, people["focal"])
    client.post(page, {"review_narrative": "approve"})
    narrative = Narrative.objects.get(indicator__code="TRP OP 1", year=2023)
    assert (narrative.status, narrative.text_ru) == ("approved", "Время сократилось.")
    client.post(page, {"comment": "", "text": "Check the rail figure"})
    assert "Check the rail figure" in client.get(page).content.decode()


NARRATIVE = {"text_en": "Times fell.", "text_zh_hans": "时间缩短。", "text_ru": "Время сократилось."}


def test_a_narrative_goes_through_review_like_a_value(
    client, people, year, mailoutbox, django_capture_on_commit_callbacks
):
    """Written and submitted by the secretariat, it reaches the sector focal point's queue and
    e-mail; returned with a comment, it is back in the writer's My work with the comment; saved
    again it is a draft; submitted again and approved, the report may print it."""
    page = url("workflow:indicator_year", "TRP-OP-1", 2023)
    login(client, people["secretariat"])
    client.post(page, {"narrative": "save", **NARRATIVE})
    narrative = Narrative.objects.get(indicator__code="TRP OP 1", year=2023)
    assert narrative.status == "draft"
    assert "Narrative of TRP OP 1, 2023" in client.get(url("workflow:my_work")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"narrative": "submit", "version": narrative.version, **NARRATIVE})
    assert Narrative.objects.get(pk=narrative.pk).status == "submitted"
    assert [m.to for m in mailoutbox] == [[people["focal"].email]]  # the sector-wide focal point only
    assert "Narrative waiting for your review: TRP OP 1, 2023" in mailoutbox[0].subject

    login(client, people["focal"])
    work = client.get(url("workflow:my_work")).content.decode()
    assert "1 narrative waits for your review" in work and "Times fell." in work
    html = client.get(page).content.decode()
    assert "时间缩短。" in html and 'value="approve"' in html  # the reviewer reads all three texts
    response = client.post(page, {"review_narrative": "return", "comment": ""})
    assert "a comment is required to return a narrative" in response.content.decode()
    assert Narrative.objects.get(pk=narrative.pk).status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"review_narrative": "return", "comment": "Name the corridors."})
    returned = Narrative.objects.get(pk=narrative.pk)
    assert (returned.status, returned.review_comment, returned.reviewed_by) == (
        "returned",
        "Name the corridors.",
        people["focal"],
    )
    assert "Narrative returned: TRP OP 1, 2023" in mailoutbox[-1].subject
    assert mailoutbox[-1].to == [people["secretariat"].email]

    login(client, people["secretariat"])
    work = client.get(url("workflow:my_work")).content.decode()
    assert "Name the corridors." in work
    assert "Name the corridors." in client.get(page).content.decode()
    client.post(page, {"narrative": "submit", "version": returned.version, **NARRATIVE})
    login(client, people["focal"])
    client.post(page, {"review_narrative": "approve"})
    assert Narrative.objects.get(pk=narrative.pk).status == "approved"
    assert [
        e.action
        for e in AuditEntry.objects.filter(object_id=narrative.pk, content_type__model="narrative").order_by("at", "pk")
    ] == [
        "create",
        "update",
        "return",
        "update",
        "approve",
    ]


def test_a_narrative_is_not_submitted_without_every_language_named_in_words(client, people, year):
    page = url("workflow:indicator_year", "TRP-OP-1", 2023, language="ru")
    login(client, people["secretariat"])
    response = client.post(page, {"narrative": "submit", "text_en": "Times fell.", "text_zh_hans": "", "text_ru": ""})
    html = response.content.decode()
    assert "Упрощённый китайский, Русский" in html  # named in words, in the reader's language
    assert not Narrative.objects.exists()  # nothing half-written


def test_whoever_wrote_a_narrative_does_not_review_it(client, people, year):
    page = url("workflow:indicator_year", "TRP-OP-1", 2023)
    login(client, people["focal"])
    client.post(page, {"narrative": "submit", **NARRATIVE})
    html = client.get(page).content.decode()
    assert 'name="review_narrative"' not in html
    assert "someone else must review it" in html
    assert "narrative waits for your review" not in client.get(url("workflow:my_work")).content.decode()
    assert client.post(page, {"review_narrative": "approve"}).status_code == 403
    assert Narrative.objects.get().status == "submitted"
    # a national focal point covers one country, not the sector's narrative
    login(client, people["national"])
    assert 'name="review_narrative"' not in client.get(page).content.decode()


def test_changing_an_approved_narrative_sends_it_back_to_review(client, people, year):
    page = url("workflow:indicator_year", "TRP-OP-1", 2023)
    login(client, people["secretariat"])
    client.post(page, {"narrative": "submit", **NARRATIVE})
    login(client, people["focal"])
    client.post(page, {"review_narrative": "approve"})
    approved = Narrative.objects.get()
    login(client, people["secretariat"])
    client.post(page, {"narrative": "save", "version": approved.version, **NARRATIVE, "text_en": "Times fell again."})
    assert Narrative.objects.get().status == "draft"


def test_history_shows_changes_and_the_secretariat_restores_one(client, people, year):
    login(client, people["secretariat"])
    grid = url("workflow:entry_grid", "TRP-OP-1", 2023)
    client.post(grid, {f"{road().pk}-R-value": "14.2"})
    version = Observation.objects.get(part=road(), year=2023).version
    client.post(grid, {f"{road().pk}-R-value": "19.9", f"{road().pk}-R-version": version})
    history = url("workflow:indicator_history", "TRP-OP-1")
    html = client.get(history).content.decode()
    assert "14.2 → 19.9" in html
    # read as a person reads it: field labels, not column names; no bookkeeping fields
    assert "Value: 14.2 → 19.9" in html and "value_number" not in html and "updated_by_id" not in html
    html_ru = client.get(url("workflow:indicator_history", "TRP-OP-1", language="ru")).content.decode()
    assert "value_number" not in html_ru and "14,2 → 19,9" in html_ru  # numbers as Russian writes them
    first = AuditEntry.objects.filter(action="create", indicator__code="TRP OP 1", actor=people["secretariat"]).get()
    client.post(history, {"entry": first.pk})
    assert Observation.objects.get(part=road(), year=2023).value_number == Decimal("14.2")
    assert AuditEntry.objects.filter(action="restore", indicator__code="TRP OP 1").exists()
    login(client, people["focal"])
    client.post(history, {"entry": first.pk})
    assert AuditEntry.objects.filter(action="restore").count() == 1  # a focal point may not restore


def test_reporting_years_page_is_for_the_secretariat(client, people):
    login(client, people["focal"])
    assert client.get(url("workflow:years")).status_code == 403
    login(client, people["secretariat"])
    client.post(url("workflow:years"), {"year": "2024", "status": "open", "deadline": "2025-03-31"})
    from indicators.models import ReportingYear

    assert ReportingYear.objects.get(year=2024).status == "open"


def test_the_grid_shows_the_last_approved_value_whatever_its_year_and_milestones_in_words(client, people, year):
    login(client, people["secretariat"])
    page = client.get(url("workflow:entry_grid", "TRD-OC-1.4", 2023)).content.decode()
    assert "Last approved value" in page and ("(2022)" in page or "(2021)" in page)
    page = client.get(url("workflow:entry_grid", "TRD-OC-1", 2023)).content.decode()
    assert "target 0.84 by 2023" in page and "exact" not in page.split("<tbody>")[1]
    page = client.get(url("workflow:entry_grid", "EFS-OP-2", 2023)).content.decode()
    assert "at least 1 by 2029" in page


def test_milestones_of_countries_are_counted_in_words(db):
    from indicators.models import Milestone
    from indicators.templatetags.values import milestone_phrase

    at_least = Milestone(kind="at_least", value_type="country_set", value_number=Decimal(7), year=2023)
    one = Milestone(kind="exact", value_type="country_set", value_number=Decimal(1), year=2026)
    assert milestone_phrase(at_least) == "at least 7 countries by 2023"
    assert milestone_phrase(one) == "1 country by 2026"
    with translation.override("ru"):
        assert milestone_phrase(at_least) == "не менее 7 стран к 2023 году"


def test_review_messages_name_the_value(client, people, year):
    from workflow.entry import Entry

    entry = Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2023, value="13.5", ref="v")
    value = services.entries_save(user=people["secretariat"], entries=[entry]).observations["v"]
    services.observation_submit(user=people["secretariat"], observation=value)
    login(client, people["focal"])
    page = client.post(
        url("workflow:observation_review", value.pk),
        {"decision": "approve", "next": url("workflow:my_work")},
        follow=True,
    ).content.decode()
    assert "Approved: TRP OP 1," in page and ", region, 2023: 13.5" in page


def test_a_value_of_another_sector_says_so(client, people, year):
    other = Observation.objects.filter(part__indicator__result__sector__code="TRD", status="approved").first()
    login(client, people["national"])
    ReportingYear.objects.update_or_create(year=other.year, defaults={"status": "open"})  # not public either
    response = client.get(url("workflow:observation_detail", other.pk))
    assert response.status_code == 403 and "you do not cover" in response.content.decode()


def test_the_review_queue_shows_each_value_in_context(client, people, year, django_assert_max_num_queries):
    from workflow.entry import Entry

    road = Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2023, value="45", ref="v")
    value = services.entries_save(user=people["secretariat"], entries=[road]).observations["v"]
    services.observation_submit(user=people["secretariat"], observation=value)
    login(client, people["focal"])
    page = client.get(url("workflow:my_work")).content.decode()
    assert 'class="sparkline"' in page  # the approved values so far, and this one
    assert "baseline: 16.9 (2017)" in page  # the border crossing time's baseline
    assert "last approved:" in page and "since 2021 (" in page and "): check it" in page  # a big jump is flagged
    with django_assert_max_num_queries(30) as few:
        client.get(url("workflow:my_work"))
    more = [
        Entry(indicator="TRD OC 1.4", part="GDP_GROWTH", country=c, year=2023, value="5", ref=c)
        for c in ("KAZ", "UZB", "KGZ", "TJK", "MNG")
    ]
    for written in services.entries_save(user=people["secretariat"], entries=more).observations.values():
        services.observation_submit(user=people["secretariat"], observation=written)
    login(client, people["other_focal"])  # the TRD focal point: five values to review
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("workflow:my_work"))


def test_to_enter_names_indicators_by_sector_with_what_is_missing(client, people, year):
    login(client, people["focal"])  # TRP: every part reported for the region only
    page = client.get(url("workflow:my_work")).content.decode()
    assert "<h3>" in page and "TRP OP 1" in page and "2 of 2 values missing" in page
    from workflow.entry import Entry

    road = Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2023, value="13", ref="v")
    services.entries_save(user=people["secretariat"], entries=[road])
    page = client.get(url("workflow:my_work")).content.decode()
    assert "1 of 2 values missing" in page


def test_each_reporting_year_has_its_next_step(client, people, year):
    login(client, people["secretariat"])
    page = client.get(url("workflow:years")).content.decode()
    assert 'name="status" value="locked"' in page  # 2023 is open: lock it for review
    client.post(url("workflow:years"), {"year": "2023", "status": "locked"})
    page = client.get(url("workflow:years")).content.decode()
    assert 'value="published"' in page and ReportingYear.objects.get(year=2023).status == "locked"
