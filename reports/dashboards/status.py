"""The public reporting status: for each sector, place (the region and each member country) and
reporting year, how many of the expected values (indicators.expected) are approved, pending or
missing. Six queries, whatever the number of values."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from clusters.models import Country, Sector
from indicators.expected import REGION, cell_states, expected_places, members_by_year, parts_of
from indicators.models import Observation, ReportingYear


@dataclass
class Counts:
    expected: int = 0
    approved: int = 0
    pending: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.approved - self.pending

    @property
    def share(self) -> float | None:
        """The share of the expected values that are approved."""
        return self.approved / self.expected if self.expected else None

    @property
    def band(self) -> str:
        """The heat map's colour band of the approved share."""
        share = self.share
        if share is None:
            return "none"
        return "full" if share >= 0.9 else "most" if share >= 0.5 else "some" if share > 0 else "nil"

    def add(self, state: str | None) -> None:
        self.expected += 1
        if state == "approved":
            self.approved += 1
        elif state == "pending":
            self.pending += 1


def reporting_status(*, year: int | None = None) -> dict:
    statuses = dict(ReportingYear.objects.values_list("year", "status"))
    # the reporting years: those opened here, and those whose published figures were loaded
    loaded = Observation.objects.filter(status="approved").order_by().values_list("year", flat=True).distinct()
    years = sorted(set(statuses) | set(loaded))
    if not years:
        return {"years": [], "year": None, "places": [], "rows": [], "by_year": []}
    # by default the latest year the public can read in full (published, or loaded and never opened)
    readable = [y for y in years if statuses.get(y) in (None, ReportingYear.Status.PUBLISHED)]
    chosen = year if year in years else (readable or years)[-1]
    parts = parts_of()
    members = members_by_year(years)
    states = cell_states(years)
    sectors = list(Sector.objects.order_by("cluster__number", "order"))
    sector_ids = {s.pk for s in sectors}
    countries = list(Country.objects.filter(pk__in=members[chosen]).order_by("order"))
    grid: dict[tuple[int | None, int | None], Counts] = {}
    by_year = {y: Counts() for y in years}
    for y in years:
        for part in parts:
            sector_key = part.sector_id if part.sector_id in sector_ids else None
            for place in expected_places(part, y, members[y]):
                state = states.get((part.pk, place, y))
                by_year[y].add(state)
                if y == chosen:
                    grid.setdefault((sector_key, place), Counts()).add(state)
    places = [(REGION, _("Region")), *((c.pk, c.name) for c in countries)]
    rows = [
        (sector, [(name, grid.get((sector.pk, place), Counts())) for place, name in places])
        for sector in sectors
        if any((sector.pk, place) in grid for place, _name in places)
    ]
    if any((None, place) in grid for place, _name in places):
        rows.append((None, [(name, grid.get((None, place), Counts())) for place, name in places]))
    return {
        "years": years,
        "year": chosen,
        "places": places,
        "countries": countries,
        "rows": rows,
        "total": _total(grid.values()),
        "by_year": [(y, by_year[y], statuses.get(y)) for y in years],
    }


def _total(counts) -> Counts:
    total = Counts()
    for c in counts:
        total.expected += c.expected
        total.approved += c.approved
        total.pending += c.pending
    return total
