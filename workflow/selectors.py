"""Reads for the workflow pages, each in a fixed number of queries, with the permission check
inside (workflow.permissions.Access)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from clusters.models import Country
from indicators.breakdown import breakdown_key, breakdown_label, breakdown_parse
from indicators.display import format_value
from indicators.expected import cell_states, expected_places, members_by_year, parts_of
from indicators.models import (
    Availability,
    Baseline,
    Category,
    Indicator,
    IndicatorPart,
    Milestone,
    Observation,
    ReportingYear,
)
from progress.quality import findings_for_values
from workflow.models import AuditEntry, Comment, Narrative
from workflow.permissions import Access, narrative_separation_problem

PENDING = ("draft", "submitted", "returned")


@dataclass
class Cell:
    part: IndicatorPart
    country: Country | None
    current: Observation | None = None  # the working copy, if any
    approved: Observation | None = None
    last_year: Observation | None = None
    can_enter: bool = False
    can_review: bool = False
    error: str = ""
    entered: dict = field(default_factory=dict)
    breakdown: str = ""  # the categories' key (indicators.breakdown); empty: the total
    label: str = ""  # the categories' names in the user's language
    categories: list["Cell"] = field(default_factory=list)  # a total's cells of its categories

    @property
    def key(self) -> str:
        place = f"{self.part.pk}-{self.country.pk if self.country else 'R'}"
        return f"{place}-{self.breakdown}" if self.breakdown else place

    @property
    def shown(self) -> Observation | None:
        return self.current or self.approved

    @property
    def typed(self) -> str:
        """The value as the input shows it, to be read back unchanged by the one way in: what was
        typed, else the value (N/A where it is not available, whatever the language)."""
        if self.entered:
            return self.entered["value"]
        shown = self.shown
        if shown is None:
            return ""
        if shown.availability == Availability.NOT_AVAILABLE:
            return "N/A"
        return format_value(shown)

    @property
    def flag(self) -> str:
        """The observation status the select shows: what was chosen, else the value's."""
        return self.entered.get("kind") or (self.shown.kind if self.shown else Observation.Kind.ACTUAL)

    @property
    def note(self) -> str:
        if "note" in self.entered:
            return self.entered["note"]
        return (self.shown.note or "") if self.shown else ""

    @property
    def categories_open(self) -> bool:
        """The categories unfold where one of them needs the user: an error to correct."""
        return any(cell.error for cell in self.categories)

    @property
    def categories_given(self) -> int:
        return sum(cell.shown is not None for cell in self.categories)


def indicator_for_user(*, user, slug: str) -> Indicator:
    indicator = Indicator.objects.select_related("result__sector__cluster").filter(code=slug.replace("-", " ")).first()
    if indicator is None:
        raise Http404
    return indicator


