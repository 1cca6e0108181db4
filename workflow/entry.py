"""The one way in for observations. The entry grid, the bulk upload, the REST API and the loader of
published figures all describe each value as an Entry (codes and raw values, as the user gave
them), and all go through the same two steps:

- entries_check: every rule, stated once (the parts and countries exist, a region-only part is
  reported for the region, the country was a member that year, the year is one of the framework's
  and open for entry, the part is measured that year (a framework revision retires parts and adds
  others from a year on), the user may enter it, the value reads as its type in the user's language,
  lies in the unit's plausible range and fits the database column, the texts fit their columns).
  Every problem comes back with the entry's reference (a row, a cell) and its column, in the
  active language; nothing is written.
- entries_write: writes the checked rows in one transaction with optimistic versions, revision
  reasons, one audit shape (a full snapshot, which restore understands) and one notification path.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg import errors as pg_errors

from carec_prf.bulk import insert_rows
from clusters.models import Country, in_force_holds
from indicators.breakdown import breakdown_key, breakdown_pairs
from indicators.display import format_value
from indicators.models import (
    Availability,
    Baseline,
    Category,
    Dimension,
    IndicatorPart,
    Milestone,
    Observation,
    OrdinalLevel,
    ReportingYear,
    ValueType,
)
from indicators.values import TypedValueFields, check_range, read_value
from workflow import notifications
from workflow.audit import audit_many, snapshot
from workflow.models import AuditEntry
from workflow.permissions import Access

REGION = "CAREC"
PENDING = (Observation.Status.DRAFT, Observation.Status.SUBMITTED, Observation.Status.RETURNED)
ANY_VERSION = -1  # the caller does not track versions (an upload): the latest one is replaced
CHANGES_KEPT = 1000
_TEXT_LIMITS = {"citation": 500, "evidence_url": 500, "note": 20000, "revision_reason": 5000}


class ConflictError(ValidationError):
    """Someone else saved the same value since this user loaded it."""

    def __init__(self, *, theirs: str, mine: str, by: str) -> None:
        super().__init__(
            _(
                "Someone else (%(by)s) changed this value while you were editing it: it is now %(theirs)s; you "
                "entered %(mine)s. Nothing of yours was saved: check the value and save again."
            )
            % {"by": by, "theirs": theirs, "mine": mine},
            code="conflict",
        )
        self.theirs, self.mine = theirs, mine


def after_approval(observations) -> None:
    """What follows approved values, whichever way they were approved: one recompute of their
    parts, queued with the approval's transaction (it also clears the pages that show them)."""
    from progress.services import recompute_request

    recompute_request(part_ids=sorted({o.part_id for o in observations}))


@dataclass
class Entry:
    """One value as a way in gives it. Texts that were not given are None (kept as they are)."""

    indicator: str
    part: str
    country: str
    year: object
    value: object = None
    breakdown: object = ""  # the categories: a key such as "SEX=F", or {"SEX": "F"}; empty: the total
    qualifier: str = ""
    countries: Iterable[str] = ()
    availability: str | None = None
    kind: str = Observation.Kind.ACTUAL
    citation: str | None = None
    evidence_url: str | None = None
    note: str | dict[str, str] | None = None  # a text in the active language, or {field: text}
    revision_reason: str = ""
    version: int | None = ANY_VERSION
    ref: object = None  # the caller's name for the entry: a file row, a grid cell
    force: bool = False  # write even when nothing differs (a new evidence file starts a revision)


@dataclass(frozen=True)
class PartFacts:
    id: int
    sector_id: int | None
    indicator_id: int
    value_type: str
    region_only: bool
    unit_names: frozenset[str]
    unit_label: str
    min_value: Decimal | None
    max_value: Decimal | None
    scale: tuple[str, ...]
    dimensions: frozenset[str] = frozenset()  # the codes of the dimensions it is broken down by
    in_force_from: int | None = None  # the reporting years it is measured (a framework revision's)
    in_force_until: int | None = None


@dataclass
class Facts:
    """What every entry is checked against, loaded once in a handful of queries."""

    parts: dict[tuple[str, str], PartFacts]
    countries: dict[str, tuple[int, int, int | None]]  # code -> (id, first member year, last or None)
    first_year: int
    last_year: int
    year_status: dict[int, str]
    can_enter: Callable[[int | None, int | None], bool]
    system: bool = False  # the loader of published figures: no rights check; years never opened or published
    indicators: frozenset[str] = frozenset()  # the known indicator codes, upper-cased
    categories: dict[str, dict[str, str]] = field(default_factory=dict)  # dimension -> {category code: name}
    dimension_names: dict[str, str] = field(default_factory=dict)
    _table: pd.DataFrame | None = field(default=None, repr=False)

    def indicator_known(self, code: str) -> bool:
        return code in self.indicators

    def table(self) -> pd.DataFrame:
        """The parts' facts as a table indexed by (indicator code, part code), for reading a
        whole table of entries at once."""
        if self._table is None:
            keys = list(self.parts)
            names = [f.name for f in fields(PartFacts)]
            self._table = pd.DataFrame(
                [tuple(getattr(facts, name) for name in names) for facts in self.parts.values()],
                index=pd.MultiIndex.from_tuples(keys) if keys else pd.MultiIndex.from_arrays([[], []]),
                columns=names,
                dtype=object,
            )
        return self._table


@dataclass(frozen=True)
class CheckedEntry:
    ref: object
    part_id: int
    indicator_id: int
    country_id: int | None
    year: int
    breakdown: str
    value: TypedValueFields
    kind: str
    citation: str | None
    evidence_url: str | None
    note: str | dict[str, str] | None
    revision_reason: str
    version: int | None
    force: bool = False

    @property
    def key(self) -> tuple[int, int | None, int, str]:
        return (self.part_id, self.country_id, self.year, self.breakdown)


CHECKED_COLUMNS = tuple(f.name for f in fields(CheckedEntry))


