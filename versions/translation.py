"""Version content translated into every language in settings.LANGUAGES."""

from modeltranslation.translator import TranslationOptions, register

from versions.models import Change, FrameworkVersion, PartLineage


@register(FrameworkVersion)
class FrameworkVersionTranslation(TranslationOptions):
    fields = ("meeting",)


@register(Change)
class ChangeTranslation(TranslationOptions):
    fields = ("reason",)


@register(PartLineage)
class PartLineageTranslation(TranslationOptions):
    fields = ("note",)
