"""The REST API under /api/v1/, its OpenAPI schema and documentation (served from our own
static files)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from clusters.api import views as cluster_views
from progress.api import views as progress_views
from reports.api import editions as edition_views
from versions.api import views as version_views
from workflow.api import indicators as indicator_views

# "/?": every URL answers with or without its trailing slash, never with a redirect, which
# Power BI and Excel's web connector do not follow.
# (DRF's trailing_slash argument only takes on/off, hence the attribute.)
router = DefaultRouter()
router.trailing_slash = "/?"
router.register("frameworks", cluster_views.FrameworkViewSet)
router.register("clusters", cluster_views.ClusterViewSet)
router.register("sectors", cluster_views.SectorViewSet)
router.register("results", cluster_views.ResultViewSet)
router.register("countries", cluster_views.CountryViewSet)
router.register("indicators", indicator_views.IndicatorViewSet)
router.register("dimensions", indicator_views.DimensionViewSet)
router.register("baselines", indicator_views.BaselineViewSet)
router.register("milestones", indicator_views.MilestoneViewSet)
router.register("observations", indicator_views.ObservationViewSet, basename="observation")
router.register("aggregates", progress_views.RegionalValueViewSet)
router.register("part-ratings", progress_views.PartRatingViewSet)
router.register("ratings", progress_views.IndicatorRatingViewSet)
router.register("rating-methods", progress_views.RatingMethodViewSet)
router.register("editions", edition_views.EditionViewSet, basename="edition")
router.register("versions", version_views.FrameworkVersionViewSet, basename="version")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/", include("imports.api.urls")),
    path("v1/data/", include("reports.api.download_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
