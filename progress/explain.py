"""Why a part got its rating, in words, with the numbers that went into the formula. Pure:
takes a stored rating and the method's settings, returns sentences in the active language."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from progress.method import MethodSettings, Rating


def _n(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return number_format(round(value, digits), decimal_pos=None, use_l10n=True)


def _pct(value: float) -> str:
    return number_format(round(value * 100, 2), use_l10n=True)


def explain_part(rating, settings: MethodSettings, lower_is_better: bool) -> list[str]:
    """Sentences explaining a PartRating (or any object with the same attributes)."""
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
    if r.rating in (Rating.NOT_YET_ACHIEVED, Rating.NOT_ACHIEVED) or (r.basis == "status"):
        if r.rating == Rating.ACHIEVED:
            lines.append(_("The latest report (%(year)s) says yes: achieved.") % {"year": r.latest_year})
        elif r.rating == Rating.NOT_YET_ACHIEVED:
            lines.append(
                _("The latest report (%(year)s) says no, before the target year: not yet achieved.")
                % {"year": r.latest_year}
            )
        else:
            lines.append(
                _("The latest report (%(year)s) says no, and the target year has passed: not achieved.")
                % {"year": r.latest_year}
            )
    else:
        baseline = f"{r.baseline_qualifier}{_n(r.baseline_value)}"
        lines.append(
            _("Baseline %(baseline)s (%(baseline_year)s); latest value %(actual)s (%(year)s).")
            % {"baseline": baseline, "baseline_year": r.baseline_year, "actual": actual, "year": r.latest_year}
        )
        direction = _("lower is better") if lower_is_better else _("higher is better")
        if r.rating == Rating.ACHIEVED and r.milestone_year:
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
                    "actual": _n(r.actual),
                    "baseline": _n(r.baseline_value),
                    "ratio": _n(r.ratio, 3),
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
                    "growth": _pct(r.growth),
                    "improving": _pct(settings.improving_min),
                    "slow": _pct(settings.slow_improvement_min),
                    "stagnant": _pct(settings.stagnant_min),
                }
            )
        else:
            lines.append(_("No milestone is set and the baseline is zero, so the sign of the change decides."))
    if r.outlook:
        lines.append(
            _("Outlook: the trend reaches %(projected)s by the final milestone, so meeting it is %(outlook)s.")
            % {
                "projected": _n(r.projected),
                "outlook": _("likely") if r.outlook == "likely" else _("unlikely"),
            }
        )
    flags = set(r.flags or [])
    if "outdated" in flags:
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
    if "censored" in flags:
        lines.append(
            _(
                "A value is a bound (such as “<1”): it is compared conservatively and never counts as meeting a "
                "target it might not meet."
            )
        )
    return lines
