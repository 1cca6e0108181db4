"""Open data: the observations the reader may see (the public: approved values of published years)
as tidy rows, and the same rows as
SDMX (SDMX-CSV 2.0, SDMX-JSON 1.0, with an SDMX-ML data structure definition). The row
builders are pure; the views stream what they yield. A value's categories are Open SDG's
disaggregation columns in the tidy files (blank: the total) and SDMX dimensions (_T: the total);
its flag is SDMX's OBS_STATUS and its note COMMENT_OBS. Every file names the version of the
framework in force (versions): SDMX as the dataflow's version, the data package as its own."""

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusters.models import Country, Framework
from indicators.breakdown import breakdown_parse
from indicators.models import OBS_STATUS, Category, Dimension, IndicatorPart, Observation, Source
from versions.models import FrameworkVersion
from workflow.permissions import observations_visible


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str  # lazy: the open-data page shows it in the reader's language
    constraints: dict = field(default_factory=dict)


# The tidy files' columns in their order: the one statement of it. The CSV, JSON and XLSX, the
# data package, the open-data page and the README ("API and open data") are made from it, and
# tests/api/test_feeds.py pins it: a new column goes at the end. Between year and value come
# Open SDG's disaggregation columns, one per dimension the file's values are broken down by
# (tidy_columns).
COLUMN_SPECS = [
    Column("indicator", "string", _("Indicator code, such as TRP OP 1")),
    Column("indicator_name", "string", _("Indicator statement")),
    Column("part", "string", _("Stable code of the indicator part")),
    Column("part_name", "string", _("Name of the part")),
    Column("country", "string", _("ISO 3166 alpha-3 code, or CAREC for the whole region")),
    Column("country_name", "string", _("Name of the country, or CAREC")),
    Column("year", "integer", _("Year the value is for")),
    Column("value", "any", _("Number, yes/no, or a level code; empty when not available")),
    Column("qualifier", "string", _("<, <=, >, >= or ~ for censored values")),
    Column(
        "availability",
        "string",
        _("value, not_applicable or not_available"),
        {"enum": ["value", "not_applicable", "not_available"]},
    ),
    Column("unit", "string", _("Unit code")),
    Column(
        "kind",
        "string",
        _("Flag (SDMX observation status): actual, estimate, forecast, provisional, break, imputed or missing"),
        {"enum": list(Observation.Kind.values)},
    ),
    Column("status", "string", _("Review status (approved for the public)")),
    Column("source", "string", _("Source citation")),
    Column("note", "string", _("Note on the value")),
]
COLUMNS = [column.name for column in COLUMN_SPECS]


# The ratings file's columns: each part's rating (the traffic light) and its change since the
# previous data point (the scorecard's arrow) per report year, by the default method.
RATING_COLUMN_SPECS = [
    Column("indicator", "string", _("Indicator code, such as TRP OP 1")),
    Column("part", "string", _("Stable code of the indicator part")),
    Column("year", "integer", _("Report year the rating is as of")),
    Column("method", "integer", _("Version of the rating method")),
    Column("rating", "string", _("Rating code, such as on_track or no_data")),
    Column("rating_label", "string", _("The rating in words")),
    Column(
        "movement",
        "string",
        _("Change since the previous value: improving, same or worsening; empty with nothing to compare"),
        {"enum": ["improving", "same", "worsening", ""]},
    ),
    Column("movement_text", "string", _("The change as an arrow and words")),
    Column("baseline_year", "integer", _("Year of the baseline used")),
    Column("baseline_value", "number", _("Baseline used")),
    Column("latest_year", "integer", _("Year of the latest value up to the report year")),
    Column("latest_value", "number", _("Latest value up to the report year")),
    Column("flags", "string", _("Flags, separated by spaces: outdated, censored, partial_coverage, baseline_revised")),
]
RATING_COLUMNS = [column.name for column in RATING_COLUMN_SPECS]


