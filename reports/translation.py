"""Edition texts translated into every language in settings.LANGUAGES."""

from modeltranslation.translator import TranslationOptions, register

from reports.models import ReportEdition


@register(ReportEdition)
class ReportEditionTranslation(TranslationOptions):
    fields = ("title", "summary")
