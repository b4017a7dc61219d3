"""Diagrams for Sculley et al. 2015, "Hidden Technical Debt in Machine Learning Systems"."""

from __future__ import annotations

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.compute import Rack
from diagrams.generic.storage import Storage
from diagrams.onprem.compute import Server
from diagrams.programming.flowchart import (
    Display,
    Document,
    Inspection,
    ManualLoop,
    PredefinedProcess,
)
from diagrams.programming.language import Python

from mlops_atlas.diagrams.render import register

# The boxes are drawn large and "ML Code" small on purpose: the figure's point is
# that the learning code is a small part of a real ML system.
# Nodes are an icon (width x width) with the label below it, hence height > width.
_LARGE = {"width": "1.2", "height": "1.85", "fontsize": "14"}
_LARGE_TWO_LINES = {**_LARGE, "height": "2.1"}
_SMALL = {"width": "0.6", "height": "1.0", "fontsize": "13", "fontcolor": "#c0392b"}
# Cluster titles at the labels' size: Graphviz's default (12 pt) is the smallest text.
_ZONE = {"fontsize": "14"}


@register(
    "sculley2015-figure1",
    title=(
        "Sculley et al. 2015, Figure 1, redrawn: the ML code is a small box amid the "
        "infrastructure a real ML system needs."
    ),
    reading="sculley2015hidden",
    title_es=(
        "Sculley et al. 2015, Figura 1, redibujada: el código de ML es un recuadro pequeño en "
        "medio de la infraestructura que necesita un sistema de ML real."
    ),
)
def figure1(filename: str) -> None:
    """Figure 1: only a small fraction of a real-world ML system is ML code.

    The nine surrounding boxes are the ones the figure names; edges show the
    path of data from collection to serving and monitoring, and the support
    every stage needs. The layout is ours; the boxes are the paper's.
    """
    with Diagram(
        "Only a small fraction of a real ML system is ML code",
        filename=filename,
        outformat="svg",
        show=False,
        direction="LR",
        graph_attr={
            "pad": "0.3",
            "fontsize": "18",
            "labelloc": "t",
            "nodesep": "0.25",
            "ranksep": "0.45",
        },
    ):
        with Cluster("Data", graph_attr={**_ZONE, "bgcolor": "#eef4fb"}):
            collection = Storage("Data Collection", **_LARGE)
            verification = Inspection("Data Verification", **_LARGE)
            extraction = PredefinedProcess("Feature Extraction", **_LARGE)
        ml_code = Python("ML Code", **_SMALL)
        with Cluster("Serving", graph_attr={**_ZONE, "bgcolor": "#eefbf1"}):
            serving = Server("Serving\nInfrastructure", **_LARGE_TWO_LINES)  # a server, not people
            monitoring = Display("Monitoring", **_LARGE)
        with Cluster("Around every stage", graph_attr={**_ZONE, "bgcolor": "#fbf6ee"}):
            configuration = Document("Configuration", **_LARGE)
            resources = Rack("Machine Resource\nManagement", **_LARGE_TWO_LINES)
            analysis = Display("Analysis Tools", **_LARGE)
            process = ManualLoop("Process\nManagement Tools", **_LARGE_TWO_LINES)

        collection >> verification >> extraction >> ml_code >> serving >> monitoring
        # Invisible edges lay the support boxes out as a row under the data path;
        # dotted ties (which do not move anything) show they serve the ML code.
        configuration >> Edge(style="invis") >> resources >> Edge(style="invis") >> analysis
        analysis >> Edge(style="invis") >> process
        for support in (configuration, resources, analysis, process):
            ml_code - Edge(style="dotted", color="#b0b8c0", constraint="false") - support
