"""Diagram for Fowler 2010, "BlueGreenDeployment": switching all traffic between two copies.

None of the course readings names blue/green deployment; Fowler's short note is the usual
reference. In Kubernetes the switch is a change of the Service's label selector.
"""

from __future__ import annotations

import functools

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.blank import Blank
from diagrams.k8s.compute import Pod
from diagrams.k8s.network import Service
from diagrams.onprem.client import Users

from mlops_atlas.diagrams.render import labelled_node, register

_node = functools.partial(labelled_node, fontsize=14)
_ANSWER = {"color": "#1a5276", "penwidth": "2", "fontsize": "13"}
_IDLE = {"color": "#888888", "style": "dashed", "fontsize": "13", "fontcolor": "#555555"}


@register(
    "fowler2010-blue-green",
    title=(
        "Blue/green deployment (Fowler 2010): two complete copies; the router sends all "
        "traffic to one (blue, v1) while the other (green, v2) is deployed and checked, then "
        "switches at once; switching back is the rollback."
    ),
    reading="fowler2010bluegreen",
    title_es=(
        "Despliegue azul/verde (Fowler 2010): dos copias completas; el enrutador envía todo "
        "el tráfico a una (azul, v1) mientras la otra (verde, v2) se despliega y se verifica, "
        "y luego cambia de una vez; volver atrás es la vuelta atrás (rollback)."
    ),
)
def blue_green(filename: str) -> None:
    """A Service selecting one of two full environments."""
    with Diagram(
        "Blue/green: switch everything at once, switch back to roll back",
        filename=filename,
        outformat="svg",
        show=False,
        direction="LR",
        graph_attr={"pad": "0.4", "fontsize": "20", "labelloc": "t", "ranksep": "0.7"},
    ):
        users = _node(Users, "users")
        router = _node(Service, "Service\nselector:\ncolor=blue")
        with Cluster("blue: v1, live", graph_attr={"bgcolor": "#e8f0fb", "fontsize": "15"}):
            blue = [_node(Pod, f"v1 pod {n}") for n in (1, 2)]
        with Cluster("green: v2, ready, idle", graph_attr={"bgcolor": "#eafbea", "fontsize": "15"}):
            green = [_node(Pod, f"v2 pod {n}") for n in (1, 2)]
        users >> Edge(label="100%", **_ANSWER) >> router
        for pod in blue:
            router >> Edge(**_ANSWER) >> pod
        router >> Edge(label="after the switch\n(selector: color=green)", **_IDLE) >> green[0]
        router >> Edge(**_IDLE) >> green[1]
        with Cluster("Legend", graph_attr={"fontsize": "15", "style": "dashed"}):
            for label, style in (("live traffic", _ANSWER), ("traffic after the switch", _IDLE)):
                start, end = (
                    Blank("", width="0.2", height="0.2"),
                    Blank("", width="0.2", height="0.2"),
                )
                start >> Edge(label=label, **style) >> end
