"""The ML lifecycle of Ashmore, Calinescu and Paterson (2021) with the desiderata of each stage."""

from __future__ import annotations

import itertools

from diagrams import Cluster, Diagram, Edge
from diagrams.programming.flowchart import Document, Inspection, PredefinedProcess

from mlops_atlas.assurance.desiderata import DESIDERATA, STAGES
from mlops_atlas.diagrams.legend import Key, titled_legend
from mlops_atlas.diagrams.render import register

# Fill says who can judge a desideratum; the icon says it too, for readers who cannot tell fills apart.
_CHECKED = "#cfe8d5"  # a named check in mlops_atlas.assurance measures it
_PEOPLE = "#fdebc8"  # no program can judge it: an argument a person reviews
_BOX = {
    "shape": "box",
    "style": "rounded,filled",
    "fixedsize": "true",
    "labelloc": "c",
    "width": "2.45",
    "height": "0.7",
    "fontsize": "14",
    "imagescale": "true",
    "imagepos": "ml",
}
_STAGE = {"width": "1.3", "height": "1.9", "fontsize": "15"}


def _label(text: str) -> str:
    return "        " + text  # clear of the icon at the box's left


@register(
    "ashmore2021-lifecycle",
    title=(
        "The ML lifecycle of Ashmore et al. (2021): four stages (§4 to §7) and the desiderata of "
        "each; green ones have a check in mlops_atlas.assurance, amber ones need people."
    ),
    reading="ashmore2021assuring",
    title_es=(
        "El ciclo de vida del ML de Ashmore et al. (2021): cuatro etapas (§4 a §7) y los "
        "desiderata de cada una; los verdes tienen una comprobación en mlops_atlas.assurance, "
        "los ámbar requieren personas."
    ),
)
def lifecycle(filename: str) -> None:
    """The four stages with their desiderata; the dashed arrow is feedback to earlier stages."""
    heading = "Assuring the ML lifecycle: stages and their desiderata"
    legend = [
        Key("a program checks it", fill=_CHECKED, icon=Inspection),
        Key("it needs people", fill=_PEOPLE, icon=Document),
        Key("feedback to an earlier stage", line="dashed"),
    ]
    with Diagram(
        heading,
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={
            "pad": "0.3",
            "fontsize": "18",
            "labelloc": "t",
            "nodesep": "0.2",
            "ranksep": "0.5",
            "newrank": "true",
            "label": titled_legend(heading, legend),
        },
    ):
        stages = []
        for stage, section in STAGES:
            with Cluster(
                f"{stage.capitalize()} ({section})",
                graph_attr={"bgcolor": "#f7f9fb", "fontsize": "15"},
            ):
                previous = head = PredefinedProcess(stage.replace(" ", "\n"), **_STAGE)
                for item in (d for d in DESIDERATA if d.stage == stage):
                    icon, fill = (Inspection, _CHECKED) if item.checkable else (Document, _PEOPLE)
                    node = icon(_label(item.name), fillcolor=fill, **_BOX)
                    previous >> Edge(style="invis") >> node
                    previous = node
            stages.append(head)
        for left, right in itertools.pairwise(stages):
            left >> Edge(penwidth="2", constraint="false") >> right
        stages[-1] >> Edge(style="dashed", constraint="false") >> stages[0]  # the legend names it