@dataclass
class Checked:
    """What entries_check found: the good entries as a table (CHECKED_COLUMNS, a row each), every
    problem as (ref, column, message), and the entries the user may not enter at all."""

    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHECKED_COLUMNS))
    errors: list[tuple[object, str, str]] = field(default_factory=list)  # (ref, column, message)
    denied: set = field(default_factory=set)  # refs the user may not enter at all

    @functools.cached_property
    def rows(self) -> list[CheckedEntry]:
        """The good entries one by one, for the ways in that handle a few."""
        return [CheckedEntry(*row) for row in self.table[list(CHECKED_COLUMNS)].itertuples(index=False, name=None)]


class EntryErrors(ValidationError):
    """Problems found while checking or writing entries: (ref, column, message) each; denied
    names the entries the user has no right to enter (a 403 rather than a 400 for one value)."""

    def __init__(self, errors: list[tuple[object, str, str]], denied: set | None = None) -> None:
        super().__init__([message for _ref, _column, message in errors], code="entries")
        self.errors = errors
        self.denied = denied or set()


def facts_load(*, user, system: bool = False, part_ids: Iterable[int] | None = None) -> Facts:
    parts_query = IndicatorPart.objects.all() if part_ids is None else IndicatorPart.objects.filter(id__in=part_ids)
    scales: dict[int, list[str]] = defaultdict(list)
    levels = OrdinalLevel.objects.order_by("rank")
    if part_ids is not None:
        levels = levels.filter(part_id__in=part_ids)
    for part_id, code in levels.values_list("part_id", "code"):
        scales[part_id].append(code)
    dimensions: dict[int, set[str]] = defaultdict(set)
    through = IndicatorPart.dimensions.through.objects.all()
    if part_ids is not None:
        through = through.filter(indicatorpart_id__in=part_ids)
    for part_id, code in through.values_list("indicatorpart_id", "dimension__code"):
        dimensions[part_id].add(code)
    categories: dict[str, dict[str, str]] = defaultdict(dict)
    for category in Category.objects.select_related("dimension"):
        categories[category.dimension.code][category.code] = category.name
    dimension_names = {d.code: d.name for d in Dimension.objects.all()}
    suffix = (translation.get_language() or "en").replace("-", "_")
    label_index = {"en": 8, "zh_hans": 9, "ru": 10}.get(suffix, 8)
    parts = {}
    rows = parts_query.values_list(
        "id",
        "code",
        "indicator__code",
        "indicator__result__sector_id",
        "indicator_id",
        "value_type",
        "aggregation",
        "unit__code",
        "unit__name_en",
        "unit__name_zh_hans",
        "unit__name_ru",
        "unit__symbol_en",
        "unit__symbol_zh_hans",
        "unit__symbol_ru",
        "unit__min_value",
        "unit__max_value",
        "in_force_from",
        "in_force_until",
    )
    for row in rows.iterator(chunk_size=5000):
        part_id, code, indicator, sector_id, indicator_id, value_type, aggregation = row[:7]
        names = {n for n in row[7:14] if n}
        parts[(indicator.upper(), code.upper())] = PartFacts(
            id=part_id,
            sector_id=sector_id,
            indicator_id=indicator_id,
            value_type=value_type,
            region_only=aggregation == IndicatorPart.Aggregation.REGION_ONLY,
            unit_names=frozenset(n.lower() for n in names),
            unit_label=row[label_index] or row[8],
            min_value=row[14],
            max_value=row[15],
            scale=tuple(scales.get(part_id, ())),
            dimensions=frozenset(dimensions.get(part_id, ())),
            in_force_from=row[16],
            in_force_until=row[17],
        )
    countries = {
        code: (pk, start.year, end.year if end else None)
        for code, pk, start, end in Country.objects.values_list("code", "id", "member_from", "member_until")
    }
    first, last = framework_years()
    access = Access(user)
    return Facts(
        parts=parts,
        countries=countries,
        first_year=first,
        last_year=last,
        year_status=dict(ReportingYear.objects.values_list("year", "status")),
        can_enter=functools.cache(access.can_enter),
        system=system,
        indicators=frozenset(indicator for indicator, _part in parts),
        categories=dict(categories),
        dimension_names=dimension_names,
    )


def framework_years() -> tuple[int, int]:
    """The years values may be entered for: from the earliest current baseline to the later of
    the last milestone and this year (two queries)."""
    first = Baseline.objects.filter(is_current=True).aggregate(y=Min("year"))["y"] or 2000
    last = Milestone.objects.aggregate(y=Max("year"))["y"] or datetime.date.today().year
    return first, max(last, datetime.date.today().year)