def entry_grid(*, user, indicator: Indicator, year: int) -> dict:
    """The cells of an indicator's parts measured in the year (the framework version in force
    then: a revision retires parts and adds others from a year on), with the baseline and
    milestones governing the year. Raises ValidationError for an indicator with no part measured
    that year (retired, or added from a later year): it is not offered for that year."""
    access = Access(user)
    sector_id = indicator.result.sector_id
    if not (access.is_secretariat or access.covers_sector(sector_id)):
        raise PermissionDenied(_("You may not enter values for this sector."))
    parts = list(
        IndicatorPart.objects.in_force(year)
        .filter(indicator=indicator)
        .select_related("unit")
        .annotate(broken_down=Exists(IndicatorPart.dimensions.through.objects.filter(indicatorpart=OuterRef("pk"))))
        .prefetch_related(
            "scale",
            Prefetch("baselines", queryset=Baseline.objects.in_force(year), to_attr="current_baselines"),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.in_force(year).order_by("year"),
                to_attr="current_milestones",
            ),
        )
        .order_by("order")
    )
    if not parts:
        raise ValidationError(
            _("%(indicator)s is not measured in %(year)s under the framework version in force that year.")
            % {"indicator": indicator.code, "year": year},
            code="not_measured",
        )
    countries = list(Country.objects.members_in(year).order_by("order"))  # the one way in refuses the others
    # this year's values, and the last approved value of any earlier year (ordered by year, so
    # the latest one stays)
    observations = (
        Observation.objects.filter(part__in=parts, year__lte=year)
        .filter(access.observation_filter())
        .exclude(status="superseded")
        .exclude(~Q(year=year) & ~Q(status="approved"))
        .prefetch_related("countries")
        .order_by("year")
    )
    by_key: dict[tuple, dict[str, Observation]] = {}
    for obs in observations:
        slot = "last_year" if obs.year < year else ("approved" if obs.status == "approved" else "current")
        by_key.setdefault((obs.part_id, obs.country_id, obs.breakdown), {})[slot] = obs
    category_rows = _category_rows([part for part in parts if part.broken_down], by_key)
    rows = []
    for part in parts:
        places = [None] if part.aggregation == IndicatorPart.Aggregation.REGION_ONLY else [None, *countries]
        part.baseline = part.current_baselines[0] if part.current_baselines else None
        for country in places:
            country_id = country.pk if country else None
            rights = {
                "can_enter": access.can_enter(sector_id, country_id),
                "can_review": access.can_review(sector_id, country_id),
            }
            total = _grid_cell(part, country, "", "", by_key, rights)
            total.categories = [
                _grid_cell(part, country, key, label, by_key, rights) for key, label in category_rows.get(part.pk, [])
            ]
            rows.append(total)
    cells = [cell for total in rows for cell in (total, *total.categories)]
    # what looks odd about this year's values (progress.quality): one query for the whole grid,
    # two more where categories must add up to their total
    parts_by_id = {part.pk: part for part in parts}
    shown = [cell.shown for cell in cells if cell.shown is not None]
    for obs in shown:
        obs.part = parts_by_id[obs.part_id]
    findings_for_values(shown)
    reporting = ReportingYear.objects.filter(year=year).first()
    return {
        "indicator": indicator,
        "year": year,
        "rows": rows,
        "cells": cells,
        "reviewable": [c for c in cells if c.can_review and c.current and c.current.status == "submitted"],
        "countries": countries,
        "reporting": reporting,
        "access": access,
        "kinds": Observation.Kind.choices,
    }


def grid_cells_not_measured(*, user, indicator: Indicator, year: int, keys, countries) -> list[Cell]:
    """The cells that a grid page loaded before a framework revision retired their part for the
    year (their keys posted back): the one way in refuses them with its reason rather than the
    values being dropped unsaid. One query, none when every key is a cell of the page."""
    wanted: dict[int, list[tuple[str, str]]] = {}
    for key in keys:
        part_id, _sep, rest = key.partition("-")
        place, _sep, breakdown = rest.partition("-")
        if part_id.isascii() and part_id.isdigit():
            wanted.setdefault(int(part_id), []).append((place, breakdown))
    if not wanted:
        return []
    access = Access(user)
    by_pk = {str(country.pk): country for country in countries}
    cells = []
    for part in (
        IndicatorPart.objects.filter(indicator=indicator, pk__in=wanted)
        .exclude(pk__in=IndicatorPart.objects.in_force(year))
        .select_related("indicator")
    ):
        for place, breakdown in wanted[part.pk]:
            country = by_pk.get(place)
            if country is None and place != "R":
                continue
            country_id = country.pk if country else None
            cells.append(
                Cell(
                    part=part,
                    country=country,
                    breakdown=breakdown,
                    can_enter=access.can_enter(indicator.result.sector_id, country_id),
                )
            )
    return cells


