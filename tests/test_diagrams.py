"""Diagrams render to SVG that displays by itself, cached by their code."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlops_atlas.bibliography import Bibliography
from mlops_atlas.diagrams import DiagramError, embed_images, registry, render_svg
from mlops_atlas.diagrams.legibility import MIN_TEXT_PX, legible_width, smallest_text
from mlops_atlas.site.context import SiteContext
from mlops_atlas.site.shortcodes import diagram_block

XLINK = "{http://www.w3.org/1999/xlink}href"


def image_references(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        element.get(XLINK) or element.get("href") or ""
        for element in root.iter()
        if element.tag.endswith("image")
    ]


DESKTOP_COLUMN_PX = 688
"""The page column at 1280 px wide (Material's layout), where test_browser measures diagrams."""


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder shared by this module's tests: each diagram is drawn once."""
    return tmp_path_factory.mktemp("diagrams")


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_diagram_is_self_contained_svg(name: str, drawn: Path) -> None:
    svg = render_svg(name, drawn).read_text(encoding="utf-8")
    references = image_references(svg)
    assert references, "a diagrams-package diagram shows icons"
    assert all(reference.startswith("data:image/png;base64,") for reference in references)
    assert "site-packages" not in svg
    assert "file:" not in svg


def test_figure1_has_the_papers_boxes(drawn: Path) -> None:
    svg = render_svg("sculley2015-figure1", drawn).read_text(encoding="utf-8")
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    for label in (
        "ML Code",
        "Configuration",
        "Data Collection",
        "Feature Extraction",
        "Data Verification",
        "Machine Resource",
        "Analysis Tools",
        "Process",
        "Serving",
        "Monitoring",
    ):
        assert label in texts


def test_rendering_is_cached_by_code(tmp_path: Path) -> None:
    first = render_svg("sculley2015-figure1", tmp_path)
    stamp = first.stat().st_mtime_ns
    again = render_svg("sculley2015-figure1", tmp_path)
    assert again == first
    assert again.stat().st_mtime_ns == stamp
    assert registry()["sculley2015-figure1"].code_hash() in first.name


def test_unknown_diagram_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(
        DiagramError, match=r"unknown diagram 'nope' \(known: .*sculley2015-figure1"
    ):
        render_svg("nope", tmp_path)


def test_embed_images_reports_a_missing_icon(tmp_path: Path) -> None:
    svg = '<svg><image xlink:href="/no/such/icon.png"/></svg>'
    with pytest.raises(DiagramError, match=r"/no/such/icon.png"):
        embed_images(svg)


def test_embed_images_keeps_links_and_embeds_files(tmp_path: Path) -> None:
    (tmp_path / "i.png").write_bytes(b"\x89PNG")
    svg = (
        '<svg><a href="#top"/><image xlink:href="i.png"/><a href="https://x.org"/>'
        '<a xlink:href="../../examples/cace/"><text>CACE</text></a></svg>'
    )
    out = embed_images(svg, base=tmp_path)
    assert 'href="#top"' in out
    assert 'href="https://x.org"' in out
    assert '<a xlink:href="../../examples/cace/">' in out  # a clickable node stays a link
    assert 'xlink:href="data:image/png;base64,iVBORw=="' in out


def test_shankar_diagrams_name_the_papers_tasks_and_layers(drawn: Path) -> None:
    def texts(name: str) -> str:
        svg = render_svg(name, drawn).read_text(encoding="utf-8")
        return " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))

    loop = texts("shankar2022-workflow")
    for task in ("Data collection", "Experimentation", "staged deployment", "Monitoring"):
        assert task in loop
    stack = texts("shankar2022-stack")
    for layer in ("Run layer", "Pipeline layer", "Component layer", "Infrastructure layer"):
        assert layer in stack
    assert "MLflow" in stack  # the registry of the deployment examples sits in the run layer


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_diagram_is_legible_in_a_desktop_column(name: str, drawn: Path) -> None:
    """Its smallest text is at least 11 px at the column's width (the browser test measures it
    on the pages); a diagram too wide for that is split or laid out again, not shrunk."""
    width = legible_width(render_svg(name, drawn).read_text(encoding="utf-8"))
    assert width <= DESKTOP_COLUMN_PX - 8, f"{name} needs {width} px for 11 px text"


@pytest.mark.parametrize("name", ["sculley2015-figure1", "huyen2022-batch-prediction"])
def test_legible_width_puts_the_smallest_text_at_the_floor(name: str, drawn: Path) -> None:
    svg = render_svg(name, drawn).read_text(encoding="utf-8")
    smallest = smallest_text(svg)
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert smallest.size == min(sizes)  # Graphviz draws every group at scale 1
    width = legible_width(svg)
    assert width * smallest.size / smallest.view_width >= MIN_TEXT_PX
    assert (width - 1) * smallest.size / smallest.view_width < MIN_TEXT_PX


def test_a_diagram_is_never_shown_narrower_than_its_legible_width() -> None:
    context = SiteContext(
        bibliography=Bibliography(Path("x.bib"), {}),
        diagrams=registry(),
        diagram_paths={"sculley2015-figure1": "generated/diagrams/sculley2015-figure1.svg"},
        diagram_widths={"sculley2015-figure1": 861},
    )
    block = diagram_block("sculley2015-figure1", "readings/sculley2015hidden.md", context)
    assert '{ loading=lazy style="min-width: 861px" }' in block


def test_every_short_heading_names_a_registered_diagram() -> None:
    from mlops_atlas.diagrams.headings import HEADINGS
    from mlops_atlas.diagrams.render import registry

    assert set(HEADINGS) - set(registry()) == set()


SVG = "{http://www.w3.org/2000/svg}"


def _nodes(svg: str) -> list[tuple[str, list[str], list[str]]]:
    """Each drawn node of a Graphviz SVG: its text, its shapes' fills and its images."""
    found = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        text = " ".join(" ".join(t.itertext()) for t in group.iter(f"{SVG}text"))
        fills = [
            shape.get("fill", "")
            for shape in group.iter()
            if shape.tag in (f"{SVG}path", f"{SVG}polygon", f"{SVG}ellipse")
        ]
        images = [image.get(XLINK) or "" for image in group.iter(f"{SVG}image")]
        found.append((" ".join(text.split()), fills, images))
    return found


def _icon_data(kind: type, svg: str) -> set[str]:
    """The data URIs the icon of ``kind`` may be embedded as in ``svg``, at any drawn size."""
    import base64

    import diagrams

    from mlops_atlas.diagrams.render import icon_png

    package = Path(diagrams.__file__).resolve().parent.parent
    path = (package / kind._icon_dir / kind._icon).resolve()  # type: ignore[attr-defined]
    sizes = {
        (
            float(image.get("width", "0").removesuffix("px")),
            float(image.get("height", "0").removesuffix("px")),
        )
        for image in ET.fromstring(svg).iter(f"{SVG}image")
    }
    return {
        "data:image/png;base64," + base64.b64encode(icon_png(path, *size)).decode("ascii")
        for size in sizes | {(1e9, 1e9)}  # (1e9, 1e9): the file itself
    }


@pytest.mark.parametrize(
    "name",
    [
        "sculley2015-debt-map-2-4",
        "sculley2015-debt-map-5-6",
        "sculley2015-debt-map-7-8",
        "ashmore2021-lifecycle",
    ],
)
def test_every_box_colour_and_icon_of_a_map_is_in_its_legend(name: str, drawn: Path) -> None:
    """Colours and icons say what a box is: the legend shows each pair the boxes use."""
    svg = render_svg(name, drawn).read_text(encoding="utf-8")
    boxes = {
        (fill, images[0])
        for _, fills, images in _nodes(svg)
        for fill in fills[:1]
        if images and fill not in ("", "none", "transparent", "white")
    }
    legend = ET.fromstring(svg).find(f"{SVG}g")
    assert legend is not None
    outside_nodes = [
        element
        for element in legend
        if element.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}image")
    ]
    fills = {element.get("fill") for element in outside_nodes}
    images = {element.get(XLINK) for element in outside_nodes}
    assert len(boxes) >= 2
    for fill, image in boxes:
        assert fill in fills, f"{name}: boxes filled {fill} have no legend entry"
        assert image in images, f"{name}: an icon of its boxes is not in the legend"


@pytest.mark.parametrize("name", sorted(registry()))
def test_serving_is_not_drawn_as_people(name: str, drawn: Path) -> None:
    """A people icon stands for people: model serving and prediction services are servers."""
    from diagrams.onprem.client import Users

    svg = render_svg(name, drawn).read_text(encoding="utf-8")
    people = _icon_data(Users, svg)
    wrong = [
        text
        for text, _, images in _nodes(svg)
        if people & set(images) and re.search(r"serv(ing|ice)|infrastructure", text, re.IGNORECASE)
    ]
    assert wrong == []