def rating_rows() -> Iterator[dict]:
    """The ratings file's rows in the active language (one query): the stored ratings, public
    figures computed from what the public may see."""
    from progress.method import MethodSettings, Movement
    from progress.models import PartRating

    rows = (
        PartRating.objects.filter(method__is_default=True)
        .select_related("part__indicator", "method")
        .order_by("part__indicator__code", "part__order", "as_of")
    )
    language, settings = get_language() or "en", None
    for row in rows.iterator(chunk_size=2000):
        if settings is None:
            settings = MethodSettings.from_dict(row.method.settings)
        labels = settings.labels.get(row.rating, {})
        yield {
            "indicator": row.part.indicator.code,
            "part": row.part.code,
            "year": row.as_of,
            "method": row.method.version,
            "rating": row.rating,
            "rating_label": labels.get(language) or labels.get("en") or row.rating,
            "movement": row.movement,
            "movement_text": Movement.text(row.movement or None),
            "baseline_year": row.baseline_year,
            "baseline_value": row.baseline_value,
            "latest_year": row.latest_year,
            "latest_value": row.actual,
            "flags": " ".join(row.flags or []),
        }


def columns_markdown() -> str:
    """The column table of the README's "API and open data" section (in English)."""
    with translation.override("en"):
        lines = ["| # | column | type | meaning |", "|---|---|---|---|"]
        lines += [f"| {i} | `{c.name}` | {c.type} | {c.description} |" for i, c in enumerate(COLUMN_SPECS, 1)]
    return "\n".join(lines)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SDMX_AGENCY, SDMX_FLOW = "CAREC", "CAREC_PRF"
SDMX_VERSION = "1.0"  # for a framework version whose label is not an SDMX version (sdmx_version)
SDMX_VERSION_PATTERN = r"[0-9]+(\.[0-9]+)*"  # how SDMX 2.1 writes a version: 2020, 1.0
SDMX_TOTAL = "_T"  # SDMX's code for "not broken down by this dimension"


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text and text.startswith(_FORMULA_START) else text


def public_observations(user=None):
    """What this user may see (workflow.permissions.observations_visible), totals and categories:
    for everyone not signed in, approved values of published (or never-opened) years; staff see
    more, with its status. A total comes before its categories."""
    return observations_visible(user, categories=True).order_by(
        "part__indicator__code", "part__order", "year", "country__order", "breakdown", "id"
    )


def version_label_in_force(framework: str) -> Coalesce:
    """The label of the version in force (the latest endorsed, as versions.selectors orders them)
    of the framework that `framework` refers to, for an annotation: no query of its own. Before
    the first version is made on first use, the framework's own version, which it will take."""
    latest = FrameworkVersion.objects.filter(framework=OuterRef(framework)).endorsed_latest_first()
    own = F("version") if framework == "pk" else F(f"{framework}__version")
    return Coalesce(Subquery(latest.values("label")[:1]), own)


def framework_version_label() -> str:
    """The label of the version in force of the framework the open data publishes (one query)."""
    label = (
        Framework.objects.order_by("code").annotate(label=version_label_in_force("pk")).values_list("label", flat=True)
    ).first()
    return label or SDMX_VERSION


def sdmx_version(label: str) -> str:
    """A version label as SDMX writes a version (digits and dots, such as 2020); another label,
    which the revision screen does not let through, falls back to SDMX_VERSION."""
    return label if re.fullmatch(SDMX_VERSION_PATTERN, label or "") else SDMX_VERSION