def _grid_cell(part, country, key: str, label: str, by_key: dict, rights: dict) -> Cell:
    found = by_key.get((part.pk, country.pk if country else None, key), {})
    return Cell(
        part=part,
        country=country,
        current=found.get("current"),
        approved=found.get("approved"),
        last_year=found.get("last_year"),
        breakdown=key,
        label=label,
        **rights,
    )


def _category_rows(parts: list[IndicatorPart], by_key: dict) -> dict[int, list[tuple[str, str]]]:
    """The rows of categories under each total of the parts broken down: one per category of
    each dimension, in the code lists' order, then any combination of categories that a value
    already has (AGE=Y_LT25;SEX=F, from a file), as (key, names in the user's language). One
    query, none when no part is broken down."""
    if not parts:
        return {}
    names: dict[tuple[str, str], str] = {}
    rows: dict[int, list[tuple[str, str]]] = {}
    for category in (
        Category.objects.filter(dimension__parts__in=parts)
        .annotate(part_pk=F("dimension__parts"))
        .select_related("dimension")
        .order_by("dimension__order", "dimension__code", "order", "code")
    ):
        names[(category.dimension.code, category.code)] = category.name
        rows.setdefault(category.part_pk, []).append(
            (breakdown_key({category.dimension.code: category.code}), category.name)
        )
    listed = {(part_id, key) for part_id, part_rows in rows.items() for key, _label in part_rows}
    for part_id, _country_id, key in sorted(by_key, key=lambda k: k[2]):
        if key and part_id in rows and (part_id, key) not in listed:
            listed.add((part_id, key))
            rows[part_id].append((key, breakdown_label(key, names)))
    return rows


def my_work(*, user) -> dict:
    """What waits for this user: values to review, values returned to them, drafts to submit,
    and the indicators of their sectors in open years."""
    access = Access(user)
    visible = Observation.objects.filter(access.observation_filter())
    review_scope = Q(pk__in=[])
    for sector_id, country_id in access.assignments:
        scope = Q(part__indicator__result__sector_id=sector_id)
        if country_id is not None:
            scope &= Q(country_id=country_id)
        review_scope |= scope
    to_review = (
        visible.filter(review_scope, status="submitted")
        .select_related("part__indicator", "part__unit", "country", "created_by")
        .prefetch_related("attachments")
        .order_by("part__indicator__code", "year")
    )
    if settings.SEPARATION_OF_DUTIES:  # one's own entries wait for someone else
        to_review = to_review.exclude(created_by=user).exclude(updated_by=user)
    mine = visible.filter(Q(created_by=user) | Q(updated_by=user))
    returned = mine.filter(status="returned").select_related("part__indicator", "country", "reviewed_by")
    drafts = mine.filter(status="draft").select_related("part__indicator", "country")
    open_years = list(ReportingYear.objects.filter(status=ReportingYear.Status.OPEN).order_by("year"))
    indicators = Indicator.objects.select_related("result__sector").order_by(
        "result__sector__cluster__number", "result__sector__order", "result__order", "order"
    )
    if not access.is_secretariat:
        indicators = indicators.filter(result__sector_id__in=[s for s, _c in access.assignments])
    to_enter = _to_enter(list(indicators.select_related("result__sector")), open_years)
    to_review, returned, drafts = list(to_review), list(returned), list(drafts)
    review_context(to_review)
    _label_categories(to_review, returned, drafts)
    narratives = Narrative.objects.select_related("indicator", "updated_by", "reviewed_by").order_by(
        "indicator__code", "year"
    )
    narratives_to_review = narratives.filter(
        status=Narrative.Status.SUBMITTED,
        indicator__result__sector_id__in=[s for s, c in access.assignments if c is None],
    )
    if settings.SEPARATION_OF_DUTIES:
        narratives_to_review = narratives_to_review.exclude(updated_by=user)
    own_narratives = list(
        narratives.filter(updated_by=user, status__in=[Narrative.Status.DRAFT, Narrative.Status.RETURNED])
    )
    groups: dict[tuple, list] = {}
    batches: dict[str, int] = {}
    for observation in to_review:
        groups.setdefault((observation.part.indicator, observation.year), []).append(observation)
        if observation.batch.startswith("upload:"):
            batches[observation.batch] = batches.get(observation.batch, 0) + 1
    return {
        "to_review": to_review,
        "review_groups": [(indicator, year, len(values)) for (indicator, year), values in groups.items()],
        "review_uploads": [(int(batch.split(":")[1]), count) for batch, count in sorted(batches.items())],
        "returned": returned,
        "drafts": drafts,
        "narratives_to_review": list(narratives_to_review),
        "narratives_returned": [n for n in own_narratives if n.status == Narrative.Status.RETURNED],
        "narrative_drafts": [n for n in own_narratives if n.status == Narrative.Status.DRAFT],
        "to_enter": to_enter,
        "open_years": open_years,
        "access": access,
        "quality_sectors": quality_sectors(access) if access.is_secretariat or access.assignments else [],
    }


