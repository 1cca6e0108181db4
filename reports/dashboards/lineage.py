"""Series across versions on the public pages (versions.series): an earlier part's values drawn
before the break in the series of a part split or merged from it, a rebased part's own earlier
values drawn on its new basis, and what became of a retired part or indicator. Plain data in,
plain data out: the caller reads the history and the series."""

from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.display import format_number
from indicators.models import Indicator, IndicatorPart, Observation
from reports.dashboards import charts
from reports.dashboards.charts import EarlierSeries, Flag, PartSeries, YearValue
from reports.formatting import listed, number
from versions.models import PartLineage
from versions.series import History, Lineage, Retired


def _coded(indicator_code: str, code: str) -> str:
    """A part of another indicator than the page's, named with its indicator: "TRP OC 1 · RAIL_SWD"."""
    return _("%(indicator)s · %(code)s") % {"indicator": indicator_code, "code": code}


def _code(part, home: int | None) -> str:
    """The part's code as the page of indicator home names it: bare on its own indicator's page,
    with its indicator's code on another's (a part of an indicator split or merged into this one).
    Needs part.indicator for a part of another indicator."""
    return part.code if home is None or part.indicator_id == home else _coded(part.indicator.code, part.code)


def _part_named(part, home: int | None = None) -> str:
    return _("%(name)s (%(code)s)") % {"name": part.name, "code": _code(part, home)}


def _sources_text(lineage: Lineage, parts_by_id: dict[int, IndicatorPart], home: int | None = None) -> str:
    return listed([_part_named(parts_by_id[pk], home) for pk in lineage.sources if pk in parts_by_id])


def earlier_note(source, lineage: Lineage, into: list[str], home: int | None = None) -> Flag:
    """The footnote on the values of an earlier part's series in a table: whose values they are,
    and what the version made of that part (into: the codes of the parts that continue it)."""
    params = {"part": _part_named(source, home), "parts": listed(into)}
    if lineage.origin == PartLineage.Origin.MERGED:
        note = _("%(part)s, merged into %(parts)s") % params
    else:
        note = _("%(part)s, split into %(parts)s") % params
    return Flag(charts.EARLIER, _("Series before version %(version)s") % {"version": lineage.version}, note)


def _conversion(lineage: Lineage) -> str:
    """What a rebase did to the values, with its numbers as the reader's language writes them."""
    params = {
        "version": lineage.version,
        "factor": format_number(lineage.factor) if lineage.factor is not None else "",
        "offset": format_number(lineage.offset) if lineage.offset is not None else "",
    }
    if lineage.factor is not None and lineage.offset is not None:
        return _("multiplied by %(factor)s, plus %(offset)s, in version %(version)s") % params
    if lineage.factor is not None:
        return _("multiplied by %(factor)s in version %(version)s") % params
    return _("plus %(offset)s in version %(version)s") % params


def rebased_note(steps: list[Lineage]) -> Flag:
    """The footnote on the converted values of a rebased part in a table: the stored values (which
    the actual column keeps) and what each rebase since did to them, then the rebases' notes."""
    note = _("The values as stored (in the actual column), %(steps)s.") % {
        "steps": listed([_conversion(step) for step in steps])
    }
    for step in steps:
        if step.note:
            note = _("%(text)s %(note)s") % {"text": note, "note": step.note}
    return Flag(charts.EARLIER, _("Series before version %(version)s") % {"version": steps[0].version}, note)


