"""Each fixed term (a CAREC body, document or place) is written one way per language in every
fixture. The glossary is stated once, as the table in fixtures/README.md; these tests read it from
there and name every translated field that writes one of its variants."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LANGUAGES = ("en", "zh-hans", "ru")
# A Latin or Cyrillic variant is a whole word: it may not continue a word or a number. Chinese has
# no word boundaries, so a Chinese variant matches anywhere, next to digits too (一体化贸易议程2030).
WORD_CHARACTER = "0-9A-Za-zА-Яа-яЁё"
ANY_ENDING = r"[^\W\d_]*"


@dataclass(frozen=True)
class GlossaryEntry:
    terms: dict[str, str]  # language -> the fixed form
    variants: dict[str, tuple[str, ...]]  # language -> forms not to use

    def patterns(self, language: str):
        for variant in self.variants.get(language, ()):
            yield variant, variant_pattern(variant)


def variant_pattern(variant: str) -> re.Pattern:
    """`*` is any word ending (Russian cases); a space is any run of spaces, since YAML folds lines."""
    body = ANY_ENDING.join(re.escape(piece).replace(r"\ ", r"\s+") for piece in variant.split("*"))
    starts_a_word = re.match(rf"[{WORD_CHARACTER}]", variant) is not None
    ends_a_word = re.search(rf"[{WORD_CHARACTER}*]$", variant) is not None
    before = rf"(?<![{WORD_CHARACTER}])" if starts_a_word else ""
    after = rf"(?![{WORD_CHARACTER}])" if ends_a_word else ""
    return re.compile(before + body + after, re.IGNORECASE)


def parse_glossary(readme: str) -> list[GlossaryEntry]:
    section = readme.split("\n## Glossary\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip() for line in section.splitlines() if line.strip().startswith("|")]
    header, body = _cells(rows[0]), rows[2:]  # rows[1] is the |---| line
    term_columns, variant_columns = {}, {}
    for index, label in enumerate(header):
        if found := re.fullmatch(r"not in (\S+)", label):
            variant_columns[found.group(1)] = index
        elif found := re.fullmatch(r".+ \((\S+)\)", label):
            term_columns[found.group(1)] = index
    assert set(term_columns) == set(variant_columns) == set(LANGUAGES), header
    entries = []
    for row in body:
        cells = _cells(row)
        entries.append(
            GlossaryEntry(
                terms={language: cells[index] for language, index in term_columns.items()},
                variants={
                    language: tuple(re.findall(r"`([^`]+)`", cells[index]))
                    for language, index in variant_columns.items()
                },
            )
        )
    return entries


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip("|").split("|")]


@cache
def glossary() -> tuple[GlossaryEntry, ...]:
    return tuple(parse_glossary((FIXTURES / "README.md").read_text(encoding="utf-8")))


@cache
def fixtures() -> dict[str, object]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return {
        path.name: yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        for path in sorted(FIXTURES.glob("*.yaml"))
    }


def translated_fields(node, where: str = ""):
    """Every {en, zh-hans, ru} mapping, with where it sits, records named by their codes."""
    if isinstance(node, dict):
        if "en" in node and set(node) <= set(LANGUAGES):
            yield where, node
            return
        for key, value in node.items():
            yield from translated_fields(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from translated_fields(item, f"{where}[{_record(item, index)}]")


def _record(item, index: int) -> str:
    if isinstance(item, dict):
        if "code" in item:
            return str(item["code"])
        if "indicator" in item:
            keys = ("indicator", "part", "country", "year")
            return " / ".join(str(item[key]) for key in keys if key in item)
        if "year" in item:
            return str(item["year"])
    return str(index)


def glossary_problems(documents: dict[str, object], entries) -> tuple[list[str], int]:
    problems, checked = [], 0
    for name, document in documents.items():
        for where, field in translated_fields(document):
            checked += 1
            for language, text in field.items():
                if not isinstance(text, str):
                    continue
                for entry in entries:
                    for variant, pattern in entry.patterns(language):
                        for match in pattern.finditer(text):
                            context = text[max(match.start() - 30, 0) : match.end() + 30]
                            problems.append(
                                f"{name} {where} ({language}): «{match.group(0)}» is the variant `{variant}` "
                                f"of {entry.terms['en']}; write «{entry.terms[language]}». …{context}…"
                            )
    return problems, checked


def test_the_glossary_is_read_from_the_fixtures_readme():
    entries = glossary()
    by_english = {entry.terms["en"]: entry for entry in entries}
    assert len(entries) >= 10
    for entry in entries:
        assert all(entry.terms[language] for language in LANGUAGES), entry
    som = by_english["Senior Officials' Meeting (SOM)"]
    assert "ССДЛ" in som.terms["ru"]
    assert "СДЛ" in som.variants["ru"]
    assert by_english["Shymkent"].terms["zh-hans"] == "希姆肯特"
    assert "奇姆肯特" in by_english["Shymkent"].variants["zh-hans"]
    assert "PRF" in by_english["Program Results Framework (PRF)"].variants["ru"]


def test_no_variant_matches_a_fixed_term():
    """A variant must never flag the form the glossary fixes, its own or another row's: СДЛ is
    not a part of ССДЛ, and a wildcard must not swallow the right ending."""
    entries = glossary()
    clashes = [
        f"{language}: `{variant}` ({entry.terms['en']}) matches «{other.terms[language]}»"
        for entry in entries
        for language in LANGUAGES
        for variant, pattern in entry.patterns(language)
        for other in entries
        if pattern.search(other.terms[language])
    ]
    assert clashes == []


def test_the_fixtures_follow_the_glossary():
    problems, checked = glossary_problems(fixtures(), glossary())
    assert checked > 500, "the walk found too few translated fields to mean anything"
    assert problems == [], "\n".join(problems)


def test_a_variant_is_named_with_its_file_record_field_and_language():
    document = {
        "observations": [
            {
                "indicator": "TRD OP 3",
                "part": "BODIES_FUNCTIONING",
                "country": "CAREC",
                "year": 2021,
                "note": {
                    "en": "Reported to the SOM by the Customs Cooperation Committee.",
                    "zh-hans": "奇姆肯特-塔什干-苦盏经济走廊；一体化贸易议程2030",
                    "ru": "Отчет для СДЛ, а не ССДЛ; заседание Комитета таможенного сотрудничества.",
                },
            }
        ]
    }
    problems, checked = glossary_problems({"planted.yaml": document}, glossary())
    assert checked == 1
    where = "planted.yaml observations[TRD OP 3 / BODIES_FUNCTIONING / CAREC / 2021].note"
    assert len(problems) == 4, "\n".join(problems)
    assert problems[0].startswith(f"{where} (zh-hans): «一体化贸易议程» is the variant")
    assert problems[1].startswith(
        f"{where} (zh-hans): «奇姆肯特» is the variant `奇姆肯特` of Shymkent; write «希姆肯特»."
    )
    assert problems[2].startswith(f"{where} (ru): «СДЛ» is the variant `СДЛ` of Senior Officials' Meeting (SOM)")
    assert problems[3].startswith(f"{where} (ru): «Комитета таможенного сотрудничества» is the variant")
    assert "write «Комитет по таможенному сотрудничеству»" in problems[3]
