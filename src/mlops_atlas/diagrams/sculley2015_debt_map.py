"""The debt map of Sculley et al. 2015: every debt category, by section, linked to its demonstration.

The map is drawn in three parts (§2 to §4, §5 and §6, §7 and §8): the whole map on one
picture was so wide that a page's column shrank its text to 5 px.
"""

from __future__ import annotations

import itertools

from diagrams import Cluster, Diagram, Edge
from diagrams.programming.flowchart import Document, Inspection, PredefinedProcess

from mlops_atlas.diagrams.legend import Key, titled_legend
from mlops_atlas.diagrams.render import register
from mlops_atlas.site import paths

# Links are relative to where the SVG is served (mlops_atlas.site.paths.diagram_file).
_HERE = paths.diagram_file("sculley2015-debt-map-2-4")  # every part sits in the same folder
_EXAMPLE = paths.relative("examples", _HERE) + "/{}/"
_SCAN = paths.rule_anchor("{}", _HERE)
_READING = paths.relative("readings/sculley2015hidden", _HERE) + "/"

# Fill colours tell the reader what kind of demonstration a node links to.
_SIMULATED = "#cfe8d5"  # a seeded simulation that makes the debt observable
_SCANNED = "#fdebc8"  # a proxy the static debt scanner looks for
_READ_ONLY = "#eceff1"  # no demonstration yet: links to the reading page

# (section title, [(category, link, fill), ...]) in the paper's order.
_SECTIONS: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "§2 Complex Models\nErode Boundaries",
        [
            ("Entanglement\n(CACE)", _EXAMPLE.format("cace"), _SIMULATED),
            ("Correction\nCascades", _EXAMPLE.format("correction_cascade"), _SIMULATED),
            ("Undeclared\nConsumers", _SCAN.format("undeclared-consumers"), _SCANNED),
        ],
    ),
    (
        "§3 Data Dependencies Cost\nMore than Code Dependencies",
        [
            ("Unstable Data\nDependencies", _SCAN.format("unstable-data"), _SCANNED),
            (
                "Underutilized:\nlegacy, bundled,\nε-, correlated",
                _EXAMPLE.format("underutilized_features"),
                _SIMULATED,
            ),
            ("Static Analysis of\nData Dependencies", _SCAN.format("the-rules"), _SCANNED),
        ],
    ),
    (
        "§4 Feedback\nLoops",
        [
            ("Direct Feedback\nLoops", _EXAMPLE.format("feedback_loops"), _SIMULATED),
            ("Hidden Feedback\nLoops", _EXAMPLE.format("feedback_loops"), _SIMULATED),
        ],
    ),
    (
        "§5 ML-System\nAnti-Patterns",
        [
            ("Glue Code", _SCAN.format("glue-code"), _SCANNED),
            ("Pipeline Jungles", _SCAN.format("pipeline-jungle"), _SCANNED),
            ("Dead Experimental\nCodepaths", _SCAN.format("dead-codepaths"), _SCANNED),
            ("Abstraction Debt", _READING, _READ_ONLY),
            (
                "Smells: plain-old-\ndata, multiple-\nlanguage, prototype",
                _SCAN.format("plain-old-data"),
                _SCANNED,
            ),
        ],
    ),
    ("§6 Configuration\nDebt", [("Configuration\nDebt", _SCAN.format("configuration"), _SCANNED)]),
    (
        "§7 Changes in the\nExternal World",
        [
            (
                "Fixed Thresholds in\nDynamic Systems",
                _EXAMPLE.format("fixed_thresholds"),
                _SIMULATED,
            ),
            ("Monitoring:\nPrediction Bias", _EXAMPLE.format("fixed_thresholds"), _SIMULATED),
            ("Monitoring:\nAction Limits", _READING, _READ_ONLY),
            ("Monitoring:\nUp-Stream Producers", _READING, _READ_ONLY),
        ],
    ),
    (
        "§8 Other Areas of\nML-related Debt",
        [
            ("Data Testing Debt", _EXAMPLE.format("train_serve_skew"), _SIMULATED),
            ("Reproducibility Debt", _SCAN.format("process-hygiene"), _SCANNED),
            ("Process Management\nDebt", _READING, _READ_ONLY),
            ("Cultural Debt", _READING, _READ_ONLY),
        ],
    ),
]

_NODE = {
    "shape": "box",
    "style": "rounded,filled",
    "fixedsize": "true",
    "labelloc": "c",
    "width": "2.9",
    "height": "0.8",
    "fontsize": "13",
    "target": "_top",
    "imagescale": "true",
    "imagepos": "ml",
}
# The icon says the kind of demonstration too, for readers who cannot tell the fills apart.
_ICON = {_SIMULATED: PredefinedProcess, _SCANNED: Inspection, _READ_ONLY: Document}
_LEGEND = {
    _SIMULATED: Key("a seeded simulation shows it", fill=_SIMULATED, icon=PredefinedProcess),
    _SCANNED: Key("the debt scanner looks for it", fill=_SCANNED, icon=Inspection),
    _READ_ONLY: Key("no demonstration yet: the reading", fill=_READ_ONLY, icon=Document),
}
# Graphviz writes links as xlink:href="..."; the renderer embeds every double-quoted
# relative href as an image file, so links are rewritten with single quotes (still
# valid SVG) and only the icons are embedded.


