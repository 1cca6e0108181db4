"""Indicator content translated into every language in settings.LANGUAGES."""

from modeltranslation.translator import TranslationOptions, register

from indicators.models import (
    Baseline,
    Category,
    Dimension,
    Indicator,
    IndicatorPart,
    Milestone,
    Observation,
    OrdinalLevel,
    Source,
    Unit,
)


@register(Source)
class SourceTranslation(TranslationOptions):
    fields = ("name",)


@register(Unit)
class UnitTranslation(TranslationOptions):
    fields = ("name", "symbol")


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("statement", "data_sources", "notes")


@register(IndicatorPart)
class IndicatorPartTranslation(TranslationOptions):
    fields = ("name",)


@register(OrdinalLevel)
class OrdinalLevelTranslation(TranslationOptions):
    fields = ("label",)


@register(Baseline)
class BaselineTranslation(TranslationOptions):
    fields = ("reason", "note")


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("reason", "note")


@register(Observation)
class ObservationTranslation(TranslationOptions):
    fields = ("note",)


@register(Dimension)
class DimensionTranslation(TranslationOptions):
    fields = ("name",)


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)
