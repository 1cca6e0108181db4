"""Turns a report's content (reports.content: plain data in every language) into what the section
templates and the spreadsheet show, in one language: tables, charts as SVG, counts, the changes
since the previous edition and the annexes. No database and no request; the only outside input
is the interface translations of the language asked for."""

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from progress.engine import Point, direction_since
from progress.method import MethodSettings, Movement, Rating
from reports import svg
from reports.changes import edition_changes
from reports.dashboards.charts import BREAK, RATING_ORDER, Flag, MilestoneValue, PartSeries, YearValue
from reports.formatting import Text, chart_value, long_date, number, period_label, pick, value_text


@dataclass
class Cell:
    """A table cell: the text a reader sees, and for the spreadsheet the plain number (None for
    text such as "<1" or "not applicable")."""

    text: str
    number: float | None = None
    # the footnotes of a flagged value (estimated, provisional, ...), and the mark that one table
    # gives them (Footnotes.marked): the same value may be footnote a in one table and b in another
    flags: tuple[str, ...] = ()
    mark: str = ""


class Footnotes:
    """The footnotes under one table: each distinct flag gets a letter, in the order first met."""

    def __init__(self) -> None:
        self.letters: dict[str, str] = {}

    def marked(self, cell: Cell) -> Cell:
        if not cell.flags:
            return cell
        for note in cell.flags:
            self.letters.setdefault(note, _letter(len(self.letters)))
        return dataclasses.replace(cell, mark=",".join(self.letters[note] for note in cell.flags))

    def rows(self) -> list[dict]:
        return [{"mark": letter, "text": note} for note, letter in self.letters.items()]


