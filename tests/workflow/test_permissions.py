"""Every role against every write action, the denials included, and what each role may read."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from clusters.models import Country, Sector
from indicators.models import Indicator, IndicatorPart, Observation, ValueType
from indicators.values import typed_value
from tests import factories
from workflow import services
from workflow.models import AuditEntry, Narrative
from workflow.permissions import Access

pytestmark = pytest.mark.django_db

ROLES = ["secretariat", "focal", "national", "other_focal", "viewer", "nobody", "anonymous"]


def _part(country_code=None):
    return (
        factories.trp_country_part()
        if country_code
        else IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    )


def _submitted(people, country_code=None):
    country = Country.objects.get(code=country_code) if country_code else None
    draft = services.observation_save(
        user=people["secretariat"],
        part=_part(country_code),
        country=country,
        year=2023,
        value=typed_value(value_type=ValueType.NUMBER, value="14"),
        expected_version=None,
    )
    return services.observation_submit(user=people["secretariat"], observation=draft)


# Each action: (prepare, perform). prepare runs as the secretariat before the role acts, so that
# the check after a denial sees only what the denied action itself would have written.


def _nothing(people):
    return None


def _enter(country_code):
    def perform(user, people, _ctx):
        country = Country.objects.get(code=country_code) if country_code else None
        services.observation_save(
            user=user,
            part=_part(country_code),
            country=country,
            year=2023,
            value=typed_value(value_type=ValueType.NUMBER, value="14"),
            expected_version=None,
        )

    return _nothing, perform


def _approve(country_code):
    def perform(user, people, submitted):
        services.observation_approve(user=user, observation=submitted)

    return (lambda people: _submitted(people, country_code)), perform


def _return(user, people, submitted):
    services.observation_return(user=user, observation=submitted, comment="check")


def _lock(user, people, _ctx):
    services.reporting_year_set(user=user, year=2023, status="locked")


def _assign(user, people, _ctx):
    services.focal_point_assign(user=user, assignee=people["viewer"], sector=Sector.objects.get(code="ENG"))


TEXTS = {"en": "Faster", "zh-hans": "更快", "ru": "Быстрее"}


def _write_narrative(user, people, _ctx):
    services.narrative_save(
        user=user, indicator=Indicator.objects.get(code="TRP OP 1"), year=2023, texts=TEXTS, expected_version=None
    )


def _draft_narrative(people):
    return services.narrative_save(
        user=people["secretariat"],
        indicator=Indicator.objects.get(code="TRP OP 1"),
        year=2023,
        texts=TEXTS,
        expected_version=None,
        submit=True,
    )


def _approve_narrative(user, people, narrative):
    services.narrative_approve(user=user, narrative=narrative)


def _comment(user, people, _ctx):
    services.comment_add(user=user, indicator=Indicator.objects.get(code="TRP OP 1"), year=2023, text="Looks low")


def _evidence(user, people, observation):
    services.attachment_add(
        user=user, observation=observation, uploaded=SimpleUploadedFile("cpmm.pdf", b"%PDF-1.4 test", "application/pdf")
    )


def _edited_twice(people):
    draft = services.observation_save(
        user=people["secretariat"],
        part=_part(),
        country=None,
        year=2023,
        value=typed_value(value_type=ValueType.NUMBER, value="14"),
        expected_version=None,
    )
    services.observation_save(
        user=people["secretariat"],
        part=_part(),
        country=None,
        year=2023,
        value=typed_value(value_type=ValueType.NUMBER, value="15"),
        expected_version=draft.version,
    )
    return AuditEntry.objects.filter(object_id=draft.pk, action="create").get()


def _restore(user, people, entry):
    services.history_restore(user=user, entry=entry)


ALLOWED = {
    "enter a regional value": (*_enter(None), {"secretariat", "focal"}),
    "enter a country value": (*_enter("KAZ"), {"secretariat", "focal", "national"}),
    "approve a regional value": (*_approve(None), {"focal"}),
    "approve a country value": (*_approve("KAZ"), {"focal", "national"}),
    "return a value": (lambda people: _submitted(people), _return, {"focal"}),
    "lock a reporting year": (_nothing, _lock, {"secretariat"}),
    "assign a focal point": (_nothing, _assign, {"secretariat"}),
    "write a narrative": (_nothing, _write_narrative, {"secretariat", "focal"}),
    "approve a narrative": (_draft_narrative, _approve_narrative, {"focal"}),
    "comment": (_nothing, _comment, {"secretariat", "focal", "national"}),
    "add evidence": (lambda people: _submitted(people, "KAZ"), _evidence, {"secretariat", "focal", "national"}),
    "restore an earlier version": (_edited_twice, _restore, {"secretariat"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_permission_matrix(people, year, role, action):
    prepare, perform, allowed = ALLOWED[action]
    context = prepare(people)
    user = AnonymousUser() if role == "anonymous" else people[role]
    audit_before = AuditEntry.objects.count()
    if role in allowed:
        perform(user, people, context)
    else:
        with pytest.raises(PermissionDenied):
            perform(user, people, context)
        assert AuditEntry.objects.count() == audit_before


def _visible(user, observation) -> bool:
    return Observation.objects.filter(Access(user).observation_filter(), pk=observation.pk).exists()


def test_who_sees_a_value_under_review(people, year):
    pending = _submitted(people)
    seen = {role: _visible(AnonymousUser() if role == "anonymous" else people[role], pending) for role in ROLES}
    assert seen == {
        "secretariat": True,
        "focal": True,
        "national": False,
        "other_focal": False,
        "viewer": False,
        "nobody": False,
        "anonymous": False,
    }


def test_who_sees_an_approved_value_of_an_unpublished_year(people, year):
    approved = services.observation_approve(user=people["focal"], observation=_submitted(people))
    seen = {role: _visible(AnonymousUser() if role == "anonymous" else people[role], approved) for role in ROLES}
    assert seen == {
        "secretariat": True,
        "focal": True,
        "national": False,
        "other_focal": False,
        "viewer": True,
        "nobody": False,
        "anonymous": False,
    }


def test_published_values_are_public(people, year):
    approved = services.observation_approve(user=people["focal"], observation=_submitted(people))
    services.reporting_year_set(user=people["secretariat"], year=2023, status="published")
    assert _visible(AnonymousUser(), approved)
    assert _visible(people["other_focal"], approved)


def test_narrative_approval_needs_every_language(people, year):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Simplified Chinese"):  # named in words, not by code
        services.narrative_save(
            user=people["secretariat"],
            indicator=Indicator.objects.get(code="TRP OP 1"),
            year=2023,
            texts={"en": "Faster", "zh-hans": "", "ru": "Быстрее"},
            expected_version=None,
            submit=True,
        )
    assert not Narrative.objects.exists()
    draft = services.narrative_save(
        user=people["secretariat"],
        indicator=Indicator.objects.get(code="TRP OP 1"),
        year=2023,
        texts={"en": "Faster", "zh-hans": "", "ru": "Быстрее"},
        expected_version=None,
    )
    with pytest.raises(ValidationError, match="Simplified Chinese"):
        services.narrative_submit(user=people["secretariat"], narrative=draft)
    with pytest.raises(ValidationError, match="Only a submitted narrative"):
        services.narrative_approve(user=people["focal"], narrative=draft)
    assert Narrative.objects.get(pk=draft.pk).status == "draft"
