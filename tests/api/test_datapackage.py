"""`frictionless validate` on the data package of a live server: every resource valid, the
non-tabular SDMX files declared as the files they are."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.server import live_site

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_frictionless_finds_every_resource_of_the_data_package_valid():
    call_command("load_framework", verbosity=0)
    frictionless = Path(sys.executable).parent / "frictionless"
    with live_site({"API_ANON_RATE": "100000/minute"}) as base:
        result = subprocess.run(
            [str(frictionless), "validate", "--json", f"{base}/api/v1/data/datapackage.json"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    report = json.loads(result.stdout)
    tasks = {task["name"]: task for task in report["tasks"]}
    assert set(tasks) == {
        "observations",
        "observations-json",
        "observations-xlsx",
        "observations-sdmx-csv",
        "observations-sdmx-json",
        "ratings",
        "structure",
    }
    assert report["valid"], {name: task["errors"][:3] for name, task in tasks.items() if not task["valid"]}
    assert tasks["observations"]["stats"]["rows"] > 200  # the seeds' published values
    assert result.returncode == 0
