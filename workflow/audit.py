"""The audit trail: a snapshot of an object's fields before and after each change, the difference
between them, who made it and why; and restoring an object to a recorded state."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from workflow.models import AuditEntry

# Fields that change on every save and say nothing about the content.
_IGNORED = {"updated_at", "created_at", "recorded_at", "version"}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name
    return value


def snapshot(obj: models.Model | None) -> dict:
    """The object's stored fields as plain values (foreign keys as ids, sets as sorted ids)."""
    if obj is None or obj.pk is None:
        return {}
    state = {f.attname: _plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields if not f.primary_key}
    for field in obj._meta.many_to_many:
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


def _entry(*, actor, action: str, obj: models.Model, before: dict, reason: str, indicator_id, content_type):
    after = snapshot(obj) if action != AuditEntry.Action.DELETE else {}
    keys = (set(before) | set(after)) - _IGNORED
    changes = {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=content_type,
        object_id=obj.pk,
        object_repr=str(obj)[:300] if indicator_id is None else f"{obj._meta.model_name} {obj.pk}",
        indicator_id=indicator_id,
        changes=changes,
        state=after or before,
        reason=reason,
    )


def audit_record(*, actor, action: str, obj: models.Model, before: dict, reason: str = "") -> AuditEntry:
    entry = _entry(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        reason=reason,
        indicator_id=_indicator_of(obj),
        content_type=ContentType.objects.get_for_model(obj),
    )
    entry.object_repr = str(obj)[:300]
    entry.save()
    return entry


def audit_many(*, actor, entries: list[tuple[str, models.Model, dict]], indicator_of: dict[int, int], reason: str):
    """The same entries as audit_record, for many objects of one model at once (a grid, an upload):
    (action, object, state before) each; indicator_of maps a part to its indicator."""
    if not entries:
        return
    content_type = ContentType.objects.get_for_model(entries[0][1])
    AuditEntry.objects.bulk_create(
        [
            _entry(
                actor=actor,
                action=action,
                obj=obj,
                before=before,
                reason=reason,
                indicator_id=indicator_of.get(obj.part_id),
                content_type=content_type,
            )
            for action, obj, before in entries
        ],
        batch_size=2000,
    )


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
        if name in many or name in _IGNORED:
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
