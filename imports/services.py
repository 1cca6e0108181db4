"""Uploading progress values in bulk: record the upload, check every row, and import all rows or
none in one transaction. Re-importing the same file changes nothing; a corrected file changes
only what differs, and the result lists what changed."""

import datetime
import functools
import hashlib
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carec_prf.bulk import insert_rows
from clusters.models import Country
from imports.models import Upload
from imports.reading import FileRefused, read_table
from imports.validation import Checked, Context, PartFacts, Row, check_table
from indicators.display import format_value
from indicators.models import Baseline, IndicatorPart, Milestone, Observation, OrdinalLevel
from workflow.models import AuditEntry, ReportingYear
from workflow.permissions import Access

PENDING = ("draft", "submitted", "returned")
CHANGES_KEPT = 1000


def upload_create(*, user, name: str, data: bytes, dry_run: bool, language: str) -> Upload:
    from django.core.files.base import ContentFile

    upload = Upload(
        original_name=name[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
        dry_run=dry_run,
        language=language,
    )
    upload.file.save(name, ContentFile(data), save=False)
    upload.save()
    return upload


def progress_key(upload_id: int) -> str:
    return f"upload-progress-{upload_id}"


def context_load(*, user, decimal_comma: bool) -> Context:
    """The framework facts every row is checked against, in a handful of queries."""
    scales = defaultdict(list)
    for part_id, code in OrdinalLevel.objects.order_by("rank").values_list("part_id", "code"):
        scales[part_id].append(code)
    parts = {}
    rows = IndicatorPart.objects.values_list(
        "id",
        "code",
        "indicator__code",
        "indicator__result__sector_id",
        "value_type",
        "aggregation",
        "unit__code",
        "unit__name_en",
        "unit__name_zh_hans",
        "unit__name_ru",
        "unit__symbol_en",
        "unit__symbol_zh_hans",
        "unit__symbol_ru",
        "unit__min_value",
        "unit__max_value",
    )
    suffix = (translation.get_language() or "en").replace("-", "_")
    label_index = {"en": 7, "zh_hans": 8, "ru": 9}.get(suffix, 7)
    for row in rows.iterator(chunk_size=5000):
        part_id, code, indicator, sector_id, value_type, aggregation = row[:6]
        names = {n for n in row[6:13] if n}
        parts[(indicator.upper(), code.upper())] = PartFacts(
            id=part_id,
            sector_id=sector_id,
            value_type=value_type,
            region_only=aggregation == IndicatorPart.Aggregation.REGION_ONLY,
            unit_names=frozenset(n.lower() for n in names),
            unit_label=row[label_index] or row[7],
            min_value=row[13],
            max_value=row[14],
            scale=tuple(scales.get(part_id, ())),
        )
    first = Baseline.objects.filter(is_current=True).aggregate(y=Min("year"))["y"] or 2000
    last = Milestone.objects.aggregate(y=Max("year"))["y"] or datetime.date.today().year
    return Context(
        parts=parts,
        countries=dict(Country.objects.values_list("code", "id")),
        first_year=first,
        last_year=max(last, datetime.date.today().year),
        year_status=dict(ReportingYear.objects.values_list("year", "status")),
        can_enter=functools.lru_cache(maxsize=None)(Access(user).can_enter),
        decimal_comma=decimal_comma,
    )


def upload_process(*, upload: Upload) -> Upload:
    """Check and (unless a dry run) import an upload. Safe to run again: a finished upload is left
    as it is, and an interrupted one is processed again from the start."""
    if upload.finished:
        return upload
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.RUNNING)
    with translation.override(upload.language):
        try:
            data = upload.file.open("rb").read()
            upload.file.close()
            table = read_table(
                data,
                upload.original_name,
                max_bytes=settings.UPLOAD_MAX_BYTES,
                max_inflated=settings.UPLOAD_MAX_INFLATED_BYTES,
            )
        except FileRefused as refusal:
            return _finish(upload, status=Upload.Status.REFUSED, message=str(refusal))
        context = context_load(user=upload.uploaded_by, decimal_comma=table.delimiter == ";")
        Upload.objects.filter(pk=upload.pk).update(rows_total=len(table.rows))

        def report(validated: int) -> None:
            Upload.objects.filter(pk=upload.pk).update(rows_validated=validated)
            cache.set(progress_key(upload.pk), {"validated": validated, "imported": 0}, 3600)

        checked = check_table(table, context, progress=report)
        upload.notes = table.notes + (
            [_("%(count)s rows without a value were skipped.") % {"count": checked.skipped}] if checked.skipped else []
        )
        if checked.errors:
            return _finish(
                upload,
                status=Upload.Status.REFUSED,
                rows_validated=len(table.rows),
                errors=[list(e) for e in checked.errors],
                message=_("%(count)s problems found; nothing was imported.") % {"count": len(checked.errors)},
            )
        if upload.dry_run:
            return _finish(
                upload,
                status=Upload.Status.CHECKED,
                rows_validated=len(table.rows),
                message=_("Every row is valid. This was a check only: nothing was imported."),
            )
        result = rows_import(user=upload.uploaded_by, checked=checked, upload=upload)
        return _finish(
            upload,
            status=Upload.Status.DONE,
            rows_validated=len(table.rows),
            rows_imported=len(checked.rows),
            created=result["created"],
            changed=result["changed"],
            unchanged=result["unchanged"],
            changes=result["changes"],
            message=(
                _(
                    "%(created)s new values, %(changed)s changed, %(unchanged)s unchanged; the new and changed "
                    "values wait for review."
                )
                % result
                if result["created"] or result["changed"]
                else _("Nothing changed: all %(unchanged)s values are already recorded.") % result
            ),
        )


