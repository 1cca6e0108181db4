from django.db import migrations

from progress.method import MethodSettings

NAME = {
    "en": "CAREC default rating method",
    "zh_hans": "CAREC默认评级方法",
    "ru": "Стандартный метод оценки ЦАРЭС",
}
DESCRIPTION = {
    "en": "Share of required progress against milestones interpolated from the baseline (UN ESCAP, Open SDG), "
    "traffic lights as in ADB's DEfR scorecard; annual change where no milestone is set.",
    "zh_hans": "以基线至里程碑插值计算所需进展的完成比例（参照联合国亚太经社会和Open SDG方法），"
    "采用亚行发展成效评估记分卡的交通灯分级；未设定里程碑时按年均变化评估。",
    "ru": "Доля требуемого прогресса относительно промежуточных целей, интерполированных от базового значения "
    "(методы ЭСКАТО ООН и Open SDG), «светофор» по образцу оценочной карты АБР; при отсутствии "
    "промежуточных целей — по среднегодовому изменению.",
}


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
