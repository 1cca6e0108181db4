"""Headless Chromium (Debian's) driven by Playwright, for the browser tests."""

from contextlib import contextmanager
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium_page(**context_options):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
            yield context.new_page()
        finally:
            browser.close()


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """The serious and critical axe-core violations of the page. axe is loaded into every page by
    the browser itself (context.add_init_script(path=AXE)): an injected <script> would be refused
    by the site's Content-Security-Policy, as it should be."""
    result = page.evaluate("""async () => await axe.run(document, {resultTypes: ['violations']})""")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# Tables and charts wider than the page: each must sit in a box that scrolls sideways and shows
# that it does. Returns a description of each one that does not.
_OVERFLOW = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) problems.push('the page scrolls sideways');
  for (const el of document.querySelectorAll('main table, main .js-plotly-plot, main svg.main-svg')) {
    if (!el.offsetParent) continue;
    let box = el.parentElement, scroller = null;
    while (box && box !== document.body) {
      const style = getComputedStyle(box);
      if (['auto', 'scroll'].includes(style.overflowX)) { scroller = box; break; }
      box = box.parentElement;
    }
    const rect = el.getBoundingClientRect();
    const limit = scroller ? scroller.clientWidth : width;
    if (rect.width <= limit + 1) continue;
    const where = (el.closest('[id]') || {id: ''}).id;
    const label = (el.tagName + ' ' + where + ' ' + (el.caption ? el.caption.textContent : '')).trim();
    if (!scroller) { problems.push(label + ': wider than the page, and nothing scrolls'); continue; }
    const cue = scroller.closest('[data-scroll-cue]') || scroller.querySelector('[data-scroll-cue]');
    const visible = cue && getComputedStyle(cue).display !== 'none' && getComputedStyle(cue).visibility !== 'hidden';
    if (!visible && !scroller.matches('[data-scroll-cue]')) problems.push(label + ': scrolls without a visible cue');
  }
  return problems;
}"""


def overflow_problems(page) -> list[str]:
    return page.evaluate(_OVERFLOW)
