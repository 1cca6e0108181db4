"""The audit trail: a snapshot of an object's fields before and after each change, the difference
between them, who made it and why; and restoring an object to a recorded state."""

import datetime
import functools
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from carec_prf.bulk import insert_rows
from workflow.models import AuditEntry

# Fields that change on every save and say nothing about the content.
IGNORED_FIELDS = frozenset({"updated_at", "created_at", "recorded_at", "version"})


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # "100", not "1E+2"; what trim_scale(...)::text writes
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name
    return value


def snapshot(obj: models.Model | None, many: dict[str, list[int]] | None = None) -> dict:
    """The object's stored fields as plain values (foreign keys as ids, sets as sorted ids; many
    gives sets already known, so that they are not read again)."""
    if obj is None or obj.pk is None:
        return {}
    state = {f.attname: _plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields if not f.primary_key}
    for field in obj._meta.many_to_many:
        if many is not None and field.name in many:
            state[field.name] = sorted(many[field.name])
        else:
            state[field.name] = sorted(related.pk for related in getattr(obj, field.name).all())
    return state


def _indicator_of(obj) -> int | None:
    for path in ("indicator_id", "part.indicator_id", "observation.part.indicator_id"):
        target = obj
        try:
            for attribute in path.split("."):
                target = getattr(target, attribute)
        except AttributeError:
            continue
        return target
    if obj._meta.model_name == "indicator":
        return obj.pk
    return None


def _changes(before: dict, after: dict) -> dict:
    if not before:  # a new object: every field it holds
        return {k: [None, v] for k, v in sorted(after.items()) if v not in (None, "", []) and k not in IGNORED_FIELDS}
    keys = (set(before) | set(after)) - IGNORED_FIELDS
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def audit_record(*, actor, action: str, obj: models.Model, before: dict, reason: str = "") -> AuditEntry:
    after = snapshot(obj) if action != AuditEntry.Action.DELETE else {}
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        indicator_id=_indicator_of(obj),
        changes=_changes(before, after),
        state=after or before,
        reason=reason,
    )


def state_of(model: type[models.Model], row: dict, many: dict[str, list[int]]) -> dict:
    """What snapshot() records, for a row written as a plain dict of attnames (COPY): the
    columns it leaves out hold their defaults."""
    state = {name: _plain(row[name]) if name in row else default for name, default in _column_defaults(model)}
    return state | {name: sorted(ids) for name, ids in many.items()}


@functools.cache
def _column_defaults(model: type[models.Model]) -> tuple[tuple[str, object], ...]:
    return tuple(
        (field.attname, None if field.null else _plain(field.get_default()))
        for field in model._meta.concrete_fields
        if not field.primary_key
    )


def audit_sql(model: type[models.Model], alias: str) -> tuple[str, str]:
    """SQL expressions (PostgreSQL) for what snapshot() and _changes() record of a row just
    created, as jsonb: its state (numbers as their plain text, sets of related rows empty) and its
    changes (every non-empty field). For audit entries written as a set, in the statement that
    writes the rows."""
    state, changes = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = f"{alias}.{connection.ops.quote_name(field.column)}"
        value = column
        if isinstance(field, models.DecimalField):
            value = f"trim_scale({column})::text"
        elif isinstance(field, models.DateTimeField):  # as datetime.isoformat() writes a UTC time
            utc = f"{column} AT TIME ZONE 'UTC'"
            value = (
                f"to_char({utc}, CASE WHEN mod(extract(microseconds FROM {column})::int, 1000000) = 0"
                ' THEN \'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\' ELSE \'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\' END)'
            )
        state += [f"'{field.attname}'", value]
        if field.attname in IGNORED_FIELDS:
            continue
        empty = f"{column} IS NULL" + (
            f" OR {column} = ''" if isinstance(field, models.CharField | models.TextField) else ""
        )
        changes += [f"'{field.attname}'", f"CASE WHEN {empty} THEN NULL ELSE jsonb_build_array(NULL, {value}) END"]
    state += [f"'{field.name}'", "'[]'::jsonb"] if (field := next(iter(model._meta.many_to_many), None)) else []
    return f"jsonb_build_object({', '.join(state)})", f"jsonb_strip_nulls(jsonb_build_object({', '.join(changes)}))"