def break_marked(
    actuals: list[YearValue], lineage: Lineage, sources: str, continues: tuple[str, ...] = ()
) -> list[YearValue]:
    """The part's values with the first one of the version that made it flagged as a break in
    series (a value reported as a break keeps its own flag): the line does not join the earlier
    series, and the footnote says why. continues: the codes of the indicators the version retired
    that the part continues (split or merged into the page's indicator from another)."""
    first = next((a for a in actuals if a.year >= lineage.applies_from), None)
    if first is None or (first.value.flag is not None and first.value.flag.kind == charts.BREAK):
        return actuals
    params = {"version": lineage.version, "parts": sources}
    if lineage.origin == PartLineage.Origin.MERGED:
        note = _("This part's series starts with version %(version)s; before it, the series merged into it: %(parts)s.")
    elif lineage.rebases:
        note = _(
            "This part's series is on a new basis from version %(version)s; before it, its values as stored, "
            "converted to the new basis."
        )
    else:
        note = _(
            "This part's series starts with version %(version)s; before it, the series it was split from: %(parts)s."
        )
    note %= params
    if continues:
        note = ngettext(
            "%(note)s It continues indicator %(indicators)s, retired in version %(version)s.",
            "%(note)s It continues indicators %(indicators)s, retired in version %(version)s.",
            len(continues),
        ) % {"note": note, "indicators": listed(list(continues)), "version": lineage.version}
    own = first.value.flag
    if own is not None:
        note = _("%(flag)s; %(note)s") % {"flag": own.text(), "note": note}
    flag = Flag(charts.BREAK, str(Observation.Kind.BREAK.label), note)
    return [replace(a, value=replace(a.value, flag=flag)) if a is first else a for a in actuals]


def rebased_series(part, series: PartSeries, rebases: list[Lineage]) -> PartSeries:
    """A rebased part's series on its latest basis: the values before the latest rebase become an
    earlier series of the part, each converted by every rebase from its year on (one line per
    rebase, the values between two rebases on the second's), and its own line starts at the
    latest rebase with a break. The table keeps the stored values in the actual column."""
    if not rebases:
        return series
    latest = rebases[-1]
    stored = [a for a in series.actuals if a.year < latest.applies_from]
    if not any(a.value.number is not None for a in stored):
        return series  # nothing before the new basis: no earlier line, nothing to break from
    earlier, start = [], None
    for n, lineage in enumerate(rebases):
        steps = rebases[n:]
        points = []
        for a in stored:
            if (start is None or a.year >= start) and a.year < lineage.applies_from:
                number = a.value.number
                for step in steps:
                    number = step.on_new_basis(number) if number is not None else None
                points.append(replace(a, value=replace(a.value, number=number)))
        start = lineage.applies_from
        if points:
            label = _("%(part)s before version %(version)s, on the new basis") % {
                "part": part.code,
                "version": lineage.version,
            }
            earlier.append(EarlierSeries(part.code, label, points, rebased_note(steps)))
    own = [a for a in series.actuals if a.year >= latest.applies_from]
    return replace(
        series,
        actuals=break_marked(own, latest, ""),
        earlier=[*series.earlier, *earlier],
        stored_before=stored,
    )


def series_continued(part, history: History, own: dict[int, PartSeries], parts_by_id: dict) -> PartSeries:
    """The part's series with, for each version that made it by a split or a merge, the values of
    the parts it came from before that version as their own lines, and its first value after them
    marked as a break; for a rebased part, its own values before the rebase converted to the new
    basis (rebased_series). own and parts_by_id: each part's own series, and the part, for the
    page's parts and the earlier parts of other indicators theirs continue (a split or a merge of
    indicators), named there with their indicator's code; an earlier part's own history is not
    followed further back."""
    home = part.indicator_id
    series = rebased_series(part, own[part.pk], history.rebased(part.pk))
    for lineage in history.continued_from_others(part.pk):
        earlier = []
        for pk in lineage.sources:
            source = parts_by_id.get(pk)
            points = [a for a in own[pk].actuals if a.year < lineage.applies_from] if source and pk in own else []
            if points:
                code = _code(source, home)
                label = _("%(part)s before version %(version)s") % {"part": code, "version": lineage.version}
                note = earlier_note(source, lineage, _continued_by(source, history, home), home)
                earlier.append(EarlierSeries(code, label, points, note))
        retired = tuple(
            r.indicator_code
            for r in history.continues.get(part.pk, ())
            if not r.part_code and r.version == lineage.version
        )
        series = replace(
            series,
            actuals=break_marked(series.actuals, lineage, _sources_text(lineage, parts_by_id, home), retired),
            earlier=[*series.earlier, *earlier],
        )
    return series


