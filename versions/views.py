"""The public "What changed" page: two versions of the framework side by side, each change with
its reason. The public sees endorsed versions only; the secretariat may also open a draft.
And the secretariat's screen that drafts a revision, adds its changes, sends it for review and
endorses or withdraws it."""

import json
import logging

from django import forms as forms_lib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from versions import services
from versions.forms import ChangeForm, DraftForm, EndorseForm, WithdrawForm, examples
from versions.initial import version_initial_ensure
from versions.models import FrameworkVersion
from versions.preview import version_preview
from versions.selectors import framework_default, version_compare, versions_visible
from workflow.permissions import Access

logger = logging.getLogger(__name__)


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


# --- the secretariat's revision screen ---------------------------------------------------------
# Every action goes through versions.services, which checks the role again, applies nothing of a
# draft until it is endorsed and leaves an audit entry; a refusal is shown beside the form that
# asked, with what was typed kept.

ACTIONS = ("add", "submit", "endorse", "withdraw")


def _manager_framework(request):
    if not Access(request.user).can_manage():
        raise PermissionDenied(_("Only the secretariat may revise the framework."))
    framework = framework_default()
    if framework is None:
        raise Http404
    return framework


def _refused(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@login_required
def revision_list(request):
    """Every version of the framework, with the form that starts a revision."""
    framework = _manager_framework(request)
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_draft_create(
                user=request.user,
                framework=framework,
                label=form.cleaned_data["label"],
                applies_from=form.cleaned_data["applies_from"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Revision %(label)s drafted: add its changes.") % {"label": version.label})
            return redirect("versions:revision", label=version.label)
    version_initial_ensure(framework=framework)
    versions = FrameworkVersion.objects.filter(framework=framework).select_related("based_on")
    return render(request, "versions/revisions.html", {"framework": framework, "versions": versions, "form": form})


def _act(request, version: FrameworkVersion, action: str, form) -> str:
    """Run one action of the revision page through its service; the message to show on success."""
    if action == "add":
        change = services.change_add(
            user=request.user,
            version=version,
            kind=form.cleaned_data["kind"],
            payload=form.cleaned_data["payload"],
            reason=form.texts("reason"),
        )
        return _("Change %(order)s added.") % {"order": change.order}
    if action == "submit":
        services.version_submit(user=request.user, version=version)
        return _("Revision %(label)s sent for review: its changes are frozen.") % {"label": version.label}
    if action == "endorse":
        services.version_endorse(
            user=request.user,
            version=version,
            endorsed_on=form.cleaned_data["endorsed_on"],
            meeting=form.texts("meeting"),
        )
        return _("Revision %(label)s endorsed: it is now public.") % {"label": version.label}
    services.version_withdraw(user=request.user, version=version, reason=form.cleaned_data["reason"])
    return _("Revision %(label)s withdrawn.") % {"label": version.label}


@login_required
def revision_detail(request, label: str):
    """One version: its changes in order with their reasons and, while it is open, the forms that
    add a change, send it for review, endorse it or withdraw it."""
    framework = _manager_framework(request)
    version = get_object_or_404(
        FrameworkVersion.objects.select_related("framework", "based_on"), framework=framework, label=label
    )
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "add": ChangeForm(request.POST if action == "add" else None),
        "submit": forms_lib.Form(request.POST if action == "submit" else None),
        "endorse": EndorseForm(
            request.POST if action == "endorse" else None, initial={"endorsed_on": timezone.now().date()}
        ),
        "withdraw": WithdrawForm(request.POST if action == "withdraw" else None),
    }
    if request.method == "POST":
        form = forms.get(action)
        if form is None:
            return HttpResponseBadRequest(_("Unknown action."))
        if form.is_valid():
            try:
                done = _act(request, version, action, form)
            except ValidationError as error:
                if getattr(error, "code", None) != "bad_status":
                    _refused(form, error)
                else:  # the version moved on (another tab, another person): the page, not the form, is stale
                    messages.error(request, " ".join(error.messages))
                    return redirect("versions:revision", label=version.label)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                # a payload whose shape the change does not expect, beyond what it checks
                logger.warning("Change payload not understood", exc_info=True)
                message = _("The payload does not describe a change of this kind: compare it with the example.")
                form.add_error("payload" if action == "add" else None, message)
            else:
                messages.success(request, done)
                return redirect("versions:revision", label=version.label)
    changes = list(version.changes.order_by("order"))
    for change in changes:
        change.payload_text = json.dumps(change.payload, ensure_ascii=False, indent=2)
    return render(
        request,
        "versions/revision.html",
        {"framework": framework, "version": version, "changes": changes, "forms": forms, "examples": examples()},
    )


@login_required
@require_GET
def revision_preview(request, label: str):
    """The framework as it will read once this revision is endorsed, every item marked with what
    the revision does to it. A change that no longer applies is shown, as endorsement would
    refuse it, instead of the framework."""
    framework = _manager_framework(request)
    version = get_object_or_404(
        FrameworkVersion.objects.select_related("framework", "based_on"), framework=framework, label=label
    )
    preview, errors = None, []
    try:
        preview = version_preview(user=request.user, version=version)
    except ValidationError as error:
        errors = error.messages
    return render(
        request,
        "versions/preview.html",
        {"framework": framework, "version": version, "preview": preview, "errors": errors},
    )
