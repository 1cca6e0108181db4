"""Public indicator pages."""

from django.shortcuts import render

from indicators import selectors


def indicator_detail(request, slug: str):
    as_of = request.GET.get("year")
    context = selectors.indicator_page(slug=slug, as_of=int(as_of) if as_of and as_of.isdigit() else None)
    return render(request, "indicators/indicator_detail.html", context)
