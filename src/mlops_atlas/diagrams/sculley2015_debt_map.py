"""The debt map of Sculley et al. 2015: every debt category, by section, linked to its demonstration."""

from __future__ import annotations

import itertools

from diagrams import Cluster, Diagram, Edge
from diagrams.programming.flowchart import Document, Inspection, PredefinedProcess

from mlops_atlas.diagrams.render import register
from mlops_atlas.site import paths

# Links are relative to where the SVG is served (mlops_atlas.site.paths.diagram_file).
_HERE = paths.diagram_file("sculley2015-debt-map")
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
# Graphviz writes links as xlink:href="..."; the renderer embeds every double-quoted
# relative href as an image file, so links are rewritten with single quotes (still
# valid SVG) and only the icons are embedded.


def sections() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The map's content: section, then (category, link, fill) per node.

    Example:
        >>> len(sections())
        7
        >>> " ".join(title.split()[0] for title, _ in sections())
        '§2 §3 §4 §5 §6 §7 §8'
    """
    return [(title, list(nodes)) for title, nodes in _SECTIONS]


def _indent(label: str) -> str:
    """Shift every line of a label right, clear of the icon at the node's left."""
    return "\n".join("          " + line for line in label.split("\n"))


@register(
    "sculley2015-debt-map",
    title=(
        "The debt categories of Sculley et al. 2015 by section; click a box for its "
        "demonstration (green: simulation, amber: debt scanner, grey: reading only)."
    ),
    reading="sculley2015hidden",
    title_es=(
        "Las categorías de deuda de Sculley et al. 2015 por sección; haga clic en un recuadro "
        "para ver su demostración (verde: simulación, ámbar: escáner de deuda, gris: solo "
        "lectura)."
    ),
)
def debt_map(filename: str) -> None:
    """Every debt category of the paper in its section, each linked to a demonstration.

    Green boxes link to a seeded simulation, amber ones to the static debt
    scanner (which can only look for proxies), grey ones to the reading page.
    """
    with Diagram(
        "Hidden technical debt in ML systems, by section of Sculley et al. 2015",
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
        },
    ):
        firsts = []
        for title, nodes in _SECTIONS:
            with Cluster(
                title, graph_attr={"bgcolor": "#f7f9fb", "fontsize": "14", "margin": "12"}
            ):
                drawn = [
                    _ICON[fill](_indent(label), href=link, tooltip=link, fillcolor=fill, **_NODE)
                    for label, link, fill in nodes
                ]
            firsts.append(drawn[0])
        for left, right in itertools.pairwise(firsts):
            left >> Edge(style="invis") >> right