def year_of(raw: object) -> int | None:
    """A year as a way in gives it (text, a number), or None when it is not a whole number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = str(raw if raw is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isascii() and text.isdigit() and len(text) <= 6:
        return int(text)
    return None


def year_range_problem(year: int, first: int, last: int) -> str | None:
    """What is wrong with a year the framework does not cover, or None."""
    if first <= year <= last:
        return None
    return _("%(year)s is outside the framework's years (%(first)s–%(last)s).") % {
        "year": year,
        "first": first,
        "last": last,
    }


def year_status_problem(year: int, status: str | None, *, loader: bool = False) -> str | None:
    """What a reporting year's status forbids, or None: values are entered in open years only; the
    loader records published figures, in years never opened here or published."""
    closed = status == ReportingYear.Status.LOCKED if loader else status not in (None, ReportingYear.Status.OPEN)
    if closed:
        return _(
            "The reporting year %(year)s is locked: its values can no longer be changed. Ask the secretariat to "
            "reopen it."
        ) % {"year": year}
    if loader and status == ReportingYear.Status.OPEN:
        return _(
            "The reporting year %(year)s is open for entry: its values are entered and reviewed here, not loaded."
        ) % {"year": year}
    if not loader and status is None:
        return _("The reporting year %(year)s is not open for entry; the secretariat opens reporting years.") % {
            "year": year
        }
    return None


def check_year(year: int, facts: Facts) -> str | None:
    """What is wrong with a year for entry, or None."""
    return year_range_problem(year, facts.first_year, facts.last_year) or year_status_problem(
        year, facts.year_status.get(year), loader=facts.system
    )


# Columns of an entry table: what entries_check reads, one column per Entry field (and the
# file's unit, which only uploads carry).
ENTRY_COLUMNS = tuple(f.name for f in fields(Entry))
_KINDS = frozenset(Observation.Kind.values)  # an enum's .values is rebuilt on every access
_AVAILABILITIES = frozenset(Availability.values)
# A number already written the way the database stores it: at most 14 digits before the point and
# 6 after. read_value gives such a text exactly Decimal(text); the set-based reading takes this
# shortcut for the bulk of a file and hands every other text to read_value (a test holds the two
# equal on generated texts).
_PLAIN_NUMBER = {
    False: r"-?\d{1,14}(?:\.\d{1,6})?",
    True: r"-?\d{1,14}(?:[.,]\d{1,6})?",  # with decimal commas, a lone point is a decimal point too
}
_PLAIN_TYPES = {
    ValueType.NUMBER: None,
    ValueType.PERCENT: None,
    ValueType.MONEY: None,
    ValueType.COUNT: r"\d{1,14}",
    ValueType.RANK: r"[1-9]\d{0,13}",
}


def entries_table(entries: Iterable[Entry]) -> pd.DataFrame:
    """Entries as a table with a column per field (what the grid, the API and the loader give)."""
    entries = list(entries)
    return pd.DataFrame({name: [getattr(e, name) for e in entries] for name in ENTRY_COLUMNS}, dtype=object)


def _texts(column: pd.Series, *, upper: bool = False) -> pd.Series:
    """The column's values as stripped texts (upper-cased codes), each distinct text made once (a
    file repeats its codes on every row)."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    texts = ["" if v is None else str(v).strip() for v in distinct]
    texts = np.array([t.upper() for t in texts] if upper else texts, dtype=object)
    return pd.Series(texts[codes] if len(codes) else np.array([], dtype=object), index=column.index, dtype=object)


def breakdown_read(raw: object, dimensions: frozenset[str], facts: Facts) -> str:
    """The categories as given (a key such as "SEX=F", or {"SEX": "F"}; blank: the total) as
    the stored key, checked against the code lists and the dimensions the part is broken down
    by. Raises ValidationError naming what is wrong."""
    if raw is None or (isinstance(raw, float) and raw != raw):
        return ""
    if isinstance(raw, dict):
        pairs = [(str(k).strip().upper(), "" if v is None else str(v).strip().upper()) for k, v in raw.items()]
    else:
        pairs = breakdown_pairs(raw)
    chosen: dict[str, str] = {}
    for dimension, code in pairs:
        if not code:
            continue  # a blank category: the total of that dimension
        known = facts.categories.get(dimension)
        if known is None:
            raise ValidationError(
                _("Unknown dimension “%(dimension)s” (known: %(known)s).")
                % {"dimension": dimension[:40], "known": ", ".join(sorted(facts.categories)) or "—"}
            )
        name = facts.dimension_names.get(dimension, dimension)
        if dimension not in dimensions:
            raise ValidationError(_("This part is not broken down by %(dimension)s.") % {"dimension": name})
        if code not in known:
            raise ValidationError(
                _("“%(code)s” is not a category of %(dimension)s (use %(known)s).")
                % {"code": code[:40], "dimension": name, "known": ", ".join(known)}
            )
        if chosen.get(dimension, code) != code:
            raise ValidationError(_("%(dimension)s is given twice.") % {"dimension": name})
        chosen[dimension] = code
    return breakdown_key(chosen)


_MEMO_LIMIT = 50_000  # distinct values read once each; past that, a file's values are mostly unique


def _read_values(
    frame: pd.DataFrame, part: pd.DataFrame, facts: Facts, decimal_comma: bool
) -> tuple[list, list[tuple[int, int, str, str]]]:
    """Every value read as its part's type: the plain numbers of a file at once, the rest through
    read_value, once per distinct text. Returns the typed values (None where unreadable) and the
    problems, as (position, order, column, message)."""
    n = len(frame)
    cells = {name: frame[name].to_numpy() for name in frame}
    facts_of = {name: part[name].to_numpy() for name in part}
    values: list = [None] * n
    problems: list[tuple[int, int, str, str]] = []  # as entries_check collects them
    raw = frame["value"]
    simple = (
        raw.map(lambda v: isinstance(v, str))
        & frame["qualifier"].map(lambda q: not q)
        & frame["availability"].isna()
        & frame["countries"].map(lambda c: not c)
    )
    for value_type, pattern in _PLAIN_TYPES.items():
        mask = simple & (part["value_type"] == value_type)
        if not mask.any():
            continue
        texts = raw[mask].str.strip()
        plain = texts.str.fullmatch(pattern or _PLAIN_NUMBER[decimal_comma])
        for position, text in zip(texts.index[plain.to_numpy()], texts[plain], strict=True):
            number = Decimal(text.replace(",", "."))
            values[position] = TypedValueFields(value_type, Availability.VALUE, value_number=number)
    known_countries = facts.countries.keys()
    memo: dict[tuple, TypedValueFields | str] = {}
    unread = np.fromiter((value is None for value in values), dtype=bool, count=n)
    for i in np.flatnonzero(part["known"].to_numpy(dtype=bool) & unread):
        value = cells["value"][i]
        countries = tuple(cells["countries"][i] or ())
        key = (
            value if isinstance(value, str | int | float | bool | None | Decimal) else repr(value),
            type(value).__name__,
            facts_of["value_type"][i],
            cells["qualifier"][i] or "",
            cells["availability"][i],
            countries,
            facts_of["scale"][i],
        )
        found = memo.get(key)
        if found is None:
            try:
                found = read_value(
                    value,
                    value_type=key[2],
                    decimal_comma=decimal_comma,
                    qualifier=key[3],
                    availability=key[4],
                    countries=countries,
                    scale_codes=key[6],
                    known_countries=known_countries,
                )
            except ValidationError as error:
                found = " ".join(error.messages)
            if len(memo) < _MEMO_LIMIT:
                memo[key] = found
        if isinstance(found, str):
            problems.append((i, 4, "value", found))
        else:
            values[i] = found
    return values, problems


