from django.db import migrations

from progress.method import DEFAULT_METHOD_DESCRIPTION as DESCRIPTION
from progress.method import DEFAULT_METHOD_NAME as NAME
from progress.method import MethodSettings

def create_default(apps, schema_editor):
    RatingMethod = apps.get_model("progress", "RatingMethod")
    fields = {f"name_{lang}": text for lang, text in NAME.items()}
    fields.update({f"description_{lang}": text for lang, text in DESCRIPTION.items()})
    RatingMethod.objects.update_or_create(
        version=1,
        defaults={"name": NAME["en"], "description": DESCRIPTION["en"], "settings": MethodSettings().to_dict(),
                  "is_default": True, **fields},
    )


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]
    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
