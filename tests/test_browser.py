"""A real browser opens the built site: every image loads, no request fails or leaves the machine."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]  # one worker builds the site

CHROMIUM = Path("/usr/bin/chromium")
PAGES = [
    "",
    "readings/sculley2015hidden/",
    "readings/baylor2017tfx/",
    "readings/kreuzberger2023machine/",
    "readings/mlops-maturity-models/",
    "readings/huyen2022designing/",
    "examples/cace/",
    "examples/maturity_teams/",
    "examples/debt_scan/",
    "examples/baselines/",
    "examples/distribution_shifts/",
    "examples/continual_learning/",
    "examples/model_serving/",
    "architecture/",
    "architectures/",
    "bibliography/",
    "course/",
    "es/",
    "es/course/",
    "es/architectures/",
    "es/readings/sculley2015hidden/",
    "es/readings/huyen2022designing/",
    "es/examples/distribution_shifts/",
    "readings/shankar2022operationalizing/",
    "es/readings/shankar2022operationalizing/",
    "examples/staged_deployment/",
    "es/examples/environments/",
    "es/examples/cace/",
]
SCREENSHOTS = os.environ.get("MLOPS_ATLAS_SCREENSHOTS")  # a folder, to look at the pages by eye


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is not installed: run 'python3 dev.py test', which installs it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


LOAD_EVERY_IMAGE = """
async () => {
  // lazy images load when they come into view: ask for every one now, wait until each settles
  for (const image of document.images) image.loading = "eager";
  await Promise.all([...document.images].map(i => i.complete
    || new Promise(done => { i.onload = i.onerror = done; })));
  return [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);
}
"""
TABS = 7
"""Pages open side by side: most of a page's load is waiting for the network to go quiet."""


@pytest.fixture(scope="module")
def page_loads(browser, site_url: str) -> dict[str, dict]:
    """Every page of ``PAGES`` opened as a reader's browser opens it, a few tabs at a time.

    For each page, once the network had gone quiet: whether it answered, the images
    that did not load, the requests that failed or left the machine, the console's
    errors and the answers of 400 or more, the search dialog's accessible name and
    whether the search index was fetched.
    """
    loads: dict[str, dict] = {}
    for start in range(0, len(PAGES), TABS):
        tabs = []
        for path in PAGES[start : start + TABS]:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            found: dict = {"failed": [], "outside": [], "errors": [], "index_fetched": False}
            page.on(
                "console",
                lambda message, found=found: (
                    message.type == "error" and found["errors"].append(message.text)
                ),
            )
            page.on(
                "response",
                lambda response, found=found: (
                    response.status >= 400 and found["errors"].append(response.url)
                ),
            )
            page.on(
                "requestfailed",
                lambda request, found=found: found["failed"].append(
                    f"{request.url} {request.failure}"
                ),
            )
            page.on(
                "requestfinished",
                lambda request, found=found: (
                    request.url.endswith("/search/search_index.json")
                    and found.__setitem__("index_fetched", True)
                ),
            )
            page.on(
                "request",
                lambda request, found=found: (
                    found["outside"].append(request.url)
                    if urlparse(request.url).hostname not in ("127.0.0.1", None)
                    and not request.url.startswith("data:")
                    else None
                ),
            )
            response = page.goto(site_url + path, wait_until="commit")
            found["ok"] = response is not None and response.ok
            tabs.append((path, page, found))
        for path, page, found in tabs:
            page.wait_for_load_state("networkidle")
            found["broken"] = page.evaluate(LOAD_EVERY_IMAGE)
            page.wait_for_load_state("networkidle")
            found["search_name"] = page.evaluate(
                "() => document.querySelector('.md-search').getAttribute('aria-label')"
            )
            if SCREENSHOTS:
                Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
                name = path.strip("/").replace("/", "-") or "home"
                page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
            page.close()
            loads[path] = found
    return loads


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_every_image_and_stays_local(page_loads: dict, path: str) -> None:
    loaded = page_loads[path]
    assert loaded["ok"]
    assert loaded["broken"] == []
    assert loaded["failed"] == []
    assert loaded["outside"] == []


def test_reading_page_diagram_is_visible(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + "readings/sculley2015hidden/", wait_until="networkidle")
    diagram = page.locator(".atlas-diagram img").first
    diagram.scroll_into_view_if_needed()
    diagram.wait_for(state="visible")
    size = diagram.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    page.close()
    assert size[0] > 300
    assert size[1] > 200