def sections() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The map's content: section, then (category, link, fill) per node.

    Examples:
        >>> len(sections())
        7
        >>> " ".join(title.split()[0] for title, _ in sections())
        '§2 §3 §4 §5 §6 §7 §8'
    """
    return [(title, list(nodes)) for title, nodes in _SECTIONS]


def _indent(label: str) -> str:
    """Shift every line of a label right, clear of the icon at the node's left."""
    return "\n".join("          " + line for line in label.split("\n"))


# The map in three parts, each narrow enough for its text to stay legible in a page's
# column: (diagram name, sections by their number, caption, Spanish caption).
_PARTS: list[tuple[str, tuple[str, ...], str, str]] = [
    (
        "sculley2015-debt-map-2-4",
        ("§2", "§3", "§4"),
        "Debt in models, data and feedback loops (Sculley et al. 2015, §2 to §4), one column "
        "per section; most of it can be simulated (green), and each box opens its "
        "demonstration.",
        "La deuda en los modelos, los datos y los ciclos de retroalimentación (Sculley et al. "
        "2015, §2 a §4), una columna por sección; casi toda puede simularse (verde), y cada "
        "recuadro abre su demostración.",
    ),
    (
        "sculley2015-debt-map-5-6",
        ("§5", "§6"),
        "Debt in the code around the model (Sculley et al. 2015, §5 and §6): almost all of "
        "it is what the debt scanner looks for (amber); each box opens the scanner's rule.",
        "La deuda en el código alrededor del modelo (Sculley et al. 2015, §5 y §6): casi toda "
        "es lo que busca el escáner de deuda (ámbar); cada recuadro abre la regla del escáner.",
    ),
    (
        "sculley2015-debt-map-7-8",
        ("§7", "§8"),
        "Debt from a changing world and from the organisation (Sculley et al. 2015, §7 and "
        "§8): half of it has no demonstration (grey) and links to the reading; the rest "
        "opens a simulation or the scanner.",
        "La deuda que traen un mundo cambiante y la organización (Sculley et al. 2015, §7 y "
        "§8): la mitad no tiene demostración (gris) y lleva a la lectura; el resto abre una "
        "simulación o el escáner.",
    ),
]


def parts() -> list[tuple[str, list[str]]]:
    """The map's parts: each diagram's name and the sections it draws.

    Examples:
        >>> " ".join(name.removeprefix("sculley2015-debt-map-") for name, _ in parts())
        '2-4 5-6 7-8'
        >>> sum(len(numbers) for _, numbers in parts()) == len(sections())
        True
    """
    return [(name, list(numbers)) for name, numbers, _, _ in _PARTS]


def _draw(numbers: tuple[str, ...], filename: str) -> None:
    """The sections ``numbers`` of the map side by side, each box linked to a demonstration.

    Green boxes link to a seeded simulation, amber ones to the static debt
    scanner (which can only look for proxies), grey ones to the reading page.
    """
    chosen = [(title, nodes) for title, nodes in _SECTIONS if title.split()[0] in numbers]
    fills = {fill for _, nodes in chosen for _, _, fill in nodes}
    heading = f"Hidden technical debt in ML systems, {numbers[0]} to {numbers[-1]}"
    with Diagram(
        heading,
        filename=filename,
        outformat="svg",
        show=False,
        direction="LR",
        graph_attr={
            "pad": "0.3",
            "fontsize": "18",
            "labelloc": "t",
            "nodesep": "0.25",
            "ranksep": "0.4",
            # the legend names only the kinds of box this part shows
            "label": titled_legend(
                heading, [k for f, k in _LEGEND.items() if f in fills], per_row=1
            ),
        },
    ):
        firsts = []
        for title, nodes in chosen:
            with Cluster(
                title, graph_attr={"bgcolor": "#f7f9fb", "fontsize": "14", "margin": "12"}
            ):
                drawn = [
                    _ICON[fill](
                        _indent(label),
                        href=link,
                        tooltip=" ".join(label.split()),  # the category, not the raw path
                        fillcolor=fill,
                        **_NODE,
                    )
                    for label, link, fill in nodes
                ]
            firsts.append(drawn[0])
        for left, right in itertools.pairwise(firsts):
            left >> Edge(style="invis") >> right


def _register_parts() -> None:
    for name, numbers, title, title_es in _PARTS:

        def draw(filename: str, numbers: tuple[str, ...] = numbers) -> None:
            _draw(numbers, filename)

        register(name, title=title, title_es=title_es, reading="sculley2015hidden")(draw)


_register_parts()
