"""Framework content translated into every language in settings.LANGUAGES."""

from modeltranslation.translator import TranslationOptions, register

from clusters.models import Cluster, Country, Framework, Result, Sector, Theme


@register(Framework)
class FrameworkTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name", "membership_note")


@register(Cluster)
class ClusterTranslation(TranslationOptions):
    fields = ("name", "outcome", "lead", "risks", "assumptions")


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name", "lead", "risks", "assumptions")


@register(Result)
class ResultTranslation(TranslationOptions):
    fields = ("statement", "lead", "risks", "assumptions")
