"""Public pages of the framework: home, clusters, sectors, countries; and the secretariat's
translation status."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

from clusters.cache import cached_page
from reports.dashboards import framework_pages as selectors


def _year(request) -> int | None:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() else None


@cached_page
def home(request):
    context = selectors.home_page(as_of=_year(request), edition=request.GET.get("edition") or None)
    return render(request, "clusters/home.html", context)


@cached_page
def cluster_detail(request, code: str):
    return render(request, "clusters/cluster_detail.html", selectors.cluster_page(code=code, as_of=_year(request)))


@cached_page
def sector_detail(request, code: str):
    return render(request, "clusters/sector_detail.html", selectors.sector_page(code=code, as_of=_year(request)))


@cached_page
def country_index(request):
    return render(request, "clusters/country_list.html", selectors.country_list())


@cached_page
def country_detail(request, code: str):
    return render(request, "clusters/country_detail.html", selectors.country_page(code=code, user=request.user))


def reporting_status(request):
    """Not cached: values entered and submitted change it, and its five queries are cheap."""
    from reports.dashboards.status import reporting_status as status

    return render(request, "clusters/reporting_status.html", status(year=_year(request)))


def translation_status(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
    return render(request, "clusters/translation_status.html", selectors.translation_status(user=request.user))