def audit_many(*, actor, entries: list[tuple], indicator_of: dict[int, int], reason: str) -> None:
    """The same entries as audit_record, for many rows of one model at once (a grid, an upload),
    written with COPY on PostgreSQL: (action, model, row, state before, country ids) each, the row
    an instance or a dict of attnames with its "id"; indicator_of maps a part to its indicator."""
    if not entries:
        return
    content_type = ContentType.objects.get_for_model(entries[0][1])
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    rows = []
    for action, model, row, before, countries in entries:
        if isinstance(row, dict):
            pk, part_id, after = row["id"], row["part_id"], state_of(model, row, {"countries": countries})
        else:
            after = snapshot(row, many={"countries": countries})
            pk, part_id = row.pk, row.part_id
        rows.append(
            {
                "at": now,
                "actor_id": actor_id,
                "action": action,
                "content_type_id": content_type.pk,
                "object_id": pk,
                "object_repr": f"{model._meta.model_name} {pk}",
                "indicator_id": indicator_of.get(part_id),
                "changes": _changes(before, after),
                "state": after,
                "reason": reason,
            }
        )
    insert_rows(AuditEntry, rows)


@transaction.atomic
def audit_restore(*, entry: AuditEntry, actor, reason: str = "") -> models.Model:
    """Put an object back in the state an audit entry recorded; the restore is recorded too."""
    model = entry.content_type.model_class()
    obj = model.objects.select_for_update(of=("self",)).filter(pk=entry.object_id).first()
    if obj is None:
        raise ValidationError(_("This object no longer exists and cannot be restored."), code="gone")
    before = snapshot(obj)
    many = {f.name for f in obj._meta.many_to_many}
    known = {f.attname for f in obj._meta.concrete_fields} | many
    if not entry.state or not set(entry.state) <= known:
        raise ValidationError(
            _("This history entry does not hold a complete earlier version, so it cannot be restored."),
            code="incomplete",
        )
    for name, value in entry.state.items():
        if name in many or name in IGNORED_FIELDS:
            continue
        field = obj._meta.get_field(name[:-3] if name.endswith("_id") else name)
        setattr(obj, name, field.to_python(value) if not field.is_relation else value)
    if hasattr(obj, "version"):
        obj.version += 1
    try:
        with transaction.atomic():
            obj.save()
            for name in many & set(entry.state):
                getattr(obj, name).set(entry.state[name])
    except IntegrityError:
        raise ValidationError(
            _(
                "Restoring this version would break a rule of the framework (for example two current "
                "baselines or two approved values for the same year); change the other record first."
            ),
            code="conflict",
        ) from None
    audit_record(
        actor=actor,
        action=AuditEntry.Action.RESTORE,
        obj=obj,
        before=before,
        reason=reason or _("Restored the version of %(date)s.") % {"date": entry.at.strftime("%Y-%m-%d %H:%M")},
    )
    return obj


class AuditedAdminMixin:
    """Records every add, change and delete made in the admin, inlines included, with the
    state before and after and the user who made it."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.filter(pk=obj.pk).first()) if change else {}
        super().save_model(request, obj, form, change)
        if not change or form.has_changed():
            action = AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE
            audit_record(actor=request.user, action=action, obj=obj, before=before, reason=_("Changed in the admin."))

    def save_formset(self, request, form, formset, change):
        befores = {}
        for inline_form in formset.forms:
            instance = inline_form.instance
            if instance.pk is not None and inline_form.has_changed():
                befores[instance.pk] = snapshot(type(instance).objects.filter(pk=instance.pk).first())
        deleted = [(f.instance, f.instance.pk, snapshot(f.instance)) for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.CREATE,
                obj=obj,
                before={},
                reason=_("Changed in the admin."),
            )
        for obj, _changed in formset.changed_objects:
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.UPDATE,
                obj=obj,
                before=befores.get(obj.pk, {}),
                reason=_("Changed in the admin."),
            )
        for obj, pk, state in deleted:
            obj.pk = pk
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.DELETE,
                obj=obj,
                before=state,
                reason=_("Deleted in the admin."),
            )

    def delete_model(self, request, obj):
        before = snapshot(obj)
        pk = obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.DELETE,
            obj=obj,
            before=before,
            reason=_("Deleted in the admin."),
        )