def breakdown_labels(keys) -> dict[str, str]:
    """The names of the categories of each key, in the user's language ("Female"; "Under 25,
    Female"); the total's empty key is left out. One query, none without categories."""
    wanted = {pair for key in keys if key for pair in breakdown_parse(key).items()}
    if not wanted:
        return {}
    names = {
        (category.dimension.code, category.code): category.name
        for category in Category.objects.filter(
            dimension__code__in={d for d, _c in wanted}, code__in={c for _d, c in wanted}
        ).select_related("dimension")
    }
    return {key: breakdown_label(key, names) for key in set(keys) if key}


def _label_categories(*lists) -> None:
    """Give each value of the lists its categories' names (observation.categories_label)."""
    values = [o for values in lists for o in values]
    labels = breakdown_labels({o.breakdown for o in values})
    for o in values:
        o.categories_label = labels.get(o.breakdown, "")


@dataclass
class ToEnter:
    indicator: Indicator
    year: ReportingYear
    missing: int
    expected: int


def _to_enter(indicators: list[Indicator], open_years: list[ReportingYear]) -> list[tuple[object, list[ToEnter]]]:
    """The indicator-years of the open years that still miss values, grouped by sector, with how
    many of the expected values (indicators.expected) are missing. A part counts in the years it
    is measured (a framework revision retires parts and adds others from a year on), so that an
    indicator with no part measured in a year is not offered for it. Three queries: the parts,
    the members, the cells that have a value."""
    if not open_years or not indicators:
        return []
    parts = parts_of(Q(indicator__in=indicators))
    years = [y.year for y in open_years]
    members = members_by_year(years)
    filled = cell_states(years, part_ids=[p.pk for p in parts])
    expected: dict[tuple[int, int], int] = {}
    missing: dict[tuple[int, int], int] = {}
    for year in years:
        for part in parts:
            places = expected_places(part, year, members[year])
            if not places:
                continue
            key = (part.indicator_id, year)
            expected[key] = expected.get(key, 0) + len(places)
            missing[key] = missing.get(key, 0) + sum((part.pk, place, year) not in filled for place in places)
    by_sector: dict[int, tuple[object, list[ToEnter]]] = {}
    for year in open_years:
        for indicator in indicators:
            gap = missing.get((indicator.pk, year.year), 0)
            if gap > 0:
                sector = indicator.result.sector
                by_sector.setdefault(sector.pk, (sector, []))[1].append(
                    ToEnter(indicator, year, gap, expected[(indicator.pk, year.year)])
                )
    return list(by_sector.values())


@dataclass
class ReviewContext:
    """What a reviewer needs beside a value: where it started, where it was, where it should go,
    and what looks odd about it (progress.quality)."""

    baseline: Baseline | None = None
    previous: tuple[int, float] | None = None  # the last approved value before this year
    milestone: Milestone | None = None  # the next milestone from this year on
    sparkline: str = ""  # SVG points of the approved values, oldest first
    findings: list = field(default_factory=list)


