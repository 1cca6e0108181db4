"""Where a part's series comes from across endorsed versions, for the pages that draw it: the
earlier parts whose values continue a part born by a split or a merge, the stored values of a
rebased part on its new basis, and what became of a retired part or indicator. Drafts never
show: their lineage and retirements do not exist until endorsement, and only endorsed versions
are read here."""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import get_language

from carec_prf.translated import lang_suffix
from indicators.models import Indicator
from progress.engine import exact, shown
from versions.models import FrameworkVersion, PartLineage, Retirement

ENDORSED = FrameworkVersion.Status.ENDORSED
# The origins whose earlier values are another part's: they start a new series, so the first
# value of the version that made the part is a break.
CONTINUED_FROM_OTHERS = (PartLineage.Origin.SPLIT, PartLineage.Origin.MERGED)


@dataclass(frozen=True)
class Lineage:
    """How a version continued a part's series: split from one part, merged from several, or
    rebased (its own earlier values, kept as stored, the baseline re-set)."""

    version: str
    based_on: str | None  # the label of the version it revised, for "what changed"
    applies_from: int
    origin: str
    origin_label: str
    sources: tuple[int, ...]  # the earlier parts, in the order of their ids; the part itself for a rebase
    factor: Decimal | None = None
    offset: Decimal | None = None
    note: str = ""

    @property
    def breaks(self) -> bool:
        return self.origin in CONTINUED_FROM_OTHERS

    @property
    def rebases(self) -> bool:
        return self.origin == PartLineage.Origin.REBASED

    def on_new_basis(self, value: float) -> float:
        """A value stored before this version on the basis it set: value × factor + offset (a
        missing factor is 1, a missing offset 0), computed exactly on the decimal the value was
        written from, so that 21.5 × 1.1 shows 23.65 and not 23.650000000000002."""
        factor = Fraction(self.factor) if self.factor is not None else Fraction(1)
        offset = Fraction(self.offset) if self.offset is not None else Fraction(0)
        return shown(exact(value) * factor + offset)


@dataclass(frozen=True)
class Successor:
    part_id: int
    code: str
    name: str
    indicator_code: str
    indicator_id: int | None = None


@dataclass(frozen=True)
class Retired:
    """A part or indicator retired by an endorsed version, why, and where its series went."""

    version: str
    based_on: str | None
    applies_from: int
    fate: str
    fate_label: str
    reason: str
    successors: tuple[Successor, ...] = ()
    # what was retired: an indicator (part_code empty) or a part of indicator_code
    indicator_code: str = ""
    part_code: str = ""


@dataclass
class History:
    """The history across versions of one indicator and its parts, by part id. continues: the
    retirement each of its parts continues (a retired part or a retired indicator, this one's or
    another's, that names the part a successor); continued_by: for each earlier part of another
    indicator that a part here continues, the parts (of any indicator) whose series continue it."""

    retired: Retired | None = None
    parts_retired: dict[int, Retired] = field(default_factory=dict)
    lineages: dict[int, list[Lineage]] = field(default_factory=dict)
    continues: dict[int, tuple[Retired, ...]] = field(default_factory=dict)
    continued_by: dict[int, tuple[Successor, ...]] = field(default_factory=dict)

    def continued_from_others(self, part_id: int) -> list[Lineage]:
        """The lineages that bring another part's values into this part's series, oldest first."""
        return [lineage for lineage in self.lineages.get(part_id, []) if lineage.breaks]

    def rebased(self, part_id: int) -> list[Lineage]:
        """The lineages that put this part's own series on a new basis, oldest first."""
        return [lineage for lineage in self.lineages.get(part_id, []) if lineage.rebases]


def _in_language(row, prefix: str) -> str:
    """An annotated translated text in the active language, English where it has none."""
    suffix = lang_suffix(get_language() or settings.LANGUAGE_CODE)
    return getattr(row, f"{prefix}_{suffix}", "") or getattr(row, f"{prefix}_en", "") or ""


def lineage_sources(indicator: Indicator):
    """The ids of the earlier parts whose values the indicator's parts continue (by a split, a
    merge or a rebase, in an endorsed version), of this indicator or another: a subquery, for the
    page's reads of parts and values to take them in without a query of their own."""
    through = PartLineage.sources.through
    return (
        through.objects.filter(partlineage__part__indicator=indicator, partlineage__version__status=ENDORSED)
        .exclude(partlineage__origin=PartLineage.Origin.SAME)
        .values("indicatorpart_id")
    )


