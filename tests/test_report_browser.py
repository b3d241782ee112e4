"""Open the Snakemake HTML report in headless Chromium (Debian's chromium, driven by Playwright) as a
laptop (1366x900) and a phone (390x844) would: the overview, the summary of findings and the
forest plot must fit the viewport without horizontal overflow; on the phone the menu starts
closed and closes itself when an item opens, no text is smaller than 12 px, no block holding
text is narrower than 300 px, figure text is at least 10 px as shown, and the first screen of
the overview shows a pooled estimate with its CI and a GRADE rating. Screenshots go to
results/screenshots/ for review."""

import pytest
import yaml
from phone_screen import ARGS, assert_answer_first, first_phone_screen, require_chromium
from PIL import Image

pytestmark = pytest.mark.workflow

VIEWPORTS = {"laptop": (1366, 900), "phone": (390, 844)}
ITEMS = {  # name: (category, item label, file name inside the report)
    "overview": ("1. Overview", "1. what the figures support", "overview.html"),
    "summary_of_findings": ("1. Overview", "3. summary of findings", "summary_of_findings.html"),
    "forest_plot": ("1. Overview", "png", "forest.png"),
    "forest_table": ("1. Overview", "5. forest plot as a table", "forest.html"),
    "forest_phone": ("1. Overview", "narrow", "forest_phone.png"),
    "bayes_forest": ("5. Meta-analysis (Bayesian)", "Bayesian forest plot", "bayes_forest.png"),
    "effect_sizes": ("3. Effect sizes", "effect sizes", "effect_sizes.html"),  # a wide table
}
# Elements that stick out to the right of the viewport (a scrolling container's children are
# allowed to, as long as the container itself fits).
JS_OVERFLOW = """() => {
  const w = document.documentElement.clientWidth, out = [];
  const sw = document.documentElement.scrollWidth;
  if (sw > w + 1) out.push('document ' + sw);
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1) continue;
    let p = el.parentElement, clipped = false;
    while (p && p !== document.body) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX)
          && p.getBoundingClientRect().right <= w + 1) { clipped = true; break; }
      p = p.parentElement;
    }
    if (!clipped) out.push(el.tagName + ' ' + (el.className || '') + ' right=' + Math.round(r.right));
  }
  return out.slice(0, 10);
}"""
# The smallest computed font size of any visible element that holds text itself.
JS_MIN_FONT = """() => {
  let min = 1e9, where = '';
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    const f = parseFloat(getComputedStyle(el).fontSize);
    if (f < min) { min = f; where = el.tagName + ': ' + el.textContent.trim().slice(0, 40); }
  }
  return [min, where];
}"""