def _out_of_force(part: pd.DataFrame, years: np.ndarray, indicators: np.ndarray, codes: np.ndarray) -> list:
    """The entries for a part in a year that a framework revision does not measure it in (a part
    it retired, or one it added): (position, order, "part", message). Only the parts with years
    are looked at, each (part, year) once."""
    bounded = (part["in_force_from"].notna() | part["in_force_until"].notna()).to_numpy(dtype=bool)
    if not bounded.any():
        return []
    starts, ends = part["in_force_from"].to_numpy(), part["in_force_until"].to_numpy()
    messages: dict[tuple, str | None] = {}
    problems = []
    for i in np.flatnonzero(bounded & part["known"].to_numpy(dtype=bool)):
        year = years[i]
        if year is None:
            continue
        start = None if pd.isna(starts[i]) else int(starts[i])
        end = None if pd.isna(ends[i]) else int(ends[i])
        key = (indicators[i], codes[i], year)
        if key not in messages:
            params = {"part": codes[i], "indicator": indicators[i], "year": year, "from": start, "until": end}
            if in_force_holds(year, start, end):
                messages[key] = None
            elif not in_force_holds(year, start, None):  # before the revision that added it
                messages[key] = (
                    _(
                        "Part %(part)s of %(indicator)s is not measured in %(year)s: a framework revision measures it "
                        "from %(from)s."
                    )
                    % params
                )
            else:  # after the revision that retired it
                messages[key] = (
                    _(
                        "Part %(part)s of %(indicator)s is not measured in %(year)s: a framework revision measures it "
                        "until %(until)s."
                    )
                    % params
                )
        if messages[key] is not None:
            problems.append((i, 1, "part", messages[key]))
    return problems


