"""Data-quality checks: values that look odd, for a reviewer to look at twice. A warning never
blocks a save; the hard limits stay errors of the one way in (indicators.values.check_range).

Each check is a pure function of the numbers it looks at and the settings (QualitySettings, from
settings.DATA_QUALITY), in the style of the rating method. The review queue and the entry grid call
them on the values they show; quality_run calls them over whole parts and keeps what it finds as
QualityWarning rows, which the data-quality page lists with a follow-up mark.
"""

import datetime
from dataclasses import dataclass, fields

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusters.models import in_force_holds

CHANGE, NEAR_LIMIT, COVERAGE, OUTDATED = "change", "near_limit", "coverage", "outdated"
CATEGORIES = "categories"
# the values whose word counts: a working copy (draft, submitted, returned) before the approved one
_UNDER_WAY = ("draft", "submitted", "returned")


@dataclass(frozen=True)
class QualitySettings:
    # a value that moved from the previous approved one by more than this share of it
    change_share: float = 0.5
    # a value within this share of the unit's plausible range from one of its limits
    near_limit_share: float = 0.02
    # a regional value aggregated from fewer than this share of the member countries
    coverage_share: float = 0.6
    # a latest value more than this many years older than the next edition's report year
    outdated_years: int = 3
    # the categories of a dimension whose sum differs from their total by more than this share of
    # the total, for a part whose categories add up (IndicatorPart.categories_add_up): 0.5% lets
    # a rounded count through (a total of 1,000 against categories of 1,004) and catches a person
    # left out of a small one (120 against 119)
    categories_share: float = 0.005

    @classmethod
    def current(cls) -> "QualitySettings":
        given = getattr(settings, "DATA_QUALITY", {}) or {}
        known = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in given.items() if name in known})


@dataclass(frozen=True)
class Finding:
    """What a check found: the check and the numbers its message shows."""

    check: str
    details: dict

    @property
    def message(self) -> str:
        return finding_message(self.check, self.details)


def check_change(value: float | None, previous: tuple[int, float] | None, s: QualitySettings) -> Finding | None:
    """A value that moved from the previous approved value (year, value) by more than the share."""
    if value is None or previous is None or not previous[1]:
        return None
    change = (value - previous[1]) / abs(previous[1])
    if abs(change) <= s.change_share:
        return None
    return Finding(CHANGE, {"change": change, "year": previous[0], "previous": previous[1], "value": value})


def check_near_limit(
    value: float | None, low: float | None, high: float | None, unit: str, s: QualitySettings
) -> Finding | None:
    """A value inside the unit's plausible range but within the share of its width from a limit
    (with one limit only, within the share of that limit). Zero is a natural floor (a share, a
    count), not an odd value: a limit of zero is not warned about."""
    if value is None or (low is None and high is None):
        return None
    for limit in (low, high):
        if not limit:
            continue
        width = (high - low) if low is not None and high is not None else abs(limit)
        if abs(value - limit) <= s.near_limit_share * width:
            return Finding(NEAR_LIMIT, {"value": value, "limit": limit, "unit": unit})
    return None


def check_coverage(contributors: int | None, members: int, s: QualitySettings) -> Finding | None:
    """A regional value aggregated from fewer than the share of the year's member countries."""
    if contributors is None or not members or contributors >= s.coverage_share * members:
        return None
    return Finding(COVERAGE, {"contributors": contributors, "members": members})


def check_outdated(latest_year: int | None, edition_year: int, s: QualitySettings) -> Finding | None:
    """A latest value too old to rate the part in the next edition."""
    if latest_year is None or edition_year - latest_year <= s.outdated_years:
        return None
    return Finding(OUTDATED, {"year": latest_year, "edition": edition_year, "years": s.outdated_years})


