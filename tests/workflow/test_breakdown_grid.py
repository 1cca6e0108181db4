"""The entry grid and the review pages of a part broken down by sex: the categories are rows folded
under each total, saved through the one way in with their breakdown, each value with its flag and
comment; where the categories do not add up to the total the reviewer sees it beside each of them.
Query counts stay fixed however many categories have values."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import IndicatorPart, Observation
from tests import factories
from workflow import services
from workflow.entry import Entry
from workflow.models import Role

pytestmark = pytest.mark.django_db

TRAINED = ("HLT OP 2", "OFFICIALS_TRAINED")
OFF = "F 70 + M 40 = 110, but the total is 120: the categories do not add up."


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def sec(db):
    factories.open_year(2024)
    return factories.user("sec", groups=(Role.SECRETARIAT,))


@pytest.fixture
def trained(db) -> IndicatorPart:
    return IndicatorPart.objects.get(indicator__code=TRAINED[0], code=TRAINED[1])


def grid(client, user=None, language="en"):
    if user is not None:
        client.force_login(user)
    return client.get(url("workflow:entry_grid", "HLT-OP-2", 2024, language=language))


class _Form(HTMLParser):
    """The fields of the grid's form as a browser sends them: inputs and the selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            self.data[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def as_sent(html: str) -> dict[str, str]:
    form = _Form()
    start = html.index('<form method="post" novalidate>')
    form.feed(html[start : html.index("</form>", start)])
    return form.data


def test_the_grid_folds_a_row_per_category_under_the_total_named_in_the_users_language(client, sec, trained):
    response = grid(client, sec)
    html = response.content.decode()
    assert response.status_code == 200
    # one fold under the regional total (the part is reported for the region only), closed
    folds = re.findall(r"<details( open)?>\s*<summary>By category: 0 of 2 given</summary>", html)
    assert folds == [""]
    fold = html[html.index("<details>") : html.index("</details>")]
    assert re.findall(r'<th scope="row">([^<]+)</th>', fold) == ["Female", "Male"]
    for key in (f"{trained.pk}-R-SEX=F", f"{trained.pk}-R-SEX=M"):
        assert f'name="{key}-value"' in fold and f'name="{key}-kind"' in fold and f'name="{key}-note"' in fold
    assert f'name="{trained.pk}-R-value"' in html and f'name="{trained.pk}-R-value"' not in fold  # the total
    russian = grid(client, sec, language="ru").content.decode()
    assert ">Женщины</th>" in russian and ">Мужчины</th>" in russian


def test_a_part_not_broken_down_has_no_fold(client, sec):
    client.force_login(sec)
    html = client.get(url("workflow:entry_grid", "TRP-OP-1", 2024)).content.decode()
    assert "<details" not in html and "-kind" in html  # a flag for each value all the same


def test_saving_categories_from_the_grid_writes_their_breakdown_flag_and_comment(client, sec, trained):
    client.force_login(sec)
    page = url("workflow:entry_grid", "HLT-OP-2", 2024)
    response = client.post(
        page,
        {
            f"{trained.pk}-R-value": "120",
            f"{trained.pk}-R-SEX=F-value": "70",
            f"{trained.pk}-R-SEX=F-kind": "provisional",
            f"{trained.pk}-R-SEX=F-note": "From the ministry's attendance lists",
            f"{trained.pk}-R-SEX=M-value": "50",
            "save": "",
        },
    )
    assert response.status_code == 302
    saved = {o.breakdown: o for o in Observation.objects.filter(part=trained, year=2024)}
    assert {key: o.value_number for key, o in saved.items()} == {"": 120, "SEX=F": 70, "SEX=M": 50}
    assert (saved["SEX=F"].kind, saved["SEX=F"].note) == ("provisional", "From the ministry's attendance lists")
    assert (saved["SEX=M"].kind, saved["SEX=M"].note, saved[""].kind) == ("actual", "", "actual")
    assert all(o.status == "draft" for o in saved.values())
    html = client.get(page).content.decode()
    assert "By category: 2 of 2 given" in html
    assert f'name="{trained.pk}-R-SEX=F-value" inputmode="decimal" size="10" value="70"' in html
    assert '<option value="provisional" selected>' in html
    # the page sent back as shown changes nothing: the flag and the comment are kept, not reset
    sent = as_sent(html)
    assert sent[f"{trained.pk}-R-SEX=F-kind"] == "provisional" and sent[f"{trained.pk}-R-SEX=M-value"] == "50"
    again = client.post(page, sent | {"save": ""}, follow=True)
    assert "Saved 0 values as drafts." in again.content.decode()
    assert Observation.objects.get(part=trained, year=2024, breakdown="SEX=F").version == saved["SEX=F"].version