class Lookups:
    """Names and codes for every row, loaded once (four queries, and one for the dimensions and
    one for those in use when asked). Names are read from the models when used, so they follow
    the language active then. The parts' query also brings the framework version in force."""

    def __init__(self, user=None) -> None:
        self.user = user
        parts = IndicatorPart.objects.select_related("indicator__framework", "unit").annotate(
            framework_version=version_label_in_force("indicator__framework")
        )
        self.parts = {p.pk: p for p in parts}
        # one framework is published; with several, the first by code names the files, as pages do
        first = min(self.parts.values(), key=lambda p: p.indicator.framework.code, default=None)
        self.version_label = first.framework_version if first is not None else SDMX_VERSION
        self.countries = {c.pk: c for c in Country.objects.all()}
        self.sources = {s.pk: s.name for s in Source.objects.all()}
        self.set_members: dict[int, list[str]] = {}
        codes = {c.pk: c.code for c in self.countries.values()}
        through = Observation.countries.through
        for obs_id, country_id in through.objects.values_list("observation_id", "country_id"):
            self.set_members.setdefault(obs_id, []).append(codes[country_id])

    @cached_property
    def dimensions(self) -> list[Dimension]:
        return dimensions_with_categories()

    @cached_property
    def dimensions_in_use(self) -> list[Dimension]:
        return dimensions_used(self.user, self.dimensions)


def dimensions_with_categories() -> list[Dimension]:
    """Every dimension with a code list, in order, its categories as `category_list` and
    `category_by_code` (one query): SDMX's series dimensions, whether or not a value uses them
    yet, so that the structure stays the same."""
    dimensions: dict[int, Dimension] = {}
    for category in Category.objects.select_related("dimension").order_by(
        "dimension__order", "dimension__code", "order", "code"
    ):
        dimension = dimensions.get(category.dimension_id)
        if dimension is None:
            dimension = dimensions[category.dimension_id] = category.dimension
            dimension.category_by_code = {}
        dimension.category_by_code[category.code] = category
    for dimension in dimensions.values():
        dimension.category_list = list(dimension.category_by_code.values())
    return list(dimensions.values())


def dimensions_used(user, dimensions: list[Dimension]) -> list[Dimension]:
    """Those of `dimensions` that values this reader may see are broken down by (one query): the
    tidy files' disaggregation columns. The same for a whole file and for its updated_since
    part, so that the columns do not change from one poll to the next."""
    keys = observations_visible(user, categories=True).exclude(breakdown="").order_by()
    used = {code for key in keys.values_list("breakdown", flat=True).distinct() for code in breakdown_parse(key)}
    return [d for d in dimensions if d.code in used]


_FIELDS = [
    "id",
    "part_id",
    "country_id",
    "year",
    "availability",
    "value_type",
    "value_number",
    "value_boolean",
    "value_text",
    "qualifier",
    "breakdown",
    "kind",
    "status",
    "source_id",
    "citation",
    "note",
]


def _value(row: dict, members: list[str] | None):
    if row["availability"] != "value":
        return None
    if row["value_type"] == "boolean":
        return row["value_boolean"]
    if row["value_type"] == "ordinal":
        return row["value_text"]
    if row["value_type"] == "country_set" and members:
        return float(row["value_number"])
    return None if row["value_number"] is None else float(row["value_number"])


def dimension_headers(dimensions: Iterable[Dimension]) -> list[str]:
    """The disaggregation columns' headers: each dimension's name in the active language, as Open
    SDG heads them (its code beside a name that another column already has)."""
    headers: list[str] = []
    for dimension in dimensions:
        name = str(dimension.name or dimension.code)
        headers.append(f"{name} ({dimension.code})" if name in COLUMNS or name in headers else name)
    return headers


def tidy_columns(lookups: Lookups) -> list[str]:
    """The tidy files' header: COLUMNS, with the disaggregation columns between year and value."""
    at = COLUMNS.index("value")
    return [*COLUMNS[:at], *dimension_headers(lookups.dimensions_in_use), *COLUMNS[at:]]


