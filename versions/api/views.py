"""Read-only API of framework versions and of what changed between two of them."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from carec_prf.api.common import LanguageMixin, TranslatedField
from clusters.models import Framework
from versions.models import FrameworkVersion
from versions.selectors import framework_default, version_compare, versions_visible


class FrameworkVersionSerializer(serializers.ModelSerializer):
    framework = serializers.CharField(source="framework.code")
    based_on = serializers.SerializerMethodField()
    meeting = TranslatedField("meeting")

    class Meta:
        model = FrameworkVersion
        fields = ["framework", "label", "status", "based_on", "meeting", "endorsed_on", "applies_from"]

    def get_based_on(self, version) -> str | None:
        return self.context["labels"].get(version.based_on_id)


FRAMEWORK = OpenApiParameter("framework", str, description="A framework code; the first framework by default.")


@extend_schema_view(
    list=extend_schema(summary="Versions of a framework", parameters=[FRAMEWORK]),
    retrieve=extend_schema(summary="One version", parameters=[FRAMEWORK]),
)
class FrameworkVersionViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Endorsed versions for everyone; drafts under way for the secretariat only."""

    serializer_class = FrameworkVersionSerializer
    lookup_field = "label"
    lookup_value_regex = "[^/]+"
    permission_classes = [AllowAny]
    pagination_class = None
    queryset = FrameworkVersion.objects.none()  # for the schema; get_queryset answers

    def _framework(self) -> Framework:
        code = self.request.query_params.get("framework")
        if code:  # a NUL byte or an overlong code is a 400 naming the parameter, not a database error
            try:
                code = serializers.CharField(max_length=40).run_validation(code)
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"framework": error.detail}) from None
        framework = Framework.objects.filter(code=code).first() if code else framework_default()
        if framework is None:
            raise Http404
        return framework

    def get_queryset(self):
        return versions_visible(self.request.user, self._framework())

    def get_serializer_context(self):
        versions = list(self.get_queryset()) if self.request is not None else []
        return {**super().get_serializer_context(), "labels": {v.pk: v.label for v in versions}}

    @extend_schema(
        summary="What changed between two versions",
        parameters=[
            FRAMEWORK,
            OpenApiParameter("from", str, description="The earlier version's label; the one revised by default."),
        ],
        responses={200: dict},
    )
    @action(detail=True, methods=["get"])
    def changes(self, request, label=None):
        versions = {v.label: v for v in self.get_queryset()}
        new = versions.get(label)
        old_label = request.query_params.get("from")
        old = (
            versions.get(old_label)
            if old_label
            else next((v for v in versions.values() if new is not None and v.pk == new.based_on_id), None)
        )
        if new is None or old is None:
            raise Http404
        try:
            return Response(version_compare(old, new))
        except ValidationError as error:
            raise serializers.ValidationError({"from": error.messages}) from None