# Blocks (not inline elements) that hold text themselves and are narrower than 300 px: an item
# squeezed into a column (the menu open beside it) reads one word per line.
JS_NARROW = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const s = getComputedStyle(el);
    if (s.display.startsWith('inline') || s.display === 'none' || s.visibility === 'hidden') continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    if (el.closest('svg')) continue;  // figure text: checked by its size, not its box
    const nav = el.closest('nav');  // the report's menu, closed (width 0) or full width
    if (nav && nav.getBoundingClientRect().width === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.width < 300) out.push(el.tagName + ' ' + Math.round(r.width) + ': '
                                + el.textContent.trim().slice(0, 30));
  }
  return out.slice(0, 10);
}"""


JS_SCROLL_TOP = """() => {
  window.scrollTo(0, 0);
  for (const el of document.querySelectorAll('body *')) if (el.scrollTop) el.scrollTop = 0;
}"""


@pytest.fixture(scope="module")
def browser():
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(root):
    path = root / "results" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def pages(browser, report_html):
    """One page per viewport, loaded once and navigated through the report's menu by each test
    (loading the self-contained report takes about a second; opening an item a third of that)."""
    opened = {}

    def get(viewport):
        if viewport not in opened:
            w, h = VIEWPORTS[viewport]
            pg = browser.new_page(viewport={"width": w, "height": h})
            errors = []
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.goto(report_html.as_uri())
            pg.wait_for_selector("text=Claims ledger", timeout=60_000)
            pg.js_errors = errors
            opened[viewport] = pg
        return opened[viewport]

    yield get
    for pg in opened.values():
        pg.close()


def _menu_home(pg):
    """The report's menu open at its top level, whatever a previous test left open: on a phone
    the menu button (top left) reopens a closed menu; the breadcrumb's 'Results' leaves a
    category."""
    toggle = pg.locator("div.fixed.z-50 a[type=button]")  # off-screen while the menu is open
    box = toggle.first.bounding_box() if toggle.count() else None
    if box and box["x"] >= 0:
        toggle.first.click()
        pg.wait_for_timeout(500)  # the menu's slide-in transition
    results = pg.locator("a:text-is('Results')")
    if results.count() and results.first.is_visible():
        results.first.click()
    pg.wait_for_selector("text=Claims ledger")


def _open(pg, category: str, item: str, filename: str, phone: bool = False):
    """Open a report item from the menu and wait until its content is there (an iframe for HTML
    items, an image for figures); on a phone, close the menu as a reader would."""
    _menu_home(pg)
    pg.click(f"text={category}")
    pg.locator("tr", has_text=item).first.locator("a[iconname=eye]").click()
    tag = "iframe" if filename.endswith(".html") else "img"
    pg.wait_for_selector(f"{tag}[src*='{filename}']", timeout=30_000)
    pg.evaluate(JS_SCROLL_TOP)  # as a fresh view: not where the previous item was scrolled to
    if phone:  # on a phone the menu closes itself when an item opens (workflow.rst)
        pg.wait_for_timeout(500)  # the menu's slide-out transition
        assert pg.locator("nav").first.bounding_box()["width"] == 0


def _frame(pg, filename: str):
    frames = [f for f in pg.frames if f"filename={filename}" in f.url or filename in f.url]
    assert frames, [f.url[:60] for f in pg.frames]
    return frames[0]


@pytest.fixture(scope="module")
def config(root):
    return yaml.safe_load((root / "config/config.yaml").read_text())


def test_report_renders_every_section(pages):
    pg = pages("laptop")
    _menu_home(pg)
    menu = pg.inner_text("body")
    for category in (
        "1. Overview",
        "2. Data and provenance",
        "5. Meta-analysis (Bayesian)",
        "6. Subgroup simulations",
        "7. Vote count",
        "8. Data forensics",
        "9. Claims ledger",
    ):
        assert category in menu
    assert pg.js_errors == []
    pg.click("text=1. Overview")
    first = pg.locator("tbody tr").first.inner_text()
    assert "what the figures support" in first  # the overview is the first item a reader meets


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(ITEMS))
def test_fits_the_screen(pages, shots, report_html, viewport, name):
    category, item, filename = ITEMS[name]
    phone = viewport == "phone"
    pg = pages(viewport)
    _open(pg, category, item, filename, phone)
    assert pg.evaluate(JS_OVERFLOW) == []
    if filename.endswith(".html"):
        frame = _frame(pg, filename)
        assert frame.evaluate(JS_OVERFLOW) == []
        if phone:
            size, where = frame.evaluate(JS_MIN_FONT)
            assert size >= 12, where
            assert frame.evaluate(JS_NARROW) == []
    else:
        img = pg.locator(f"img[src*='{filename}']").first
        natural = img.evaluate("e => e.naturalWidth")
        assert natural > 500  # decoded, full-size image
        pg.wait_for_timeout(200)
        assert img.get_attribute("alt")  # computed, from the file
        if name.startswith("forest"):
            assert img.get_attribute("alt").startswith("forest plot: ")
        # figure text as shown: the file's smallest text (plots.save 'MinFontPx') at the width
        # the image is shown; on a phone the report widens an image whose text would be under
        # 10 px, panning inside a scrolling box (workflow.rst), which JS_OVERFLOW lets fit
        if phone:
            min_px = float(Image.open(report_html.parent / "figures" / filename).text["MinFontPx"])
            pg.wait_for_function(
                f"() => [...document.querySelectorAll(\"img[src*='{filename}']\")].some(e => "
                f"e.getBoundingClientRect().width * {min_px} / e.naturalWidth >= 10)",
                timeout=5_000,
            )
            box = img.bounding_box()
            assert min_px * box["width"] / natural >= 10, (min_px, box["width"], natural)
            assert pg.evaluate(JS_OVERFLOW) == []
        else:
            box = img.bounding_box()
            assert box["x"] + box["width"] <= VIEWPORTS[viewport][0] + 1
    if phone:
        size, where = pg.evaluate(JS_MIN_FONT)
        assert size >= 12, where
    w, h = VIEWPORTS[viewport]
    pg.screenshot(path=str(shots / f"{name}_{w}x{h}.png"))
    assert pg.js_errors == []


def test_phone_starts_with_the_menu_closed(browser, report_html, shots):
    pg = browser.new_page(viewport={"width": 390, "height": 844})
    pg.goto(report_html.as_uri())
    pg.wait_for_selector("nav", state="attached", timeout=60_000)
    pg.wait_for_timeout(800)
    assert pg.locator("nav").first.bounding_box()["width"] == 0
    assert pg.evaluate(JS_OVERFLOW) == []
    assert pg.evaluate(JS_NARROW) == []
    pg.screenshot(path=str(shots / "landing_390x844.png"))
    pg.close()


def test_overview_answers_in_the_first_phone_screen(browser, report_html, config, shots):
    """The first 844 px of the overview at 390 px show a pooled or single-study estimate with
    its CI and a GRADE certainty (the other cases: their slow end-to-end tests)."""
    visible = first_phone_screen(
        browser, report_html.parent / "overview.html", shots / "overview_first_screen_390x844.png"
    )
    assert_answer_first(visible, round(100 * config["meta_analysis"]["level"]))


def test_summary_of_findings_has_a_row_per_outcome(browser, pages, report_html, config, shots):
    pg = pages("laptop")
    _open(pg, *ITEMS["summary_of_findings"])
    frame = _frame(pg, "summary_of_findings.html")
    rows = frame.locator("tbody tr")
    specs = config["report"]["summary_of_findings"]
    assert rows.count() == len(specs)
    for i, spec in enumerate(specs):
        text = rows.nth(i).inner_text()
        assert spec["label"] in text
        assert any(level in text for level in ("high", "moderate", "low", "very low"))
    headers = frame.locator("thead th").all_inner_texts()
    for h in ("Outcome", "Studies (patients)", "Certainty", "Why not higher", "What it means"):
        assert h in headers
    # full-length page for review, as a phone shows it
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(report_html.parent.joinpath("tables/summary_of_findings.html").as_uri())
    page.screenshot(path=str(shots / "summary_of_findings_full_390.png"), full_page=True)
    page.close()


def test_forest_plot_has_the_numeric_columns(report_html, config):
    svg = report_html.parent.joinpath("figures/forest.svg").read_text()
    for text in (
        "mean (SD)",
        "Effect [95% CI]",
        "Weight",
        "favours " + config["report"]["comparator"],
        "favours " + config["report"]["intervention"],
        "no pooled estimate",
    ):
        assert text in svg, text


def test_report_shows_the_ledger(pages):
    pg = pages("laptop")
    _open(pg, "9. Claims ledger", "claims ledger", "ledger.html")
    text = _frame(pg, "ledger.html").inner_text("body")
    assert "Claims ledger" in text and "untraceable" in text and "overstated" in text
    assert "scores dropping from 5.7 to 5.1" in text  # quoted from a source article
