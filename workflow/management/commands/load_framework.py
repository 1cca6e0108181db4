"""Load the framework and the published progress values from the YAML files in fixtures/. It lives
in workflow, above the framework's app, because published values go through the one way in."""

from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.framework_import import framework_import, progress_import
from workflow.loading import published_observations_import

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def read_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: not a readable UTF-8 YAML file: {error}") from None
    if not isinstance(data, dict):
        raise CommandError(f"{path}: expected a mapping at the top level.")
    return data


def _revised_since_loaded(code: str | None) -> str | None:
    """The label of the latest endorsed revision of the framework, if any: its texts, parts and
    milestones are the secretariat's, and reloading the file would put the first version's back.
    The versions app sits above this one, so it is asked through the app registry."""
    if not code or not apps.is_installed("versions"):
        return None
    version = apps.get_model("versions", "FrameworkVersion")
    revision = version.objects.filter(framework__code=code, based_on__isnull=False).endorsed_latest_first().first()
    return revision.label if revision else None


class Command(BaseCommand):
    help = "Load (or reload) the framework and the published progress values. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--framework", type=Path, default=FIXTURES / "carec2030_prf.yaml")
        parser.add_argument("--progress", type=Path, default=FIXTURES / "carec2030_progress.yaml")
        parser.add_argument("--no-progress", action="store_true", help="Load the framework only.")

    def handle(self, *args, framework: Path, progress: Path, no_progress: bool, **options):
        framework_data = read_yaml(framework)
        progress_data = None if no_progress else read_yaml(progress)
        code = framework_data.get("framework", {}).get("code")
        revised = _revised_since_loaded(code)
        try:
            with transaction.atomic():
                if revised:
                    self.stdout.write(
                        self.style.WARNING(
                            f"{framework.name}: {code} has been revised since (version {revised} endorsed): "
                            "its framework is kept as revised, not reloaded from the file."
                        )
                    )
                else:
                    summary = framework_import(data=framework_data)
                    self._report(framework, summary)
                if progress_data is not None:
                    summary = progress_import(data=progress_data, framework_code=framework_data["framework"]["code"])
                    summary.counts["observations"] = published_observations_import(data=progress_data)
                    self._report(progress, summary)
        except ValidationError as error:
            raise CommandError("Nothing was loaded:\n" + "\n".join(error.messages)) from None
        except KeyError as error:
            raise CommandError(f"Nothing was loaded: a required key is missing: {error}") from None

    def _report(self, path: Path, summary) -> None:
        counts = ", ".join(f"{n} {what}" for what, n in summary.counts.items())
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {counts}"))
