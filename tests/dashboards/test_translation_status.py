"""The secretariat's translation status: per language, the framework texts with no translation
and those whose English changed after the translation was last saved."""

import pytest

from clusters.models import Theme
from indicators.models import Indicator

pytestmark = pytest.mark.django_db


def _sections(html: str) -> dict[str, str]:
    """The page split by language section."""
    parts = html.split('<section class="language"')
    return {code: next(p for p in parts[1:] if f'id="lang-{code}"' in p) for code in ("zh-hans", "ru")}


def test_only_the_secretariat_sees_the_translation_status(client, django_user_model):
    assert client.get("/en/translations/").url.startswith("/en/admin/login/")
    client.force_login(django_user_model.objects.create_user("reader", password="pw-for-tests-only"))
    assert client.get("/en/translations/").status_code == 403


def test_a_missing_translation_is_listed_for_its_language_only(admin_client_user, client):
    Indicator.objects.filter(code="TRD OP 2").update(statement_zh_hans="")
    client.force_login(admin_client_user)
    sections = _sections(client.get("/en/translations/").content.decode())
    assert ">TRD OP 2</a>" in sections["zh-hans"].split("Translations older than the English")[0]
    assert ">TRD OP 2</a>" not in sections["ru"]
    assert "Missing: 0." in sections["ru"]


def test_a_translation_older_than_its_english_is_listed_until_it_is_saved_again(admin_client_user, client):
    theme = Theme.objects.get(code="GEN")
    client.force_login(admin_client_user)
    url = f"/en/admin/clusters/theme/{theme.pk}/change/"
    data = {"code": "GEN", "name_en": theme.name_en, "name_zh_hans": theme.name_zh_hans, "name_ru": theme.name_ru}
    assert client.post(url, data | {"name_en": "Gender equality"}).status_code == 302

    sections = _sections(client.get("/en/translations/").content.decode())
    for code in ("zh-hans", "ru"):
        outdated = sections[code].split("Translations older than the English")[1]
        assert ">GEN</a>" in outdated and "Gender equality" in outdated

    assert client.post(url, data | {"name_en": "Gender equality", "name_ru": "Гендерное равенство"}).status_code == 302
    sections = _sections(client.get("/en/translations/").content.decode())
    assert ">GEN</a>" not in sections["ru"]
    assert ">GEN</a>" in sections["zh-hans"]


def test_the_status_page_costs_the_same_whatever_the_history(admin_client_user, client, django_assert_num_queries):
    client.force_login(admin_client_user)
    client.get("/en/translations/")
    with django_assert_num_queries(16) as before:
        client.get("/en/translations/")
    n_queries = len(before.captured_queries)  # read now: the next request resets Django's query log
    theme = Theme.objects.get(code="ICT")
    data = {"code": "ICT", "name_zh_hans": theme.name_zh_hans, "name_ru": theme.name_ru}
    for n in range(3):
        client.post(f"/en/admin/clusters/theme/{theme.pk}/change/", data | {"name_en": f"ICT {n}"})
    with django_assert_num_queries(n_queries):
        client.get("/en/translations/")


def test_a_change_recorded_by_an_audited_service_counts_too(admin_client_user, client):
    from indicators.models import IndicatorPart
    from workflow.audit import audit_record, snapshot
    from workflow.models import AuditEntry

    part = IndicatorPart.objects.get(
        indicator__code="TRP OC 1", code=IndicatorPart.objects.filter(indicator__code="TRP OC 1").first().code
    )
    before = snapshot(part)
    part.name_en = "Road speed, revised wording"
    part.save()
    audit_record(actor=admin_client_user, action=AuditEntry.Action.UPDATE, obj=part, before=before)
    client.force_login(admin_client_user)
    sections = _sections(client.get("/en/translations/").content.decode())
    assert "Road speed, revised wording" in sections["ru"].split("Translations older than the English")[1]