def _lineages(indicator: Indicator) -> tuple[dict[int, list[Lineage]], dict[int, tuple[Successor, ...]]]:
    """One query: a row per (lineage, earlier part), for the lineages of the indicator's parts and
    for every lineage that continues one of their earlier parts (what else a part of another
    indicator went into, for its note). A part new in a version has no earlier part and a part
    that kept its series has nothing to say, so neither is read."""
    through = PartLineage.sources.through
    rows = (
        through.objects.filter(partlineage__version__status=ENDORSED)
        .filter(Q(partlineage__part__indicator=indicator) | Q(indicatorpart_id__in=lineage_sources(indicator)))
        .exclude(partlineage__origin=PartLineage.Origin.SAME)
        .select_related("partlineage__version__based_on", "partlineage__part__indicator", "indicatorpart")
        .order_by(
            "partlineage__version__applies_from",
            "partlineage__part__indicator__code",
            "partlineage__part__order",
            "partlineage_id",
            "indicatorpart_id",
        )
    )
    found: dict[int, tuple[PartLineage, list[int]]] = {}
    continued_by: dict[int, list[Successor]] = {}
    for row in rows:
        found.setdefault(row.partlineage_id, (row.partlineage, []))[1].append(row.indicatorpart_id)
        part = row.partlineage.part
        if row.indicatorpart.indicator_id != indicator.pk:
            continued_by.setdefault(row.indicatorpart_id, []).append(
                Successor(part.pk, part.code, part.name, part.indicator.code, part.indicator_id)
            )
    by_part: dict[int, list[Lineage]] = {}
    for lineage, sources in found.values():
        if lineage.part.indicator_id != indicator.pk:
            continue  # read only for continued_by
        version = lineage.version
        by_part.setdefault(lineage.part_id, []).append(
            Lineage(
                version=version.label,
                based_on=version.based_on.label if version.based_on else None,
                applies_from=version.applies_from,
                origin=lineage.origin,
                origin_label=str(PartLineage.Origin(lineage.origin).label),
                sources=tuple(sources),
                factor=lineage.factor,
                offset=lineage.offset,
                note=lineage.note or "",
            )
        )
    return by_part, {pk: tuple(successors) for pk, successors in continued_by.items()}


def _retirements(
    indicator: Indicator,
) -> tuple[Retired | None, dict[int, Retired], dict[int, tuple[Retired, ...]]]:
    """One query: a row per (retirement, successor), the successors' names in every language, for
    the retirements of the indicator and its parts and those that name one of its parts a
    successor (the retired indicator a part of a split or a merge of indicators continues). The
    successors come grouped by indicator, in the order of its parts."""
    names = {
        f"successor_name_{lang_suffix(code)}": F(f"successors__name_{lang_suffix(code)}")
        for code, _ in settings.LANGUAGES
    }
    continuing = Retirement.successors.through.objects.filter(indicatorpart__indicator=indicator)
    rows = (
        Retirement.objects.filter(version__status=ENDORSED)
        .filter(Q(indicator=indicator) | Q(part__indicator=indicator) | Q(pk__in=continuing.values("retirement_id")))
        .select_related("version__based_on", "change", "indicator", "part__indicator")
        .annotate(
            successor_id=F("successors"),
            successor_code=F("successors__code"),
            successor_indicator=F("successors__indicator__code"),
            successor_indicator_id=F("successors__indicator_id"),
            **names,
        )
        .order_by("pk", "successors__indicator__code", "successors__order", "successors__code")
    )
    found: dict[int, tuple[Retirement, list[Successor]]] = {}
    for row in rows:
        _retirement, successors = found.setdefault(row.pk, (row, []))
        if row.successor_id is not None:
            successors.append(
                Successor(
                    row.successor_id,
                    row.successor_code,
                    _in_language(row, "successor_name"),
                    row.successor_indicator,
                    row.successor_indicator_id,
                )
            )
    indicator_retired, parts, continues = None, {}, {}  # continues: by successor, in the order of the retirements
    for retirement, successors in found.values():
        version = retirement.version
        retired = Retired(
            version=version.label,
            based_on=version.based_on.label if version.based_on else None,
            applies_from=version.applies_from,
            fate=retirement.fate,
            fate_label=str(Retirement.Fate(retirement.fate).label),
            reason=retirement.change.reason or "",
            successors=tuple(successors),
            indicator_code=(retirement.indicator or retirement.part.indicator).code,
            part_code=retirement.part.code if retirement.part_id else "",
        )
        if retirement.part_id is None and retirement.indicator_id == indicator.pk:
            indicator_retired = retired
        elif retirement.part_id is not None and retirement.part.indicator_id == indicator.pk:
            parts[retirement.part_id] = retired
        for successor in successors:
            if successor.indicator_id == indicator.pk:
                continues[successor.part_id] = (*continues.get(successor.part_id, ()), retired)
    return indicator_retired, parts, continues


def indicator_history(indicator: Indicator) -> History:
    """What the endorsed versions did to an indicator and its parts, in two queries whatever its
    history: where each part's series comes from (of this indicator or another), and what became
    of what they retired."""
    retired, parts_retired, continues = _retirements(indicator)
    lineages, continued_by = _lineages(indicator)
    return History(
        retired=retired,
        parts_retired=parts_retired,
        lineages=lineages,
        continues=continues,
        continued_by=continued_by,
    )


def indicator_retired_in() -> Subquery:
    """The label of the endorsed version that retired an indicator (None if in force), for a list
    to annotate without a query of its own: Indicator.objects.annotate(retired_in=...)."""
    retired = Retirement.objects.filter(indicator=OuterRef("pk"), version__status=ENDORSED)
    return Subquery(retired.values("version__label")[:1])