def _finish(upload: Upload, **fields) -> Upload:
    fields["finished_at"] = timezone.now()
    fields.setdefault("notes", upload.notes)
    Upload.objects.filter(pk=upload.pk).update(**fields)
    cache.delete(progress_key(upload.pk))
    upload.refresh_from_db()
    return upload


def _same(existing: Observation, row: Row, set_members: dict[int, list[int]], codes: dict[str, int]) -> bool:
    value = row.value
    if (existing.availability, existing.qualifier) != (value.availability, value.qualifier):
        return False
    if (existing.value_number, existing.value_boolean, existing.value_text) != (
        value.value_number,
        value.value_boolean,
        value.value_text,
    ):
        return False
    if value.countries:
        return sorted(set_members.get(existing.pk, [])) == sorted(codes[c] for c in value.countries)
    return True


@transaction.atomic
def rows_import(*, user, checked: Checked, upload: Upload | None = None) -> dict:
    """Write checked rows as submitted values, all in one transaction."""
    rows = checked.rows
    part_ids = {r.part_id for r in rows}
    years = {r.year for r in rows}
    existing: dict[tuple, dict[str, Observation]] = defaultdict(dict)
    for obs in (
        Observation.objects.filter(part_id__in=part_ids, year__in=years, status__in=[*PENDING, "approved"])
        .select_for_update(of=("self",))
        .only(
            "id",
            "part_id",
            "country_id",
            "year",
            "status",
            "availability",
            "value_type",
            "value_number",
            "value_boolean",
            "value_text",
            "qualifier",
            "version",
        )
    ):
        existing[(obs.part_id, obs.country_id, obs.year)]["pending" if obs.status in PENDING else "approved"] = obs
    country_codes = dict(Country.objects.values_list("code", "id"))
    set_members: dict[int, list[int]] = defaultdict(list)
    if any(r.value.countries for r in rows):
        through = Observation.countries.through
        for obs_id, country_id in through.objects.filter(
            observation__part_id__in=part_ids, observation__year__in=years
        ).values_list("observation_id", "country_id"):
            set_members[obs_id].append(country_id)

    now = timezone.now()
    language_suffix = (translation.get_language() or "en").replace("-", "_")
    reason = _("Bulk upload of %(name)s") % {"name": upload.original_name} if upload else _("Bulk upload")
    to_create, to_update, changes, unchanged = [], [], [], 0
    for row in rows:
        found = existing.get(row.key, {})
        pending, approved = found.get("pending"), found.get("approved")
        current = pending or approved
        if current is not None and _same(current, row, set_members, country_codes):
            unchanged += 1
            continue
        value = row.value.model_fields()
        note = {"note": row.note, f"note_{language_suffix}": row.note} if row.note else {}
        if pending is not None:
            old = format_value(pending)
            before = _state(vars(pending))["value"]
            for name, field_value in value.items():
                setattr(pending, name, field_value)
            pending.availability = row.value.availability
            pending.status = "submitted"
            pending.citation = row.source[:500]
            pending.updated_by = user
            pending.version += 1
            if approved is not None:
                pending.revision_reason = reason
            for name, text in note.items():
                setattr(pending, name, text)
            to_update.append((pending, row, before))
        else:
            old = format_value(approved) if approved else "—"
            to_create.append(
                {
                    "part_id": row.part_id,
                    "country_id": row.country_id,
                    "year": row.year,
                    "availability": row.value.availability,
                    **value,
                    "kind": "actual",
                    "status": "submitted",
                    "citation": row.source[:500],
                    "evidence_url": "",
                    "note": row.note,
                    "revision_reason": reason if approved else "",
                    "review_comment": "",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "created_by_id": getattr(user, "pk", None),
                    "updated_by_id": getattr(user, "pk", None),
                    **note,
                }
            )
        if len(changes) < CHANGES_KEPT:
            changes.append({"row": row.number, "old": old, "new": format_value(row.value)})

    cache_key = progress_key(upload.pk) if upload else None
    insert_rows(Observation, to_create)
    if to_update:
        Observation.objects.bulk_update(
            [obs for obs, _row, _old in to_update],
            [
                "availability",
                "value_type",
                "value_number",
                "value_boolean",
                "value_text",
                "qualifier",
                "status",
                "citation",
                "updated_by",
                "version",
                "revision_reason",
                "note",
                f"note_{language_suffix}",
            ],
            batch_size=2000,
        )
    if cache_key:
        cache.set(cache_key, {"validated": len(rows), "imported": len(rows)}, 3600)
    written = {
        (part_id, country_id, year): pk
        for pk, part_id, country_id, year in Observation.objects.filter(
            part_id__in=part_ids, year__in=years, status="submitted"
        )
        .order_by()
        .values_list("id", "part_id", "country_id", "year")
    }
    created_ids = [written[(r["part_id"], r["country_id"], r["year"])] for r in to_create]
    rows_by_key = {r.key: r for r in rows}
    for payload, obs_id in zip(to_create, created_ids, strict=True):
        row = rows_by_key[(payload["part_id"], payload["country_id"], payload["year"])]
        if row.value.countries:
            Observation.objects.get(pk=obs_id).countries.set([country_codes[c] for c in row.value.countries])
    for obs, row, _old in to_update:
        if row.value.countries:
            obs.countries.set([country_codes[c] for c in row.value.countries])
    _audit_bulk(user=user, created=list(zip(created_ids, to_create, strict=True)), updated=to_update, reason=reason)
    if to_create or to_update:
        _notify_reviewers(part_ids={r.part_id for r in rows}, count=len(to_create) + len(to_update))
    return {"created": len(to_create), "changed": len(to_update), "unchanged": unchanged, "changes": changes}


