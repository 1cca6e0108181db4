import pytest

from tests import factories
from workflow.models import Role


@pytest.fixture
def people(db):
    """One user per role; TRP is the sector under review."""
    return {
        "secretariat": factories.user("sec", groups=(Role.SECRETARIAT,)),
        "focal": factories.focal_point("trp-fp", "TRP"),
        "national": factories.focal_point("trp-kaz", "TRP", "KAZ"),
        "other_focal": factories.focal_point("trd-fp", "TRD"),
        "viewer": factories.user("official", groups=(Role.VIEWER,)),
        "nobody": factories.user("visitor"),
    }


@pytest.fixture
def year(db):
    return factories.open_year(2023)