def tidy_rows(lookups: Lookups, rows: Iterable[dict]) -> Iterator[dict]:
    """The tidy rows, keyed by tidy_columns; "_categories" holds {dimension code: category code}
    for the SDMX rows, and is not a column."""
    language = (get_language() or "en").replace("-", "_")
    in_use = list(zip(lookups.dimensions_in_use, dimension_headers(lookups.dimensions_in_use), strict=True))
    for row in rows:
        part = lookups.parts[row["part_id"]]
        country = lookups.countries.get(row["country_id"])
        note = row.get(f"note_{language}") or row.get("note") or ""
        categories = breakdown_parse(row["breakdown"])
        yield {
            "indicator": part.indicator.code,
            "indicator_name": part.indicator.statement,
            "part": part.code,
            "part_name": part.name,
            "country": country.code if country else "CAREC",
            "country_name": country.name if country else "CAREC",
            "year": row["year"],
            **{header: _category_name(dimension, categories.get(dimension.code)) for dimension, header in in_use},
            "value": _value(row, lookups.set_members.get(row["id"])),
            "qualifier": row["qualifier"],
            "availability": row["availability"],
            "unit": part.unit.code,
            "kind": row["kind"],
            "status": row["status"],
            "source": row["citation"] or lookups.sources.get(row["source_id"], ""),
            "note": note,
            "_categories": categories,
        }


def _category_name(dimension: Dimension, code: str | None) -> str | None:
    """A category's name in the active language; None (a blank cell) for the total."""
    if code is None:
        return None
    category = dimension.category_by_code.get(code)
    return str(category.name) if category else code


def observation_values(language: str, user=None, since: datetime.datetime | None = None) -> Iterator[dict]:
    """The rows of the tidy files; with `since`, only those changed after it (the API's rule)."""
    from workflow.permissions import observations_changed_since

    suffix = (language or "en").replace("-", "_")
    fields = [*_FIELDS, f"note_{suffix}"] if suffix != "en" else [*_FIELDS, "note_en"]
    rows = public_observations(user)
    if since is not None:
        rows = observations_changed_since(rows, since=since, user=user)
    return rows.values(*fields).iterator(chunk_size=2000)


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value).rstrip("0").rstrip(".") if "." in repr(value) else repr(value)
    return neutralise(str(value))


# --- SDMX ---------------------------------------------------------------------------------


def sdmx_id(code: str) -> str:
    """SDMX identifiers allow letters, digits, _ @ $ and -: "TRD OC 1.1" -> "TRD_OC_1_1"."""
    return re.sub(r"[^A-Za-z0-9_@$-]", "_", code)


def sdmx_dimensions(lookups: Lookups) -> list[str]:
    """The data structure's dimensions in their order: the series dimensions (every dimension of
    the code lists after the indicator, part and area), then the time."""
    return ["INDICATOR", "PART", "REF_AREA", *(d.code for d in lookups.dimensions), "TIME_PERIOD"]


SDMX_ATTRIBUTES = ["UNIT_MEASURE", "OBS_STATUS", "OBS_QUALIFIER", "COMMENT_OBS"]


def _one_line(text: str) -> str:
    """COMMENT_OBS on one line: SDMX-CSV readers (sdmx1 among them) split records at line breaks."""
    return " ".join(text.splitlines()).strip()


def sdmx_rows(tidy: Iterable[dict], lookups: Lookups) -> Iterator[dict]:
    """The SDMX observations of tidy rows: the numeric ones, and those flagged missing (with no
    value, as SDMX reports a missing observation)."""
    for row in tidy:
        value = row["value"]
        missing = row["kind"] == Observation.Kind.MISSING
        if (value is None and not missing) or isinstance(value, str):
            continue  # not available, not applicable or an ordinal level: no numeric observation
        categories = row["_categories"]
        yield {
            "INDICATOR": sdmx_id(row["indicator"]),
            "PART": sdmx_id(row["part"]),
            "REF_AREA": row["country"],
            **{d.code: categories.get(d.code, SDMX_TOTAL) for d in lookups.dimensions},
            "TIME_PERIOD": str(row["year"]),
            "OBS_VALUE": None if value is None else float(value),  # a yes/no counts as 1 or 0
            "UNIT_MEASURE": sdmx_id(row["unit"]),
            "OBS_STATUS": OBS_STATUS[row["kind"]],
            "OBS_QUALIFIER": row["qualifier"] or "",
            "COMMENT_OBS": _one_line(row["note"]),
        }