def check_categories(
    total: float | None, dimensions: list[tuple[str, list[tuple[str, float]], bool]], s: QualitySettings
) -> Finding | None:
    """The categories of each dimension against their total. dimensions: (dimension code, the
    (category code, value) pairs given, whether every category of the code list is among them).
    All the categories must add up to the total within the share of it; some of them only must
    not exceed it (the others may still come). Nothing is corrected: the finding shows the sums."""
    if total is None:
        return None
    allowed = max(s.categories_share * abs(total), 1e-9)  # and no float noise: 0.1 + 0.2 is 0.3
    off = []
    for dimension, values, complete in dimensions:
        if not values:
            continue
        summed = sum(value for _code, value in values)
        if abs(summed - total) <= allowed or (not complete and summed < total):
            continue
        off.append([dimension, [[code, value] for code, value in values], summed])
    return Finding(CATEGORIES, {"total": total, "sums": off}) if off else None


def finding_message(check: str, d: dict) -> str:
    """The warning in the active language."""
    from indicators.display import format_number

    if check == CHANGE:
        return _("%(change)s since %(year)s (%(previous)s → %(value)s): check it") % {
            "change": f"{d['change']:+.0%}",
            "year": d["year"],
            "previous": format_number(d["previous"]),
            "value": format_number(d["value"]),
        }
    if check == NEAR_LIMIT:
        return _("%(value)s is close to the limit of what %(unit)s can plausibly be (%(limit)s): check it") % {
            "value": format_number(d["value"]),
            "unit": d["unit"],
            "limit": format_number(d["limit"]),
        }
    if check == COVERAGE:
        return _("The regional value covers %(contributors)s of %(members)s member countries.") % d
    if check == CATEGORIES:
        return " ".join(
            _("%(categories)s = %(sum)s, but the total is %(total)s: the categories do not add up.")
            % {
                "categories": " + ".join(f"{code} {format_number(value)}" for code, value in values),
                "sum": format_number(summed),
                "total": format_number(d["total"]),
            }
            for _dimension, values, summed in d["sums"]
        )
    if check == OUTDATED:
        return (
            ngettext(
                "The latest value is from %(year)s: more than %(years)s year before the %(edition)s report year.",
                "The latest value is from %(year)s: more than %(years)s years before the %(edition)s report year.",
                d["years"],
            )
            % d
        )
    return check


def edition_year() -> int:
    """The report year of the next edition: the latest reporting year there is, else last year."""
    from indicators.models import ReportingYear

    latest = ReportingYear.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or datetime.date.today().year - 1


def value_findings(value: float | None, earlier: list[tuple[int, float]], unit, s: QualitySettings) -> list[Finding]:
    """The checks of one value: against the approved values of earlier years (year, value), in
    order, and its unit's plausible range."""
    low = float(unit.min_value) if unit is not None and unit.min_value is not None else None
    high = float(unit.max_value) if unit is not None and unit.max_value is not None else None
    label = (unit.symbol or unit.name) if unit is not None else ""
    # a relative change means nothing for a rate that can change sign (growth, change in %)
    moves = low is None or low >= 0
    found = (
        check_change(value, earlier[-1] if earlier and moves else None, s),
        check_near_limit(value, low, high, label, s),
    )
    return [f for f in found if f is not None]


def _approved_history(part_ids, queryset=None) -> dict[tuple, list[tuple[int, float]]]:
    """The approved numbers of the parts by (part, country, categories), in year order: one query."""
    from indicators.models import Observation

    history: dict[tuple, list[tuple[int, float]]] = {}
    for part_id, country_id, breakdown, year, number in (
        Observation.objects.filter(part_id__in=part_ids, status="approved", value_number__isnull=False)
        .order_by("year")
        .values_list("part_id", "country_id", "breakdown", "year", "value_number")
    ):
        history.setdefault((part_id, country_id, breakdown), []).append((year, float(number)))
    return history


