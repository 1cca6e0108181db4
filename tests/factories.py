"""Small builders for tests that need their own framework objects beside the loaded PRF."""

import datetime
import itertools

from clusters.models import Cluster, Framework, Result, Sector
from indicators.models import Indicator, IndicatorPart, Source, Unit, ValueType

_seq = itertools.count(1)


def framework(**kwargs) -> Framework:
    n = next(_seq)
    return Framework.objects.create(
        code=kwargs.pop("code", f"test-fw-{n}"),
        name=kwargs.pop("name", f"Test framework {n}"),
        version="1",
        endorsed_on=datetime.date(2020, 12, 7),
        milestone_years=[2020, 2023, 2026, 2029],
        **kwargs,
    )


def part(
    *, value_type: str = ValueType.NUMBER, direction: int = 1, fw: Framework | None = None, **kwargs
) -> IndicatorPart:
    n = next(_seq)
    fw = fw or framework()
    cluster = Cluster.objects.create(framework=fw, number=n % 30000, code=f"C{n}", name="Cluster", outcome="Outcome")
    sector = Sector.objects.create(framework=fw, cluster=cluster, code=f"S{n}", name="Sector")
    result = Result.objects.create(framework=fw, sector=sector, code=f"S{n} OC 1", level="outcome", statement="Result")
    indicator = Indicator.objects.create(framework=fw, result=result, code=f"S{n} OC 1", statement="Indicator")
    unit, _ = Unit.objects.get_or_create(code="test-unit", defaults={"name": "unit"})
    return IndicatorPart.objects.create(
        indicator=indicator,
        code=kwargs.pop("code", f"PART_{n}"),
        name=kwargs.pop("name", "Part"),
        unit=unit,
        value_type=value_type,
        direction=direction,
        **kwargs,
    )


def source() -> Source:
    obj, _ = Source.objects.get_or_create(code="TEST", defaults={"name": "Test source"})
    return obj


def user(username: str, *, groups: tuple[str, ...] = (), email: str | None = None, **kwargs):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    account = get_user_model().objects.create_user(
        username, email if email is not None else f"{username}@example.org", "pw-for-tests-only", **kwargs
    )
    for name in groups:
        account.groups.add(Group.objects.get_or_create(name=name)[0])
    return account


def focal_point(username: str, sector_code: str, country_code: str | None = None):
    from clusters.models import Country, Sector
    from workflow.models import FocalPointAssignment, Role

    account = user(username, groups=(Role.FOCAL_POINT,))
    FocalPointAssignment.objects.create(
        user=account,
        sector=Sector.objects.get(code=sector_code),
        country=Country.objects.get(code=country_code) if country_code else None,
    )
    return account


def open_year(year: int, **kwargs):
    from indicators.models import ReportingYear

    return ReportingYear.objects.update_or_create(year=year, defaults={"status": "open", **kwargs})[0]


def trp_country_part():
    """A part of TRP OP 1 reported by country, for tests of country-level rights: every TRP part of
    the PRF is reported only for the region, and the one way in refuses country values there."""
    from indicators.models import IndicatorPart

    regional = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    return IndicatorPart.objects.get_or_create(
        indicator=regional.indicator,
        code="BCP_TIME_BY_COUNTRY",
        defaults={
            "name": "Border crossing time by country",
            "unit": regional.unit,
            "value_type": ValueType.NUMBER,
            "direction": regional.direction,
            "aggregation": IndicatorPart.Aggregation.MEAN,
            "order": 99,
        },
    )[0]


def approved_values(user, entries) -> None:
    """Values as the secretariat loads published figures: approved through the one way in, their
    years published, the ratings recomputed."""
    from indicators.models import Observation, ReportingYear
    from progress.services import progress_recompute
    from workflow import services

    years = {entry.year for entry in entries}
    for year in years:
        open_year(year)
    services.entries_save(user=user, entries=entries, status=Observation.Status.APPROVED)
    for year in years:
        open_year(year, status=ReportingYear.Status.PUBLISHED)
    progress_recompute()