def _continued_by(source, history: History, home: int) -> list[str]:
    """The codes of the parts that continue an earlier part: those its retirement names, for a
    part of the page's indicator; those whose lineage names it, for a part of another indicator
    (whose retirement, if any, is its indicator's, naming every part of the indicators it went into)."""
    if source.indicator_id == home:
        retired = history.parts_retired.get(source.pk)
        return [s.code for s in retired.successors] if retired else []
    return [
        s.code if s.indicator_id == home else _coded(s.indicator_code, s.code)
        for s in history.continued_by.get(source.pk, ())
    ]


def lineage_notes(part, history: History, parts_by_id: dict, series: PartSeries | None = None) -> list[str]:
    """Sentences under a part's heading saying where its series comes from, for a part a version
    made from others or rebased. series: the part's series as drawn (series_continued), to say
    how a rebased part's earlier values are shown."""
    lines = []
    rebases = history.rebased(part.pk)
    converted = series is not None and bool(series.stored_before)
    for lineage in history.lineages.get(part.pk, []):
        params = {
            "version": lineage.version,
            "parts": _sources_text(lineage, parts_by_id, part.indicator_id),
            "year": lineage.applies_from - 1,
            "factor": number(lineage.factor) if lineage.factor is not None else "",
            "offset": number(lineage.offset) if lineage.offset is not None else "",
        }
        if lineage.origin == PartLineage.Origin.SPLIT:
            lines.append(
                _(
                    "Split from %(parts)s in version %(version)s: the chart and its table show that series up to "
                    "%(year)s, then a break where this part's own series starts."
                )
                % params
            )
        elif lineage.origin == PartLineage.Origin.MERGED:
            lines.append(
                _(
                    "Merged from %(parts)s in version %(version)s: the chart and its table show each of those "
                    "series up to %(year)s, then a break where this part's own series starts."
                )
                % params
            )
        elif lineage.origin == PartLineage.Origin.REBASED:
            if lineage.factor is not None and lineage.offset is not None:
                text = _("Baseline re-set in version %(version)s: multiplied by %(factor)s, plus %(offset)s.")
            elif lineage.factor is not None:
                text = _("Baseline re-set in version %(version)s: multiplied by %(factor)s.")
            else:
                text = _("Baseline re-set in version %(version)s: plus %(offset)s.")
            lines.append(text % params)
            if converted and lineage is rebases[-1]:
                lines.append(
                    _(
                        "The chart draws the values up to %(year)s on the new basis, as a dashed line, then a "
                        "break; the table gives them beside the values as stored."
                    )
                    % params
                )
        if lineage.note:
            lines.append(lineage.note)
    return lines


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def retirement_notice(retired: Retired | None, indicator: Indicator) -> dict | None:
    """What a retired part or indicator shows: the version, its reason, the parts that continue
    it (linked: on this page, or on their indicator's) and the comparison of the two versions."""
    if retired is None:
        return None
    successors = []
    for s in retired.successors:
        page = (
            ""
            if s.indicator_code == indicator.code
            else reverse("indicator_detail", args=[s.indicator_code.replace(" ", "-")])
        )
        successors.append(
            Link(
                _("%(indicator)s · %(code)s: %(name)s")
                % {"indicator": s.indicator_code, "code": s.code, "name": s.name},
                f"{page}#part-{s.code}",
            )
        )
    changes = reverse("versions:changes") + f"?to={retired.version}"
    if retired.based_on:
        changes += f"&from={retired.based_on}"
    return {"retired": retired, "successors": successors, "changes_url": changes}
