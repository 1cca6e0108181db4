"""Framework content changed in the admin is recorded, with old and new values, and shows on the
indicator's history page."""

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from clusters.models import Result
from indicators.models import Indicator
from workflow.audit import audit_restore
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db


def _form_data(obj) -> dict:
    data = {}
    for key, value in model_to_dict(obj).items():
        if value is None:
            data[key] = ""
        elif isinstance(value, list):
            data[key] = [getattr(v, "pk", v) for v in value]
        else:
            data[key] = value
    return data


def test_an_admin_change_to_a_text_is_audited_and_restorable(client, people):
    client.force_login(people["secretariat"])
    people["secretariat"].is_staff = people["secretariat"].is_superuser = True
    people["secretariat"].save()
    result = Result.objects.get(code="TRP OP 1")
    old = result.statement_en
    data = _form_data(result) | {"statement_en": "Faster border crossings"}
    response = client.post(reverse("admin:clusters_result_change", args=[result.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=result.pk, content_type__model="result")
    assert entry.changes["statement_en"] == [old, "Faster border crossings"]
    assert entry.actor == people["secretariat"]
    audit_restore(
        entry=AuditEntry(
            content_type=entry.content_type, object_id=result.pk, state=entry.state | {"statement_en": old}, at=entry.at
        ),
        actor=people["secretariat"],
    )
    assert Result.objects.get(pk=result.pk).statement_en == old
    assert AuditEntry.objects.filter(object_id=result.pk, action="restore").exists()


def test_history_page_lists_changes_to_the_indicator(client, people):
    client.force_login(people["secretariat"])
    people["secretariat"].is_staff = people["secretariat"].is_superuser = True
    people["secretariat"].save()
    indicator = Indicator.objects.get(code="TRP OP 1")
    data = _form_data(indicator) | {"notes_en": "Checked against CPMM 2021"}
    # the nested inlines need their management forms: post the page's own form back
    page = client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk])).content.decode()
    import re

    for name, value in re.findall(
        r'name="([^"]*(?:TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS))"[^>]*value="(\d+)"', page
    ):
        data[name] = value
    for name in list(data):
        if name.endswith("TOTAL_FORMS"):
            data[name] = "0" if "INITIAL" not in name else data[name]
    for name in [n for n in data if n.endswith("INITIAL_FORMS")]:
        data[name] = "0"
    response = client.post(reverse("admin:indicators_indicator_change", args=[indicator.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    html = client.get(reverse("workflow:indicator_history", args=["TRP-OP-1"])).content.decode()
    assert "Checked against CPMM 2021" in html
