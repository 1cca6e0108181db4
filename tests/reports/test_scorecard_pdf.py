"""The PDF's scorecard read back (pdftotext, in the order the page draws it): every row's cells, in
the order of document["scorecard"], in each language. WeasyPrint takes seconds: a slow test."""

import re
import subprocess

import pytest

from reports.builder import report_document
from reports.render import render_pdf
from reports.selectors import edition_content

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _words(text: str) -> str:
    """The text without its spaces: a wrapped cell breaks lines anywhere, even after "yes/"."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
def test_the_pdf_scorecard_has_the_documents_cells_in_order(edition_2021, tmp_path, language):
    document = report_document(edition_content(edition_2021), None, language=language)
    path = tmp_path / f"2021-{language}.pdf"
    path.write_bytes(render_pdf(document))
    text = _words(
        subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    )
    card = document["scorecard"]
    header = _words(" ".join(card["columns"]))
    position = text.index(header) + len(header)
    for group in card["groups"]:
        label = _words(group["label"])
        position = text.index(label, position) + len(label)
        for row in group["rows"]:
            for cell in row["cells"]:
                found = text.find(_words(cell.text), position)
                assert found >= 0, (row["indicator"], row["part"], cell.text, text[position : position + 300])
                # the next cell follows this one: nothing between, or at a page break the running
                # heads, the page number and the repeated header row
                gap = text[position:found]
                assert not gap or gap.endswith(header), (row["indicator"], cell.text, gap)
                position = found + len(_words(cell.text))
    for note in card["legend"]["notes"]:
        assert _words(note) in text
