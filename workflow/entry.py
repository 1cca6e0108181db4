"""The one way in for observations. The entry grid, the bulk upload, the REST API and the loader of
published figures all describe each value as an Entry (codes and raw values, as the user gave
them), and all go through the same two steps:

- entries_check: every rule, stated once (the parts and countries exist, a region-only part is
  reported for the region, the country was a member that year, the year is one of the framework's
  and open for entry, the user may enter it, the value reads as its type in the user's language,
  lies in the unit's plausible range and fits the database column, the texts fit their columns).
  Every problem comes back with the entry's reference (a row, a cell) and its column, in the
  active language; nothing is written.
- entries_write: writes the checked rows in one transaction with optimistic versions, revision
  reasons, one audit shape (a full snapshot, which restore understands) and one notification path.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg import errors as pg_errors

from carec_prf.bulk import insert_rows
from clusters.models import Country
from indicators.display import format_value
from indicators.models import (
    Availability,
    Baseline,
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

    def indicator_known(self, code: str) -> bool:
        return code in self.indicators


@dataclass(frozen=True)
class CheckedEntry:
    ref: object
    part_id: int
    indicator_id: int
    country_id: int | None
    year: int
    value: TypedValueFields
    kind: str
    citation: str | None
    evidence_url: str | None
    note: str | dict[str, str] | None
    revision_reason: str
    version: int | None
    force: bool = False

    @property
    def key(self) -> tuple[int, int | None, int]:
        return (self.part_id, self.country_id, self.year)


@dataclass
class Checked:
    rows: list[CheckedEntry] = field(default_factory=list)
    errors: list[tuple[object, str, str]] = field(default_factory=list)  # (ref, column, message)
    denied: set = field(default_factory=set)  # refs the user may not enter at all


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


def entries_check(entries: Iterable[Entry], facts: Facts, *, decimal_comma: bool, progress=None) -> Checked:
    """Check every entry against every rule; collect every problem. Writes nothing."""
    out = Checked()
    seen: dict[tuple, tuple[object, TypedValueFields]] = {}
    url_check = URLValidator(schemes=["http", "https"])
    known_countries = facts.countries.keys()
    for count, entry in enumerate(entries, start=1):
        if progress is not None and count % 2000 == 0:
            progress(count)
        problems: list[tuple[str, str]] = []
        indicator_code = str(entry.indicator or "").strip().upper()
        part_code = str(entry.part or "").strip().upper()
        facts_of_part = facts.parts.get((indicator_code, part_code))
        if facts_of_part is None:
            if not facts.indicator_known(indicator_code):
                problems.append(("indicator", _("Unknown indicator code “%(code)s”.") % {"code": entry.indicator}))
            else:
                problems.append(
                    (
                        "part",
                        _("Indicator %(indicator)s has no part “%(part)s”.")
                        % {"indicator": entry.indicator, "part": entry.part},
                    )
                )
        year = year_of(entry.year)
        if year is None:
            problems.append(("year", _("“%(value)s” is not a year.") % {"value": str(entry.year)[:40]}))
        else:
            wrong = check_year(year, facts)
            if wrong:
                problems.append(("year", wrong))
        country_code = str(entry.country or "").strip().upper()
        country_id, placed = None, country_code == REGION
        if not placed:
            known = facts.countries.get(country_code)
            if known is None:
                problems.append(
                    (
                        "country",
                        _("Unknown country “%(code)s”: use an ISO alpha-3 code or CAREC.")
                        % {"code": str(entry.country or "")[:40]},
                    )
                )
            else:
                country_id, first, last = known
                placed = True
                if facts_of_part is not None and facts_of_part.region_only:
                    problems.append(("country", _("This part is reported only for the whole region: use CAREC.")))
                elif year is not None and (year < first or (last is not None and year > last)):
                    problems.append(
                        (
                            "country",
                            _("%(country)s was not a CAREC member in %(year)s (member %(first)s–%(last)s).")
                            % {"country": country_code, "year": year, "first": first, "last": last or "…"},
                        )
                    )
        if (
            facts_of_part is not None
            and placed
            and not facts.system
            and not facts.can_enter(facts_of_part.sector_id, country_id)
        ):
            problems.append(("indicator", _("You may not enter values for this sector or country.")))
            out.denied.add(entry.ref)
        value = None
        if entry.availability not in (None, *Availability.values):
            problems.append(
                (
                    "availability",
                    _("“%(value)s” is not an availability (use value, not_applicable or not_available).")
                    % {"value": str(entry.availability)[:40]},
                )
            )
        elif facts_of_part is not None:
            try:
                value = read_value(
                    entry.value,
                    value_type=facts_of_part.value_type,
                    decimal_comma=decimal_comma,
                    qualifier=entry.qualifier or "",
                    availability=entry.availability,
                    countries=entry.countries,
                    scale_codes=facts_of_part.scale,
                    known_countries=known_countries,
                )
                if value.value_number is not None and facts_of_part.value_type != ValueType.COUNTRY_SET:
                    check_range(
                        value.value_number,
                        low=facts_of_part.min_value,
                        high=facts_of_part.max_value,
                        unit=facts_of_part.unit_label,
                    )
            except ValidationError as error:
                problems.append(("value", " ".join(error.messages)))
                value = None
        if entry.kind not in Observation.Kind.values:
            problems.append(("kind", _("Unknown kind “%(kind)s”.") % {"kind": str(entry.kind)[:40]}))
        for name, limit in _TEXT_LIMITS.items():
            text = getattr(entry, name)
            if isinstance(text, str) and len(text) > limit:
                problems.append(
                    (
                        name,
                        _("This text has %(length)s characters; at most %(limit)s are kept.")
                        % {"length": len(text), "limit": limit},
                    )
                )
        if entry.evidence_url:
            try:
                url_check(entry.evidence_url)
            except ValidationError:
                problems.append(("evidence_url", _("Enter a web address starting with http:// or https://.")))
        if not problems:
            key = (facts_of_part.id, country_id, year)
            if key in seen:
                first_ref, earlier = seen[key]
                message = (
                    _("Duplicate of row %(row)s.")
                    if earlier == value
                    else _("Conflicts with row %(row)s, which gives another value for the same part, place and year.")
                )
                problems.append(("value", message % {"row": first_ref}))
            else:
                seen[key] = (entry.ref, value)
        if problems:
            out.errors.extend((entry.ref, column, message) for column, message in problems)
        else:
            out.rows.append(
                CheckedEntry(
                    ref=entry.ref,
                    part_id=facts_of_part.id,
                    indicator_id=facts_of_part.indicator_id,
                    country_id=country_id,
                    year=year,
                    value=value,
                    kind=entry.kind,
                    citation=entry.citation,
                    evidence_url=entry.evidence_url,
                    note=entry.note,
                    revision_reason=(entry.revision_reason or "").strip(),
                    version=entry.version,
                    force=entry.force,
                )
            )
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
    if not rows:
        return out
    part_ids = {r.part_id for r in rows}
    years = {r.year for r in rows}
    existing: dict[tuple, dict[str, Observation]] = defaultdict(dict)
    for obs in (
        Observation.objects.filter(part_id__in=part_ids, year__in=years, status__in=[*PENDING, "approved"])
        .select_for_update(of=("self",))
        .select_related("created_by", "updated_by")
        .prefetch_related("countries")
    ):
        existing[(obs.part_id, obs.country_id, obs.year)]["pending" if obs.status in PENDING else "approved"] = obs
    codes = dict(Country.objects.values_list("code", "id"))
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
    creates, updates, befores = [], [], {}
    actor_id = user.pk if getattr(user, "is_authenticated", False) else None
    language_suffix = (translation.get_language() or "en").replace("-", "_")

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
            (p, c, y): pk
            for pk, p, c, y in Observation.objects.filter(part_id__in=part_ids, year__in=years, status=status)
            .order_by()
            .values_list("id", "part_id", "country_id", "year")
            if (p, c, y) in keys
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
    if fetch and written_ids:
        for obs in Observation.objects.filter(pk__in=written_ids).prefetch_related("countries"):
            out.observations[refs[obs.pk]] = obs
    out.created, out.changed = len(creates), len(updates)
    written = [
        Written.Cell(part_id=row.part_id, country_id=row.country_id, year=row.year, author_id=actor_id)
        for row, _x in [*creates, *updates]
    ]
    if status == Observation.Status.SUBMITTED and written:
        notifications.notify_submitted(written)
    if status == Observation.Status.APPROVED and written and recompute:
        after_approval(written)
    if written and recompute:
        quality_request(part_ids=sorted({cell.part_id for cell in written}))
    return out


def quality_request(*, part_ids: list[int]) -> None:
    """The data-quality checks of the parts just written run once the write is committed (a
    worker's job; at once in `make run`)."""
    from progress.tasks import quality_check

    transaction.on_commit(lambda: quality_check.delay(part_ids))
