from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from clusters import views as cluster_views
from indicators import views as indicator_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", cluster_views.home, name="home"),
    path("indicators/<str:slug>/", indicator_views.indicator_detail, name="indicator_detail"),
    path(settings.ADMIN_URL, admin.site.urls),
    prefix_default_language=True,
)

urlpatterns += [path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg"))]
