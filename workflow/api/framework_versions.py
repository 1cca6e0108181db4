"""The framework version in the API: the parts a `?version=<label>` selects, and the version that
governs each observation's year. The versions app sits above workflow, so its model is read
through the app registry (as load_framework does). The rules are those of versions.selectors
(versions_visible, version_in_force, parts_in_force), read from the model's own methods
(FrameworkVersion.objects.visible_to, .measured_year, .governing), so they are written once."""

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from clusters.models import Framework
from indicators.models import IndicatorPart
from workflow.permissions import Access

VERSION_PARAMETER = "version"
# Framework.version, which the first version takes as its label, is the longest a label may be.
_LABEL_MAX_LENGTH = 40


def _model():
    return apps.get_model("versions", "FrameworkVersion")


def _label_parse(value: str) -> str:
    """A NUL byte or an overlong label is a 400 naming the parameter, not a database error."""
    try:
        return serializers.CharField(max_length=_LABEL_MAX_LENGTH).run_validation(value)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({VERSION_PARAMETER: error.detail}) from None


def _first_year(framework: Framework) -> int:
    """The first year of a framework whose first version is not made yet: the year it would
    apply from (versions.initial.version_initial_ensure)."""
    return (framework.endorsed_on or timezone.now().date()).year


def version_parts_in_force(user, label: str) -> QuerySet:
    """The parts in force in the version so labelled, of each framework that has one this user
    may see (the public only endorsed versions, the secretariat drafts too; a draft measures
    what it revises). An unknown or hidden label is a 400 naming the parameter."""
    label = _label_parse(label)
    visible = _model().objects.filter(label=label).visible_to(manager=Access(user).can_manage())
    years = {v.framework_id: v.measured_year for v in visible.select_related("based_on")}
    # Before its first version is made on first use, a framework's own version is that version.
    years |= {f.pk: _first_year(f) for f in Framework.objects.filter(version=label, versions__isnull=True)}
    if not years:
        raise serializers.ValidationError(
            {VERSION_PARAMETER: [_("Unknown framework version “%(label)s”.") % {"label": label}]}
        )
    parts = IndicatorPart.objects.none()
    for framework_id, year in years.items():
        parts |= IndicatorPart.objects.filter(indicator__framework_id=framework_id).in_force(year)
    return parts


class VersionLabels:
    """The label of the version that governs a reporting year (FrameworkVersion.governing). One
    query on first use, whatever the number of observations labelled; keep one per request."""

    def __init__(self) -> None:
        self._endorsed: dict[int, list] | None = None

    def _load(self) -> dict[int, list]:
        endorsed: dict[int, list] = {}
        model = _model()
        rows = model.objects.filter(status=model.Status.ENDORSED).only("framework_id", "label", "applies_from")
        for version in rows:  # the model's order: by the first year each governs, then by endorsement
            endorsed.setdefault(version.framework_id, []).append(version)
        return endorsed

    def label(self, framework: Framework, year: int) -> str:
        if self._endorsed is None:
            self._endorsed = self._load()
        endorsed = self._endorsed.get(framework.pk)
        if endorsed is None:  # its first version, not made yet, will take the framework's own
            return framework.version
        return _model().governing(endorsed, year).label
