from modeltranslation.translator import TranslationOptions, register

from progress.models import RatingMethod


@register(RatingMethod)
class RatingMethodTranslation(TranslationOptions):
    fields = ("name", "description")
