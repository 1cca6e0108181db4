"""Why a part got its rating, in words, with the numbers that went into the formula. Pure:
takes a stored rating and the method's settings, returns sentences in the active language."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from progress.engine import Plausible, Point, worst_case
from progress.method import MethodSettings, Rating

# Values are shown as stored (six decimals at most); ratios and rates to three places, or more
# where three would put them on the other side of a threshold.
VALUE_DIGITS = 6


def _n(value: float | None, digits: int = VALUE_DIGITS) -> str:
    if value is None:
        return "—"
    return _decimal(round(value, digits), digits)


def _decimal(value: float, digits: int) -> str:
    """Up to `digits` places, without trailing zeros: 2000, not 2000.0; 1.905, not 1.91."""
    text = f"{value:.{max(digits, 0)}f}".rstrip("0").rstrip(".")
    return number_format(Decimal("0" if text in ("-0", "") else text), decimal_pos=None, use_l10n=True)


def _digits_beside(value: float, thresholds: list[float], digits: int) -> int:
    """The fewest digits from `digits` on at which the rounded value sits on the same side of
    every threshold as the value itself: R = 0.5996 is shown as 0.5996, not 0.6, beside 0.6."""
    while digits < 12:
        shown = round(value, digits)
        if all((shown >= t) == (value >= t) for t in thresholds):
            break
        digits += 1
    return digits


def _ratio(value: float, settings: MethodSettings) -> str:
    thresholds = [settings.on_track_min, settings.for_attention_min, settings.off_track_min]
    return _n(value, _digits_beside(value, thresholds, 3))


def _pct(value: float, settings: MethodSettings | None = None) -> str:
    thresholds = (
        [] if settings is None else [settings.improving_min, settings.slow_improvement_min, settings.stagnant_min]
    )
    digits = _digits_beside(value, thresholds, 4)  # 4 places of the fraction: 2 of the percentage
    return _decimal(value * 100, digits - 2)


def _rated(r, lower_is_better: bool, plausible: Plausible) -> tuple[float | None, float | None, bool, bool]:
    """The actual and baseline the rating used (engine.worst_case: the one rule), and whether
    each differs from its printed bound."""
    direction = -1 if lower_is_better else 1
    actual = worst_case(Point(r.latest_year, r.actual, r.actual_qualifier or ""), direction, plausible)
    baseline = worst_case(
        Point(r.baseline_year, r.baseline_value, r.baseline_qualifier or ""), direction, plausible, baseline=True
    )
    return (
        None if actual is None else float(actual),
        None if baseline is None else float(baseline),
        actual is None or float(actual) != r.actual,
        baseline is None or float(baseline) != r.baseline_value,
    )


def explain_part(
    rating, settings: MethodSettings, lower_is_better: bool, plausible: Plausible = (None, None)
) -> list[str]:
    """Sentences explaining a PartRating (or any object with the same attributes); plausible is
    the unit's range, which the rating used for the worst case of a censored value."""
    r = rating
    lines: list[str] = []
    if r.rating == Rating.NO_DATA:
        return [_("No approved value after the baseline year is available up to %(year)s.") % {"year": r.as_of}]
    actual = f"{r.actual_qualifier}{_n(r.actual)}"
    if r.rating == Rating.CANNOT_ASSESS:
        return [
            _("The latest value is %(actual)s (%(year)s), but there is no baseline value to measure progress from.")
            % {"actual": actual, "year": r.latest_year}
        ]
    actual_moved = baseline_moved = False
    # yes/no parts: their statuses, and an Achieved that met no numeric milestone
    yes_no = r.rating == Rating.ACHIEVED and r.milestone_year is None
    if r.rating in (Rating.NOT_YET_ACHIEVED, Rating.NOT_ACHIEVED) or r.basis == "status" or yes_no:
        lines += _yes_no(r)
    else:
        baseline = f"{r.baseline_qualifier}{_n(r.baseline_value)}"
        lines.append(
            _("Baseline %(baseline)s (%(baseline_year)s); latest value %(actual)s (%(year)s).")
            % {"baseline": baseline, "baseline_year": r.baseline_year, "actual": actual, "year": r.latest_year}
        )
        used_actual, used_baseline, actual_moved, baseline_moved = _rated(r, lower_is_better, plausible)
        lines += _worst_cases(r, lower_is_better, used_actual, used_baseline, actual_moved, baseline_moved)
        direction = _("lower is better") if lower_is_better else _("higher is better")
        if used_actual is None or used_baseline is None:
            pass  # the worst-case sentence said it all
        elif r.rating == Rating.ACHIEVED and r.milestone_year:
            lines.append(
                _("It meets the milestone set for %(milestone_year)s (%(target)s): achieved.")
                % {"milestone_year": r.milestone_year, "target": _n(r.milestone_value)}
            )
        elif r.ratio is not None:
            sign = "−" if lower_is_better else ""
            lines.append(
                _(
                    "Expected by %(year)s on the straight line from the baseline through the milestones: "
                    "%(expected)s. Share of the expected progress achieved (%(direction)s): "
                    "R = %(sign)s(%(actual)s − %(baseline)s) / |%(expected)s − %(baseline)s| = %(ratio)s."
                )
                % {
                    "year": r.latest_year,
                    "expected": _n(r.expected),
                    "direction": direction,
                    "sign": sign,
                    "actual": _n(used_actual),
                    "baseline": _n(used_baseline),
                    "ratio": _ratio(r.ratio, settings),
                }
            )
            lines.append(
                _(
                    "R of at least %(on_track)s is on track, at least %(for_attention)s for attention, "
                    "at least %(off_track)s off track, and below that regressing."
                )
                % {
                    "on_track": _n(settings.on_track_min),
                    "for_attention": _n(settings.for_attention_min),
                    "off_track": _n(settings.off_track_min),
                }
            )
        elif r.expected is not None:
            lines.append(
                _("The milestones ask to maintain the baseline; the value has %(moved)s.")
                % {"moved": _("held or improved") if r.rating == Rating.ON_TRACK else _("moved the wrong way")}
            )
        elif r.growth is not None:
            lines.append(
                _(
                    "No milestone is set, so the average annual change since the baseline decides "
                    "(%(direction)s): g = %(growth)s %% a year. At least %(improving)s %% is improving, "
                    "at least %(slow)s %% slow improvement, at least %(stagnant)s %% stagnant, below that worsening."
                )
                % {
                    "direction": direction,
                    "growth": _pct(r.growth, settings),
                    "improving": _pct(settings.improving_min),
                    "slow": _pct(settings.slow_improvement_min),
                    "stagnant": _pct(settings.stagnant_min),
                }
            )
        else:
            lines.append(_("No milestone is set and the baseline is zero, so the sign of the change decides."))
    if r.outlook and r.basis == "status":
        lines.append(
            _("Outlook: the target year (%(target_year)s) has passed without a “yes”, so the target was missed.")
            % {"target_year": r.milestone_year}
        )
    elif r.outlook:
        lines.append(
            _("Outlook: the trend reaches %(projected)s by the final milestone, so meeting it is %(outlook)s.")
            % {
                "projected": _n(r.projected),
                "outlook": _("likely") if r.outlook == "likely" else _("unlikely"),
            }
        )
    lines += _flags(r, settings, censored_explained=actual_moved or baseline_moved)
    return lines


