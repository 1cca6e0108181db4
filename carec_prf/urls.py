from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from carec_prf.health import healthz, ping
from reports.api.downloads import downloads_page
from reports.dashboards.takeaway_views import indicator_embed, report_chart

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("carec_prf.api.urls")),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg")),
]

# Pages under a language prefix (/en/, /zh-hans/, /ru/); "/" redirects to the visitor's language.
urlpatterns += i18n_patterns(
    path("", include("reports.dashboards.framework_urls")),
    path("", include("reports.dashboards.indicator_urls")),
    path("data/", downloads_page, name="downloads"),
    path("embed/<str:slug>/<str:part_code>/", indicator_embed, name="indicator_embed"),
    # the report's charts as pictures (SVG, PNG), beside the edition's own pages
    re_path(r"^reports/(?P<code>[-\w]+)/charts/summary\.(?P<fmt>svg|png)$", report_chart, name="report_summary_chart"),
    re_path(
        r"^reports/(?P<code>[-\w]+)/charts/(?P<slug>[^/]+)/(?P<part_code>[A-Z0-9_]+)\.(?P<fmt>svg|png)$",
        report_chart,
        name="report_chart",
    ),
    path("framework/", include("versions.urls")),
    path("reports/", include("reports.urls")),
    path("work/", include("workflow.urls")),
    path("work/uploads/", include("imports.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    prefix_default_language=True,
)