def findings_for_values(observations, s: QualitySettings | None = None) -> None:
    """Give each value shown to a reviewer (observations with part__unit loaded) its findings
    (observation.findings) and the approved values of earlier years (observation.approved_history).
    One query for the whole list, two more where a part's categories add up (a total and each of
    its categories carry the same finding when they do not)."""
    s = s or QualitySettings.current()
    history = _approved_history({o.part_id for o in observations})
    for o in observations:
        earlier = [p for p in history.get((o.part_id, o.country_id, o.breakdown), []) if p[0] < o.year]
        value = float(o.value_number) if o.value_number is not None else None
        o.approved_history = earlier
        o.findings = value_findings(value, earlier, o.part.unit, s)
    add_up = {o.part_id for o in observations if o.part.categories_add_up}
    if add_up:  # the total and its categories, each beside the others: two more queries
        off = _categories_found(add_up, {o.year for o in observations if o.part_id in add_up}, s)
        for o in observations:
            if o.cell in off:
                o.findings.append(off[o.cell][1])


def category_codes(part_ids) -> dict[int, dict[str, list[str]]]:
    """The code lists of the dimensions each part is broken down by, {part: {dimension: [category
    codes]}}, in their order: one query."""
    from indicators.models import Category

    lists: dict[int, dict[str, list[str]]] = {}
    for part_id, dimension, code in (
        Category.objects.filter(dimension__parts__in=part_ids)
        .order_by("dimension__order", "dimension__code", "order", "code")
        .values_list("dimension__parts", "dimension__code", "code")
    ):
        lists.setdefault(part_id, {}).setdefault(dimension, []).append(code)
    return lists


def _latest_numbers(rows) -> dict[tuple, tuple[int, float | None]]:
    """Per cell (part, country, year, categories) the value whose word counts, as (pk, number):
    the working copy where there is one, else the approved value. rows: (pk, part, country, year,
    categories, status, number)."""
    chosen: dict[tuple, tuple[int, float | None]] = {}
    under_way: set[tuple] = set()
    for pk, part_id, country_id, year, breakdown, status, number in rows:
        cell = (part_id, country_id, year, breakdown)
        if cell in under_way or (cell in chosen and status not in _UNDER_WAY):
            continue
        chosen[cell] = (pk, float(number) if number is not None else None)
        if status in _UNDER_WAY:
            under_way.add(cell)
    return chosen


def categories_off(
    cells: dict[tuple, tuple[int, float | None]], code_lists: dict[int, dict[str, list[str]]], s: QualitySettings
) -> dict[tuple, tuple[Finding, list[tuple]]]:
    """The totals whose categories do not add up (check_categories), {total's cell: (finding, the
    cells of the categories in it)}. A total is any cell of a part with code lists, the categories
    of a dimension it is not broken down by are its own categories plus one of that dimension:
    SEX=F and SEX=M under the total, AGE=Y_LT25;SEX=F and ;SEX=M under AGE=Y_LT25."""
    from indicators.breakdown import breakdown_key, breakdown_parse

    found: dict[tuple, tuple[Finding, list[tuple]]] = {}
    for cell, (_pk, total) in cells.items():
        part_id, country_id, year, key = cell
        lists = code_lists.get(part_id)
        if total is None or not lists:
            continue
        given = breakdown_parse(key)
        dimensions, children = [], {}
        for dimension, codes in lists.items():
            if dimension in given:
                continue
            values = []
            for code in codes:
                child = (part_id, country_id, year, breakdown_key({**given, dimension: code}))
                number = cells.get(child, (None, None))[1]
                if number is not None:
                    values.append((code, number))
                    children.setdefault(dimension, []).append(child)
            dimensions.append((dimension, values, len(values) == len(codes)))
        if finding := check_categories(total, dimensions, s):
            off = [child for dimension, *_rest in finding.details["sums"] for child in children[dimension]]
            found[cell] = (finding, off)
    return found


def _categories_found(part_ids, years, s: QualitySettings) -> dict[tuple, tuple[int, Finding, bool]]:
    """The category sums that are off, for the parts whose categories add up, as {cell: (pk of
    the value there, finding, whether it is the total)} for each total and each of its
    categories. Two queries."""
    from indicators.models import Observation

    rows = Observation.objects.filter(part_id__in=part_ids, status__in=(*_UNDER_WAY, "approved"))
    if years is not None:
        rows = rows.filter(year__in=years)
    cells = _latest_numbers(
        rows.order_by("pk").values_list("pk", "part_id", "country_id", "year", "breakdown", "status", "value_number")
    )
    off = categories_off(cells, category_codes(part_ids), s)
    found = {total: (cells[total][0], finding, True) for total, (finding, _children) in off.items()}
    for finding, children in off.values():
        for cell in children:
            found.setdefault(cell, (cells[cell][0], finding, False))
    return found