@pytest.mark.parametrize("path", ["course/", "es/course/"])
def test_course_map_links_all_work(browser, site_url: str, path: str) -> None:
    page = browser.new_page()
    page.goto(site_url + path, wait_until="networkidle")
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('article a[href]')].map(a => a.href)"
        ".filter(h => h.startsWith(location.origin))"
    )
    broken = []
    for href in sorted(set(hrefs)):
        response = page.request.get(href.split("#")[0])
        if not response.ok:
            broken.append(f"{href} {response.status}")
    page.close()
    assert len(hrefs) > 40  # readings, examples and downloads for every class and skill
    assert broken == []


def test_language_switcher_leads_to_the_spanish_course_map(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + "course/", wait_until="networkidle")
    spanish = page.locator('a[hreflang="es"]').first.evaluate("a => a.href")
    page.goto(spanish, wait_until="networkidle")
    heading = page.locator("article h1").first.inner_text().rstrip("¶")
    page.close()
    assert spanish == site_url + "es/course/"
    assert heading == "Mapa del curso"


def _english_pages(built_site: Path) -> list[str]:
    return sorted(
        page.parent.relative_to(built_site).as_posix().removeprefix(".") + "/"
        for page in built_site.rglob("index.html")
        if not page.relative_to(built_site).as_posix().startswith(("es/", "assets/"))
    )


# Query → pages that teach it (a reading, an example, or the glossary, which defines every
# term); the first result on /es/ must be
# one of them, in Spanish.
SPANISH_QUERIES = {
    "deuda": ("examples/debt_scan/", "readings/sculley2015hidden/"),
    "deriva": (
        "readings/kreuzberger2023machine/",
        "readings/huyen2022designing/",
        "examples/distribution_shifts/",
        "examples/continual_learning/",
        "examples/",
    ),
    "validación de datos": (
        "readings/baylor2017tfx/",
        "examples/train_serve_skew/",
        "examples/validation_at_scale/",
        "examples/distribution_shifts/",
        "examples/environments/",
    ),
    "entrenamiento continuo": (
        "examples/kubeflow_pipeline/",
        "examples/continual_learning/",
        "readings/huyen2022designing/",
    ),
}


def test_spanish_search_finds_spanish_pages_that_teach_the_term_first(
    browser, site_url: str
) -> None:
    page = browser.new_page()
    page.goto(site_url + "es/", wait_until="networkidle")
    box = page.locator("input.md-search__input")
    first = {}
    for query in SPANISH_QUERIES:
        box.click()
        box.fill("")
        box.press_sequentially(query, delay=20)  # the search listens to key strokes
        results = page.locator(".md-search-result__item > a")
        results.first.wait_for(state="attached", timeout=15_000)
        page.wait_for_timeout(1_000)  # the worker answers each key stroke; keep the last
        href = results.first.evaluate("a => a.href")
        first[query] = href.removeprefix(site_url).split("?")[0].split("#")[0]
        page.keyboard.press("Escape")
    page.close()
    wanted = {q: f"es/{pages[0]}" for q, pages in SPANISH_QUERIES.items()}
    assert {
        q: got
        for q, got in first.items()
        if got.removeprefix("es/") not in (*SPANISH_QUERIES[q], "glossary/")
        or not got.startswith("es/")
    } == {}, wanted