def _audit_bulk(*, user, created, updated, reason: str) -> None:
    """One audit entry per written value, inserted in bulk: the value before and after."""
    content_type = ContentType.objects.get_for_model(Observation)
    indicator_of = dict(IndicatorPart.objects.values_list("id", "indicator_id"))
    now = timezone.now()
    actor = getattr(user, "pk", None)

    def entry(action, obs_id, part_id, old, state):
        return {
            "at": now,
            "actor_id": actor,
            "action": action,
            "content_type_id": content_type.pk,
            "object_id": obs_id,
            "object_repr": f"observation {obs_id}",
            "indicator_id": indicator_of[part_id],
            "changes": {"value": [old, state["value"]]},
            "state": state,
            "reason": reason,
        }

    entries = [
        entry(AuditEntry.Action.CREATE, obs_id, payload["part_id"], None, _state(payload))
        for obs_id, payload in created
    ]
    entries += [
        entry(AuditEntry.Action.UPDATE, obs.pk, obs.part_id, old, _state(vars(obs))) for obs, _row, old in updated
    ]
    insert_rows(AuditEntry, entries)


def _state(fields: dict) -> dict:
    number, boolean = fields["value_number"], fields["value_boolean"]
    value = str(number) if number is not None else boolean if boolean is not None else fields["value_text"] or None
    return {
        "value": value,
        "qualifier": fields["qualifier"],
        "availability": fields["availability"],
        "status": "submitted",
    }


def _notify_reviewers(*, part_ids: set[int], count: int) -> None:
    """One e-mail per reviewer for the whole upload, not one per value."""
    from workflow.notifications import notify_bulk_review_waiting

    notify_bulk_review_waiting(part_ids=part_ids, count=count)


def error_report(upload: Upload) -> tuple[bytes, str, str]:
    """The uploaded file with an extra column listing each row's problems."""
    import csv
    import io

    data = upload.file.open("rb").read()
    upload.file.close()
    by_row = defaultdict(list)
    for number, column, message in upload.errors:
        by_row[number].append(f"{column}: {message}")
    header = _("problems")
    if upload.original_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook["data"] if "data" in workbook.sheetnames else workbook.worksheets[0]
        column = sheet.max_column + 1
        sheet.cell(row=1, column=column, value=header)
        for number, problems in by_row.items():
            sheet.cell(row=number, column=column, value="; ".join(problems))
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        writer.writerow([*cells, header if number == 1 else "; ".join(by_row.get(number, []))])
    return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv", "csv"
