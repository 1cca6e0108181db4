"""Charts as SVG and PNG, an indicator's fact sheet as PDF, and the embeddable page of an
indicator part (the one page other sites may frame)."""

import functools

from django.conf import settings
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from clusters.cache import cached_page
from reports import svg
from reports.dashboards import takeaway
from reports.render import FontMissingError, fonts_check

# Like the open data's descriptive files: an ETag from the body (a repeated request is answered
# 304) and a Last-Modified from when the chart's data last changed.
_body_etag = decorator_from_middleware(ConditionalGetMiddleware)


def _year(request) -> int | None:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() else None


def _fonts_missing() -> HttpResponse:
    return HttpResponse(
        _("This picture cannot be drawn in this language: the server has no font for its characters."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )


def _picture_response(picture: takeaway.Picture, fmt: str) -> HttpResponse:
    if fmt == "png":
        try:
            fonts_check(get_language() or "en")
        except FontMissingError:
            return _fonts_missing()
        body = svg.png(picture.markup)
    else:
        body = picture.markup.encode("utf-8")
    response = HttpResponse(body, content_type=takeaway.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{picture.name}_{get_language()}.{fmt}"'
    if picture.changed is not None:
        response["Last-Modified"] = http_date(picture.changed.timestamp())
    return response


@require_safe
@_body_etag
def indicator_chart(request, slug: str, part_code: str, chart: str, fmt: str):
    picture = takeaway.indicator_picture(
        slug=slug, part_code=part_code, chart=chart, as_of=_year(request), user=request.user
    )
    return _picture_response(picture, fmt)


@require_safe
@_body_etag
def country_chart(request, code: str, slug: str, part_code: str, fmt: str):
    picture = takeaway.country_picture(code=code, slug=slug, part_code=part_code, user=request.user)
    return _picture_response(picture, fmt)


@require_safe
@_body_etag
def report_chart(request, code: str, fmt: str, slug: str | None = None, part_code: str | None = None):
    picture = takeaway.report_picture(code=code, user=request.user, indicator_slug=slug, part_code=part_code)
    return _picture_response(picture, fmt)


@require_safe
@_body_etag
def rating_chart(request, of: str, fmt: str, code: str = ""):
    """A rating summary bar of the home, cluster or sector page, for the page's year (?year=)."""
    return _picture_response(takeaway.rating_picture(of=of, code=code, as_of=_year(request)), fmt)


@require_safe
def indicator_factsheet(request, slug: str):
    """The fact sheet, inline (it opens in the browser's PDF reader), cached like the pages."""
    try:
        fonts_check(get_language() or "en")
    except FontMissingError:
        return _fonts_missing()
    response = _factsheet(request, slug=slug)
    if response.status_code == 200:
        response["Content-Disposition"] = f'inline; filename="{slug}_factsheet_{get_language()}.pdf"'
    return response


@cached_page
def _factsheet(request, slug: str):
    from reports.factsheet import factsheet_pdf

    page_url = request.build_absolute_uri(reverse("indicator_detail", args=[slug]))
    body = factsheet_pdf(slug=slug, as_of=_year(request), user=request.user, page_url=page_url)
    return HttpResponse(body, content_type="application/pdf")


def frame_ancestors() -> list[str]:
    """The sites that may frame an embeddable page (settings.EMBED_ALLOWED_ORIGINS); none by
    default."""
    return list(settings.EMBED_ALLOWED_ORIGINS) or ["'none'"]


def embeddable(view):
    """Lets the sites named in EMBED_ALLOWED_ORIGINS frame the page: its own frame-ancestors, and
    no X-Frame-Options (which cannot name sites). Set on whatever the inner view returns, a
    cached page included; every other page keeps DENY and frame-ancestors 'none'."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._csp_replace = {"frame-ancestors": frame_ancestors()}
        return response

    return xframe_options_exempt(wrapper)


@require_safe
@embeddable
@cached_page
def indicator_embed(request, slug: str, part_code: str):
    context = takeaway.embed_context(slug=slug, part_code=part_code, as_of=_year(request), user=request.user)
    context["page_url"] = request.build_absolute_uri(reverse("indicator_detail", args=[slug]))
    return render(request, "dashboards/embed.html", context)
