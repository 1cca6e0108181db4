"""The secretariat's revision screen: draft a revision, add its changes (a refused one shown beside
the form with what was typed), send it for review and endorse it, after which the public "What
changed" page shows it. Nobody else may open it; the admin only shows versions."""

import copy
import datetime
import json

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusters.models import Framework
from tests import factories
from tests.versions.test_revision import MEETING, REASONS, _corridor_part
from versions.forms import EXAMPLES
from versions.models import Change, FrameworkVersion
from workflow.models import AuditEntry, Role

pytestmark = pytest.mark.django_db

LIST = "/en/framework/revisions/"
SPLIT = {
    "indicator": "TRP OC 1",
    "part": "ROAD_SWD",
    "into": [
        _corridor_part("ROAD_SWD_EW", "Road, east–west corridors", "公路（东西走廊）", "Автодороги, восток – запад"),
        _corridor_part("ROAD_SWD_NS", "Road, north–south corridors", "公路（南北走廊）", "Автодороги, север – юг"),
    ],
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    caches["default"].clear()


@pytest.fixture
def secretariat(db):
    return factories.user("sec-screen", groups=(Role.SECRETARIAT,))


@pytest.fixture
def staff(secretariat) -> Client:
    client = Client()
    client.force_login(secretariat)
    return client


def _reasons(texts: dict) -> dict:
    return {f"reason_{code.replace('-', '_')}": text for code, text in texts.items()}


def _change(kind: str, payload, reason=REASONS["split"]) -> dict:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return {"action": "add", "kind": kind, "payload": text, **_reasons(reason)}


def _drafted(staff) -> str:
    response = staff.post(LIST, {"label": "2027", "applies_from": "2027"})
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("path", [LIST, "/en/framework/revisions/2020/"])
def test_a_focal_point_may_not_open_the_revision_screen(client, path):
    client.force_login(factories.focal_point("trp-fp-screen", "TRP"))
    assert client.get(path).status_code == 403
    assert client.post(path, {"label": "2027", "applies_from": "2027", "action": "submit"}).status_code == 403
    assert not FrameworkVersion.objects.filter(label="2027").exists()


def test_the_public_is_sent_to_sign_in(client):
    assert client.get(LIST).status_code == 302


def test_the_secretariat_drafts_fixes_a_refused_change_submits_and_endorses(staff, secretariat):
    listing = staff.get(LIST).content.decode()
    assert "/en/framework/revisions/2020/" in listing  # the version in force, endorsed
    page = _drafted(staff)
    assert page == "/en/framework/revisions/2027/"
    version = FrameworkVersion.objects.get(label="2027")
    assert version.status == "draft" and version.created_by == secretariat

    # a split into one part only: refused beside the form, with what was typed kept
    bad = copy.deepcopy(SPLIT)
    bad["into"] = bad["into"][:1]
    response = staff.post(page, _change("split_part", bad))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A part is split into two or more new parts." in html
    assert "ROAD_SWD_EW" in html and REASONS["split"]["ru"] in html  # the payload and the reasons kept
    assert not version.changes.exists()

    # fixed: added, listed in order with its reason in each language
    assert staff.post(page, _change("split_part", SPLIT)).status_code == 302
    html = staff.get(page).content.decode()
    for text in REASONS["split"].values():
        assert text in html
    assert list(version.changes.values_list("order", "kind")) == [(1, "split_part")]

    assert staff.post(page, {"action": "submit"}).status_code == 302
    version.refresh_from_db()
    assert version.status == "in_review"
    meeting = {f"meeting_{code.replace('-', '_')}": text for code, text in MEETING.items()}
    response = staff.post(page, {"action": "endorse", "endorsed_on": "2026-11-20", **meeting})
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.endorsed_on, version.meeting_ru) == (
        "endorsed",
        datetime.date(2026, 11, 20),
        MEETING["ru"],
    )
    audited = AuditEntry.objects.filter(actor=secretariat, object_id=str(version.pk)).values_list("action", flat=True)
    assert {"create", "submit", "approve"} <= set(audited)

    caches["default"].clear()  # endorsement clears the page cache when it commits
    for language, code in (("en", "en"), ("zh-hans", "zh-hans"), ("ru", "ru")):
        public = Client().get(f"/{language}/framework/changes/").content.decode()
        assert "ROAD_SWD" in public and REASONS["split"][code] in public


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"payload": "{not json"}, "This is not JSON"),
        ({"payload": "[1, 2]"}, "Write the change as a JSON object"),
        ({"kind": "retire_indicator", "payload": '{"indicator": "NO SUCH"}'}, "No indicator “NO SUCH”"),
        ({"kind": "split_part", "payload": '{"indicator": ["TRP OC 1"], "part": 3, "into": [1, 2]}'}, "is_error"),
        ({"reason_ru": ""}, "The reason has no text in ru."),
    ],
)
def test_a_refused_change_is_never_a_500(staff, fields, message):
    page = _drafted(staff)
    response = staff.post(page, {**_change("split_part", SPLIT), **fields})
    html = response.content.decode()
    assert response.status_code == 200 and 'class="errorlist' in html
    if message != "is_error":
        assert message in html
    assert not Change.objects.exists()