def entries_check(entries, facts: Facts, *, decimal_comma: bool, progress=None, seen: dict | None = None) -> Checked:
    """Check every entry against every rule, a column at a time over the whole table (Entry
    objects, or a table of ENTRY_COLUMNS, as an upload gives); collect every problem. Writes
    nothing. The problems come in the entries' order, and a row's problems in the order of its
    columns. `seen` carries the cells already given by earlier chunks of the same file (cell ->
    its row and value), so that a file checked a chunk at a time finds its duplicates too."""
    frame = entries if isinstance(entries, pd.DataFrame) else entries_table(entries)
    frame = frame.reset_index(drop=True)
    for name in ENTRY_COLUMNS:  # a column the way in does not give holds the Entry's default
        if name not in frame:
            default = () if name == "countries" else Entry.__dataclass_fields__[name].default
            frame[name] = pd.Series([default] * len(frame), dtype=object)
    n = len(frame)
    cells = {name: frame[name].to_numpy() for name in frame}
    out = Checked()
    found: list[tuple[int, int, str, str]] = []  # (position, order, column, message)
    refs = frame["ref"].to_numpy()

    # The part, by indicator and part code.
    indicator_code = _texts(frame["indicator"], upper=True)
    part_code = _texts(frame["part"], upper=True)
    part = facts.table().reindex(list(zip(indicator_code, part_code, strict=True)))
    part.index = frame.index
    part["known"] = part["id"].notna()
    facts_of = {name: part[name].to_numpy() for name in part}
    for i in np.flatnonzero(~part["known"].to_numpy()):
        if not facts.indicator_known(indicator_code.to_numpy()[i]):
            message = _("Unknown indicator code “%(code)s”.") % {"code": cells["indicator"][i]}
            found.append((i, 0, "indicator", message))
        else:
            message = _("Indicator %(indicator)s has no part “%(part)s”.") % {
                "indicator": cells["indicator"][i],
                "part": cells["part"][i],
            }
            found.append((i, 0, "part", message))

    # The year: read, in the framework's years, open for entry.
    given_years = frame["year"].map(lambda y: y if isinstance(y, Hashable) else repr(y))  # [2023] is no year
    codes, distinct = pd.factorize(given_years, use_na_sentinel=False)
    read = [year_of(raw) for raw in distinct]
    wrong = [
        _("“%(value)s” is not a year.") % {"value": str(raw)[:40]} if year is None else check_year(year, facts)
        for raw, year in zip(distinct, read, strict=True)
    ]
    years = np.array(read, dtype=object)[codes] if len(codes) else np.array([], dtype=object)
    for i in np.flatnonzero(np.array([bool(w) for w in wrong], dtype=bool)[codes] if len(codes) else []):
        found.append((i, 1, "year", wrong[codes[i]]))
    found += _out_of_force(part, years, indicator_code.to_numpy(), part_code.to_numpy())

    # The place: a member country that year, or the region; the user's right to enter it.
    country_code = _texts(frame["country"], upper=True)
    country_ids: list[int | None] = [None] * n
    placed = np.zeros(n, dtype=bool)
    known_part = part["known"].to_numpy()
    region_only = part["region_only"].fillna(False).to_numpy(dtype=bool)
    sector_ids = part["sector_id"].to_numpy()
    for i, code in enumerate(country_code):
        if code == REGION:
            placed[i] = True
            continue
        known = facts.countries.get(code)
        if known is None:
            message = _("Unknown country “%(code)s”: use an ISO alpha-3 code or CAREC.") % {
                "code": str(cells["country"][i] or "")[:40]
            }
            found.append((i, 2, "country", message))
            continue
        country_ids[i], first, last = known
        placed[i] = True
        year = years[i]
        if known_part[i] and region_only[i]:
            found.append((i, 2, "country", _("This part is reported only for the whole region: use CAREC.")))
        elif year is not None and (year < first or (last is not None and year > last)):
            message = _("%(country)s was not a CAREC member in %(year)s (member %(first)s–%(last)s).") % {
                "country": code,
                "year": year,
                "first": first,
                "last": last or "…",
            }
            found.append((i, 2, "country", message))
    if not facts.system:
        for i in np.flatnonzero(known_part & placed):
            sector = sector_ids[i]
            if not facts.can_enter(None if pd.isna(sector) else int(sector), country_ids[i]):
                found.append((i, 3, "indicator", _("You may not enter values for this sector or country.")))
                out.denied.add(refs[i])

    # The categories: in the code lists, of a dimension the part is broken down by.
    breakdowns = np.full(n, "", dtype=object)
    given = (frame["breakdown"].notna() & frame["breakdown"].ne("")).to_numpy(dtype=bool)  # else the total
    part_dimensions = part["dimensions"].to_numpy()
    read_breakdowns: dict[tuple, str] = {}
    for i in np.flatnonzero(given & known_part):
        raw = cells["breakdown"][i]
        key = (repr(raw) if isinstance(raw, dict) else raw, part_dimensions[i])
        found_key = read_breakdowns.get(key)
        if found_key is None:
            try:
                found_key = breakdown_read(raw, part_dimensions[i], facts)
            except ValidationError as error:
                found_key = ValueError(" ".join(error.messages))
            read_breakdowns[key] = found_key
        if isinstance(found_key, ValueError):
            found.append((i, 2, "breakdown", str(found_key)))
        else:
            breakdowns[i] = found_key

    # The value, read as the part's type, within the unit's plausible range.
    availability = frame["availability"]
    bad_availability = availability.notna() & ~availability.isin(_AVAILABILITIES)
    for i in np.flatnonzero(bad_availability.to_numpy()):
        message = _("“%(value)s” is not an availability (use value, not_applicable or not_available).") % {
            "value": str(cells["availability"][i])[:40]
        }
        found.append((i, 4, "availability", message))
    part.loc[bad_availability, "known"] = False  # no value is read beside a bad availability
    values, value_problems = _read_values(frame, part, facts, decimal_comma)
    found += value_problems
    del value_problems
    low, high, unit, value_type = (part[c].to_numpy() for c in ("min_value", "max_value", "unit_label", "value_type"))
    for i, value in enumerate(values):
        if value is not None and value.value_number is not None and value_type[i] != ValueType.COUNTRY_SET:
            lo, hi = low[i], high[i]
            if (lo is not None and lo == lo and value.value_number < lo) or (
                hi is not None and hi == hi and value.value_number > hi
            ):
                try:
                    check_range(value.value_number, low=lo, high=hi, unit=unit[i])
                except ValidationError as error:
                    found.append((i, 4, "value", " ".join(error.messages)))
                    values[i] = None
    if progress is not None:
        progress(n)

    # The kind and the texts.
    for i in np.flatnonzero(~frame["kind"].isin(_KINDS).to_numpy()):
        message = _("Unknown flag “%(kind)s” (use %(known)s).") % {
            "kind": str(cells["kind"][i])[:40],
            "known": ", ".join(Observation.Kind.values),
        }
        found.append((i, 5, "kind", message))
    for i in np.flatnonzero((frame["kind"] == Observation.Kind.MISSING).to_numpy(dtype=bool)):
        if values[i] is not None and values[i].availability == Availability.VALUE:
            found.append((i, 5, "kind", _("A value flagged missing cannot hold a value: leave the value empty.")))
    for order, (name, limit) in enumerate(_TEXT_LIMITS.items(), start=6):
        lengths = frame[name].map(lambda text: len(text) if isinstance(text, str) else 0).to_numpy()
        for i in np.flatnonzero(lengths > limit):
            message = _("This text has %(length)s characters; at most %(limit)s are kept.") % {
                "length": lengths[i],
                "limit": limit,
            }
            found.append((i, order, name, message))
    url_check = URLValidator(schemes=["http", "https"])
    urls = frame["evidence_url"]
    for url in {u for u in urls if u}:
        try:
            url_check(url)
        except ValidationError:
            for i in np.flatnonzero((urls == url).to_numpy()):
                found.append((i, 10, "evidence_url", _("Enter a web address starting with http:// or https://.")))
    if "unit" in frame:
        for i in np.flatnonzero(known_part & _texts(frame["unit"]).astype(bool).to_numpy()):
            given = str(cells["unit"][i]).strip()
            if given.lower() not in facts_of["unit_names"][i]:
                message = _("Unit “%(unit)s” does not match the part's unit, %(expected)s.") % {
                    "unit": given,
                    "expected": unit[i],
                }
                found.append((i, 12, "unit", message))

    # The same cell twice: a duplicate, or a conflict when the values differ.
    bad = np.zeros(n, dtype=bool)
    bad[[i for i, *_rest in found]] = True
    part_ids = part["id"].to_numpy()
    seen = {} if seen is None else seen
    for i in np.flatnonzero(~bad):
        key = (int(part_ids[i]), country_ids[i], years[i], breakdowns[i])
        first = seen.get(key)
        if first is None:
            seen[key] = (refs[i], values[i])
            continue
        message = (
            _("Duplicate of row %(row)s.")
            if first[1] == values[i]
            else _(
                "Conflicts with row %(row)s, which gives another value for the same part, place, year and categories."
            )
        )
        found.append((i, 11, "value", message % {"row": first[0]}))
        bad[i] = True

    found.sort(key=lambda problem: (problem[0], problem[1]))
    for k, (i, _order, column, message) in enumerate(found):  # in place: a refused file may have millions
        found[k] = (refs[i], column, message)
    out.errors = found
    good = np.flatnonzero(~bad)
    indicator_ids = part["indicator_id"].to_numpy()
    texts = {name: cells[name][good] for name in ("kind", "citation", "evidence_url", "note", "version", "force")}
    columns = {
        "ref": refs[good],
        "part_id": [int(part_ids[i]) for i in good],
        "indicator_id": [int(indicator_ids[i]) for i in good],
        "country_id": [country_ids[i] for i in good],
        "year": [years[i] for i in good],
        "breakdown": breakdowns[good],
        "value": [values[i] for i in good],
        **texts,
        "revision_reason": _texts(frame["revision_reason"]).to_numpy()[good],
    }
    out.table = pd.DataFrame({name: pd.Series(columns[name], dtype=object) for name in CHECKED_COLUMNS})
    return out