def sdmx_structure_id(lookups: Lookups) -> str:
    """The dataflow the data are of, as SDMX-CSV's STRUCTURE_ID writes it: CAREC:CAREC_PRF(2020)."""
    return f"{SDMX_AGENCY}:{SDMX_FLOW}({sdmx_version(lookups.version_label)})"


def sdmx_csv_records(rows: Iterable[dict], lookups: Lookups) -> Iterator[list[str]]:
    structure_id = sdmx_structure_id(lookups)
    dims = sdmx_dimensions(lookups)
    yield ["STRUCTURE", "STRUCTURE_ID", "ACTION", *dims, "OBS_VALUE", *SDMX_ATTRIBUTES]
    for r in rows:
        value = "" if r["OBS_VALUE"] is None else repr(r["OBS_VALUE"])
        attributes = [r[a] for a in SDMX_ATTRIBUTES]
        attributes[-1] = neutralise(attributes[-1])  # the comment is free text, as the tidy CSV's note
        yield ["dataflow", structure_id, "I", *(r[d] for d in dims), value, *attributes]


_DATAFLOW_URN = "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow"


def sdmx_json(rows: list[dict], lookups: Lookups) -> dict:
    """An SDMX-JSON 1.0 data message with every dimension at the observation level."""
    dims = sdmx_dimensions(lookups)
    attrs = SDMX_ATTRIBUTES
    values = {d: sorted({r[d] for r in rows}) for d in dims + attrs}
    index = {d: {v: i for i, v in enumerate(values[d])} for d in dims + attrs}
    observations = {
        ":".join(str(index[d][r[d]]) for d in dims): [r["OBS_VALUE"], *(index[a][r[a]] for a in attrs)] for r in rows
    }
    return {
        "header": {
            "id": f"{SDMX_FLOW}-{datetime.date.today():%Y%m%d}",
            "test": False,
            "prepared": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "sender": {"id": SDMX_AGENCY},
        },
        "dataSets": [{"action": "Information", "observations": observations}],
        "structure": {
            # the dataflow, and with it the framework version, the data are of
            "links": [{"rel": "dataflow", "urn": f"{_DATAFLOW_URN}={sdmx_structure_id(lookups)}"}],
            "name": "CAREC 2030 Program Results Framework",
            "dimensions": {
                "dataSet": [],
                "series": [],
                "observation": [
                    {
                        "id": d,
                        "name": d,
                        "keyPosition": i,
                        **({"role": "time"} if d == "TIME_PERIOD" else {}),
                        "values": [{"id": v, "name": v} for v in values[d]],
                    }
                    for i, d in enumerate(dims)
                ],
            },
            "attributes": {
                "dataSet": [],
                "series": [],
                "observation": [
                    {"id": a, "name": a, "values": [{"id": v, "name": v} for v in values[a]]} for a in attrs
                ],
            },
        },
    }


# The SDMX-ML locale of each language's modeltranslation field.
_SDMX_LOCALES = {"en": "en", "zh_hans": "zh-Hans", "ru": "ru"}


def _names(obj, field_name: str = "name") -> dict[str, str]:
    """A translated field in every language that has it, for an SDMX international string."""
    names = {locale: getattr(obj, f"{field_name}_{suffix}", "") for suffix, locale in _SDMX_LOCALES.items()}
    return {locale: text for locale, text in names.items() if text} or {"en": obj.code}


