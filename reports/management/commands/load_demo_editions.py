"""The demo editions `make run` loads: the 2021 Development Effectiveness Review, published from
the seeds' values (as loaded by load_framework and rated by recompute_progress), with its files
rendered as publishing does (in-process when Celery runs eagerly, as in `make run`), and a draft
of the 2024 edition that compares itself with it. Each names the framework version in force for
its cut-off year (editions loaded before editions named one are bound here). Safe to run twice."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from progress.models import PartRating
from progress.services import rating_method_default
from reports.models import RenderJob, ReportEdition
from reports.render import cjk_fonts
from reports.services import (
    report_edition_create,
    report_edition_publish,
    report_edition_submit,
    report_editions_version_bind,
)

EDITIONS = [
    {
        "code": "2021",
        "titles": {
            "en": "CAREC Development Effectiveness Review 2021",
            "zh-hans": "CAREC发展成果报告（2021年）",
            "ru": "Обзор эффективности развития ЦАРЭС 2021 года",
        },
        "summaries": {
            "en": "This demonstration edition is rebuilt from the values that the CAREC sector progress reports "
            "published, as loaded into this system. It covers 2018–2020 against the 2017 baseline of the CAREC 2030 "
            "Program Results Framework; values reported for later years are left out.",
            "zh-hans": "本演示版依据CAREC各部门进展报告公布并已载入本系统的数值重新生成，涵盖2018—2020年，"
            "以CAREC 2030项目成果框架的2017年基线为参照；此后年份报告的数值不计入本版。",
            "ru": "Это демонстрационное издание воссоздано по значениям, опубликованным в отчетах секторов ЦАРЭС "
            "о ходе работы и загруженным в систему. Оно охватывает 2018–2020 годы относительно базового 2017 года "
            "Рамочной основы результатов Программы ЦАРЭС 2030; значения за последующие годы не учитываются.",
        },
        "period": (datetime.date(2018, 1, 1), datetime.date(2020, 12, 31)),
        "cut_off": 2020,
        "publish": True,
    },
    {
        "code": "2024",
        "titles": {
            "en": "CAREC Development Effectiveness Review 2024",
            "zh-hans": "CAREC发展成果报告（2024年）",
            "ru": "Обзор эффективности развития ЦАРЭС 2024 года",
        },
        "summaries": {},
        "period": (datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)),
        "cut_off": 2023,
        "previous": "2021",
        "publish": False,
    },
]


class Command(BaseCommand):
    help = "Create the demo report editions: 2021 published (frozen), 2024 draft. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-files",
            action="store_true",
            help="Publish without rendering the published edition's files (the first reader to ask renders each).",
        )

    def handle(self, *args, no_files=False, **options):
        method = rating_method_default()
        if not PartRating.objects.filter(method=method, as_of=2020).exists():
            raise CommandError("No ratings for 2020 yet: run `python manage.py recompute_progress` first.")
        # editions loaded before editions named their framework version name the one in force
        for edition in report_editions_version_bind(user=None):
            self.stdout.write(f"{edition.code}: bound to framework version {edition.version.label}")
        for spec in EDITIONS:
            edition = ReportEdition.objects.filter(code=spec["code"]).first()
            if edition is not None:
                self.stdout.write(f"{spec['code']}: exists ({edition.get_status_display()}), left as it is")
                continue
            start, end = spec["period"]
            edition = report_edition_create(
                user=None,
                code=spec["code"],
                titles=spec["titles"],
                summaries=spec["summaries"],
                period_start=start,
                period_end=end,
                cut_off=spec["cut_off"],
                method=method,
                previous=ReportEdition.objects.filter(code=spec.get("previous")).first()
                if spec.get("previous")
                else None,
            )
            files = ""
            if spec["publish"]:
                report_edition_submit(user=None, edition=edition)
                started = time.perf_counter()
                # with Celery eager (make run) the files are rendered here, once the publication commits
                edition = report_edition_publish(user=None, edition=edition, render_files=not no_files)
                statuses = list(edition.render_jobs.values_list("status", flat=True))
                if statuses:
                    done = statuses.count(RenderJob.Status.DONE)
                    files = f"; {done} of {len(statuses)} files rendered in {time.perf_counter() - started:.0f} s"
                    if done < len(statuses):
                        files += ", the others queued or failed (see the edition page)"
            version = f", framework version {edition.version.label}" if edition.version_id else ""
            self.stdout.write(self.style.SUCCESS(f"{spec['code']}: {edition.get_status_display()}{version}{files}"))
        if not cjk_fonts():
            self.stdout.write(
                self.style.WARNING(
                    "No font with Chinese characters is installed: Chinese PDFs and Word files will refuse to render. "
                    "Install one with: apt-get install fonts-noto-cjk"
                )
            )