# --------------------------------------------------------------------------------------------
# Writing


@dataclass
class Written:
    @dataclass(frozen=True)
    class Cell:
        """A value written, as the notifications and the recompute need it."""

        part_id: int
        country_id: int | None
        year: int
        author_id: int | None

    created: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[dict] = field(default_factory=list)
    observations: dict[object, Observation] = field(default_factory=dict)  # ref -> the row written or kept

    def as_dict(self) -> dict:
        return {"created": self.created, "changed": self.changed, "unchanged": self.unchanged, "changes": self.changes}


NOTE_FIELDS = ("note", "note_en", "note_zh_hans", "note_ru")
_VALUE_FIELDS = ("availability", "value_type", "value_number", "value_boolean", "value_text", "qualifier")
_TEXT_FIELDS = ("kind", "citation", "evidence_url", "note")


def _country_ids(obs: Observation) -> list[int]:
    return sorted(c.pk for c in obs.countries.all())


def _same(existing: Observation, row: CheckedEntry, codes: dict[str, int]) -> bool:
    value = row.value
    wanted = {"availability": value.availability, **value.model_fields()}
    if any(getattr(existing, name) != wanted[name] for name in _VALUE_FIELDS):
        return False
    if _country_ids(existing) != sorted(codes[c] for c in value.countries):
        return False
    if isinstance(row.note, dict) and any(getattr(existing, name) != text for name, text in row.note.items()):
        return False
    return all(
        getattr(row, name) is None
        or isinstance(getattr(row, name), dict)
        or getattr(existing, name) == getattr(row, name)
        for name in _TEXT_FIELDS
    )