def sdmx_structure_xml(prepared: datetime.datetime | None = None) -> bytes:
    """The data structure definition (SDMX-ML 2.1): codelists, concepts, DSD and dataflow. Given
    `prepared`, the same framework gives the same bytes (an ETag from the body holds). Every
    artefact takes the version of the framework in force: a revision changes the code lists of
    indicators and parts, and the dataflow's version is the one the data name."""
    import sdmx
    from sdmx import message
    from sdmx.model import common, v21

    agency = common.Agency(id=SDMX_AGENCY)
    lookups = Lookups()
    version = sdmx_version(lookups.version_label)

    def codelist(cid: str, items: dict[str, str | dict[str, str]], *, keep_order: bool = False):
        cl = common.Codelist(id=cid, maintainer=agency, version=version, is_final=True)
        for code, name in items.items() if keep_order else sorted(items.items()):
            cl.append(common.Code(id=code, name=name if isinstance(name, dict) else {"en": name}))
        return cl

    parts = lookups.parts.values()
    cl_indicator = codelist("CL_INDICATOR", {sdmx_id(p.indicator.code): p.indicator.statement_en for p in parts})
    cl_part = codelist("CL_PART", {sdmx_id(p.code): p.code for p in parts})
    cl_area = codelist("CL_AREA", {"CAREC": "CAREC region"} | {c.code: c.name_en for c in lookups.countries.values()})
    cl_unit = codelist("CL_UNIT", {sdmx_id(p.unit.code): p.unit.name_en for p in parts})
    with translation.override("en"):
        statuses = {code: str(Observation.Kind(kind).label) for kind, code in OBS_STATUS.items()}
    cl_status = codelist("CL_OBS_STATUS", statuses)
    cl_dimensions = {
        d.code: codelist(
            f"CL_{d.code}",
            {SDMX_TOTAL: {"en": "Total"}} | {c.code: _names(c) for c in d.category_list},
            keep_order=True,
        )
        for d in lookups.dimensions
    }
    concepts = common.ConceptScheme(id="CS_CAREC", maintainer=agency, version=version, is_final=True)
    names: dict[str, str | dict[str, str]] = {
        "INDICATOR": "Indicator",
        "PART": "Indicator part",
        "REF_AREA": "Reference area",
        **{d.code: _names(d) for d in lookups.dimensions},
        "TIME_PERIOD": "Year",
        "OBS_VALUE": "Value",
        "UNIT_MEASURE": "Unit",
        "OBS_STATUS": "Observation status",
        "OBS_QUALIFIER": "Qualifier (<, <=, >, >=, ~)",
        "COMMENT_OBS": "Comment",
    }
    for cid, name in names.items():
        concepts.append(common.Concept(id=cid, name=name if isinstance(name, dict) else {"en": name}))
    dsd = v21.DataStructureDefinition(id="DSD_CAREC_PRF", maintainer=agency, version=version, is_final=True)
    enumerated = {"INDICATOR": cl_indicator, "PART": cl_part, "REF_AREA": cl_area, **cl_dimensions}
    for cid, cl in enumerated.items():
        dsd.dimensions.getdefault(
            cid, concept_identity=concepts[cid], local_representation=common.Representation(enumerated=cl)
        )
    dsd.dimensions.getdefault("TIME_PERIOD", cls=common.TimeDimension, concept_identity=concepts["TIME_PERIOD"])
    dsd.measures.getdefault("OBS_VALUE", concept_identity=concepts["OBS_VALUE"])
    attribute_codelists = {"UNIT_MEASURE": cl_unit, "OBS_STATUS": cl_status}
    for cid in SDMX_ATTRIBUTES:
        cl = attribute_codelists.get(cid)
        rep = common.Representation(enumerated=cl) if cl else None
        dsd.attributes.getdefault(cid, concept_identity=concepts[cid], local_representation=rep)
    flow = v21.DataflowDefinition(id=SDMX_FLOW, maintainer=agency, version=version, structure=dsd, is_final=True)
    out = message.StructureMessage()
    out.header.prepared = prepared
    for item in (cl_indicator, cl_part, cl_area, *cl_dimensions.values(), cl_unit, cl_status, concepts, dsd, flow):
        out.add(item)
    return sdmx.to_xml(out, pretty_print=True)


