"""Public pages of the framework. The dashboards issue replaces the home page's plain tree."""

from django.shortcuts import render

from clusters import selectors


def home(request):
    return render(request, "clusters/home.html", selectors.framework_tree())