def test_a_draft_can_be_withdrawn_and_an_endorsed_version_has_no_actions(staff):
    page = _drafted(staff)
    assert staff.post(page, {"action": "withdraw", "reason": "Not now"}).status_code == 302
    assert FrameworkVersion.objects.get(label="2027").status == "withdrawn"
    # a second submit is refused by the service, not crashed
    response = staff.post(page, {"action": "submit"}, follow=True)
    assert response.status_code == 200 and "cannot be done now" in response.content.decode()
    html = staff.get("/en/framework/revisions/2020/").content.decode()
    assert 'name="action"' not in html


def test_a_duplicate_or_malformed_label_is_refused_beside_the_form(staff):
    _drafted(staff)
    html = staff.post(LIST, {"label": "2027", "applies_from": "2028"}).content.decode()
    assert "already has a version 2027" in html and 'value="2028"' in html
    html = staff.post(LIST, {"label": "2027 rev", "applies_from": "2028"}).content.decode()
    assert "Write the label in digits" in html


def test_the_revision_page_costs_the_same_queries_whatever_its_changes(staff):
    page = _drafted(staff)
    assert staff.post(page, _change("split_part", SPLIT)).status_code == 302
    with CaptureQueriesContext(connection) as one:
        assert staff.get(page).status_code == 200
    assert (
        staff.post(page, _change("retire_indicator", {"indicator": "TRD OC 1.1"}, REASONS["retire"])).status_code == 302
    )
    rebase = {"indicator": "TRD OC 1", "part": "FUEL_WORLD", "factor": "1.1", "note": MEETING}
    assert staff.post(page, _change("rebase", rebase, REASONS["rebase"])).status_code == 302
    with CaptureQueriesContext(connection) as three:
        html = staff.get(page).content.decode()
    assert html.count('class="change change-') == 3
    assert len(three) == len(one)


def test_the_admin_shows_versions_and_changes_but_changes_nothing(admin_client, staff):
    page = _drafted(staff)
    staff.post(page, _change("split_part", SPLIT))
    version = FrameworkVersion.objects.get(label="2027")
    framework = Framework.objects.get(code="CAREC2030")
    assert admin_client.get("/en/admin/versions/frameworkversion/").status_code == 200
    detail = admin_client.get(f"/en/admin/versions/frameworkversion/{version.pk}/change/")
    assert detail.status_code == 200 and "ROAD_SWD" in detail.content.decode()
    assert admin_client.get("/en/admin/versions/change/").status_code == 200
    assert admin_client.get("/en/admin/versions/frameworkversion/add/").status_code == 403
    admin_client.post(f"/en/admin/versions/frameworkversion/{version.pk}/change/", {"label": "2099"})
    assert FrameworkVersion.objects.get(pk=version.pk).label == "2027" and framework.versions.count() == 2


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_each_documented_example_applies_to_the_shipped_prf(staff, kind):
    page = _drafted(staff)
    html = staff.get(page).content.decode()
    assert f'id="example-{kind}"' in html
    response = staff.post(page, _change(kind, EXAMPLES[kind]))
    assert response.status_code == 302, _errors(response)
    assert Change.objects.get().kind == kind


def _errors(response) -> str:
    html = response.content.decode()
    return html[html.find('class="errorlist') : html.find('class="errorlist') + 400]


@pytest.mark.parametrize("code", ["\x00CAREC", "x" * 41])
def test_a_framework_parameter_with_a_nul_byte_or_too_long_is_a_400_naming_it(client, code):
    response = client.get("/api/v1/versions/", {"framework": code})
    assert response.status_code == 400 and "framework" in response.json()


@pytest.mark.parametrize(
    "url", ["/en/framework/changes/", "/api/v1/versions/2020/changes/", "/en/framework/revisions/"]
)
def test_version_labels_with_a_nul_byte_are_no_server_error(client, url):
    for params in ({"from": "\x00", "to": "20\x0020"}, {"framework": "\x00"}):
        assert client.get(url, params).status_code < 500