# ---- diagrams are legible -----------------------------------------------------------------

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# For every diagram on the page: the smallest size (CSS px) its text is drawn at, the width
# the picture is drawn at and the width of its frame. An inline <svg> is measured where it
# is; an <img> is measured on a copy of its SVG drawn off-screen at the picture's size. A
# text's size is its font size times the scale the screen applies to it (viewBox and groups).
MEASURE_DIAGRAMS = """
async () => {
  const smallest = root => {
    let least = Infinity, what = "";
    for (const text of root.querySelectorAll("text")) {
      if (!text.textContent.trim()) continue;
      const m = text.getScreenCTM();
      const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.c, m.d);
      if (size < least) { least = size; what = text.textContent.trim(); }
    }
    return [least, what];
  };
  const found = [];
  for (const figure of document.querySelectorAll("figure.atlas-diagram")) {
    const frame = figure.querySelector(":scope > p") || figure;
    let picture = figure.querySelector("svg"), name, least, what;
    if (picture) {
      name = picture.id || picture.querySelector("title")?.textContent;
      [least, what] = smallest(picture);
    } else {
      picture = figure.querySelector("img");
      picture.loading = "eager";
      if (!picture.complete) await new Promise(done => { picture.onload = picture.onerror = done; });
      name = new URL(picture.src).pathname.split("/").pop().replace(/\\.svg$/, "");
      const source = await (await fetch(picture.src)).text();
      const svg = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
      const rect = picture.getBoundingClientRect();
      svg.setAttribute("width", rect.width);
      svg.setAttribute("height", rect.height);
      const box = document.createElement("div");
      box.style.cssText = "position: absolute; left: -30000px; top: 0";
      box.appendChild(document.importNode(svg, true));
      document.body.appendChild(box);
      [least, what] = smallest(box);
      box.remove();
    }
    found.push({
      name, least, what,
      width: picture.getBoundingClientRect().width,
      frame: frame.clientWidth,
      scrolls: frame.scrollWidth > frame.clientWidth + 1
        && ["auto", "scroll"].includes(getComputedStyle(frame).overflowX),
    });
  }
  return {diagrams: found, pageWidth: document.documentElement.scrollWidth};
}
"""


def _pages_with_diagrams(built_site: Path) -> list[str]:
    """English pages showing a diagram (a Spanish twin shows the same pictures).

    A figure, not the name: every page loads ``atlas-diagrams.js``.
    """
    figure = re.compile(r'<figure\b[^>]*\bclass="[^"]*\batlas-diagram\b')
    pages = [
        path
        for path in _english_pages(built_site)
        if figure.search((built_site / path.lstrip("/") / "index.html").read_text("utf-8"))
    ]
    assert len(pages) >= 10
    return [path.lstrip("/") for path in pages]


@pytest.fixture(scope="module")
def diagrams_measured(browser, built_site: Path, site_url: str) -> dict[str, dict]:
    """``{"desktop" | "phone": {page: measurements}}`` of every diagram on every page.

    Each page is loaded once at the desktop width, measured, narrowed to the phone's
    width (the layout follows the CSS alone) and measured again.
    """
    page = browser.new_page(viewport=DESKTOP)
    measured: dict[str, dict] = {"desktop": {}, "phone": {}}
    for path in _pages_with_diagrams(built_site):
        page.set_viewport_size(DESKTOP)
        page.goto(site_url + path, wait_until="domcontentloaded")
        measured["desktop"][path] = page.evaluate(MEASURE_DIAGRAMS)
        page.set_viewport_size(PHONE)
        measured["phone"][path] = page.evaluate(MEASURE_DIAGRAMS)
    page.close()
    return measured


def test_diagram_text_is_at_least_11px_at_the_desktop_column_width(diagrams_measured) -> None:
    """At 1280 px wide, every diagram fits its column and its smallest text is ≥ 11 px."""
    from mlops_atlas.diagrams.legibility import MIN_TEXT_PX

    measured = diagrams_measured["desktop"]
    too_small: dict[str, str] = {}
    for path, found in measured.items():
        for d in found["diagrams"]:
            # a picture wider than its column would be scrolled: count it at the column width
            at_column = d["least"] * min(1.0, d["frame"] / d["width"])
            if at_column < MIN_TEXT_PX - 0.05:
                too_small.setdefault(
                    d["name"],
                    f"{d['name']} on /{path}: text {at_column:.1f} px at the column width "
                    f"({d['frame']} px), smallest '{d['what']}'",
                )
    assert sum(len(found["diagrams"]) for found in measured.values()) >= 24
    assert too_small == {}


def test_diagrams_on_a_phone_keep_11px_text_and_scroll_in_their_frame(diagrams_measured) -> None:
    """At 390 px wide, a diagram is never shrunk below 11 px text: its frame scrolls instead.

    The page itself does not scroll sideways; only the frame of a picture wider than the
    screen does (and a click opens the picture full size).
    """
    from mlops_atlas.diagrams.legibility import MIN_TEXT_PX

    measured = diagrams_measured["phone"]
    wrong = []
    for path, found in measured.items():
        if found["pageWidth"] > PHONE["width"]:
            wrong.append(f"/{path} scrolls sideways ({found['pageWidth']} px)")
        for d in found["diagrams"]:
            if d["least"] < MIN_TEXT_PX - 0.05:
                wrong.append(f"{d['name']} on /{path}: text {d['least']:.1f} px")
            if d["width"] > d["frame"] + 1 and not d["scrolls"]:
                wrong.append(f"{d['name']} on /{path}: wider than its frame, which cannot scroll")
    assert wrong == []


