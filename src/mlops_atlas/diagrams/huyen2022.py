"""Diagrams for Huyen 2022, "Designing Machine Learning Systems" (O'Reilly).

Both are our drawings of the book's text, not copies of its figures: the six
steps of the iterative process (ch. 2, "Iterative Process") and the loop of
continual learning and testing in production (ch. 9). Each box names the
chapter or section it stands for.
"""

from __future__ import annotations

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.blank import Blank
from diagrams.generic.compute import Rack
from diagrams.generic.storage import Storage
from diagrams.programming.flowchart import (
    Database,
    Decision,
    Document,
    Inspection,
    MultipleDocuments,
    PredefinedProcess,
    Preparation,
    StoredData,
)

from mlops_atlas.diagrams.render import register

_NODE = {"width": "1.1", "height": "1.85", "fontsize": "13", "imagescale": "true"}
_GRAPH = {
    "pad": "0.4",
    "fontsize": "20",
    "labelloc": "t",
    "ranksep": "0.6",
    "nodesep": "0.45",
    "splines": "spline",  # the default, ortho, places no edge labels and crashes dot on some graphs
}
_BACK = {"color": "#c0392b", "style": "dashed", "fontcolor": "#c0392b", "fontsize": "12"}
_RECORD = {"color": "#888888", "style": "dotted", "arrowhead": "none"}
_NOTE = {"fontsize": "12", "fontcolor": "#444444"}


def _legend(entries: list[tuple[str, str, str]]) -> Blank:
    """A legend as one text node: each line shows a line style in its colour and its meaning.

    Args:
        entries: ``(sample, colour, meaning)``, e.g. ``("- - -", "#c0392b", "go back")``.
    """
    rows = "".join(
        f'<tr><td align="left"><font color="{colour}"><b>{sample}</b></font></td>'
        f'<td align="left">{meaning}</td></tr>'
        for sample, colour, meaning in entries
    )
    table = (
        '<<table border="1" color="#bbbbbb" cellborder="0" cellpadding="3">'
        f'<tr><td colspan="2" align="left"><b>Legend</b></td></tr>{rows}</table>>'
    )
    return Blank(table, shape="plaintext", fontsize="13")


@register(
    "huyen2022-iterative-process",
    title=(
        'Huyen, ch. 2 ("Iterative Process"): developing an ML system is a cycle of six steps, '
        "with the chapters that cover each; dashed arrows are the returns the chapter's "
        "ad-click example makes. Layout ours."
    ),
    reading="huyen2022designing",
    title_es=(
        "Huyen, cap. 2 («Iterative Process»): desarrollar un sistema de ML es un ciclo de "
        "seis pasos, con los capítulos que cubren cada uno; las flechas punteadas son los "
        "regresos que hace el ejemplo de clics en anuncios del capítulo. La disposición es "
        "nuestra."
    ),
)
def iterative_process(filename: str) -> None:
    """Scoping, data engineering, model development, deployment, monitoring, business analysis.

    The book walks an ad-click project through this cycle: wrong labels send it back
    to the data, a stale model back to training, a metric that does not move the
    business back to scoping.
    """
    with Diagram(
        "Huyen, ch. 2: the iterative process of ML systems design",
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={**_GRAPH, "newrank": "true", "ranksep": "0.9", "nodesep": "0.9"},
    ):
        row = {"rank": "same", "bgcolor": "#f7f9fb", "fontsize": "14"}
        with Cluster("Build", graph_attr=row):
            scoping = Decision("1. Project scoping\n(ch. 1, 2, 11)", **_NODE)
            data = Database("2. Data engineering\n(ch. 3, 4)", **_NODE)
            model = PredefinedProcess("3. ML model\ndevelopment\n(ch. 5, 6)", **_NODE)
        with Cluster("Run", graph_attr=row):
            business = Document("6. Business\nanalysis", **_NODE)
            monitor = Inspection("5. Monitoring and\ncontinual learning\n(ch. 8, 9)", **_NODE)
            deploy = Rack("4. Deployment\n(ch. 7)", **_NODE)
        with Cluster("", graph_attr={"rank": "same", "style": "invis"}):
            infrastructure = Storage(
                "Beneath every step: infrastructure\nand tooling (ch. 10): storage and\n"
                "compute, dev environment,\norchestrators, ML platform",
                width="1.1",
                fontsize="13",
                imagescale="true",
            )
            legend = _legend(
                [
                    ("——", "#7b8894", "next step"),
                    ("- - -", _BACK["color"], "go back (the chapter's ad-click example)"),
                    ("· · ·", _RECORD["color"], "supports"),
                ]
            )

        scoping >> data >> model
        model >> deploy
        # the second row runs right to left: order it with invisible edges, draw it unconstrained
        business >> Edge(style="invis") >> monitor >> Edge(style="invis") >> deploy
        deploy >> Edge(constraint="false") >> monitor >> Edge(constraint="false") >> business
        business >> Edge(xlabel="next iteration", **_NOTE) >> scoping
        (
            model
            >> Edge(xlabel="wrong labels:\nrelabel, collect more", constraint="false", **_BACK)
            >> data
        )
        monitor >> Edge(xlabel="stale model:\nretrain on recent data", **_BACK) >> model
        (
            business
            >> Edge(style="invis")
            >> legend
            >> Edge(style="invis", minlen="3")
            >> infrastructure
        )
        for step in (monitor, deploy):
            step >> Edge(**_RECORD) >> infrastructure


