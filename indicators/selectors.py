"""Reads for the public indicator pages, in a fixed number of queries whatever the data."""

import datetime

from django.db.models import Max, Min, Prefetch
from django.http import Http404
from django.utils.translation import get_language

from indicators.models import Baseline, Indicator, IndicatorPart, Milestone
from progress.explain import explain_part
from progress.method import MethodSettings
from progress.models import IndicatorRating, PartRating, RatingMethod, RegionalValue


def code_from_slug(slug: str) -> str:
    return slug.replace("-", " ")


def rating_label(settings: MethodSettings, rating: str) -> str:
    labels = settings.labels.get(rating, {})
    return labels.get(get_language() or "en") or labels.get("en") or rating


def indicator_page(*, slug: str, as_of: int | None = None) -> dict:
    indicator = (
        Indicator.objects.select_related("result__sector__cluster", "result__parent")
        .filter(code=code_from_slug(slug))
        .first()
    )
    if indicator is None:
        raise Http404
    method = RatingMethod.objects.filter(is_default=True).first()
    bounds = PartRating.objects.filter(method=method).aggregate(first=Min("as_of"), last=Max("as_of"))
    first_year, last_year = bounds["first"], bounds["last"]
    years = list(range(first_year, last_year + 1)) if first_year else []
    if as_of not in years:
        as_of = min(datetime.date.today().year, last_year) if last_year else datetime.date.today().year
    parts = list(
        IndicatorPart.objects.filter(indicator=indicator)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "baselines", queryset=Baseline.objects.select_related("source").order_by("-is_current", "-revised_on")
            ),
            Prefetch("milestones", queryset=Milestone.objects.filter(is_current=True).order_by("year")),
            Prefetch("ratings", queryset=PartRating.objects.filter(method=method, as_of=as_of), to_attr="rating_now"),
            Prefetch("regional_values", queryset=RegionalValue.objects.order_by("year")),
            "scale",
        )
        .order_by("order")
    )
    settings = MethodSettings.from_dict(method.settings) if method else MethodSettings()
    for part in parts:
        labels = {level.code: level.label for level in part.scale.all()}
        for row in [*part.baselines.all(), *part.milestones.all()]:
            row.level_label = labels.get(row.value_text, row.value_text)
        part.rating = part.rating_now[0] if part.rating_now else None
        if part.rating is not None:
            part.rating_text = rating_label(settings, part.rating.rating)
            part.explanation = explain_part(
                part.rating, settings, lower_is_better=part.direction == IndicatorPart.Direction.DECREASE
            )
    overall = IndicatorRating.objects.filter(method=method, indicator=indicator, as_of=as_of).first()
    return {
        "indicator": indicator,
        "parts": parts,
        "as_of": as_of,
        "years": years,
        "method": method,
        "overall": overall,
        "overall_text": rating_label(settings, overall.rating) if overall else None,
    }
