"""The secretariat defines dimensions and their code lists in the admin, audited; a category
that values are recorded under can be neither deleted nor recoded."""

import pytest

from indicators.models import Category, Dimension, Observation
from tests import factories
from workflow import services
from workflow.entry import Entry
from workflow.models import AuditEntry, Role

pytestmark = pytest.mark.django_db


def _form(dimension: Dimension, categories: list[dict], *, delete: set[str] = frozenset()) -> dict:
    data = {
        "name_en": dimension.name_en,
        "name_zh_hans": dimension.name_zh_hans,
        "name_ru": dimension.name_ru,
        "order": dimension.order,
        "categories-TOTAL_FORMS": str(len(categories)),
        "categories-INITIAL_FORMS": str(sum(1 for c in categories if c.get("id"))),
        "categories-MIN_NUM_FORMS": "0",
        "categories-MAX_NUM_FORMS": "1000",
    }
    for i, category in enumerate(categories):
        for key, value in category.items():
            data[f"categories-{i}-{key}"] = value
        data[f"categories-{i}-dimension"] = dimension.pk
        if category.get("code") in delete:
            data[f"categories-{i}-DELETE"] = "on"
    return data


def _existing(dimension: Dimension) -> list[dict]:
    return [
        {
            "id": c.pk,
            "order": c.order,
            "code": c.code,
            "name_en": c.name_en,
            "name_zh_hans": c.name_zh_hans,
            "name_ru": c.name_ru,
        }
        for c in dimension.categories.all()
    ]


def test_a_dimension_added_in_the_admin_gets_its_code_list_and_an_audit_trail(admin_client):
    response = admin_client.post(
        "/en/admin/indicators/dimension/add/",
        {
            "code": "DISABILITY",
            "name_en": "Disability status",
            "name_zh_hans": "残疾状况",
            "name_ru": "Инвалидность",
            "order": 5,
            "categories-TOTAL_FORMS": "2",
            "categories-INITIAL_FORMS": "0",
            "categories-MIN_NUM_FORMS": "0",
            "categories-MAX_NUM_FORMS": "1000",
            "categories-0-code": "PD",
            "categories-0-order": "0",
            "categories-0-name_en": "Persons with disability",
            "categories-0-name_zh_hans": "残疾人",
            "categories-0-name_ru": "Лица с инвалидностью",
            "categories-1-code": "PWD_N",
            "categories-1-order": "1",
            "categories-1-name_en": "Persons without disability",
            "categories-1-name_zh_hans": "非残疾人",
            "categories-1-name_ru": "Лица без инвалидности",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dimension = Dimension.objects.get(code="DISABILITY")
    assert list(dimension.categories.values_list("code", "name_ru")) == [
        ("PD", "Лица с инвалидностью"),
        ("PWD_N", "Лица без инвалидности"),
    ]
    assert AuditEntry.objects.filter(content_type__model="category", action="create").count() == 2


def test_a_category_with_values_recorded_under_it_cannot_be_deleted_or_recoded(admin_client):
    factories.open_year(2024)
    sec = factories.user("sec", groups=(Role.SECRETARIAT,))
    services.entries_save(
        user=sec, entries=[Entry("HLT OP 2", "OFFICIALS_TRAINED", "CAREC", 2024, "70", breakdown="SEX=F")]
    )
    sex = Dimension.objects.get(code="SEX")
    url = f"/en/admin/indicators/dimension/{sex.pk}/change/"

    refused = admin_client.post(url, _form(sex, _existing(sex), delete={"F"}))
    assert refused.status_code == 200
    assert "Values are recorded under F: it cannot be deleted." in refused.content.decode()
    assert Category.objects.filter(dimension=sex, code="F").exists()

    recoded = _existing(sex)
    recoded[0]["code"] = "W"
    refused = admin_client.post(url, _form(sex, recoded))
    assert "Values are recorded under this code: it cannot change." in refused.content.decode()
    assert Observation.objects.filter(breakdown="SEX=F").exists()

    # an unused category goes
    Category.objects.create(dimension=sex, code="X", name_en="Other", name_zh_hans="其他", name_ru="Другое", order=9)
    done = admin_client.post(url, _form(sex, _existing(sex), delete={"X"}))
    assert done.status_code == 302
    assert not Category.objects.filter(dimension=sex, code="X").exists()
