"""Public indicator pages: the filtered list, one indicator, and the tables behind its charts."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from clusters.cache import cached_page
from clusters.models import Cluster, Country, Sector, Theme
from indicators.models import Indicator
from reports.dashboards import charts
from reports.dashboards import indicator_pages as selectors


def _year(request) -> int | None:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() else None


@cached_page
def indicator_detail(request, slug: str):
    context = selectors.indicator_page(slug=slug, as_of=_year(request), user=request.user)
    return render(request, "indicators/indicator_detail.html", context)


def indicator_download(request, slug: str, part_code: str, table: str, fmt: str):
    data, name = selectors.indicator_table(
        slug=slug, part_code=part_code, table=table, as_of=_year(request), user=request.user
    )
    if fmt == "xlsx":
        content = charts.table_xlsx(data, title=name)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, content_type = charts.table_csv(data), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


class IndicatorFilterForm(forms.Form):
    """The list's filters; every value is a code, so a filtered list's URL can be shared."""

    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    rating = forms.ChoiceField(label=_("Rating"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    theme = forms.ChoiceField(label=_("Cross-cutting theme"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    year = forms.ChoiceField(label=_("Report year"), required=False)

    def __init__(self, *args, scope: selectors.Scope, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["cluster"].choices = every + [(c.code, f"{c.number}. {c.name}") for c in Cluster.objects.all()]
        self.fields["sector"].choices = every + [(s.code, f"{s.code} {s.name}") for s in Sector.objects.all()]
        labels = scope.labels()
        self.fields["rating"].choices = every + [(r, labels.get(r, r)) for r in charts.RATING_ORDER]
        self.fields["level"].choices = every + list(Indicator.Level.choices)
        self.fields["theme"].choices = every + [(t.code, t.name) for t in Theme.objects.all()]
        self.fields["country"].choices = every + [(c.code, c.name) for c in Country.objects.all()]
        self.fields["year"].choices = [(str(y), str(y)) for y in scope.years]


@cached_page
def indicator_index(request):
    scope = selectors.report_scope(_year(request))
    data = request.GET.copy()
    data["year"] = str(scope.as_of)  # the year actually shown, also when none or an unknown one was asked
    form = IndicatorFilterForm(data, scope=scope)
    form.is_valid()  # an unknown value drops that filter only
    filters = form.cleaned_data
    indicators = selectors.indicator_list(filters=filters, scope=scope)
    active = any(filters.get(name) for name in ("cluster", "sector", "rating", "level", "theme", "country"))
    return render(
        request,
        "indicators/indicator_list.html",
        {"form": form, "indicators": indicators, "scope": scope, "as_of": scope.as_of, "filtered": active},
    )