def _no_report_since_target(r) -> bool:
    """A yes/no "no" from before its target year, with the report year past it."""
    return (
        r.rating == Rating.NOT_ACHIEVED
        and r.milestone_year is not None
        and r.latest_year is not None
        and r.latest_year < r.milestone_year
    )


def _yes_no(r) -> list[str]:
    if r.rating == Rating.ACHIEVED:
        return [_("The latest report (%(year)s) says yes: achieved.") % {"year": r.latest_year}]
    if r.rating == Rating.NOT_YET_ACHIEVED:
        return [
            _("The latest report (%(year)s) says no, before the target year: not yet achieved.")
            % {"year": r.latest_year}
        ]
    if _no_report_since_target(r):
        return [
            _(
                "The latest report (%(year)s) says no, and the target year (%(target_year)s) has passed "
                "with no newer report: not achieved."
            )
            % {"year": r.latest_year, "target_year": r.milestone_year}
        ]
    return [
        _("The latest report (%(year)s) says no, and the target year has passed: not achieved.")
        % {"year": r.latest_year}
    ]


def _worst_cases(r, lower_is_better, used_actual, used_baseline, actual_moved, baseline_moved) -> list[str]:
    """Say which worst case a censored value was rated at (step 5 compares conservatively)."""
    lines = []
    if actual_moved:
        printed = f"{r.actual_qualifier}{_n(r.actual)}"
        if used_actual is None and r.rating == Rating.WORSENING:
            lines.append(
                _(
                    "The latest value is printed as %(printed)s, which allows any worse value, and the unit sets "
                    "no limit on that side: it is rated at the worst case, worsening."
                )
                % {"printed": printed}
            )
        elif used_actual is None:
            lines.append(
                _(
                    "The latest value is printed as %(printed)s, which allows any worse value, and the unit sets "
                    "no limit on that side: it is rated at the worst case, regressing."
                )
                % {"printed": printed}
            )
        elif lower_is_better:
            lines.append(
                _(
                    "The latest value is printed as %(printed)s, so it may be as high as %(worst)s, the highest "
                    "plausible value of its unit; the rating uses that worst case."
                )
                % {"printed": printed, "worst": _n(used_actual)}
            )
        else:
            lines.append(
                _(
                    "The latest value is printed as %(printed)s, so it may be as low as %(worst)s, the lowest "
                    "plausible value of its unit; the rating uses that worst case."
                )
                % {"printed": printed, "worst": _n(used_actual)}
            )
    if baseline_moved:
        printed = f"{r.baseline_qualifier}{_n(r.baseline_value)}"
        if used_baseline is None and r.rating == Rating.WORSENING:
            lines.append(
                _(
                    "The baseline is printed as %(printed)s, which allows any value on the side that leaves less "
                    "progress, and the unit sets no limit there: it is rated at the worst case, worsening."
                )
                % {"printed": printed}
            )
        elif used_baseline is None:
            lines.append(
                _(
                    "The baseline is printed as %(printed)s, which allows any value on the side that leaves less "
                    "progress, and the unit sets no limit there: it is rated at the worst case, regressing."
                )
                % {"printed": printed}
            )
        else:
            lines.append(
                _(
                    "The baseline is printed as %(printed)s, so it may be as far as %(worst)s, the plausible limit of "
                    "its unit on the side that leaves less progress; the rating uses that worst case."
                )
                % {"printed": printed, "worst": _n(used_baseline)}
            )
    return lines


def _flags(r, settings: MethodSettings, *, censored_explained: bool) -> list[str]:
    lines = []
    flags = set(r.flags or [])
    if "outdated" in flags and _no_report_since_target(r):
        lines.append(
            _("Outdated: nothing has been reported since the target year (%(target_year)s).")
            % {"target_year": r.milestone_year}
        )
    elif "outdated" in flags:
        lines.append(
            _("Outdated: the latest value is more than %(window)s years older than the report year.")
            % {"window": settings.outdated_window_years}
        )
    if "partial_coverage" in flags:
        lines.append(
            _("Partial coverage: %(n)s of %(m)s member countries reported.") % {"n": r.n_contributors, "m": r.n_members}
        )
    if "baseline_revised" in flags:
        lines.append(_("The baseline was revised after the framework was endorsed; the current revision is used."))
    if "censored" in flags and not censored_explained:
        lines.append(
            _(
                "A value is a bound (such as “<1”): it is compared conservatively and never counts as meeting a "
                "target it might not meet."
            )
        )
    return lines
