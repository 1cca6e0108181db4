"""Parts retired or added by a revision endorsed before parts carried the years they are measured
in: the years follow from the version's first reporting year."""

from django.db import migrations


def forwards(apps, schema_editor):
    IndicatorPart = apps.get_model("indicators", "IndicatorPart")
    Retirement = apps.get_model("versions", "Retirement")
    PartLineage = apps.get_model("versions", "PartLineage")
    for retirement in Retirement.objects.filter(version__status="endorsed").select_related("version"):
        until = retirement.version.applies_from - 1
        if retirement.part_id is not None:
            parts = IndicatorPart.objects.filter(pk=retirement.part_id)
        else:
            parts = IndicatorPart.objects.filter(indicator_id=retirement.indicator_id)
        parts.filter(in_force_until__isnull=True).update(in_force_until=until)
    born = PartLineage.objects.filter(version__status="endorsed", origin__in=["split", "merged", "new"])
    for lineage in born.select_related("version"):
        IndicatorPart.objects.filter(pk=lineage.part_id).update(in_force_from=lineage.version.applies_from)


class Migration(migrations.Migration):
    dependencies = [
        ("versions", "0001_initial"),
        ("indicators", "0008_in_force_years"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