@transaction.atomic
def entries_write(
    *,
    user,
    rows: list[CheckedEntry],
    status: str,
    reason: str = "",
    source=None,
    batch: str = "",
    fetch: bool = True,
    audit_action: str | None = None,
    recompute: bool = True,
) -> Written:
    """Write checked rows as values in the given status (draft, submitted; approved for published
    figures loaded by the secretariat's tools), all or none.

    A row changes the working copy of its cell, or starts one beside the approved value it
    revises (which stays in force until the revision is approved, and needs a reason). A row equal
    to what is recorded changes nothing. A row whose version is not the one stored is a conflict.
    New rows go in with COPY on PostgreSQL. fetch=False leaves Written.observations empty (a bulk
    upload does not read them back). recompute=False leaves the ratings to the caller (the loader:
    `recompute_progress` follows it, once for everything)."""
    out = Written()
    table = rows.table if isinstance(rows, Checked) else _checked_table(rows)
    if table.empty:
        return out
    part_ids = set(table["part_id"])
    years = set(table["year"])
    existing: dict[tuple, dict[str, Observation]] = defaultdict(dict)
    for obs in (
        Observation.objects.filter(part_id__in=part_ids, year__in=years, status__in=[*PENDING, "approved"])
        .select_for_update(of=("self",))
        .select_related("created_by", "updated_by")
        .prefetch_related("countries")
    ):
        existing[obs.cell]["pending" if obs.status in PENDING else "approved"] = obs
    codes = dict(Country.objects.values_list("code", "id"))
    # New cells that nobody holds a version of go in as a set (PostgreSQL); the others one by one.
    fresh = np.array(
        [
            connection.vendor == "postgresql"
            and key not in existing
            and version in (ANY_VERSION, None, 0)
            and not value.countries  # a set of countries has rows of its own: one by one
            for key, version, value in zip(
                zip(table["part_id"], table["country_id"], table["year"], table["breakdown"], strict=True),
                table["version"],
                table["value"],
                strict=True,
            )
        ],
        dtype=bool,
    )
    rows = [CheckedEntry(*row) for row in table[~fresh].itertuples(index=False, name=None)]
    table = table[fresh]
    errors: list[tuple[object, str, str]] = []
    plan: list[tuple[CheckedEntry, Observation | None, Observation | None]] = []
    for row in rows:
        found = existing.get(row.key, {})
        pending, approved = found.get("pending"), found.get("approved")
        if row.version != ANY_VERSION:
            if pending is not None and row.version != pending.version:
                conflict = ConflictError(
                    theirs=format_value(pending),
                    mine=format_value(row.value),
                    by=str(pending.updated_by or pending.created_by or _("unknown")),
                )
                errors.append((row.ref, "value", conflict.messages[0]))
                continue
            if pending is None and row.version not in (None, 0):
                conflict = ConflictError(theirs=_("removed"), mine=format_value(row.value), by=_("someone else"))
                errors.append((row.ref, "value", conflict.messages[0]))
                continue
        if status == Observation.Status.APPROVED:
            pending = None  # published figures replace the approved value itself
            if approved is not None and _same(approved, row, codes) and (source is None or approved.source == source):
                out.unchanged += 1
                out.observations[row.ref] = approved
                continue
        else:
            current = pending or approved
            if current is not None and not row.force and _same(current, row, codes):
                out.unchanged += 1
                out.observations[row.ref] = current
                continue
            if approved is not None and pending is None and not (row.revision_reason or reason):
                errors.append((row.ref, "revision_reason", _("Give a reason for revising the approved value.")))
                continue
        plan.append((row, pending, approved))
    if errors:
        raise EntryErrors(errors)

    now = timezone.now()
    language_suffix = (translation.get_language() or "en").replace("-", "_")
    fresh_ids = _insert_fresh(
        table,
        status=status,
        actor_id=user.pk if getattr(user, "is_authenticated", False) else None,
        now=now,
        reason=reason,
        source=source,
        batch=batch,
        language_suffix=language_suffix,
        audit_action=audit_action or AuditEntry.Action.CREATE,
    )
    for ref, value in zip(table["ref"][:CHANGES_KEPT], table["value"], strict=False):
        out.changes.append({"row": ref, "old": "—", "new": format_value(value)})
    creates, updates, befores = [], [], {}
    actor_id = user.pk if getattr(user, "is_authenticated", False) else None

    for row, pending, approved in plan:
        value = row.value
        target = approved if status == Observation.Status.APPROVED else pending
        if len(out.changes) < CHANGES_KEPT:  # the words are written only for the changes kept
            earlier = target or approved
            out.changes.append(
                {"row": row.ref, "old": format_value(earlier) if earlier else "—", "new": format_value(value)}
            )
        fields = {"availability": value.availability, **value.model_fields(), "kind": row.kind}
        for name in ("citation", "evidence_url"):
            if getattr(row, name) is not None:
                fields[name] = getattr(row, name)
            elif target is None and approved is not None:
                fields[name] = getattr(approved, name)  # a revision keeps the evidence it revises
        if isinstance(row.note, dict):
            fields.update(row.note)
            fields["note"] = row.note.get("note_en", "")
        elif row.note is not None:
            fields["note"] = fields[f"note_{language_suffix}"] = row.note
        if source is not None:
            fields["source_id"] = source.pk
        fields["batch"] = batch
        if target is not None:
            befores[target.pk] = snapshot(target)
            for name, field_value in fields.items():
                setattr(target, name, field_value)
            target.status = status
            target.updated_by = user if getattr(user, "is_authenticated", False) else None
            target.version += 1
            if status != Observation.Status.APPROVED and approved is not None:
                target.revision_reason = row.revision_reason or target.revision_reason or reason
            target.updated_at = now
            updates.append((row, target))
        else:
            payload = {
                "part_id": row.part_id,
                "country_id": row.country_id,
                "year": row.year,
                "breakdown": row.breakdown,
                "status": status,
                "created_by_id": actor_id,
                "updated_by_id": actor_id,
                "revision_reason": (row.revision_reason or reason) if approved is not None else "",
                "review_comment": "",
                "version": 1,
                "created_at": now,
                "updated_at": now,
                **fields,
            }
            if approved is not None and row.note is None:
                payload.update({name: getattr(approved, name) for name in NOTE_FIELDS})
            creates.append((row, payload))

    try:
        with transaction.atomic():  # a savepoint: someone may create the same cell at this moment
            insert_rows(Observation, [payload for _row, payload in creates])
    except (IntegrityError, pg_errors.IntegrityError):
        raise EntryErrors(
            [
                (
                    row.ref,
                    "value",
                    ConflictError(
                        theirs=_("a value entered at the same moment"),
                        mine=format_value(row.value),
                        by=_("someone else"),
                    ).messages[0],
                )
                for row, _payload in creates
            ]
        ) from None
    if creates:  # COPY returns no keys: read them back by cell, one query
        keys = {row.key for row, _payload in creates}
        ids = {
            (p, c, y, b): pk
            for pk, p, c, y, b in Observation.objects.filter(part_id__in=part_ids, year__in=years, status=status)
            .order_by()
            .values_list("id", "part_id", "country_id", "year", "breakdown")
            if (p, c, y, b) in keys
        }
        for row, payload in creates:
            payload["id"] = ids[row.key]
    if updates:
        Observation.objects.bulk_update(
            [obs for _row, obs in updates],
            [
                *_VALUE_FIELDS,
                "kind",
                "citation",
                "evidence_url",
                "note",
                *(f"note_{code}" for code in ("en", "zh_hans", "ru")),
                "source",
                "batch",
                "status",
                "updated_by",
                "version",
                "revision_reason",
                "updated_at",
            ],
            batch_size=2000,
        )
    through = Observation.countries.through
    members = {payload["id"]: row.value.countries for row, payload in creates if row.value.countries}
    members |= {obs.pk: row.value.countries for row, obs in updates}
    if members:
        through.objects.filter(observation_id__in=[pk for pk, _codes in members.items()]).delete()
        through.objects.bulk_create(
            [through(observation_id=pk, country_id=codes[code]) for pk, chosen in members.items() for code in chosen]
        )
    audit_many(
        actor=user,
        entries=[
            (
                audit_action or AuditEntry.Action.CREATE,
                Observation,
                payload,
                {},
                sorted(codes[c] for c in row.value.countries),
            )
            for row, payload in creates
        ]
        + [
            (
                audit_action or AuditEntry.Action.UPDATE,
                Observation,
                obs,
                befores[obs.pk],
                sorted(codes[c] for c in row.value.countries),
            )
            for row, obs in updates
        ],
        indicator_of={row.part_id: row.indicator_id for row in rows},
        reason=reason,
    )
    written_ids = [payload["id"] for _row, payload in creates] + [obs.pk for _row, obs in updates]
    refs = {payload["id"]: row.ref for row, payload in creates} | {obs.pk: row.ref for row, obs in updates}
    if fetch and (written_ids or fresh_ids):
        fresh_refs = dict(
            zip(
                zip(table["part_id"], table["country_id"], table["year"], table["breakdown"], strict=True),
                table["ref"],
                strict=True,
            )
        )
        for obs in Observation.objects.filter(pk__in=written_ids + fresh_ids).prefetch_related("countries"):
            out.observations[refs[obs.pk] if obs.pk in refs else fresh_refs[obs.cell]] = obs
    out.created, out.changed = len(creates) + len(table), len(updates)
    written = [
        Written.Cell(part_id=row.part_id, country_id=row.country_id, year=row.year, author_id=actor_id)
        for row, _x in [*creates, *updates]
    ] + [
        Written.Cell(part_id=part_id, country_id=country_id, year=year, author_id=actor_id)
        for part_id, country_id, year in zip(table["part_id"], table["country_id"], table["year"], strict=True)
    ]
    if status == Observation.Status.SUBMITTED and written:
        notifications.notify_submitted(written)
    if status == Observation.Status.APPROVED and written and recompute:
        after_approval(written)
    if written and recompute:
        quality_request(part_ids=sorted({cell.part_id for cell in written}))
    return out


