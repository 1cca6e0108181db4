from modeltranslation.translator import TranslationOptions, register

from workflow.models import Narrative


@register(Narrative)
class NarrativeTranslation(TranslationOptions):
    fields = ("text",)
