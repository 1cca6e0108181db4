"""Published figures (the sector reports' progress values in fixtures/carec2030_progress.yaml)
loaded as approved observations, through the one way in: the same checks as the grid, the upload
and the API, except that published figures go into years never opened here (or published), not
into years open for entry, and need no entry rights."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction

from carec_prf.translated import translated_fields
from indicators.models import Observation, Source
from indicators.values import decimal_comma_for
from workflow.entry import Entry, entries_check, entries_write, facts_load


@transaction.atomic
def published_observations_import(*, data: dict, language: str = "en") -> int:
    """Load data["observations"]; returns how many there are. All or nothing: every problem is
    named by its place in the file."""
    sources = {s.code: s for s in Source.objects.all()}
    entries, problems = [], []
    for i, item in enumerate(data.get("observations") or []):
        where = (
            f"observations[{i}] ({item.get('indicator')} {item.get('part')} {item.get('country')} {item.get('year')})"
        )
        if item.get("source") not in sources:
            problems.append(f"{where}: unknown source “{item.get('source')}”.")
            continue
        try:
            note = translated_fields("note", item.get("note"), where=where)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        entries.append(
            (
                sources[item["source"]],
                Entry(
                    indicator=item.get("indicator", ""),
                    part=item.get("part", ""),
                    country=item.get("country", ""),
                    year=item.get("year"),
                    value=item.get("value"),
                    qualifier=item.get("qualifier") or "",
                    countries=item.get("countries") or (),
                    availability=item.get("availability"),
                    kind=item.get("kind", Observation.Kind.ACTUAL),
                    note=note,
                    ref=where,
                ),
            )
        )
    facts = facts_load(user=None, system=True)
    checked = entries_check([entry for _source, entry in entries], facts, decimal_comma=decimal_comma_for(language))
    problems += [f"{ref}: {column}: {message}" for ref, column, message in checked.errors]
    if problems:
        raise ValidationError(problems)
    source_of = {entry.ref: source for source, entry in entries}
    by_source = defaultdict(list)
    for row in checked.rows:
        by_source[source_of[row.ref]].append(row)
    for source, rows in by_source.items():
        # the ratings follow with `recompute_progress` (make run), once for the whole framework
        entries_write(user=None, rows=rows, status=Observation.Status.APPROVED, source=source, recompute=False)
    return len(checked.rows)