def _checked_table(rows: list[CheckedEntry]) -> pd.DataFrame:
    return pd.DataFrame(
        {name: pd.Series([getattr(row, name) for row in rows], dtype=object) for name in CHECKED_COLUMNS}
    )


_STAGING_COLUMNS = (
    "part_id bigint, country_id bigint, year smallint, breakdown varchar(200), value_type varchar(12),"
    " availability varchar(14),"
    " value_number numeric(20, 6), value_boolean boolean, value_text varchar(40), qualifier varchar(2),"
    " kind varchar(12), citation varchar(500), evidence_url varchar(500), note text, note_en text,"
    " note_zh_hans text, note_ru text, position integer"
)
# The new values, then their audit entries, in one statement. The state and changes are what
# workflow.audit records of a creation (audit_sql).
_INSERT_FRESH = """
WITH new AS (
    INSERT INTO indicators_observation (
        value_type, value_number, value_boolean, value_text, qualifier, year, breakdown, availability, kind, status,
        note, note_en, note_zh_hans, note_ru, version, created_at, updated_at, country_id, created_by_id,
        part_id, source_id, citation, evidence_url, review_comment, reviewed_at, reviewed_by_id,
        revision_reason, updated_by_id, batch
    )
    SELECT s.value_type, s.value_number, s.value_boolean, s.value_text, s.qualifier, s.year, s.breakdown,
        s.availability,
        s.kind, %(status)s, s.note, s.note_en, s.note_zh_hans, s.note_ru, 1, %(now)s, %(now)s, s.country_id,
        %(actor)s, s.part_id, %(source)s, s.citation, s.evidence_url, '', NULL, NULL, '', %(actor)s, %(batch)s
    FROM entry_staging s ORDER BY s.position
    RETURNING *
)
INSERT INTO workflow_auditentry (
    at, action, object_id, object_repr, changes, state, reason, actor_id, content_type_id, indicator_id
)
SELECT %(now)s, %(action)s, new.id, 'observation ' || new.id, {changes}, {state}, %(reason)s, %(actor)s,
    %(content_type)s, part.indicator_id
FROM new JOIN indicators_indicatorpart part ON part.id = new.part_id
RETURNING object_id
"""


def _insert_fresh(
    table: pd.DataFrame, *, status, actor_id, now, reason, source, batch, language_suffix, audit_action
) -> list[int]:
    """New values for cells that hold none, as one set: COPY into a staging table, then one
    INSERT of the values and their audit entries (PostgreSQL). Returns their ids."""
    if table.empty:
        return []
    from django.contrib.contenttypes.models import ContentType

    from workflow.audit import audit_sql

    def notes(note) -> tuple:
        if isinstance(note, dict):
            texts = {name: note.get(name) for name in NOTE_FIELDS}
            return (note.get("note_en", ""), texts["note_en"], texts["note_zh_hans"], texts["note_ru"])
        if note is None:
            return ("", None, None, None)
        given = {f"note_{code}": None for code in ("en", "zh_hans", "ru")} | {f"note_{language_suffix}": note}
        return (note, given["note_en"], given["note_zh_hans"], given["note_ru"])

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS entry_staging")
            cursor.execute(f"CREATE TEMPORARY TABLE entry_staging ({_STAGING_COLUMNS}) ON COMMIT DROP")
            with cursor.copy("COPY entry_staging FROM STDIN") as copy:
                for position, (part_id, country_id, year, breakdown, value, kind, citation, url, note) in enumerate(
                    zip(
                        *(
                            table[c]
                            for c in (
                                "part_id",
                                "country_id",
                                "year",
                                "breakdown",
                                "value",
                                "kind",
                                "citation",
                                "evidence_url",
                            )
                        ),
                        table["note"],
                        strict=True,
                    )
                ):
                    copy.write_row(
                        (
                            part_id,
                            country_id,
                            year,
                            breakdown,
                            value.value_type,
                            value.availability,
                            value.value_number,
                            value.value_boolean,
                            value.value_text,
                            value.qualifier,
                            kind,
                            citation or "",
                            url or "",
                            *notes(note),
                            position,
                        )
                    )
            state, changes = audit_sql(Observation, "new")
            cursor.execute(
                _INSERT_FRESH.format(state=state, changes=changes),
                {
                    "status": status,
                    "now": now,
                    "actor": actor_id,
                    "source": source.pk if source is not None else None,
                    "batch": batch,
                    "action": audit_action,
                    "reason": reason,
                    "content_type": ContentType.objects.get_for_model(Observation).pk,
                },
            )
            ids = [pk for (pk,) in cursor.fetchall()]
    except (IntegrityError, pg_errors.IntegrityError):
        raise EntryErrors(
            [
                (
                    ref,
                    "value",
                    ConflictError(
                        theirs=_("a value entered at the same moment"), mine=format_value(value), by=_("someone else")
                    ).messages[0],
                )
                for ref, value in zip(table["ref"], table["value"], strict=True)
            ]
        ) from None
    return ids


def quality_request(*, part_ids: list[int]) -> None:
    """The data-quality checks of the parts just written run once the write is committed (a
    worker's job; at once in `make run`)."""
    from progress.tasks import quality_check

    transaction.on_commit(lambda: quality_check.delay(part_ids))