@transaction.atomic
def quality_run(*, part_ids: list[int] | None = None) -> int:
    """Run every check over the parts (all parts when None) and keep what it finds: warnings that
    still hold keep their follow-up mark, those that no longer hold go. A handful of queries
    whatever the number of values. Returns the number of warnings kept for the parts."""
    from indicators.models import IndicatorPart, Observation
    from progress.models import QualityWarning, RegionalValue

    s = QualitySettings.current()
    parts = IndicatorPart.objects.select_related("unit")
    values = Observation.objects.filter(status__in=["draft", "submitted", "returned", "approved"])
    regional = RegionalValue.objects.all()
    kept = QualityWarning.objects.select_for_update()
    if part_ids is not None:
        parts, values = parts.filter(pk__in=part_ids), values.filter(part_id__in=part_ids)
        regional, kept = regional.filter(part_id__in=part_ids), kept.filter(part_id__in=part_ids)
    parts_by_id = {p.pk: p for p in parts}
    units = {pk: part.unit for pk, part in parts_by_id.items()}
    found: dict[tuple, tuple[int | None, Finding]] = {}
    history = _approved_history(list(units))
    for pk, part_id, country_id, breakdown, year, number in values.filter(value_number__isnull=False).values_list(
        "pk", "part_id", "country_id", "breakdown", "year", "value_number"
    ):
        earlier = [p for p in history.get((part_id, country_id, breakdown), []) if p[0] < year]
        for finding in value_findings(float(number), earlier, units.get(part_id), s):
            found[(part_id, country_id, year, finding.check, pk)] = (pk, finding)
    add_up = [pk for pk, part in parts_by_id.items() if part.categories_add_up]
    off = _categories_found(add_up, None, s) if add_up else {}
    for (part_id, country_id, year, _key), (pk, finding, total) in off.items():
        if total:  # kept once, on the total; its categories show it beside them on the pages
            found[(part_id, country_id, year, CATEGORIES, pk)] = (pk, finding)
    edition = edition_year()
    latest: dict[int, int] = {}
    for part_id, year, origin, contributors, members in regional.values_list(
        "part_id", "year", "origin", "n_contributors", "n_members"
    ):
        latest[part_id] = max(latest.get(part_id, 0), year)
        if origin == RegionalValue.Origin.AGGREGATED and (finding := check_coverage(contributors, members, s)):
            found[(part_id, None, year, COVERAGE, None)] = (None, finding)
    for part_id, year in latest.items():
        part = parts_by_id.get(part_id)
        if part is not None and not in_force_holds(edition, part.in_force_from, part.in_force_until):
            continue  # a part retired before the next edition is not expected in it
        if finding := check_outdated(year, edition, s):
            found[(part_id, None, year, OUTDATED, None)] = (None, finding)

    existing = {(w.part_id, w.country_id, w.year, w.kind, w.observation_id): w for w in kept}
    gone = [w.pk for key, w in existing.items() if key not in found]
    QualityWarning.objects.filter(pk__in=gone).delete()
    changed, new = [], []
    for key, (observation_id, finding) in found.items():
        details = {k: (float(v) if isinstance(v, float) else v) for k, v in finding.details.items()}
        if key in existing:
            warning = existing[key]
            if warning.details != details:
                warning.details = details
                changed.append(warning)
        else:
            part_id, country_id, year, check, _o = key
            new.append(
                QualityWarning(
                    part_id=part_id,
                    country_id=country_id,
                    year=year,
                    kind=check,
                    observation_id=observation_id,
                    details=details,
                )
            )
    QualityWarning.objects.bulk_update(changed, ["details"], batch_size=2000)
    QualityWarning.objects.bulk_create(new, batch_size=2000)
    return len(found)
