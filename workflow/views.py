"""Pages of the entry and review workflow. Thin: parse, call a selector or service, render.
Rights are decided in workflow.permissions through the selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.display import format_value
from indicators.models import Availability, Observation, ReportingYear
from indicators.values import decimal_comma_for
from workflow import selectors, services
from workflow.entry import REGION, Entry, EntryErrors
from workflow.forms import CommentForm, EvidenceForm, NarrativeForm, NotificationForm, ReturnForm
from workflow.models import Attachment, AuditEntry, NotificationPreference
from workflow.permissions import Access


@login_required
def my_work(request):
    return render(request, "workflow/my_work.html", selectors.my_work(user=request.user))


def _known_year_or_back(request, year: int):
    """A year in a URL that the framework does not cover goes back to My work with the reason."""
    try:
        services.year_check_known(year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workflow:my_work")
    return None


@login_required
def entry_grid(request, slug: str, year: int):
    if back := _known_year_or_back(request, year):
        return back
    indicator = selectors.indicator_for_user(user=request.user, slug=slug)
    try:
        context = selectors.entry_grid(user=request.user, indicator=indicator, year=year)
    except ValidationError as error:  # not measured that year: not offered for it
        messages.error(request, " ".join(error.messages))
        return redirect("workflow:my_work")
    if request.method == "POST":
        if _save_grid(request, context):
            return redirect(request.path)
        status = 400
    else:
        status = 200
    context["return_form"] = ReturnForm()
    return render(request, "workflow/entry_grid.html", context, status=status)


def _save_grid(request, context) -> bool:
    """Every cell goes through the one way in (workflow.entry): all cells are checked first, and
    all are saved in one transaction, or none. Values posted for cells of parts no longer measured
    that year (a page loaded before a framework revision) go through it too, to be refused with
    its reason."""
    cells = {cell.key: cell for cell in context["cells"] if cell.can_enter}
    shown = {cell.key for cell in context["cells"]}
    posted = {name.rsplit("-", 1)[0] for name in request.POST if name.endswith(("-value", "-countries"))}
    cells |= {
        cell.key: cell
        for cell in selectors.grid_cells_not_measured(
            user=request.user,
            indicator=context["indicator"],
            year=context["year"],
            keys=sorted(posted - shown),
            countries=context["countries"],
        )
        if cell.can_enter
    }
    entries = []
    for key, cell in cells.items():
        raw = (request.POST.get(f"{key}-value") or "").strip()
        chosen = [c for c in request.POST.getlist(f"{key}-countries") if c]
        reason = (request.POST.get(f"{key}-reason") or "").strip()
        # the flag and the comment as shown unless changed: a page without them keeps the value's
        kind = (request.POST.get(f"{key}-kind") or "").strip() or cell.flag
        note = request.POST.get(f"{key}-note")
        cell.entered = {"value": raw, "countries": chosen, "reason": reason, "kind": kind}
        if note is not None:
            cell.entered["note"] = note = note.strip()
            if note == ((cell.shown.note or "") if cell.shown else ""):
                note = None  # unchanged: the texts of the other languages stay as they are
        missing = kind == Observation.Kind.MISSING and not raw and not chosen
        if not raw and not chosen and not missing:
            continue
        version = request.POST.get(f"{key}-version") or ""
        entries.append(
            Entry(
                indicator=cell.part.indicator.code,
                part=cell.part.code,
                country=cell.country.code if cell.country else REGION,
                year=context["year"],
                value=raw,
                breakdown=cell.breakdown,
                availability=Availability.NOT_AVAILABLE if missing else None,
                kind=kind,
                note=note,
                countries=chosen,
                revision_reason=reason,
                version=int(version) if version.isascii() and version.isdigit() else None,
                ref=key,
            )
        )
    submit = "submit" in request.POST
    try:
        with transaction.atomic():
            written = services.entries_save(
                user=request.user, entries=entries, decimal_comma=decimal_comma_for(get_language())
            )
            submitted = 0
            if submit:
                pending = [written.observations.get(key) or cell.current for key, cell in cells.items()]
                ready = [o for o in pending if o is not None and o.status in ("draft", "returned")]
                submitted = len(services.observations_submit(user=request.user, observations=ready))
    except EntryErrors as problems:
        # a problem of the year (locked, not open) concerns the whole page, not one cell; so does
        # one of a cell the page does not show
        for message in dict.fromkeys(m for ref, column, m in problems.errors if column == "year" or ref not in shown):
            messages.error(request, message)
        marked = [(ref, m) for ref, column, m in problems.errors if column != "year" and ref in shown]
        for ref, message in marked:
            cell = cells.get(ref)
            if cell is not None:
                cell.error = f"{cell.error} {message}".strip()
        if marked:
            messages.error(request, _("Nothing was saved: correct the values marked below."))
        return False
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        return False
    saved = written.created + written.changed
    if submit:
        messages.success(
            request,
            ngettext(
                "Saved %(saved)s value and submitted %(submitted)s for review.",
                "Saved %(saved)s values and submitted %(submitted)s for review.",
                saved,
            )
            % {"saved": saved, "submitted": submitted},
        )
    else:
        messages.success(
            request,
            ngettext("Saved %(saved)s value as a draft.", "Saved %(saved)s values as drafts.", saved)
            % {"saved": saved},
        )
    return True


def _named(observation: Observation) -> str:
    """A value as a reviewer names it: indicator, part, place, year: value."""
    place = observation.country.name if observation.country_id else _("region")
    if observation.breakdown:  # and its categories: "region (Female)"
        labels = selectors.breakdown_labels([observation.breakdown])
        place = _("%(place)s (%(categories)s)") % {"place": place, "categories": labels[observation.breakdown]}
    return (
        f"{observation.part.indicator.code}, {observation.part.name}, {place}, {observation.year}: "
        f"{format_value(observation)}"
    )


@login_required
@require_POST
def observation_review(request, pk: int):
    observation = get_object_or_404(Observation.objects.select_related("part__indicator", "country"), pk=pk)
    back = request.POST.get("next") or "workflow:my_work"
    try:
        if request.POST.get("decision") == "approve":
            done = services.observation_approve(user=request.user, observation=observation)
            messages.success(request, _("Approved: %(value)s") % {"value": _named(done)})
        else:
            done = services.observation_return(
                user=request.user, observation=observation, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("Returned with your comment: %(value)s") % {"value": _named(done)})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if safe and back.startswith("/") and not back.startswith("//") else "workflow:my_work")


@login_required
@require_POST
def review_batch(request):
    """Approve or return a whole upload or a whole indicator-year in one action. Each value is
    reviewed as if alone (separation of duties included); one recompute follows."""
    access = Access(request.user)
    submitted = Observation.objects.filter(access.observation_filter(), status=Observation.Status.SUBMITTED)
    upload = (request.POST.get("upload") or "").strip()
    indicator, year = (request.POST.get("indicator") or "").strip(), (request.POST.get("year") or "").strip()
    if upload.isascii() and upload.isdigit():
        chosen = submitted.filter(batch=f"upload:{int(upload)}")
    elif indicator and year.isascii() and year.isdigit() and len(year) <= 6:
        chosen = submitted.filter(part__indicator__code=indicator.replace("-", " "), year=int(year))
    else:
        messages.error(request, _("Choose an upload or an indicator and year to review."))
        return redirect("workflow:my_work")
    try:
        outcome = services.observations_review(
            user=request.user,
            observations=list(chosen),
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = len(outcome.done)
        if request.POST.get("decision") == "approve":
            messages.success(request, ngettext("Approved %(n)s value.", "Approved %(n)s values.", done) % {"n": done})
        else:
            messages.success(request, ngettext("Returned %(n)s value.", "Returned %(n)s values.", done) % {"n": done})
        reasons: dict[str, int] = {}
        for _obs, reason in outcome.skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, count in reasons.items():
            messages.warning(
                request,
                ngettext("%(n)s value was left: %(reason)s", "%(n)s values were left: %(reason)s", count)
                % {"n": count, "reason": reason},
            )
    back = request.POST.get("next") or ""
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if safe and back.startswith("/") and not back.startswith("//") else "workflow:my_work")


@login_required
def observation_detail(request, pk: int):
    access = Access(request.user)
    observation = (
        Observation.objects.filter(access.observation_filter())
        .select_related("part__indicator__result", "country")
        .filter(pk=pk)
        .first()
    )
    if observation is None:
        if Observation.objects.filter(pk=pk).exists():
            raise PermissionDenied(
                _("This value belongs to a sector or country you do not cover; ask its focal point or the secretariat.")
            )
        raise Http404
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        initial={"citation": observation.citation, "evidence_url": observation.evidence_url},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                # evidence of an approved value goes to a revision that waits for review
                target = services.observation_evidence_set(
                    user=request.user,
                    observation=observation,
                    citation=form.cleaned_data["citation"],
                    evidence_url=form.cleaned_data["evidence_url"],
                    revision_reason=form.cleaned_data["revision_reason"],
                    new_file=bool(form.cleaned_data["file"]),
                )
                if form.cleaned_data["file"]:
                    services.attachment_add(user=request.user, observation=target, uploaded=form.cleaned_data["file"])
            messages.success(request, _("Evidence saved."))
            return redirect("workflow:observation_detail", pk=target.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "workflow/observation_detail.html",
        {
            "observation": observation,
            "categories": selectors.breakdown_labels([observation.breakdown]).get(observation.breakdown, ""),
            "form": form,
            "attachments": list(observation.attachments.all()),
            "can_enter": access.can_enter(observation.part.indicator.result.sector_id, observation.country_id),
        },
    )


@login_required
def attachment_download(request, pk: int):
    access = Access(request.user)
    attachment = get_object_or_404(Attachment, pk=pk)
    if not Observation.objects.filter(access.observation_filter(), pk=attachment.observation_id).exists():
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )


@login_required
def indicator_year(request, slug: str, year: int):
    if back := _known_year_or_back(request, year):
        return back
    indicator = selectors.indicator_for_user(user=request.user, slug=slug)
    context = selectors.indicator_year(user=request.user, indicator=indicator, year=year)
    narrative = context["narrative"]
    initial = {"version": narrative.version if narrative else None}
    if narrative:
        initial |= {"text_en": narrative.text_en, "text_zh_hans": narrative.text_zh_hans, "text_ru": narrative.text_ru}
    narrative_form = NarrativeForm(request.POST if "narrative" in request.POST else None, initial=initial)
    comment_form = CommentForm(request.POST if "comment" in request.POST else None)
    review_form = ReturnForm(request.POST if "review_narrative" in request.POST else None)
    try:
        if "narrative" in request.POST and narrative_form.is_valid():
            data = narrative_form.cleaned_data
            submit = request.POST["narrative"] == "submit"
            services.narrative_save(
                user=request.user,
                indicator=indicator,
                year=year,
                expected_version=data["version"],
                texts={"en": data["text_en"], "zh-hans": data["text_zh_hans"], "ru": data["text_ru"]},
                submit=submit,
            )
            messages.success(
                request,
                _("Narrative submitted: the sector's focal points review it now.")
                if submit
                else _("Narrative saved as a draft. Submit it when it is ready for review."),
            )
            return redirect(request.path)
        if "review_narrative" in request.POST and narrative:
            decision = request.POST["review_narrative"]
            comment = request.POST.get("comment", "")
            services.narrative_review(user=request.user, narrative=narrative, decision=decision, comment=comment)
            params = {"indicator": indicator.code, "year": year}
            messages.success(
                request,
                (
                    _("Narrative approved: %(indicator)s, %(year)s.")
                    if decision == "approve"
                    else _("Narrative returned: %(indicator)s, %(year)s.")
                )
                % params,
            )
            return redirect(request.path)
        if "comment" in request.POST and comment_form.is_valid():
            services.comment_add(
                user=request.user, indicator=indicator, year=year, text=comment_form.cleaned_data["text"]
            )
            return redirect(request.path)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    context |= {"narrative_form": narrative_form, "comment_form": comment_form, "review_form": review_form}
    return render(request, "workflow/indicator_year.html", context)


@login_required
def indicator_history(request, slug: str):
    indicator = selectors.indicator_for_user(user=request.user, slug=slug)
    if request.method == "POST":
        entry = get_object_or_404(AuditEntry, pk=request.POST.get("entry"), indicator=indicator)
        try:
            services.history_restore(user=request.user, entry=entry, reason=request.POST.get("reason", ""))
            messages.success(request, _("The earlier version was restored; the restore is in the history."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(request.path)
    return render(request, "workflow/history.html", selectors.indicator_history(user=request.user, indicator=indicator))


@login_required
def notification_settings(request):
    preference, _created = NotificationPreference.objects.get_or_create(user=request.user)
    form = NotificationForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings are saved."))
        return redirect(request.path)
    return render(request, "workflow/settings.html", {"form": form})


@login_required
def reporting_years(request):
    if not Access(request.user).can_manage():
        raise PermissionDenied(_("Only the secretariat manages reporting years."))
    if request.method == "POST":
        try:
            text = request.POST.get("year", "").strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 6):
                raise ValueError(text)
            year = int(text)
            services.reporting_year_set(
                user=request.user,
                year=year,
                status=request.POST.get("status", ""),
                deadline=request.POST.get("deadline") or None,
            )
            messages.success(request, _("Reporting year %(year)s updated.") % {"year": year})
        except ValueError:
            messages.error(request, _("Give the year as four digits, such as 2024."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(request.path)
    return render(
        request, "workflow/years.html", {"years": ReportingYear.objects.all(), "statuses": ReportingYear.Status.choices}
    )


@login_required
def quality(request, sector: str):
    """A sector's data-quality warnings: each can be marked followed up with a comment; the checks
    can be run again over the sector now."""
    from clusters.models import Sector
    from progress.models import QualityWarning

    sector = get_object_or_404(Sector, code=sector.upper())
    if request.method == "POST":
        try:
            if "run" in request.POST:
                services.quality_check_request(user=request.user, sector=sector)
                messages.success(request, _("The checks are running over the sector's values; reload in a moment."))
            else:
                warning = get_object_or_404(
                    QualityWarning, pk=request.POST.get("warning"), part__indicator__result__sector=sector
                )
                followed_up = request.POST.get("followed_up") == "yes"
                services.quality_follow_up(
                    user=request.user,
                    warning=warning,
                    followed_up=followed_up,
                    comment=request.POST.get("comment", ""),
                )
                messages.success(
                    request,
                    (_("Marked followed up: %(what)s") if followed_up else _("Open again: %(what)s"))
                    % {"what": warning.message},
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(request.get_full_path())
    context = selectors.quality_page(
        user=request.user, sector=sector, show_followed_up=request.GET.get("show") == "all"
    )
    return render(request, "workflow/quality.html", context)
