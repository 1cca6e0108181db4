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
