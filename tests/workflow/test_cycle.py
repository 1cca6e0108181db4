"""The review cycle: draft -> submitted -> approved, or returned with a comment -> edited ->
submitted again; revisions keep the approved value in force; locked years refuse edits; two
people editing the same value never overwrite each other."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from clusters.models import Country
from indicators.models import IndicatorPart, Observation, ReportingYear, ValueType
from indicators.values import typed_value
from tests import factories
from workflow import services
from workflow.models import AuditEntry, NotificationPreference

pytestmark = pytest.mark.django_db


def road():
    return IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")


def number(n):
    return typed_value(value_type=ValueType.NUMBER, value=n)


def save(user, value, *, country=None, version=None, year=2023, reason=""):
    return services.observation_save(
        user=user,
        part=factories.trp_country_part() if country else road(),
        country=country,
        year=year,
        value=number(value),
        expected_version=version,
        revision_reason=reason,
    )


def test_the_whole_cycle_with_a_return(people, year, django_capture_on_commit_callbacks):
    sec, focal = people["secretariat"], people["focal"]
    draft = save(sec, "14.2")
    assert (draft.status, draft.version) == ("draft", 1)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.observation_submit(user=sec, observation=draft)
    assert submitted.status == "submitted"
    assert [m.to for m in mail.outbox] == [["trp-fp@example.org"]]  # the national FP covers KAZ only
    with pytest.raises(ValidationError, match="a comment is required"):
        services.observation_return(user=focal, observation=submitted, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.observation_return(user=focal, observation=submitted, comment="Source says 12.4 h")
    assert returned.status == "returned" and returned.review_comment == "Source says 12.4 h"
    assert mail.outbox[-1].to == ["sec@example.org"] and "Source says 12.4 h" in mail.outbox[-1].body
    edited = save(sec, "12.4", version=returned.version)
    assert edited.status == "draft"
    services.observation_submit(user=sec, observation=edited)
    approved = services.observation_approve(user=focal, observation=edited)
    assert approved.status == "approved" and approved.value_number == Decimal("12.4")
    actions = list(AuditEntry.objects.filter(object_id=approved.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["create", "submit", "return", "update", "submit", "approve"]


def test_a_revision_needs_a_reason_and_the_approved_value_stays_until_it_is_approved(people, year):
    sec, focal = people["secretariat"], people["focal"]
    first = save(sec, "14.0")
    services.observation_submit(user=sec, observation=first)
    services.observation_approve(user=focal, observation=first)
    with pytest.raises(ValidationError, match="reason for revising"):
        save(sec, "13.0")
    revision = save(sec, "13.0", reason="CPMM 2023 report corrected")
    services.observation_submit(user=sec, observation=revision)
    in_force = Observation.objects.get(part=road(), year=2023, country=None, status="approved")
    assert in_force.value_number == Decimal("14.0")
    services.observation_approve(user=focal, observation=revision)
    assert Observation.objects.get(part=road(), year=2023, country=None, status="approved").pk == revision.pk
    assert Observation.objects.get(pk=first.pk).status == "superseded"


def test_only_submitted_values_can_be_approved(people, year):
    draft = save(people["secretariat"], "14.0")
    with pytest.raises(ValidationError, match="Only a submitted value can be approved"):
        services.observation_approve(user=people["focal"], observation=draft)


def test_a_locked_year_refuses_edits_with_a_clear_message(people, year):
    draft = save(people["secretariat"], "14.0")
    services.reporting_year_set(user=people["secretariat"], year=2023, status=ReportingYear.Status.LOCKED)
    with pytest.raises(ValidationError, match="The reporting year 2023 is locked"):
        save(people["secretariat"], "15.0", version=draft.version)
    with pytest.raises(ValidationError, match="locked"):
        services.observation_submit(user=people["secretariat"], observation=draft)
    assert Observation.objects.get(pk=draft.pk).value_number == Decimal("14.0")


def test_a_year_never_opened_refuses_entry(people):
    with pytest.raises(ValidationError, match="not open for entry"):
        save(people["secretariat"], "14.0", year=2027)


def test_concurrent_edits_conflict_instead_of_overwriting(people, year):
    sec, national = people["secretariat"], people["national"]
    kaz = Country.objects.get(code="KAZ")
    seen = save(sec, "10", country=kaz)  # both load version 1
    save(national, "11", country=kaz, version=seen.version)
    with pytest.raises(ValidationError) as conflict:
        save(sec, "12", country=kaz, version=seen.version)
    message = conflict.value.messages[0]
    assert "11" in message and "12" in message and "trp-kaz" in message
    assert Observation.objects.get(part__code="BCP_TIME_BY_COUNTRY", country=kaz, year=2023).value_number == Decimal(
        "11"
    )


def test_a_new_cell_saved_twice_from_stale_pages_conflicts(people, year):
    save(people["secretariat"], "10")
    with pytest.raises(ValidationError, match="changed this value"):
        save(people["focal"], "11", version=None)


def test_notifications_can_be_turned_off(people, year, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=people["focal"], on_review=False)
    draft = save(people["secretariat"], "14.0")
    with django_capture_on_commit_callbacks(execute=True):
        services.observation_submit(user=people["secretariat"], observation=draft)
    assert mail.outbox == []


def test_notifications_use_the_recipients_language(people, year, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=people["secretariat"], language="ru")
    draft = save(people["secretariat"], "14.0")
    services.observation_submit(user=people["secretariat"], observation=draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.observation_return(user=people["focal"], observation=draft, comment="Проверьте источник")
    assert "Возвращено" in mail.outbox[-1].subject or "возвращ" in mail.outbox[-1].body.lower()


def test_deadline_reminder_goes_out_once(people):
    import datetime

    from workflow.notifications import deadline_reminders

    ReportingYear.objects.create(year=2024, status="open", deadline=datetime.date(2025, 3, 31))
    sent = deadline_reminders(today=datetime.date(2025, 3, 28))
    assert sent == 4  # the secretariat and three focal points
    assert all("2024" in m.subject for m in mail.outbox)
    assert deadline_reminders(today=datetime.date(2025, 3, 29)) == 0


def test_deadline_reminder_beat_task_is_scheduled():
    from carec_prf.celery import app

    app.loader.import_default_modules()
    assert app.conf.beat_schedule["reporting-deadline-reminders"]["task"] in app.tasks


def test_denied_actions_change_nothing(people, year):
    draft = save(people["secretariat"], "14.0")
    services.observation_submit(user=people["secretariat"], observation=draft)
    with pytest.raises(PermissionDenied):
        services.observation_approve(user=people["other_focal"], observation=draft)
    assert Observation.objects.get(pk=draft.pk).status == "submitted"
    assert not AuditEntry.objects.filter(object_id=draft.pk, action="approve").exists()