def _letter(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: letters, so that a mark is never read as part of a number."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def flag_note(flag: dict, language: str) -> str:
    """A flag's footnote in the active language: the observation status, the country whose value
    it is where the regional value was aggregated, and the value's comment."""
    label = str(pick(flag["label"], language))
    label = label[:1].upper() + label[1:]
    if flag.get("country"):
        label = _("%(flag)s (%(country)s)") % {"flag": label, "country": flag["country"]}
    comment = str(pick(flag.get("note"), language))
    return _("%(flag)s: %(comment)s") % {"flag": label, "comment": comment} if comment else label


@dataclass
class Heading:
    anchor: str
    label: str
    children: list["Heading"] = field(default_factory=list)


def anchor(prefix: str, code: str) -> str:
    return f"{prefix}-{code}".replace(" ", "-").lower()


def _cell(value: dict | None, language: str, flags: tuple[str, ...] = ()) -> Cell:
    plain = None
    if value and value.get("t") == "number" and not value.get("q") and value.get("n") is not None:
        plain = value["n"]
    return Cell(value_text(value, language), plain, flags)


def _day(iso: str | None, language: str) -> str | None:
    return long_date(datetime.date.fromisoformat(iso), language) if iso else None


class _Labels:
    def __init__(self, method: dict, language: str) -> None:
        self.language = language
        self.settings = MethodSettings.from_dict(method["settings"])

    def rating(self, code: str | None) -> str:
        if not code:
            return "—"
        labels = self.settings.labels.get(code, {})
        return labels.get(self.language) or labels.get("en") or code


def _milestone_text(milestone: dict, language: str) -> str:
    kind, value = milestone["kind"], milestone.get("value")
    shown = value_text(value, language) if value else ""
    if kind == "exact":
        return shown
    if kind == "at_least":
        return _("at least %(value)s") % {"value": shown} if shown else _("at least (value not set)")
    if kind == "at_most":
        return _("at most %(value)s") % {"value": shown} if shown else _("at most (value not set)")
    if kind == "not_applicable":
        return _("not applicable")
    return _("not set")


def chart_labels() -> dict[str, str]:
    return {
        "actual": _("Actual (region)"),
        "baseline": _("Baseline"),
        "expected": _("Expected path"),
        "trend": _("Trend"),
        "milestone_exact": _("Milestone"),
        "milestone_at_least": _("Milestone (at least)"),
        "milestone_at_most": _("Milestone (at most)"),
        "flagged": _("Flagged value (see the notes)"),
    }


def _series(part: dict, language: str, marks: dict[int, str] | None = None) -> PartSeries:
    """A part's series for its chart; a flagged value carries its flags, and the footnote mark
    that the indicator's table gives it (`marks`, by year), so the chart and the table agree."""
    flags: dict[int, list[dict]] = {}
    for flag in part.get("value_flags", []):
        flags.setdefault(flag["year"], []).append(flag)
    baseline = part.get("baseline")
    ticks: dict[int, str] = {}
    if part["value_type"] == "boolean":
        ticks = {0: _("no"), 1: _("yes")}
    elif part["value_type"] == "ordinal":
        ticks = {level["rank"]: str(pick(level["label"], language)) for level in part.get("scale", [])}
    return PartSeries(
        code=part["code"],
        name=str(pick(part["name"], language)),
        unit=str(pick(part["unit"], language)),
        value_type=part["value_type"],
        baseline=YearValue(baseline["year"], chart_value(baseline["value"], language)) if baseline else None,
        milestones=[
            MilestoneValue(
                m["year"],
                m["kind"],
                m["kind"],
                chart_value(m["value"], language) if m.get("value") else None,
            )
            for m in part.get("milestones", [])
        ],
        actuals=[
            YearValue(v["year"], _flagged(chart_value(v["value"], language), flags.get(v["year"]), marks, language))
            for v in part.get("values", [])
        ],
        ticks=ticks,
    )


def _flagged(value, flags: list[dict] | None, marks: dict[int, str] | None, language: str):
    """The value with its flags as one (a break where any of them is one: the line splits)."""
    if not flags:
        return value
    kinds = {flag["kind"] for flag in flags}
    flag = Flag(
        kind=BREAK if BREAK in kinds else flags[0]["kind"],
        label="; ".join(flag_note(f, language) for f in flags),
        mark=(marks or {}).get(flags[0]["year"], ""),
    )
    return dataclasses.replace(value, flag=flag)


def _point(year: int, value: dict | None) -> Point | None:
    if not value or value.get("t") not in ("number", "boolean", "ordinal") or value.get("n") is None:
        return None
    return Point(year, float(value["n"]), value.get("q", "") or "")


def part_movement(part: dict, settings: MethodSettings, cut_off: int) -> str | None:
    """The scorecard's arrow of a part of the content (frozen or live), by the engine's one rule."""
    baseline = part.get("baseline")
    points = [p for v in part.get("values", []) if (p := _point(v["year"], v["value"]))]
    plausible = tuple(part.get("plausible") or (None, None))
    return direction_since(
        points,
        _point(baseline["year"], baseline["value"]) if baseline else None,
        part["direction"],
        settings,
        as_of=cut_off,
        value_type=part["value_type"],
        plausible=plausible,
    )


def _next_milestone(part: dict, cut_off: int) -> dict | None:
    """The target the scorecard shows: the first milestone from the cut-off year on (set or not)."""
    return next((m for m in part.get("milestones", []) if m["year"] >= cut_off and m["kind"] != "not_applicable"), None)


def _part(
    part: dict, indicator: dict, *, years: list[int], cut_off: int, language: str, labels: _Labels, charts: bool
) -> dict:
    by_year = {v["year"]: v for v in part.get("values", [])}
    latest = part["values"][-1] if part.get("values") else None
    flags: dict[int, tuple[str, ...]] = {}
    for flag in part.get("value_flags", []):
        flags[flag["year"]] = (*flags.get(flag["year"], ()), flag_note(flag, language))
    baseline = part.get("baseline")
    rating = part.get("rating") or {}
    name = pick(part["name"], language)
    movement = part_movement(part, labels.settings, cut_off)
    target = _next_milestone(part, cut_off)
    coverage = ""
    if latest and latest.get("origin") == "aggregated" and latest.get("n_contributors") is not None:
        coverage = _("%(n)s of %(m)s member countries") % {"n": latest["n_contributors"], "m": latest["n_members"]}
    return {
        "code": part["code"],
        "name": name,
        "unit": pick(part["unit"], language),
        "direction": _("lower is better") if part["direction"] < 0 else _("higher is better"),
        "baseline": _cell(baseline["value"], language) if baseline else Cell("—"),
        "baseline_year": baseline["year"] if baseline else None,
        "baseline_revised_on": _day(baseline.get("revised_on"), language) if baseline else None,
        "baseline_source": baseline.get("source") if baseline else None,
        "baseline_reason": pick(baseline.get("reason"), language) if baseline else "",
        "baseline_revisions": [
            {
                "year": b["year"],
                "value": value_text(b["value"], language),
                "revised_on": _day(b["revised_on"], language),
            }
            for b in part.get("baseline_revisions", [])
        ],
        "milestones": [
            {"year": m["year"], "text": _milestone_text(m, language), "kind": m["kind"]}
            for m in part.get("milestones", [])
        ],
        "set_milestones": [
            {"year": m["year"], "text": _milestone_text(m, language)}
            for m in part.get("milestones", [])
            if m["kind"] not in ("not_set", "not_applicable")
        ],
        "years": [
            _cell(by_year[y]["value"], language, flags.get(y, ()))
            if y in by_year
            else Cell("—", flags=flags.get(y, ()))
            for y in years
        ],
        "values_by_year": {
            v["year"]: _cell(v["value"], language, flags.get(v["year"], ())) for v in part.get("values", [])
        },
        "flags_by_year": flags,
        "latest": _cell(latest["value"], language, flags.get(latest["year"], ())) if latest else Cell("—"),
        "latest_year": latest["year"] if latest else None,
        "coverage": coverage,
        "rating": rating.get("rating") or "no_data",
        "rating_label": labels.rating(rating.get("rating") or "no_data"),
        "flags": rating.get("flags", []),
        "explanation": part.get("explanation", {}).get(language) or part.get("explanation", {}).get("en", []),
        "chart": "",  # drawn once the tables are marked (_indicator): its marks are theirs
        "movement": movement,
        "movement_text": Movement.text(movement),
        "target_year": target["year"] if target else None,
        "target": _milestone_text(target, language) if target else "—",
        "categories": _categories(part.get("categories"), years, language),
    }


def _categories(categories: dict | None, years: list[int], language: str) -> dict | None:
    """The table of a part's values by category over the report's years, None where no category
    has a value in them. Its total row is the part's row of the indicator's table."""
    if not categories:
        return None
    rows = []
    for row in categories["rows"]:
        by_year = {v["year"]: v for v in row["values"] if v["year"] in years}
        if by_year:
            cells = [
                _cell(by_year[y]["value"], language, _own_flag(by_year[y], language)) if y in by_year else Cell("—")
                for y in years
            ]
            rows.append({"key": row["key"], "label": pick(row["label"], language), "cells": cells})
    if not rows:
        return None
    dimensions = pick(categories["dimensions"], language)
    return {
        # Translators: the caption of a table of values by category, such as "By sex"
        "title": _("By %(dimensions)s") % {"dimensions": dimensions.lower()},
        "header": dimensions,
        "rows": rows,
        "total_label": _("Total"),
    }


def _own_flag(value: dict, language: str) -> tuple[str, ...]:
    return (flag_note(value["flag"], language),) if value.get("flag") else ()


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _indicator(indicator: dict, *, years, cut_off, language, labels, sources, charts: bool) -> dict:
    rating = (indicator.get("rating") or {}).get("rating") or "no_data"
    narrative = pick(indicator.get("narrative"), language) if indicator.get("narrative") else None
    parts = [
        _part(p, indicator, years=years, cut_off=cut_off, language=language, labels=labels, charts=charts)
        for p in indicator["parts"]
    ]
    footnotes = _mark_indicator(parts)
    if charts:
        _draw_charts(indicator, parts, years, language)
    return {
        "anchor": anchor("indicator", indicator["code"]),
        "code": indicator["code"],
        "level": indicator["level"],
        "level_label": _("PRF indicator") if indicator["level"] == "prf" else _("sector-level indicator"),
        "statement": pick(indicator["statement"], language),
        "rating": rating,
        "rating_label": labels.rating(rating),
        "narrative": narrative,
        "narrative_paragraphs": _paragraphs(narrative) if narrative else [],
        "data_sources": pick(indicator.get("data_sources"), language),
        "notes": pick(indicator.get("notes"), language),
        "sources": [pick(sources[code]["name"], language) for code in indicator.get("sources", []) if code in sources],
        "parts": parts,
        "footnotes": footnotes,
    }


def _draw_charts(indicator: dict, parts: list[dict], years: list[int], language: str) -> None:
    """Each part's chart, its flagged points marked as the indicator's table marks them."""
    for raw, part in zip(indicator["parts"], parts, strict=True):
        marks = {year: cell.mark for year, cell in zip(years, part["years"], strict=True) if cell.mark}
        part["chart"] = svg.part_chart(
            _series(raw, language, marks),
            labels=chart_labels(),
            fmt=number,
            font=svg.font_for(language),
            title=_("%(indicator)s, %(part)s: chart of the values by year")
            % {"indicator": indicator["code"], "part": part["name"]},
        )


def _mark_indicator(parts: list[dict]) -> list[dict]:
    """Marks the flagged values of an indicator's tables, in reading order (its table, then the
    tables by category), and returns the footnotes that go under them."""
    notes = Footnotes()
    for part in parts:
        part["years"] = [notes.marked(cell) for cell in part["years"]]
        part["latest"] = notes.marked(part["latest"])
    for part in parts:
        for row in (part["categories"] or {}).get("rows", []):
            row["cells"] = [notes.marked(cell) for cell in row["cells"]]
    return notes.rows()


def _counts(indicators: list[dict]) -> dict[str, int]:
    return dict(Counter((i.get("rating") or {}).get("rating") or Rating.NO_DATA for i in indicators))


def _summary(content: dict, labels: _Labels, language: str) -> dict:
    indicators = content["indicators"]
    rows = []
    whole = _counts(indicators)
    prf = _counts([i for i in indicators if i["level"] == "prf"])
    sector_report = content["edition"].get("sector")
    if not sector_report:
        rows.append({"label": _("All indicators"), "counts": whole, "level": 0})
        rows.append({"label": _("PRF indicators"), "counts": prf, "level": 0})
    for cluster in content["clusters"]:
        codes = {s["code"] for s in cluster["sectors"]}
        mine = [i for i in indicators if i["sector"] in codes]
        if not sector_report:
            rows.append(
                {
                    "label": f"{cluster['number']}. {pick(cluster['name'], language)}",
                    "counts": _counts(mine),
                    "level": 1,
                }
            )
        for sector in cluster["sectors"]:
            rows.append(
                {
                    "label": str(pick(sector["name"], language)),
                    "counts": _counts([i for i in mine if i["sector"] == sector["code"]]),
                    "level": 2,
                }
            )
    columns = [r for r in RATING_ORDER if any(row["counts"].get(r) for row in rows)]
    for row in rows:
        row["cells"] = [row["counts"].get(r, 0) for r in columns]
        row["total"] = sum(row["counts"].values())
    on_track = sum(prf.get(r, 0) for r in (Rating.ACHIEVED, Rating.ON_TRACK))
    bar_rows = [(r["label"], r["counts"]) for r in rows if r["level"] in ((1,) if not sector_report else (2,))]
    if not sector_report:
        bar_rows.insert(0, (_("All indicators"), whole))
    return {
        "columns": [{"code": r, "label": labels.rating(r)} for r in columns],
        "rows": rows,
        "prf_total": sum(prf.values()),
        "prf_on_track": on_track,
        "total": sum(whole.values()),
        "rated": sum(n for r, n in whole.items() if r not in Rating.UNRATED),
        "chart": svg.rating_bars(
            bar_rows,
            labels={r: labels.rating(r) for r in RATING_ORDER},
            title=_("Indicators by rating"),
            font=svg.font_for(language),
        ),
    }


def _changes(content: dict, previous: dict | None, labels: _Labels, language: str) -> dict | None:
    if previous is None:
        return None
    diff = edition_changes(content, previous)
    statements = {i["code"]: pick(i["statement"], language) for i in content["indicators"]}
    part_names = {(i["code"], p["code"]): pick(p["name"], language) for i in content["indicators"] for p in i["parts"]}

    def baseline_text(b):
        if b is None:
            return "—"
        return _("%(value)s (%(year)s)") % {"value": value_text(b["value"], language), "year": b["year"]}

    def milestone_text(m):
        return "—" if m is None else _milestone_text(m, language)

    previous_edition = diff["previous"]
    return {
        "previous_title": pick(previous_edition.get("title"), language),
        "previous_code": previous_edition.get("code"),
        "new": [{"code": c, "statement": statements.get(c, "")} for c in diff["new"]],
        "dropped": [{"code": i["code"], "statement": pick(i["statement"], language)} for i in diff["dropped"]],
        "rerated": [
            {
                "code": r["code"],
                "statement": statements.get(r["code"], ""),
                "before": labels.rating(r["before"]),
                "after": labels.rating(r["after"]),
                "before_code": r["before"] or "no_data",
                "after_code": r["after"] or "no_data",
            }
            for r in diff["rerated"]
        ],
        "baselines": [
            {
                "indicator": b["indicator"],
                "part": part_names.get((b["indicator"], b["part"]), b["part"]),
                "before": baseline_text(b["before"]),
                "after": baseline_text(b["after"]),
                "reason": pick((b["after"] or {}).get("reason"), language) if b["after"] else "",
            }
            for b in diff["baselines"]
        ],
        "milestones": [
            {
                "indicator": m["indicator"],
                "part": part_names.get((m["indicator"], m["part"]), m["part"]),
                "year": m["year"],
                "before": milestone_text(m["before"]),
                "after": milestone_text(m["after"]),
            }
            for m in diff["milestones"]
        ],
    }


def _version(content: dict, language: str) -> dict | None:
    """The framework version the edition reports against; None for a content frozen before
    editions named their version, which renders as it always did."""
    version = content.get("version")
    if not version:
        return None
    return {
        "label": version["label"],
        "meeting": pick(version.get("meeting"), language),
        "endorsed_on": _day(version.get("endorsed_on"), language),
    }


def _what_changed(content: dict, language: str) -> dict | None:
    """The annex on what changed in the framework since the previous edition's version: the
    comparison frozen with the content (versions.editions), its groups that have changes, and
    the same as rows for the spreadsheet. None where the version is the previous edition's."""
    changes = content.get("version_changes")
    if not changes:
        return None
    compared = changes["by_language"].get(language) or changes["by_language"]["en"]
    groups = [group for group in compared["groups"] if group["changes"]]
    columns = [_("Change"), _("Subject"), _("Before"), _("After"), _("Reason")]
    rows = [
        [group["title"], change["subject"], "\n".join(change["before"]), "\n".join(change["after"]), change["reason"]]
        for group in groups
        for change in group["changes"]
    ]
    return {
        "anchor": "annex-versions",
        "title": _("Annex 3: What changed in the results framework"),
        "intro": _(
            "This edition reports against version %(new)s of the results framework; the previous edition "
            "reported against version %(old)s. Each change between them, with its reason:"
        )
        % {"new": changes["to"], "old": changes["from"]},
        "count": compared["count"],
        "groups": groups,
        "columns": columns,
        "sheet": {"title": _("What changed"), "columns": columns, "rows": rows},
    }


def _method(method: dict, language: str) -> dict:
    s = MethodSettings.from_dict(method["settings"])
    pct = lambda x: number(x * 100)  # noqa: E731
    rows = [
        (_("Outdated after (years before the report year)"), number(s.outdated_window_years)),
        (_("Tolerance for meeting a milestone"), f"{pct(s.achieved_tolerance)} %"),
        (_("On track: R at least"), number(s.on_track_min)),
        (_("For attention: R at least"), number(s.for_attention_min)),
        (_("Off track: R at least"), number(s.off_track_min)),
        (_("Improving: annual change at least"), f"{pct(s.improving_min)} %"),
        (_("Slow improvement: annual change at least"), f"{pct(s.slow_improvement_min)} %"),
        (_("Stagnant: annual change at least"), f"{pct(s.stagnant_min)} %"),
        (_("Outlook to the final milestone"), _("yes") if s.outlook else _("no")),
        (_("Scorecard arrow: about the same within"), f"{pct(s.same_within)} %"),
        (
            _("Indicators with several parts"),
            _("mean of the part scores") if s.combine == "mean" else _("the worst part"),
        ),
    ]
    labels = _Labels(method, language)
    scores = [{"code": r, "label": labels.rating(r), "score": s.scores.get(r)} for r in RATING_ORDER if r in s.scores]
    steps = [
        _(
            "A part with no actual value is rated “no data”; one with no baseline, “cannot assess”. A latest value "
            "older than %(window)s years before the report year is rated and flagged as outdated."
        )
        % {"window": s.outdated_window_years},
        _(
            "Yes/no parts: “yes” is achieved; “no” is not yet achieved before the target year and not achieved "
            "after it, however old the latest “no” is."
        ),
        _(
            "The expected value is read from a straight line from the baseline through the set milestones; "
            "targets are interpolated, actual values never are."
        ),
        _("A part that meets the milestone due by the latest year (or the final one) is achieved."),
        _(
            "Otherwise R = d (A − B) / |E − B|, the share of the expected progress achieved (d = 1 where higher "
            "is better, −1 where lower is better): at least %(on_track)s on track, at least %(for_attention)s for "
            "attention, at least %(off_track)s off track, below that regressing."
        )
        % {
            "on_track": number(s.on_track_min),
            "for_attention": number(s.for_attention_min),
            "off_track": number(s.off_track_min),
        },
        _(
            "Where no milestone is set, the average annual change g since the baseline decides: at least "
            "%(improving)s %% improving, at least %(slow)s %% slow improvement, at least %(stagnant)s %% "
            "stagnant, below that worsening."
        )
        % {"improving": pct(s.improving_min), "slow": pct(s.slow_improvement_min), "stagnant": pct(s.stagnant_min)},
        _(
            "R and g are computed with exact decimals, so a value that lands exactly on a threshold gets the "
            "rating the threshold names."
        ),
        _(
            "A value given as “<x” where higher is better counts as at most x, and one given as “>x” where lower "
            "is better as at least x: the rating is the worst case its qualifier allows, and its explanation "
            "says so."
        ),
        _(
            "An indicator with several parts takes the mean of its parts' scores (or its worst part, a setting); "
            "it is achieved only when every part is."
        ),
        _(
            "The scorecard's arrow compares the latest value with the previous one, or with the baseline where "
            "there is none: a change within %(same)s %% of the earlier value either way is about the same."
        )
        % {"same": pct(s.same_within)},
    ]
    return {
        "name": pick(method["name"], language),
        "description": pick(method["description"], language),
        "version": method["version"],
        "settings": rows,
        "scores": scores,
        "steps": steps,
    }


def _year_cell(year: int | None) -> Cell:
    return Cell(str(year), year) if year is not None else Cell("—")


def scorecard_columns() -> list[str]:
    """The scorecard's headers in the active language: the reports and the dashboards use them."""
    return [
        _("Indicator"),
        _("Series"),
        _("Baseline year"),
        _("Baseline"),
        _("Latest year"),
        _("Latest value"),
        _("Target year"),
        _("Target"),
        _("Rating"),
        _("Change since the previous value"),
    ]


def scorecard_legend(settings: MethodSettings, rating_codes: list[str], rating_label) -> dict:
    """What the two signals mean, in the active language, for the reports and the dashboards."""
    percent = number(settings.same_within * 100)
    return {
        "ratings": [{"code": code, "label": rating_label(code)} for code in rating_codes],
        "movements": [
            {
                "code": code,
                "glyph": Movement.GLYPHS[code],
                "label": str(Movement.LABELS[code]),
                "text": Movement.text(code),
            }
            for code in (*Movement.ALL, None)
        ],
        "notes": [
            _("The colour is the rating against the target: is the indicator on course?"),
            _(
                "The arrow is the change since the previous value, or since the baseline where there is none: "
                "which way is the indicator moving? A change of at most %(percent)s %% of the earlier value either "
                "way is about the same."
            )
            % {"percent": percent},
            _("Where lower is better, improving means the value fell."),
            _("Values that come every two or three years are compared with the previous one, whatever the gap."),
            _("Grey: no value yet, or nothing earlier to compare with."),
        ],
    }


def scorecard_row(indicator_code: str, part: dict) -> dict:
    """One part's row: the cells in the order of scorecard_columns."""
    name = part["name"]
    if part["unit"]:  # keeps the name's language, so that an English fallback is marked as such
        name = Text(f"{name} ({part['unit']})", getattr(name, "lang", "en"), getattr(name, "fallback", False))
    return {
        "indicator": indicator_code,
        "part": part["code"],
        "rating": part["rating"],
        "movement": part["movement"],
        "no_data": part["latest_year"] is None,
        "cells": [
            Cell(indicator_code),
            Cell(name),
            _year_cell(part["baseline_year"]),
            part["baseline"],
            _year_cell(part["latest_year"]),
            dataclasses.replace(part["latest"], mark=""),  # the scorecard has no footnotes
            _year_cell(part["target_year"]),
            Cell(part["target"]),
            Cell(part["rating_label"]),
            Cell(part["movement_text"]),
        ],
    }


def _scorecard(clusters: list[dict], labels: _Labels) -> dict:
    """Both signals for every part, a group per cluster, with their legend."""
    groups, used = [], set()
    for cluster in clusters:
        rows = [
            scorecard_row(indicator["code"], part)
            for sector in cluster["sectors"]
            for indicator in sector["indicator_list"]
            for part in indicator["parts"]
        ]
        used.update(row["rating"] for row in rows)
        groups.append({"label": f"{cluster['number']}. {cluster['name']}", "rows": rows})
    return {
        "anchor": "scorecard",
        "title": _("Scorecard"),
        "intro": _(
            "Each series with two signals: the colour for its rating against the target, the arrow for its "
            "change since the previous value."
        ),
        "columns": scorecard_columns(),
        "groups": groups,
        "legend": scorecard_legend(labels.settings, [r for r in RATING_ORDER if r in used], labels.rating),
    }


def _annex(content: dict, sections: list[dict]) -> dict:
    """The full data table: every part, its baseline, every year with a value up to the cut-off."""
    years = set(content["edition"]["years"])
    for indicator in content["indicators"]:
        for part in indicator["parts"]:
            years.update(v["year"] for v in part.get("values", []))
    years = sorted(y for y in years if y <= content["edition"]["cut_off"])
    clusters = []
    for cluster in sections:
        rows, notes = [], Footnotes()
        for sector in cluster["sectors"]:
            for indicator in sector["indicator_list"]:
                for part in indicator["parts"]:
                    flags = part["flags_by_year"]
                    rows.append(
                        {
                            "indicator": indicator,
                            "part": part,
                            "years": [
                                notes.marked(part["values_by_year"].get(y) or Cell("", flags=flags.get(y, ())))
                                for y in years
                            ],
                            "latest": notes.marked(part["latest"]),
                        }
                    )
        clusters.append({"cluster": cluster, "rows": rows, "footnotes": notes.rows()})
    return {"years": years, "clusters": clusters}


def _by_category(sections: list[dict], years: list[int]) -> dict | None:
    """Every table by category in one, for the spreadsheet: a row for each part's total, then one
    per category. None where the report has none."""
    rows, notes = [], Footnotes()
    for cluster in sections:
        for sector in cluster["sectors"]:
            for indicator in sector["indicator_list"]:
                for part in indicator["parts"]:
                    table = part["categories"]
                    if not table:
                        continue
                    common = {"indicator": indicator["code"], "part": part["name"], "header": table["header"]}
                    rows.append({**common, "label": table["total_label"], "cells": part["years"], "total": True})
                    rows.extend({**common, "label": row["label"], "cells": row["cells"]} for row in table["rows"])
    if not rows:
        return None
    for row in rows:
        row["cells"] = [notes.marked(cell) for cell in row["cells"]]
    return {"years": years, "rows": rows, "footnotes": notes.rows()}


def report_document(content: dict, previous: dict | None = None, *, language: str, charts: bool = True) -> dict:
    """Everything the templates and the spreadsheet need, in `language`."""
    with translation.override(language):
        return _document(content, previous, language=language, charts=charts)


def _document(content: dict, previous: dict | None, *, language: str, charts: bool) -> dict:
    edition = content["edition"]
    labels = _Labels(content["method"], language)
    start = datetime.date.fromisoformat(edition["period_start"])
    end = datetime.date.fromisoformat(edition["period_end"])
    years = edition["years"]
    sources = content.get("sources", {})
    indicators = {
        i["code"]: _indicator(
            i,
            years=years,
            cut_off=edition["cut_off"],
            language=language,
            labels=labels,
            sources=sources,
            charts=charts,
        )
        for i in content["indicators"]
    }

    def result(r):
        if r is None:
            return None
        return {
            "code": r["code"],
            "level": r["level"],
            "level_label": pgettext("result level", "Outcome")
            if r["level"] == "outcome"
            else pgettext("result level", "Output"),
            "statement": pick(r["statement"], language),
            "indicators": [indicators[c] for c in r["indicators"] if c in indicators],
        }

    clusters, toc = [], []
    for cluster in content["clusters"]:
        sectors = []
        for sector in cluster["sectors"]:
            chain = [
                {"outcome": result(link["outcome"]), "outputs": [result(o) for o in link["outputs"]]}
                for link in sector["chain"]
            ]
            indicator_list = []
            for link in chain:
                for r in ([link["outcome"]] if link["outcome"] else []) + link["outputs"]:
                    indicator_list.extend(r["indicators"])
            sectors.append(
                {
                    "anchor": anchor("sector", sector["code"]),
                    "code": sector["code"],
                    "kind": sector["kind"],
                    "name": pick(sector["name"], language),
                    "lead": pick(sector.get("lead"), language),
                    "risks": pick(sector.get("risks"), language),
                    "assumptions": pick(sector.get("assumptions"), language),
                    "chain": chain,
                    "indicator_list": indicator_list,
                }
            )
        entry = {
            "anchor": anchor("cluster", cluster["code"]),
            "code": cluster["code"],
            "number": cluster["number"],
            "name": pick(cluster["name"], language),
            "outcome": pick(cluster.get("outcome"), language),
            "lead": pick(cluster.get("lead"), language),
            "sectors": sectors,
        }
        clusters.append(entry)
        toc.append(
            Heading(
                entry["anchor"],
                f"{cluster['number']}. {entry['name']}",
                [Heading(s["anchor"], f"{s['code']} · {s['name']}") for s in sectors],
            )
        )

    changes = _changes(content, previous, labels, language)
    what_changed = _what_changed(content, language)
    toc = [
        Heading("summary", _("Summary")),
        Heading("scorecard", _("Scorecard")),
        *toc,
        Heading("changes", _("Changes since the previous edition")),
        Heading("annex-data", _("Annex 1: Data table")),
        Heading("annex-method", _("Annex 2: Rating method")),
        *([Heading(what_changed["anchor"], what_changed["title"])] if what_changed else []),
    ]
    framework = content.get("framework") or {}
    published = edition.get("published_at")
    return {
        "language": language,
        "code": edition["code"],
        "kind": edition["kind"],
        "title": pick(edition["title"], language),
        "summary_text": pick(edition.get("summary"), language),
        "summary_paragraphs": _paragraphs(pick(edition.get("summary"), language)),
        "period": period_label(start, end, language),
        "years": years,
        "cut_off": edition["cut_off"],
        "status": edition.get("status", "draft"),
        "published_on": long_date(datetime.datetime.fromisoformat(published).date(), language) if published else None,
        "published_iso": published[:10] if published else None,
        "built_on": long_date(datetime.datetime.fromisoformat(content["built_at"]).date(), language),
        "framework_name": pick(framework.get("name"), language),
        "framework_version": framework.get("version", ""),
        "version": _version(content, language),
        "impact": pick(content.get("impact"), language) if content.get("impact") else None,
        "sector_report": bool(edition.get("sector")),
        "summary": _summary(content, labels, language),
        "scorecard": _scorecard(clusters, labels),
        "clusters": clusters,
        "changes": changes,
        "annex": _annex(content, clusters),
        "by_category": _by_category(clusters, years),
        "method": _method(content["method"], language),
        "what_changed": what_changed,
        "toc": toc,
    }
