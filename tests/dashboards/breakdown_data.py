"""HLT OP 2's officials trained, broken down by sex, with flagged values: what the indicator
page's tests (HTML, queries, browser) draw. The years are opened for the write, the values
written approved, and the years published, so that the public sees them."""

from indicators.models import Observation, ReportingYear
from progress.services import progress_recompute
from tests import factories
from workflow import services
from workflow.entry import Entry
from workflow.models import Role

TRAINED = ("HLT OP 2", "OFFICIALS_TRAINED")
SLUG = "HLT-OP-2"
# year: (total, women, men); 2020's values are estimated, 2022 starts a new series (a break) and
# the women's 2023 value is provisional
VALUES = {2019: (100, 38, 62), 2020: (120, 50, 70), 2021: (130, 60, 70), 2022: (160, 80, 80), 2023: (170, 90, 80)}
ESTIMATE_NOTE = {
    "note_en": "Two courses did not report attendance.",
    "note_ru": "Два курса не сообщили о посещаемости.",
    "note_zh_hans": "有两门课程未报告出勤情况。",
}
BREAK_NOTE = {"note_en": "From 2022 online courses are counted."}  # English only: marked as English elsewhere


def _flag(year: int) -> tuple[str, dict | None]:
    if year == 2020:
        return Observation.Kind.ESTIMATE, ESTIMATE_NOTE
    if year == 2022:
        return Observation.Kind.BREAK, BREAK_NOTE
    return Observation.Kind.ACTUAL, None


def _write(entries: list[Entry], username: str) -> None:
    sec = factories.user(username, groups=(Role.SECRETARIAT,))
    for year in VALUES:
        factories.open_year(year)
    services.entries_save(user=sec, entries=entries, status=Observation.Status.APPROVED)
    ReportingYear.objects.filter(year__in=VALUES).update(status=ReportingYear.Status.PUBLISHED)
    progress_recompute()


def category_values() -> None:
    """Women's and men's values of 2019-2023, approved and public."""
    entries = []
    for year, (_total, women, men) in VALUES.items():
        kind, note = _flag(year)
        women_kind = Observation.Kind.PROVISIONAL if year == 2023 else kind
        entries.append(Entry(*TRAINED, "CAREC", year, str(women), breakdown="SEX=F", kind=women_kind, note=note))
        entries.append(Entry(*TRAINED, "CAREC", year, str(men), breakdown="SEX=M", kind=kind, note=note))
    _write(entries, "sec-categories")


def trained_values(*, categories: bool = True) -> None:
    """The totals of 2019-2023 (and, with categories, women's and men's), approved and public,
    and the ratings recomputed."""
    entries = []
    for year, (total, _women, _men) in VALUES.items():
        kind, note = _flag(year)
        entries.append(Entry(*TRAINED, "CAREC", year, str(total), kind=kind, note=note))
    _write(entries, "sec-totals")
    if categories:
        category_values()
