"""The public "What changed" page: two versions of the framework side by side, each change with
its reason. The public sees endorsed versions only; the secretariat may also open a draft."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from versions.selectors import framework_default, version_compare, versions_visible


@require_GET
def changes_page(request):
    framework = framework_default()
    if framework is None:
        raise Http404
    versions = list(versions_visible(request.user, framework))
    by_label = {v.label: v for v in versions}
    endorsed = [v for v in versions if v.is_endorsed]
    new = by_label.get(request.GET["to"]) if request.GET.get("to") else endorsed[-1]
    if new is None:
        raise Http404
    if request.GET.get("from"):
        old = by_label.get(request.GET["from"])
        if old is None:
            raise Http404
    else:  # the version it revised; none for the first version
        old = next((v for v in versions if v.pk == new.based_on_id), None)
    comparison = None
    if old is not None:
        try:
            comparison = version_compare(old, new)
        except ValidationError:
            raise Http404 from None
    return render(
        request,
        "versions/changes.html",
        {"framework": framework, "versions": versions, "old": old, "new": new, "comparison": comparison},
    )