def _schema_field(column: Column) -> dict:
    return {"name": column.name, "type": column.type, "description": str(column.description)} | (
        {"constraints": column.constraints} if column.constraints else {}
    )


def tidy_column_specs(in_use: list[Dimension]) -> list[Column]:
    """COLUMN_SPECS with the disaggregation columns of the dimensions in use (names in the
    active language), each constrained to its code list's names; blank is the total."""
    headers = dimension_headers(in_use)
    dimensions = [
        Column(
            header,
            "string",
            _("Category of %(dimension)s (%(code)s); empty for the total") % {"dimension": d.name, "code": d.code},
            {"enum": [str(c.name) for c in d.category_list]},
        )
        for d, header in zip(in_use, headers, strict=True)
    ]
    at = COLUMNS.index("value")
    return [*COLUMN_SPECS[:at], *dimensions, *COLUMN_SPECS[at:]]


def datapackage(base_url: str, in_use: list[Dimension], version: str) -> dict:
    """A Frictionless data package describing the downloads (in English, as the files read
    without an Accept-Language); `in_use`: the dimensions of the reader's disaggregation columns;
    `version`: the label of the framework version in force, which is the package's version."""
    with translation.override("en"):
        fields = [_schema_field(c) for c in tidy_column_specs(in_use)]
        rating_fields = [_schema_field(c) for c in RATING_COLUMN_SPECS]
        key = ["indicator", "part", "country", "year", *dimension_headers(in_use)]
    return {
        "name": "carec-2030-prf-progress",
        "title": "CAREC 2030 Program Results Framework: progress values",
        "version": version,
        "description": f"Progress values of the CAREC 2030 Program Results Framework, version {version} (the "
        "version in force; the SDMX files carry it as the dataflow's version). Values of parts that a revision "
        "retired are kept under the codes they had.",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "resources": [
            {
                "name": "observations",
                "path": f"{base_url}observations.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": key},
            },
            {
                "name": "observations-json",
                "type": "json",
                "path": f"{base_url}observations.json",
                "format": "json",
                "mediatype": "application/json",
                "description": 'The same rows as the CSV, as {"framework_version": ..., "observations": [...]}',
            },
            {
                "name": "observations-xlsx",
                "path": f"{base_url}observations.xlsx",
                "format": "xlsx",
                "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "schema": {"fields": fields, "primaryKey": key},
            },
            {
                "name": "observations-sdmx-csv",
                "path": f"{base_url}sdmx/data.csv",
                "format": "csv",
                "mediatype": "application/vnd.sdmx.data+csv;version=2.0.0",
                "description": "SDMX-CSV 2.0, structure in sdmx/structure.xml",
            },
            # SDMX-JSON and SDMX-ML are messages, not tables: declared as the files they are.
            {
                "name": "observations-sdmx-json",
                "type": "file",
                "path": f"{base_url}sdmx/data.json",
                "format": "json",
                "mediatype": "application/vnd.sdmx.data+json;version=1.0.0",
                "description": "SDMX-JSON 1.0 data message",
            },
            {
                "name": "ratings",
                "path": f"{base_url}ratings.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": "Each part's rating and its change since the previous value (the scorecard's "
                "two signals) per report year, by the default rating method",
                "schema": {"fields": rating_fields, "primaryKey": ["indicator", "part", "year"]},
            },
            {
                "name": "structure",
                "type": "file",
                "path": f"{base_url}sdmx/structure.xml",
                "format": "xml",
                "mediatype": "application/vnd.sdmx.structure+xml;version=2.1",
                "description": "SDMX-ML 2.1 data structure definition",
            },
        ],
    }