@register(
    "huyen2022-continual-learning",
    title=(
        "Huyen, ch. 9: continual learning and test in production as one loop. A trigger "
        "(time, performance, volume or drift) starts an update, stateless or stateful; the "
        "candidate is evaluated offline, then tested on live traffic before it replaces the "
        "model in service. Layout and grouping ours."
    ),
    reading="huyen2022designing",
    title_es=(
        "Huyen, cap. 9: el aprendizaje continuo y la prueba en producción como un solo ciclo. "
        "Un disparador (tiempo, desempeño, volumen o deriva) inicia una actualización, sin "
        "estado o con estado; el candidato se evalúa fuera de línea y luego se prueba con "
        "tráfico real antes de reemplazar al modelo en servicio. La disposición y el "
        "agrupamiento son nuestros."
    ),
)
def continual_learning(filename: str) -> None:
    """Serve, monitor, trigger, update, evaluate, test in production, promote or abort."""
    with Diagram(
        "Huyen, ch. 9: continual learning and test in production",
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={**_GRAPH, "newrank": "true", "ranksep": "0.9", "nodesep": "0.8"},
    ):
        row = {"rank": "same", "fontsize": "14"}
        with Cluster("Watch", graph_attr={**row, "bgcolor": "#f7f9fb"}):
            serving = Rack("Model in service\n(ch. 7)", **_NODE)
            monitoring = Inspection(
                "Monitoring (ch. 8):\ninputs, predictions,\nlabels as they arrive", **_NODE
            )
            trigger = Decision("Update now? On time,\nperformance, volume\nor drift", **_NODE)
        with Cluster("Update and test", graph_attr={**row, "bgcolor": "#eef4fb"}):
            tests = MultipleDocuments(
                "Test in production:\nshadow, A/B test,\ncanary, interleaving,\nbandits",
                width="1.1",
                fontsize="13",
                imagescale="true",
            )
            evaluate = Inspection(
                "Offline evaluation\nagainst the model\nin service (ch. 6)", **_NODE
            )
            update = Preparation(
                "Update on fresh labelled\ndata: stateless (from\nscratch, on a window)\n"
                "or stateful (from the\nlast checkpoint)",
                width="1.1",
                fontsize="13",
                imagescale="true",
            )
        with Cluster("", graph_attr={"rank": "same", "style": "invis"}):
            legend = _legend(
                [
                    ("——", "#7b8894", "the loop"),
                    ("- - -", _BACK["color"], "stop, or wait"),
                    ("· · ·", _RECORD["color"], "recorded in"),
                ]
            )
            store = StoredData("Model store: versions\nand lineage (ch. 9, 10)", **_NODE)

        serving >> monitoring >> trigger
        trigger >> Edge(xlabel="not yet", constraint="false", **_BACK) >> monitoring
        trigger >> Edge(xlabel="yes", **_NOTE) >> update
        # the second row runs right to left: order it with invisible edges, draw it unconstrained
        tests >> Edge(style="invis") >> evaluate >> Edge(style="invis") >> update
        update >> Edge(constraint="false") >> evaluate >> Edge(constraint="false") >> tests
        tests >> Edge(xlabel="better: replace", **_NOTE) >> serving
        tests >> Edge(xlabel="worse: abort", **_BACK) >> store
        update >> Edge(**_RECORD) >> store
        tests >> Edge(style="invis") >> legend >> Edge(style="invis", minlen="3") >> store