def review_context(observations: list[Observation]) -> None:
    """Give each value under review its context (observation.context), in three queries for the
    whole queue: baselines, milestones and the approved history of the same parts."""
    part_ids = {o.part_id for o in observations}
    if not part_ids:
        return
    baselines = {b.part_id: b for b in Baseline.objects.filter(part_id__in=part_ids, is_current=True)}
    milestones: dict[int, list[Milestone]] = {}
    for m in Milestone.objects.filter(part_id__in=part_ids, is_current=True).order_by("year"):
        if m.is_set:
            milestones.setdefault(m.part_id, []).append(m)
    findings_for_values(observations)
    for o in observations:
        points = o.approved_history
        o.context = ReviewContext(
            baseline=baselines.get(o.part_id),
            previous=points[-1] if points else None,
            milestone=next((m for m in milestones.get(o.part_id, []) if m.year >= o.year), None),
            sparkline=_sparkline([v for _y, v in points[-8:]] + ([float(o.value_number)] if o.value_number else [])),
            findings=o.findings,
        )


def _sparkline(values: list[float], width: int = 80, height: int = 20) -> str:
    """Points of an SVG polyline through the values, scaled to the box (empty for fewer than 2)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in enumerate(values))


def indicator_year(*, user, indicator: Indicator, year: int) -> dict:
    access = Access(user)
    sector_id = indicator.result.sector_id
    if not access.can_comment(sector_id):
        raise PermissionDenied(_("Only the secretariat and this sector's focal points may see this page."))
    narrative = (
        Narrative.objects.filter(indicator=indicator, year=year).select_related("updated_by", "reviewed_by").first()
    )
    can_approve = access.can_approve_narrative(sector_id)
    submitted = narrative is not None and narrative.status == Narrative.Status.SUBMITTED
    blocked = narrative_separation_problem(user, narrative) if narrative is not None else None
    return {
        "indicator": indicator,
        "year": year,
        "access": access,
        "narrative": narrative,
        "narrative_texts": [
            (code, get_language_info(code)["name_translated"], getattr(narrative, f"text_{code.replace('-', '_')}"))
            for code, _name in settings.LANGUAGES
        ]
        if narrative
        else [],
        "comments": list(Comment.objects.filter(indicator=indicator, year=year).select_related("author")),
        "can_write": access.can_write_narrative(sector_id),
        "can_approve": can_approve,
        "can_review_narrative": can_approve and submitted and not blocked,
        "review_blocked": blocked if can_approve and submitted else "",
    }


def indicator_history(*, user, indicator: Indicator) -> dict:
    access = Access(user)
    if not (access.is_secretariat or access.covers_sector(indicator.result.sector_id)):
        raise PermissionDenied(_("You may not see the history of this indicator."))
    entries = list(AuditEntry.objects.filter(indicator=indicator).select_related("actor", "content_type")[:500])
    readable_changes(entries)
    return {"indicator": indicator, "entries": entries, "can_restore": access.can_manage()}


# Bookkeeping that says nothing to a reader of the history.
_UNREAD = {"version", "updated_at", "created_at", "reviewed_at", "recorded_at", "value_type", "batch"}


def readable_changes(entries: list[AuditEntry]) -> None:
    """Each entry's changes as a person reads them, in the reader's language: field labels, names
    of people and places, status labels, yes/no, numbers without trailing zeros (entry.readable:
    (label, old, new) rows). A fixed number of queries for the whole page."""
    from django.contrib.auth import get_user_model

    user_ids, country_ids, part_ids = set(), set(), set()
    for entry in entries:
        state = entry.state or {}
        if isinstance(state.get("part_id"), int):
            part_ids.add(state["part_id"])
        if isinstance(state.get("country_id"), int):
            country_ids.add(state["country_id"])
        for name, pair in entry.changes.items():
            target = {"part_id": part_ids, "country_id": country_ids}.get(name)
            if name.endswith("_by_id"):
                target = user_ids
            if target is not None:
                target.update(v for v in pair if isinstance(v, int))
    people = {u.pk: (u.get_full_name() or u.username) for u in get_user_model().objects.filter(pk__in=user_ids)}
    places = dict(Country.objects.filter(pk__in=country_ids).values_list("pk", "name"))
    parts = dict(IndicatorPart.objects.filter(pk__in=part_ids).values_list("pk", "name"))
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        state = entry.state or {}
        entry.subject = ""
        if "part_id" in state and "year" in state:  # a value: which part, place and year
            place = places.get(state.get("country_id")) if state.get("country_id") else _("region")
            entry.subject = f"{parts.get(state['part_id'], '')} · {place} · {state['year']}"
        rows = []
        for name, (old, new) in sorted(entry.changes.items()):
            if name in _UNREAD or model is None:
                continue
            field = _field(model, name)
            if field is None:
                continue
            rows.append(
                (str(field.verbose_name), *(_readable(field, name, v, people, places, parts) for v in (old, new)))
            )
        entry.readable = rows


def _field(model, name: str):
    for candidate in (name, name[:-3] if name.endswith("_id") else None):
        if candidate is None:
            continue
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:  # not a field of the model (an older shape): left out
            continue
    return None


def _readable(field, name: str, value, people, places, parts) -> str:
    from decimal import Decimal, InvalidOperation

    from django.utils.formats import number_format

    if value in (None, "", []):
        return "—"
    if name.endswith("_by_id"):
        return people.get(value, str(value))
    if name == "country_id":
        return places.get(value, str(value))
    if name == "part_id":
        return parts.get(value, str(value))
    if name == "countries" and isinstance(value, list):
        return ", ".join(places.get(v, str(v)) for v in value) if places else str(len(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, str) and field.get_internal_type() == "DecimalField":
        try:
            return number_format(Decimal(value).normalize(), use_l10n=True)
        except InvalidOperation:
            return value
    return str(value)


def quality_page(*, user, sector, show_followed_up: bool) -> dict:
    """A sector's data-quality warnings, grouped by check, the open ones first: two queries."""
    from progress.models import QualityWarning

    access = Access(user)
    if not access.can_comment(sector.pk):
        raise PermissionDenied(_("Only the secretariat and this sector's focal points may see this page."))
    warnings = (
        QualityWarning.objects.filter(part__indicator__result__sector=sector)
        .select_related("part__indicator", "part__unit", "country", "followed_up_by")
        .order_by("followed_up", "kind", "part__indicator__code", "part__order", "country__order", "year")
    )
    open_count = sum(1 for w in warnings if not w.followed_up)
    shown = [w for w in warnings if show_followed_up or not w.followed_up]
    groups: dict[str, list] = {}
    for warning in shown:
        groups.setdefault(warning.kind, []).append(warning)
    labels = dict(QualityWarning.Check.choices)
    return {
        "sector": sector,
        "groups": [(kind, labels[kind], items) for kind, items in groups.items()],
        "open_count": open_count,
        "followed_up_count": len(warnings) - open_count,
        "show_followed_up": show_followed_up,
        "can_run": True,
    }


def quality_sectors(access: Access) -> list:
    """The sectors whose data quality this user follows, with their open warnings: one query."""
    from django.db.models import Count

    from clusters.models import Sector

    sectors = Sector.objects.order_by("cluster__number", "order").annotate(
        open_warnings=Count(
            "results__indicators__parts__quality_warnings",
            filter=Q(results__indicators__parts__quality_warnings__followed_up=False),
        )
    )
    if not access.is_secretariat:
        sectors = sectors.filter(pk__in=[s for s, _c in access.assignments])
    return list(sectors)
