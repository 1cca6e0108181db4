"""schemathesis, run against the schema of a live server, finds no server error and no response
that breaks the schema."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from progress.services import progress_recompute
from tests.server import live_site

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_schemathesis_finds_no_server_error_and_no_schema_violation():
    call_command("load_framework", verbosity=0)
    progress_recompute()
    from rest_framework.authtoken.models import Token

    from tests import factories
    from workflow.models import Role

    factories.open_year(2023)
    token = Token.objects.create(user=factories.user("machine", groups=(Role.SECRETARIAT,))).key
    schemathesis = Path(sys.executable).parent / "schemathesis"
    with live_site({"API_ANON_RATE": "100000/minute"}) as base:
        result = subprocess.run(
            [
                str(schemathesis),
                "run",
                f"{base}/api/schema/",
                "--url",
                base,
                "--checks",
                "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
                "--max-examples",
                "25",
                "--generation-deterministic",
                "--request-timeout",
                "30",
                "--phases",
                "examples,coverage,fuzzing",
                "-H",
                f"Authorization: Token {token}",
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    (Path(__file__).resolve().parent.parent / "artifacts" / "schemathesis.txt").write_text(result.stdout)
    assert result.returncode == 0, report
