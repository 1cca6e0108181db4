"""The first version of a framework: the one its fixture describes. It is made on first use, not
by a migration, because the framework itself is loaded after migrating (load_framework), both by
`make run` and by the test database's set-up."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Framework
from versions.models import FrameworkVersion
from workflow.audit import audit_record
from workflow.models import AuditEntry

# Where each shipped framework was first endorsed, in every language (content, not interface).
INITIAL_MEETINGS = {
    "CAREC2030": {
        "en": "19th Ministerial Conference",
        "zh-hans": "第十九届部长级会议",
        "ru": "19-я Министерская конференция",
    },
}


def version_initial_ensure(*, framework: Framework) -> FrameworkVersion:
    """The framework's first version, endorsed as the framework row says; made once, idempotent
    and safe when two requests race (get_or_create on the unique label)."""
    first = FrameworkVersion.objects.filter(framework=framework, based_on__isnull=True).order_by("id").first()
    if first is not None:
        return first
    meeting = INITIAL_MEETINGS.get(framework.code, {})
    endorsed_on = framework.endorsed_on or timezone.now().date()
    with transaction.atomic():
        version, created = FrameworkVersion.objects.get_or_create(
            framework=framework,
            label=framework.version,
            defaults={
                "status": FrameworkVersion.Status.ENDORSED,
                "endorsed_on": endorsed_on,
                "applies_from": endorsed_on.year,
                **{f"meeting_{code.replace('-', '_')}": text for code, text in meeting.items()},
            },
        )
        if created:
            audit_record(
                actor=None,
                action=AuditEntry.Action.CREATE,
                obj=version,
                before={},
                reason=_("The framework as first endorsed."),
            )
    return version
