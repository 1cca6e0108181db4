"""Who may do what: the one place where roles are decided. Services and selectors call these;
views and templates only ask them, so hiding a button is never the only guard."""

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, Subquery
from django.utils.translation import gettext as _

from carec_prf.api.feeds import DataVersion, data_version
from indicators.models import Observation, ReportingYear, public_q
from workflow.models import AuditEntry, FocalPointAssignment, Role


class Access:
    """What one user may do, computed once per request (two queries at most)."""

    def __init__(self, user) -> None:
        self.user = user or AnonymousUser()

    @cached_property
    def groups(self) -> set[str]:
        if not self.user.is_authenticated:
            return set()
        return set(self.user.groups.values_list("name", flat=True))

    @property
    def is_secretariat(self) -> bool:
        return (
            self.user.is_authenticated
            and self.user.is_active
            and (self.user.is_superuser or Role.SECRETARIAT in self.groups)
        )

    @property
    def is_viewer(self) -> bool:
        """Officials who read every approved value, published or not. A focal point is not one:
        outside their sectors they see only what is published."""
        return (
            self.user.is_authenticated and self.user.is_active and (self.is_secretariat or Role.VIEWER in self.groups)
        )

    @cached_property
    def assignments(self) -> list[tuple[int, int | None]]:
        """(sector_id, country_id or None) pairs; None covers every country and the region."""
        if not (self.user.is_authenticated and self.user.is_active):
            return []
        return list(FocalPointAssignment.objects.filter(user=self.user).values_list("sector_id", "country_id"))

    @property
    def is_focal_point(self) -> bool:
        return bool(self.assignments)

    def can_upload(self) -> bool:
        """Bulk uploads: the secretariat and focal points."""
        return self.is_secretariat or self.is_focal_point

    def covers(self, sector_id: int | None, country_id: int | None) -> bool:
        return any(s == sector_id and (c is None or c == country_id) for s, c in self.assignments)

    def covers_sector(self, sector_id: int | None) -> bool:
        return any(s == sector_id for s, _c in self.assignments)

    # --- writes ---------------------------------------------------------------------------

    def can_enter(self, sector_id: int | None, country_id: int | None) -> bool:
        """Enter or propose a value: the secretariat anywhere; a focal point where assigned."""
        return self.is_secretariat or self.covers(sector_id, country_id)

    def can_review(self, sector_id: int | None, country_id: int | None) -> bool:
        """Approve or return: the focal points of the sector (and country)."""
        return self.covers(sector_id, country_id)

    def can_manage(self) -> bool:
        """Framework content, focal point assignments, reporting years, restores."""
        return self.is_secretariat

    def can_write_narrative(self, sector_id: int | None) -> bool:
        """Narratives speak for the whole sector: the secretariat and sector-wide focal points."""
        return self.is_secretariat or self.covers(sector_id, None)

    def can_approve_narrative(self, sector_id: int | None) -> bool:
        return any(s == sector_id and c is None for s, c in self.assignments)

    def can_comment(self, sector_id: int | None) -> bool:
        return self.is_secretariat or self.covers_sector(sector_id)

    # --- reads ----------------------------------------------------------------------------

    def observation_filter(self, prefix: str = "") -> Q:
        """A Q selecting the observations this user may see (prefix for related lookups): the one
        read rule, asked by every page, the API, the open data and the reports. The public sees
        indicators.models.public_q; readers every approved value; focal points also what is
        under way in their sectors; the secretariat everything."""
        p = prefix
        public = public_q(p)
        if self.is_secretariat:
            return Q()
        if not self.user.is_authenticated:
            return public
        visible = Q(**{f"{p}status": "approved"}) if self.is_viewer else public
        for sector_id, country_id in self.assignments:
            scope = Q(**{f"{p}part__indicator__result__sector_id": sector_id})
            if country_id is not None:
                scope &= Q(**{f"{p}country_id": country_id})
            visible |= scope & ~Q(**{f"{p}status": "superseded"})
        visible |= Q(**{f"{p}created_by": self.user})
        return visible


def observations_visible(user, *, categories: bool = False):
    """The one way out: the observations this user may see, as every page, chart, API endpoint,
    open-data file and report asks for them. Superseded values are history, not data. The totals
    only, unless categories: a table or chart of the categories asks for them."""
    from indicators.models import Observation

    visible = Observation.objects.filter(Access(user).observation_filter()).exclude(status="superseded")
    return visible if categories else visible.filter(breakdown="")


def current_per_cell(observations):
    """One value per part, place, year and categories: the approved one where the user may see it, else the
    working copy under way (staff only). Keeps the order of the rows given."""
    chosen: dict[tuple, object] = {}
    for observation in observations:
        key = observation.cell
        kept = chosen.get(key)
        if kept is None or (kept.status != "approved" and observation.status == "approved"):
            chosen[key] = observation
    keep = {id(o) for o in chosen.values()}
    return [o for o in observations if id(o) in keep]


def access_context(request) -> dict:
    """Templates ask `access` what the reader may do (the header's links); computed only when a
    template asks, and only for someone signed in."""
    from django.utils.functional import SimpleLazyObject

    return {"access": SimpleLazyObject(lambda: Access(request.user))}


def narrative_separation_problem(user, narrative) -> str | None:
    """Separation of duties for narratives, as for values: whoever last wrote one does not review it."""
    if settings.SEPARATION_OF_DUTIES and getattr(user, "pk", None) and narrative.updated_by_id == user.pk:
        return _("You wrote or last changed this narrative: someone else must review it.")
    return None


# What changed for a reader since a moment, and the version of what a reader sees: the feeds'
# updated_since, ETag and Last-Modified (carec_prf.api.feeds), for the API and the open data.


def _year_status_changes():
    return AuditEntry.objects.filter(content_type__app_label="indicators", content_type__model="reportingyear")


def observations_changed_since(queryset, *, since, user):
    """The observations changed after `since`: updated then, or, for a reader who sees only
    published years, in a year whose status changed then (its values appeared or went away)."""
    changed = Q(updated_at__gt=since)
    if not Access(user).is_viewer:
        years = ReportingYear.objects.filter(
            pk__in=_year_status_changes().filter(at__gt=since).values("object_id")
        ).values("year")
        changed |= Q(year__in=years)
    return queryset.filter(changed)


def _framework_version_changes():
    """Audit entries of framework versions (named by label: that app sits above this one). An
    endorsement changes what every file says of the framework (its version, codes and names)
    without touching a value."""
    return AuditEntry.objects.filter(content_type__app_label="versions", content_type__model="frameworkversion")


def observations_version(queryset) -> DataVersion:
    """The data version of these observations (one query): their latest change, the latest
    change of a year's status (which changes what the public sees), the latest endorsement or
    withdrawal of a framework version, and their count."""
    latest_year_change = Subquery(_year_status_changes().order_by("-at").values("at")[:1])
    latest_version_change = Subquery(_framework_version_changes().order_by("-at").values("at")[:1])
    return data_version(queryset, "updated_at", latest_year_change, latest_version_change)


def observations_feed_version(request) -> DataVersion:
    """The version of what the reader of this request sees. A token is checked by DRF later,
    inside the view, so for a request with a token it covers every observation (a safe superset)."""
    if "HTTP_AUTHORIZATION" in request.META and not request.user.is_authenticated:
        return observations_version(Observation.objects.all())
    return observations_version(Observation.objects.filter(Access(request.user).observation_filter()))