def test_a_value_flagged_missing_is_saved_without_a_value_and_shown_as_na(client, sec, trained):
    client.force_login(sec)
    page = url("workflow:entry_grid", "HLT-OP-2", 2024)
    client.post(page, {f"{trained.pk}-R-SEX=M-value": "", f"{trained.pk}-R-SEX=M-kind": "missing"})
    missing = Observation.objects.get(part=trained, year=2024, breakdown="SEX=M")
    assert (missing.kind, missing.availability, missing.value_number) == ("missing", "not_available", None)
    html = client.get(page).content.decode()
    assert f'name="{trained.pk}-R-SEX=M-value" inputmode="decimal" size="10" value="N/A"' in html
    # and N/A, as the page shows it, reads back as the same value, in any language
    resent = client.post(page, as_sent(html), follow=True)
    assert "Saved 0 values as drafts." in resent.content.decode()
    russian = url("workflow:entry_grid", "HLT-OP-2", 2024, language="ru")
    assert client.post(russian, as_sent(client.get(russian).content.decode())).status_code == 302
    assert Observation.objects.get(pk=missing.pk).version == missing.version


def test_an_error_in_a_category_unfolds_it_and_saves_nothing(client, sec, trained):
    client.force_login(sec)
    response = client.post(
        url("workflow:entry_grid", "HLT-OP-2", 2024),
        {f"{trained.pk}-R-value": "120", f"{trained.pk}-R-SEX=F-value": "seventy"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<details open>" in html and "“seventy” is not a number." in html
    assert 'value="seventy"' in html
    assert not Observation.objects.filter(part=trained, year=2024).exists()


@pytest.fixture
def off_by_ten(sec):
    """Total 120 and its categories F 70 + M 40 = 110, submitted for review by the secretariat."""
    written = services.entries_save(
        user=sec,
        entries=[
            Entry(*TRAINED, "CAREC", 2024, "120", ref=""),
            Entry(*TRAINED, "CAREC", 2024, "70", breakdown="SEX=F", ref="F"),
            Entry(*TRAINED, "CAREC", 2024, "40", breakdown="SEX=M", ref="M"),
        ],
    ).observations
    for observation in written.values():
        services.observation_submit(user=sec, observation=observation)
    return written


def test_the_reviewer_sees_the_categories_do_not_add_up_beside_the_total_and_each_category(client, off_by_ten):
    reviewer = factories.focal_point("hlt-fp", "HLT")
    client.force_login(reviewer)
    work = client.get(url("workflow:my_work")).content.decode()
    assert "3 values wait for your review" in work
    assert work.count(OFF) == 3  # beside the total and each of its categories
    assert '<small class="categories">Female</small>' in work and '<small class="categories">Male</small>' in work
    html = grid(client, reviewer).content.decode()
    assert html.count(OFF) >= 3  # in the grid beside each value, and in the review list below it
    assert Observation.objects.get(pk=off_by_ten[""].pk).value_number == Decimal("120")


def test_the_warning_goes_once_the_categories_add_up(client, sec, trained, off_by_ten):
    services.entries_save(
        user=sec,
        entries=[
            Entry(
                *TRAINED,
                "CAREC",
                2024,
                "50",
                breakdown="SEX=M",
                version=Observation.objects.get(pk=off_by_ten["M"].pk).version,
            )
        ],
    )
    html = grid(client, sec).content.decode()
    assert "do not add up" not in html


def test_approving_a_category_names_it_in_the_message(client, off_by_ten):
    client.force_login(factories.focal_point("hlt-fp", "HLT"))
    response = client.post(url("workflow:observation_review", off_by_ten["F"].pk), {"decision": "approve"}, follow=True)
    assert (
        "Approved: HLT OP 2, Government officials trained in regional health security, region (Female), 2024: 70"
        in (response.content.decode())
    )
    detail = client.get(url("workflow:observation_detail", off_by_ten["F"].pk)).content.decode()
    assert "Region (Female), 2024" in detail


def test_grid_and_review_queries_do_not_grow_with_the_categories(
    client, sec, trained, django_assert_num_queries, django_assert_max_num_queries
):
    reviewer = factories.focal_point("hlt-fp", "HLT")
    services.entries_save(user=sec, entries=[Entry(*TRAINED, "CAREC", 2024, "120", ref="t")])
    for observation in Observation.objects.filter(part=trained, year=2024):
        services.observation_submit(user=sec, observation=observation)
    client.force_login(reviewer)
    with django_assert_num_queries(19) as few:  # a part broken down: its code lists and the sums
        grid(client)
    with django_assert_max_num_queries(40) as queue:
        client.get(url("workflow:my_work"))
    written = services.entries_save(
        user=sec,
        entries=[
            Entry(*TRAINED, "CAREC", 2024, "70", breakdown="SEX=F", ref="F"),
            Entry(*TRAINED, "CAREC", 2024, "40", breakdown="SEX=M", ref="M"),
        ],
    ).observations
    for observation in written.values():
        services.observation_submit(user=sec, observation=observation)
    with django_assert_num_queries(len(few.captured_queries)):
        assert OFF in grid(client).content.decode()
    with django_assert_num_queries(len(queue.captured_queries) + 1):  # the categories' names, once
        assert OFF in client.get(url("workflow:my_work")).content.decode()


def test_two_dimensions_give_a_row_per_category_of_each_and_combinations_already_given(client, sec, trained):
    from indicators.models import Dimension

    trained.dimensions.add(Dimension.objects.get(code="AGE"))
    services.entries_save(user=sec, entries=[Entry(*TRAINED, "CAREC", 2024, "9", breakdown="SEX=F;AGE=Y_LT25")])
    html = grid(client, sec).content.decode()
    fold = html[html.index("<details>") : html.index("</details>")]
    assert re.findall(r'<th scope="row">([^<]+)</th>', fold) == [
        "Female",
        "Male",
        "Under 25",
        "25 to 54",
        "55 and over",
        "Under 25, Female",
    ]
    assert f'name="{trained.pk}-R-AGE=Y_LT25;SEX=F-value" inputmode="decimal" size="10" value="9"' in fold


def test_an_uploaded_file_whose_categories_do_not_add_up_is_flagged_to_the_reviewer_and_kept_as_given(client, sec):
    from imports.services import upload_create, upload_process

    data = (
        b"indicator,part,country,year,sex,value\n"
        b"HLT OP 2,OFFICIALS_TRAINED,CAREC,2024,,120\n"
        b"HLT OP 2,OFFICIALS_TRAINED,CAREC,2024,F,70\n"
        b"HLT OP 2,OFFICIALS_TRAINED,CAREC,2024,M,40\n"
    )
    upload = upload_process(upload=upload_create(user=sec, name="trained.csv", data=data, dry_run=False, language="en"))
    assert (upload.status, upload.created) == ("done", 3)  # a warning, not a refusal
    client.force_login(factories.focal_point("hlt-fp", "HLT"))
    work = client.get(url("workflow:my_work")).content.decode()
    assert work.count(OFF) == 3
    stored = dict(
        Observation.objects.filter(year=2024, part__code="OFFICIALS_TRAINED").values_list("breakdown", "value_number")
    )
    assert stored == {"": Decimal("120"), "SEX=F": Decimal("70"), "SEX=M": Decimal("40")}  # nothing corrected
