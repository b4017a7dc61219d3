"""Diagrams for Sculley et al. 2015, "Hidden Technical Debt in Machine Learning Systems"."""

from __future__ import annotations

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.compute import Rack
from diagrams.generic.storage import Storage
from diagrams.onprem.client import Users
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
_LARGE = {"width": "1.6", "height": "2.3", "fontsize": "14"}
_SMALL = {"width": "0.6", "height": "1.0", "fontsize": "12", "fontcolor": "#c0392b"}


@register(
    "sculley2015-figure1",
    title=(
        "Sculley et al. 2015, Figure 1, redrawn: the ML code is a small box amid the "
        "infrastructure a real ML system needs."
    ),
    reading="sculley2015hidden",
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
        graph_attr={"pad": "0.4", "fontsize": "18", "labelloc": "t"},
    ):
        configuration = Document("Configuration", **_LARGE)
        with Cluster("Data", graph_attr={"bgcolor": "#eef4fb"}):
            collection = Storage("Data Collection", **_LARGE)
            verification = Inspection("Data Verification", **_LARGE)
            extraction = PredefinedProcess("Feature Extraction", **_LARGE)
        ml_code = Python("ML Code", **_SMALL)
        with Cluster("Serving", graph_attr={"bgcolor": "#eefbf1"}):
            serving = Users("Serving\nInfrastructure", **_LARGE)
            monitoring = Display("Monitoring", **_LARGE)
        with Cluster("Support", graph_attr={"bgcolor": "#fbf6ee"}):
            resources = Rack("Machine Resource\nManagement", **_LARGE)
            analysis = Display("Analysis Tools", **_LARGE)
            process = ManualLoop("Process\nManagement Tools", **_LARGE)

        collection >> verification >> extraction >> ml_code >> serving >> monitoring
        configuration >> Edge(style="dashed", label="configures every stage") >> ml_code
        for support in (resources, analysis, process):
            support >> Edge(style="dotted", arrowhead="none") >> ml_code