# ---- diagrams open full size on the site --------------------------------------------------


def _diagram_link(page, name: str):
    link = page.locator(f'figure.atlas-diagram a[href$="/{name}.svg"]')
    link.scroll_into_view_if_needed()  # lazy images have no size until they are in view
    link.locator("img").evaluate(
        "i => i.complete || new Promise(done => { i.onload = i.onerror = done; })"
    )
    return link


def test_a_diagram_opens_full_size_in_a_dialog_and_escape_gives_the_focus_back(
    browser, site_url: str
) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(site_url + "readings/mlops-maturity-models/", wait_until="networkidle")
    link = _diagram_link(page, "google-mlops-level1")
    link.focus()
    page.keyboard.press("Enter")  # the keyboard opens it as a click does
    dialog = page.get_by_role("dialog", name=re.compile(r"^Google's MLOps level 1"))
    dialog.wait_for()
    drawing = dialog.locator("svg").first
    drawing.wait_for()
    shown = drawing.evaluate(
        "s => [s.getBoundingClientRect().width, s.viewBox.baseVal.width * 4 / 3]"
    )
    dialog.get_by_role("button", name="Zoom in").click()
    zoomed = drawing.evaluate("s => s.getBoundingClientRect().width")
    url_while_open = page.url
    page.keyboard.press("Escape")
    closed = page.evaluate("() => !document.querySelector('dialog.atlas-lightbox').open")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.close()
    assert url_while_open == site_url + "readings/mlops-maturity-models/"  # stayed on the page
    assert shown[0] >= shown[1] - 1  # full size: the drawing's own width, not the column's
    assert zoomed > shown[0] * 1.2
    assert closed
    assert (focused or "").endswith("/google-mlops-level1.svg")  # the focus is back on the link


@pytest.mark.parametrize("language", ["", "es/"])
def test_a_debt_map_box_in_the_full_size_view_opens_its_page_on_the_site(
    browser, site_url: str, language: str
) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(site_url + language + "readings/sculley2015hidden/", wait_until="networkidle")
    _diagram_link(page, "sculley2015-debt-map-2-4").click()
    box = page.locator("dialog.atlas-lightbox svg a", has_text="Entanglement")
    box.click()
    page.wait_for_url(site_url + language + "examples/cace/")
    heading = page.locator("article h1").first.inner_text()
    page.close()
    assert heading.startswith("CACE")


@pytest.mark.parametrize("path", PAGES)
def test_a_page_loads_without_console_errors_or_failed_requests(page_loads, path: str) -> None:
    """What Lighthouse's best-practices audit reads: nothing the page asks for is missing."""
    assert page_loads[path]["errors"] == []
    assert page_loads[path]["search_name"]  # the search dialog has an accessible name


@pytest.mark.parametrize("path", PAGES)
def test_a_page_opens_without_fetching_the_search_index(page_loads, path: str) -> None:
    """Over 1 MB that most readers never use: it waits until they reach for the search."""
    assert page_loads[path]["index_fetched"] is False


def test_the_search_index_comes_when_the_reader_reaches_for_the_search(
    browser, site_url: str
) -> None:
    page = browser.new_page()
    fetched: list[str] = []
    page.on(
        "requestfinished",
        lambda request: request.url.endswith("search_index.json") and fetched.append(request.url),
    )
    page.goto(site_url, wait_until="networkidle")
    assert fetched == []
    page.keyboard.press("/")  # Material's shortcut: the box gets the focus
    box = page.locator("input.md-search__input")
    box.press_sequentially("technical debt", delay=20)
    page.locator(".md-search-result__item > a").first.wait_for(state="attached", timeout=15_000)
    assert fetched == [site_url + "search/search_index.json"]
    # a search result opens its page with ?h=: the page fetches the index to highlight
    page.goto(site_url + "readings/sculley2015hidden/?h=entanglement", wait_until="networkidle")
    page.locator("article mark").first.wait_for(state="attached", timeout=15_000)
    assert page.locator("article mark").first.inner_text().lower() == "entanglement"
    page.close()
